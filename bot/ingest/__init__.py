"""Briefing ingest: wire stories, Markdown, JSON and plain text into ``Draft``s.

``parse_document`` (bytes from a file, upload or stdin) and ``parse_text`` (text
from a Discord modal) never raise for bad input; every problem comes back as an
``IngestError`` naming the file (and item), the line or field, and the reason.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from bot.ingest._document import DEFAULT_MAX_BYTES, detect_format, parse_document, parse_text
from bot.ingest._draft import IngestError, IngestResult, InvalidDraftError, make_draft
from bot.ingest._text import MAX_TITLE, format_when

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_TITLE",
    "IngestError",
    "IngestResult",
    "InvalidDraftError",
    "detect_format",
    "format_when",
    "make_draft",
    "parse_document",
    "parse_text",
    "sample_paths",
]

_SAMPLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".json"})


def _suffix(name: str) -> str:
    return name[name.rfind(".") :].lower() if "." in name else ""


def sample_paths() -> list[Path]:
    """The sample briefings shipped in ``bot/samples/``, sorted by name."""
    folder = files("bot").joinpath("samples")
    if not folder.is_dir():
        return []
    return sorted(
        (
            Path(str(entry))
            for entry in folder.iterdir()
            if entry.is_file() and _suffix(entry.name) in _SAMPLE_SUFFIXES
        ),
        key=lambda p: p.name,
    )
