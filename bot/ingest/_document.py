"""From bytes or text to drafts: size, encoding and binary checks, then format detection."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from bot.ingest import _text
from bot.ingest._draft import IngestError, IngestResult
from bot.ingest._formats import PARSERS

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200_000
STDIN = "-"

FORMAT_ALIASES = {
    "wire": "wire",
    "markdown": "markdown",
    "md": "markdown",
    "json": "json",
    "plain": "plain",
    "text": "plain",
    "txt": "plain",
}
_BY_EXTENSION = {".json": "json", ".md": "markdown", ".markdown": "markdown"}

# Bytes that never appear in text a person typed: C0 controls other than tab, LF,
# FF and CR, plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SNIFF = 8192
_MAX_CONTROL_SHARE = 0.10
_HEADING = re.compile(r"\s{0,3}#\s+\S")


def origin_name(filename: str) -> str:
    """How a file is named in messages: its base name, or ``stdin`` for ``-``."""
    if filename in (STDIN, ""):
        return "stdin"
    return PurePath(filename).name or filename


def _fail(origin: str, reason: str, location: str | None = None) -> IngestResult:
    return IngestResult([], [IngestError(origin, location, reason)])


def _mostly_control(sample_len: int, controls: int) -> bool:
    return sample_len > 0 and controls / sample_len > _MAX_CONTROL_SHARE


def detect_format(text: str, filename: str) -> str:
    """``wire``, ``markdown``, ``json`` or ``plain`` from the extension, else from the content.

    ``.json`` and ``.md``/``.markdown`` decide by name; ``.txt`` is wire when the first
    non-empty line is a dateline, else plain; any other name (or stdin) is sniffed:
    ``{``/``[`` means JSON, ``---`` front matter or a ``# Heading`` first means Markdown.
    """
    ext = PurePath(filename).suffix.lower() if filename != STDIN else ""
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0]
    if ext != ".txt":
        if stripped[:1] in ("{", "["):
            return "json"
        if first_line.strip() in ("---", "+++") or _HEADING.match(first_line):
            return "markdown"
    if _text.looks_like_dateline(first_line):
        return "wire"
    return "plain"


def _resolve_now(now: datetime | None, tz: ZoneInfo) -> datetime:
    return datetime.now(UTC) if now is None else _text.to_utc(now, tz)


def parse_text(
    text: str,
    filename: str,
    *,
    fmt: str | None = None,
    tz: ZoneInfo,
    now: datetime | None = None,
    max_bytes: int | None = None,
) -> IngestResult:
    """Parse already-decoded text (e.g. from a Discord modal). Never raises for bad input.

    ``fmt`` forces a format (``wire``, ``markdown``/``md``, ``json``, ``plain``/``text``);
    ``None`` detects it from ``filename`` and the content.
    """
    if fmt is not None and fmt.lower() not in FORMAT_ALIASES:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(sorted(FORMAT_ALIASES))}")
    origin = origin_name(filename)
    if max_bytes is not None:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            return _fail(origin, f"too large: {size:,} bytes, the limit is {max_bytes:,} bytes")
    if "\x00" in text:
        offset = text.index("\x00")
        return _fail(origin, f"binary data, not text (NUL character at offset {offset})")
    sample = text[:_SNIFF]
    if _mostly_control(len(sample), len(_CONTROL_CHARS.findall(sample))):
        return _fail(origin, "binary data, not text (mostly control characters)")
    text = _text.normalise_newlines(text)
    if not text.strip() or _text.invisible_only(text):
        return _fail(origin, "empty input")
    kind = FORMAT_ALIASES[fmt.lower()] if fmt else detect_format(text, filename)
    result = PARSERS[kind](text, origin, tz, _resolve_now(now, tz))
    log.debug("parsed %s as %s: %d drafts, %d errors", origin, kind, len(result.drafts), len(result.errors))
    return result


def parse_document(
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo,
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
    fmt: str | None = None,
) -> IngestResult:
    """Parse an uploaded or read file. Never raises for bad input: problems come back as errors.

    Checks, in order: size (against ``max_bytes``), empty, UTF-16, binary (NUL bytes
    or mostly control bytes), UTF-8 validity (naming the byte offset and line); then
    the format is detected and parsed. ``filename`` ``"-"`` means stdin.
    """
    origin = origin_name(filename)
    if len(data) > max_bytes:
        return _fail(origin, f"too large: {len(data):,} bytes, the limit is {max_bytes:,} bytes")
    if not data.strip():
        return _fail(origin, "empty input")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _fail(origin, "not UTF-8: the file is UTF-16 (byte order mark at offset 0); save it as UTF-8")
    if (nul := data.find(b"\x00")) != -1:
        return _fail(origin, f"binary data, not text (NUL byte at offset {nul})")
    sample = data[:_SNIFF]
    if _mostly_control(len(sample), len(sample) - len(sample.translate(None, _CONTROL_BYTES))):
        return _fail(origin, "binary data, not text (mostly control characters)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return _fail(
            origin,
            f"not UTF-8: invalid byte 0x{bad} at byte offset {exc.start}; save the file as UTF-8",
            f"line {line}",
        )
    return parse_text(text, filename, fmt=fmt, tz=tz, now=now)
