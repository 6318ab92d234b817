"""An article's text and metadata from its web page, with trafilatura.

Used for single-page sources and, when a source has ``full_text`` on, for entries whose
feed gives only a teaser. trafilatura finds the main text among menus, footers and related
links, and reads the title, date and canonical URL from the page's metadata. It makes no
network requests of its own here (it is handed the page the fetcher already read) and
loads nothing at run time. Importing it takes about half a second and ~25 MB, so it is
imported on first use, in a worker thread like each extraction (~10-20 ms of CPU a page).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.sources._feeds import parse_date

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    text: str  # paragraphs separated by a blank line
    published: datetime | None
    canonical_url: str | None
    language: str | None


def extract_article(html: bytes, url: str, tz: ZoneInfo) -> Article | None:
    """The main text of a page and its metadata, or None when the page has no article text.
    CPU work: call it in a thread."""
    import trafilatura  # here, not at the top: see the module's docstring

    try:
        found: Any = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # a page is anyone's input: the feed's own text is used instead
        log.warning("%s: no article read (%s: %s)", url, type(exc).__name__, exc)
        return None
    if found is None:
        return None
    text = str(getattr(found, "text", "") or "")
    title = _clean(getattr(found, "title", None))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    if title and paragraphs and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the page's own headline, repeated as its first line
    if not paragraphs:
        return None
    language = _clean(getattr(found, "language", None))
    return Article(
        title=title,
        text="\n\n".join(paragraphs),
        published=_date(getattr(found, "date", None), tz),
        canonical_url=_clean(getattr(found, "url", None)),
        language=language.split("-")[0].lower() if language else None,
    )


def _clean(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _date(value: object, tz: ZoneInfo) -> datetime | None:
    """trafilatura gives the page's date as ``YYYY-MM-DD``: the start of that day in ``tz``."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return parse_date(value, tz)
    return datetime.combine(day, time(), tzinfo=tz)
