"""A fetched document as feed entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON
Feed (which feedparser does not read) with ``json``, and HTML pages told apart from both.

XML is input from anyone, so entity declarations never run: a document whose prolog
declares one (billion laughs, external entities) is refused before any parser sees it, and
feedparser's SAX parser is defusedxml's, which refuses them too. feedparser is handed a
stream, never a string it might take for a URL or a file name to open.

Entries come back newest first, at most ``max_entries``; their text is plain (HTML turned
into paragraphs) and their links absolute.
"""

from __future__ import annotations

import email.utils
import io
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
import feedparser.api
from defusedxml import DefusedXmlException

from bot.sources._html import html_to_text

log = logging.getLogger(__name__)

# feedparser builds its SAX parser from this list (its default asks for libxml2 first):
# defusedxml's expat reader raises on any entity declaration or external reference.
feedparser.api.PREFERRED_XML_PARSERS[:] = ["defusedxml.expatreader"]

_PROLOG_WINDOW = 64 * 1024
_ROOT_TAG = re.compile(r"<[A-Za-z_]")
_FEED_MARKS = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)\b", re.IGNORECASE)
_HTML_MARKS = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "http://jsonfeed.org/version/1")


class FeedError(ValueError):
    """Why a document cannot be read as a feed (or a page)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, as plain text."""

    guid: str | None
    link: str | None
    title: str
    text: str  # plain paragraphs: the full content when the feed has it, else its summary
    full: bool  # the feed gave the entry's content, not only a summary
    published: datetime | None  # aware; a date without an offset is in the source's zone
    tags: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    kind: str  # feedparser's version ("rss20", "atom10", "rss10", ...), "json" or "page"
    title: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_page(body: bytes, content_type: str | None) -> bool:
    """True for an HTML page rather than a feed (a feed served as text/html is still a feed)."""
    head = body[:4096]
    if _FEED_MARKS.search(head):
        return False
    if content_type and "html" in content_type.lower():
        return True
    return bool(_HTML_MARKS.search(head))


def parse_feed(
    body: bytes, *, url: str, content_type: str | None, tz: ZoneInfo, max_entries: int
) -> ParsedFeed:
    """The entries of an RSS, Atom or JSON feed; ``FeedError`` saying why it is not one."""
    if not body.strip():
        raise FeedError("the document is empty")
    if _is_json(body, content_type):
        return _json_feed(body, url, tz, max_entries)
    if "<!ENTITY" in _prolog(body):
        raise FeedError(
            "the document declares XML entities (<!ENTITY>), which briefbot never expands "
            "(they are how billion-laughs and external-entity attacks work)"
        )
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True
        )
    except DefusedXmlException as exc:
        raise FeedError(f"the document declares XML entities or external references ({exc})") from None
    except Exception as exc:  # feedparser on hostile input: &#2000000; is a ValueError, say
        log.info("%s: feedparser failed: %r", url, exc)
        raise FeedError(f"not a readable feed ({type(exc).__name__}: {str(exc)[:200]})") from None
    version = str(parsed.get("version") or "")
    entries = parsed.get("entries") or []
    if not version and not entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS, Atom or JSON feed{f' ({problem})' if problem else ''}")
    if parsed.get("bozo") and not entries:
        raise FeedError(f"not well-formed XML ({parsed.get('bozo_exception')}), and no entry could be read")
    if parsed.get("bozo"):
        log.info("%s: feed is not well-formed, read leniently (%s)", url, parsed.get("bozo_exception"))
    feed = parsed.get("feed") or {}
    language = _language(feed.get("language"))
    items = [_feedparser_entry(e, url, tz, language) for e in entries]
    return ParsedFeed(version or "unknown", _plain(feed.get("title")), language, _newest(items, max_entries))


def _prolog(body: bytes) -> str:
    """What comes before the root element (the XML declaration, a DOCTYPE and its internal
    subset), as text: UTF-16 when the document says so with a byte order mark, else read
    byte for byte (every ASCII-compatible encoding spells ``<!ENTITY`` the same)."""
    window = body[:_PROLOG_WINDOW]
    if window.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = window.decode("utf-16", errors="replace")
    else:
        text = window.decode("latin-1")
    root = _ROOT_TAG.search(text)
    return text[: root.start()] if root else text


def _is_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


def _json_feed(body: bytes, url: str, tz: ZoneInfo, max_entries: int) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"JSON feed is not UTF-8 (invalid byte at offset {exc.start})") from None
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(JSON_FEED_VERSIONS):
        raise FeedError("JSON without a JSON Feed version (https://jsonfeed.org/version/1.1)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    language = _language(data.get("language"))
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html = _string(item.get("content_html"))
        plain = _string(item.get("content_text"))
        summary = _string(item.get("summary"))
        text = html_to_text(html) if html else (plain or "").strip() or html_to_text(summary or "")
        link = _string(item.get("url")) or _string(item.get("external_url"))
        item_id = item.get("id")
        raw_tags = item.get("tags")
        tags = raw_tags if isinstance(raw_tags, list) else []
        entries.append(
            FeedEntry(
                guid=str(item_id).strip()
                if isinstance(item_id, str | int) and str(item_id).strip()
                else None,
                link=urljoin(url, link) if link else None,
                title=_plain(_string(item.get("title"))) or "",
                text=text,
                full=bool(html or plain),
                published=parse_date(
                    _string(item.get("date_published")) or _string(item.get("date_modified")), tz
                ),
                tags=tuple(str(t) for t in tags if isinstance(t, str)),
                language=_language(item.get("language")) or language,
            )
        )
    return ParsedFeed("json", _plain(_string(data.get("title"))), language, _newest(entries, max_entries))


def _feedparser_entry(entry: Any, base: str, tz: ZoneInfo, language: str | None) -> FeedEntry:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        text = "\n\n".join(_text_of(c.get("value", ""), c.get("type")) for c in contents)
    else:
        detail = entry.get("summary_detail") or {}
        text = _text_of(entry.get("summary") or "", detail.get("type"))
    raw_date = entry.get("published") or entry.get("updated") or entry.get("created")
    published = parse_date(raw_date, tz)
    if published is None:
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:
            year, month, day, hour, minute, second = parsed[:6]
            published = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    link = entry.get("link")
    guid = entry.get("id") or entry.get("guid")
    tags = tuple(str(t.get("term") or t.get("label") or "") for t in entry.get("tags") or [])
    return FeedEntry(
        guid=str(guid).strip() if guid and str(guid).strip() else None,
        link=urljoin(base, str(link).strip()) if link else None,
        title=_plain(entry.get("title")) or "",
        text=text,
        full=bool(contents),
        published=published,
        tags=tuple(t for t in tags if t),
        language=_language((entry.get("title_detail") or {}).get("language")) or language,
    )


def _text_of(value: str, kind: str | None) -> str:
    if kind and "html" not in kind:
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", value) if p.strip())
    return html_to_text(value)


def _plain(value: object) -> str | None:
    """A title or name as one line of text (feeds put markup and entities in titles too)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(html_to_text(value).split()) or None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _language(value: object) -> str | None:
    """``uk``, ``ru`` or ``en`` from a feed's language tag (``uk-UA``, ``ru``, ``en-GB``)."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in ("en", "uk", "ru") else None


def parse_date(value: str | None, tz: ZoneInfo) -> datetime | None:
    """An RFC 822 (RSS) or RFC 3339 (Atom, JSON Feed) date; one without an offset is in ``tz``."""
    if not value or not value.strip():
        return None
    text = value.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _newest(entries: list[FeedEntry], limit: int) -> tuple[FeedEntry, ...]:
    """Newest first (by date where every entry has one, else as the feed lists them), at most ``limit``."""
    if entries and all(e.published is not None for e in entries):
        order = sorted(range(len(entries)), key=lambda i: (entries[i].published, -i), reverse=True)
        entries = [entries[i] for i in order]
    return tuple(entries[:limit])
