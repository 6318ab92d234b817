"""The four input formats: wire, Markdown, JSON and plain text.

Each parser takes decoded text (newlines already normalised to ``\\n``), the
origin name for messages, the publisher's zone and ``now``, and returns an
``IngestResult``. None of them raises for bad input.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.ingest import _text
from bot.ingest._draft import IngestError, IngestResult, InvalidDraftError, make_draft
from bot.ingest._markdown import plain_inline, read_markdown

Parser = Callable[[str, str, ZoneInfo, datetime], IngestResult]

# ``Source: https://…``, ``URL: …``, ``Tags: a, b`` (and ``Published: …`` in plain text),
# with the Ukrainian labels local wires use.
_META = re.compile(
    r"\s*(source|url|link|tags|published|date|джерело|посилання|теги|мітки)\s*:\s*(.*?)\s*", re.IGNORECASE
)
_META_ALIASES = {"джерело": "source", "посилання": "link", "теги": "tags", "мітки": "tags"}
_URLISH = re.compile(r"(?:[a-z][a-z0-9+.\-]*:\S|www\.)", re.IGNORECASE)
_HEADER_WINDOW = 5  # meta lines are looked for among this many non-empty lines at the top
_FOOTER_WINDOW = 4  # ... and this many at the end


class _Collector:
    """Fields gathered by a text parser, with where each came from and the errors so far."""

    def __init__(self, origin: str, tz: ZoneInfo, now: datetime) -> None:
        self.origin = origin
        self.tz = tz
        self.now = now
        self.title: str | None = None
        self.body: str | None = None
        self.published_at: datetime | None = None
        self.source_url: str | None = None
        self.tags: list[str] | None = None
        self.locations: dict[str, str] = {}
        self.errors: list[IngestError] = []

    def error(self, location: str | None, reason: str) -> None:
        self.errors.append(IngestError(self.origin, location, reason))

    def date(self, value: str, location: str, what: str = "date") -> None:
        self.locations["published_at"] = location
        try:
            self.published_at = _text.parse_when(value, self.tz)
        except _text.DateError as exc:
            self.error(location, exc.describe(what))

    def add_tags(self, values: list[str], location: str) -> None:
        self.tags = [*(self.tags or []), *values]
        self.locations.setdefault("tags", location)

    def finish(self) -> IngestResult:
        # Placeholders stand in for what the parser already reported missing, so that
        # make_draft still checks (and reports) every other field in the same pass.
        try:
            draft = make_draft(
                title=self.title if self.title is not None else "-",
                body=self.body if self.body is not None else "-",
                published_at=self.published_at or self.now,
                source_url=self.source_url,
                tags=self.tags,
                origin=self.origin,
                tz=self.tz,
                locations=self.locations,
            )
        except InvalidDraftError as exc:
            return IngestResult([], [*self.errors, *exc.errors])
        if self.errors:
            return IngestResult([], self.errors)
        return IngestResult([draft], [])


def _meta_line(line: str, keys: frozenset[str]) -> tuple[str, str] | None:
    """``(key, value)`` if ``line`` is a metadata line with one of ``keys``."""
    m = _META.fullmatch(line)
    if not m:
        return None
    key, value = m.group(1).lower(), m.group(2)
    key = _META_ALIASES.get(key, key)
    if key not in keys:
        return None
    if key == "source" and not _URLISH.match(value):
        return None  # "Source: Ministry press office" is attribution text, not a URL line
    if key in ("published", "date") and not _text.looks_like_dateline(value):
        return None
    return ("url" if key in ("source", "link") else "published" if key == "date" else key), value


def _take_meta(lines: list[str], rows: list[int], keys: frozenset[str], c: _Collector) -> set[int]:
    """Find metadata lines near the top and at the end of ``rows``; record them; return their rows."""
    taken: dict[int, tuple[str, str]] = {}
    for i in rows[:_HEADER_WINDOW]:
        if (meta := _meta_line(lines[i], keys)) is not None:
            taken[i] = meta
    for i in reversed(rows[-_FOOTER_WINDOW:]):
        if i in taken:
            continue
        meta = _meta_line(lines[i], keys)
        if meta is None:
            break
        taken[i] = meta
    for i in sorted(taken):
        key, value = taken[i]
        where = f"line {i + 1}"
        if key == "url":
            if c.source_url is None:
                c.source_url = value
                c.locations["source_url"] = where
        elif key == "tags":
            c.add_tags(_text.split_tag_text(value), where)
        elif key == "published" and "published_at" not in c.locations:
            c.date(value, where)
    return set(taken)


def _same_headline(a: str, b: str) -> bool:
    return _text.clean_title(a).casefold().rstrip(" .") == _text.clean_title(b).casefold().rstrip(" .")


def _body_from(lines: list[str], start: int, skip: set[int]) -> str:
    """Body text from ``lines[start:]`` without the ``skip`` rows.

    Paragraphs are separated by blank lines. A paste with no blank lines at all but
    long lines (one paragraph per line, as chat clients often produce) is read as
    one paragraph per line; short hard-wrapped lines are joined as usual.
    """
    body_lines = ["" if i in skip else lines[i] for i in range(start, len(lines))]
    filled = [ln for ln in body_lines if ln.strip()]
    if len(filled) > 1:
        first = body_lines.index(filled[0])
        last = len(body_lines) - 1 - body_lines[::-1].index(filled[-1])
        no_blank = all(ln.strip() for ln in body_lines[first : last + 1])
        if no_blank and max(map(len, filled)) > 100:
            return "\n\n".join(filled)
    return "\n".join(body_lines)


def _non_empty_rows(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip() and not _text.invisible_only(line)]


# ---------------------------------------------------------------------------
# Wire

_WIRE_META = frozenset({"source", "url", "link", "tags"})


def parse_wire(text: str, origin: str, tz: ZoneInfo, now: datetime) -> IngestResult:
    """Dateline, headline (maybe repeated), body; optional Source/URL/Tags lines."""
    c = _Collector(origin, tz, now)
    lines = text.split("\n")
    rows = _non_empty_rows(lines)
    if not rows:
        return IngestResult([], [IngestError(origin, None, "empty input")])
    dateline = rows[0]
    c.date(lines[dateline], f"line {dateline + 1}")
    rest = rows[1:]
    meta_rows = _take_meta(lines, rest, _WIRE_META, c)
    content = [i for i in rest if i not in meta_rows]
    if not content:
        c.error(f"line {dateline + 1}", "no headline after the dateline")
        return c.finish()
    headline = content[0]
    c.title = lines[headline]
    c.locations["title"] = f"line {headline + 1}"
    body_start = headline + 1
    if len(content) > 1 and _same_headline(lines[content[1]], lines[headline]):
        body_start = content[1] + 1
    c.body = _body_from(lines, body_start, meta_rows)
    c.locations["body"] = f"line {body_start + 1}"
    if _text.invisible_only(c.body):
        c.error(f"line {headline + 1}", "no body after the headline")
        c.body = None
    return c.finish()


# ---------------------------------------------------------------------------
# Plain text

_PLAIN_META = frozenset({"source", "url", "link", "tags", "published", "date"})


def parse_plain(text: str, origin: str, tz: ZoneInfo, now: datetime) -> IngestResult:
    """First non-empty line is the title, the rest the body; optional Source/URL/Tags/Published lines."""
    c = _Collector(origin, tz, now)
    lines = text.split("\n")
    rows = _non_empty_rows(lines)
    if not rows:
        return IngestResult([], [IngestError(origin, None, "empty input")])
    title = rows[0]
    c.title = lines[title]
    c.locations["title"] = f"line {title + 1}"
    meta_rows = _take_meta(lines, rows[1:], _PLAIN_META, c)
    c.body = _body_from(lines, title + 1, meta_rows)
    c.locations["body"] = f"line {title + 2}"
    if _text.invisible_only(c.body):
        c.error(f"line {title + 1}", "no body: only a title line")
        c.body = None
    return c.finish()


# ---------------------------------------------------------------------------
# Markdown


def strip_inline_markdown(text: str) -> str:
    """Markdown emphasis, code, links and escapes removed; stray ``*``/``_`` (2 * 3, snake_case) kept."""
    return plain_inline(text) if _MARKUP_CHARS.search(text) else text


_MARKUP_CHARS = re.compile(r"[\\`*_~\[<&!]")


_FM_ALIASES = {
    "title": "title",
    "published": "published",
    "published_at": "published",
    "date": "published",
    "source": "source",
    "source_url": "source",
    "url": "source",
    "link": "source",
    "tags": "tags",
}


_FENCES = {"---": "YAML", "+++": "TOML"}
# libyaml's safe loader when PyYAML was built with it (its wheels are): about 5 times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _front_matter(lines: list[str], start: int, c: _Collector) -> int | None:
    """Parse YAML (``---``) or TOML (``+++``, as Hugo and Zola write it) front matter opened at
    ``lines[start]`` with a real parser; return the first body row, None if it is unclosed or
    does not parse (then nothing else in the file is reliable)."""
    fence = lines[start].strip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in closers), None)
    if end is None:
        c.error(f"line {start + 1}", f"front matter opened with '{fence}' is never closed with '{fence}'")
        return None
    source = "\n".join(lines[start + 1 : end])
    meta = _load_yaml(source, start, c) if fence == "---" else _load_toml(source, start, c)
    if meta is None:
        return None
    first = {key: start + 2 + i for i, line in enumerate(lines[start + 1 : end]) for key in [_line_key(line)]}
    for raw_key, value in meta.items():
        key = _FM_ALIASES.get(str(raw_key).lower())
        where = f"line {first.get(str(raw_key), start + 1)}"
        if key is None or value is None or value == "":
            continue
        if key == "title":
            c.title = strip_inline_markdown(str(value))
            c.locations["title"] = where
        elif key == "published":
            _front_matter_date(value, where, c)
        elif key == "source":
            c.source_url = str(value)
            c.locations["source_url"] = where
        elif key == "tags":
            items = value if isinstance(value, list) else _text.split_tag_text(str(value))
            c.add_tags([str(item) for item in items if item is not None], where)
    return end + 1


def _line_key(line: str) -> str:
    """The key a top-level ``key: value`` or ``key = value`` line sets (for error locations)."""
    if not line[:1].strip():
        return ""
    return re.split(r"\s*[:=]", line, maxsplit=1)[0].strip().strip("'\"")


def _load_yaml(source: str, start: int, c: _Collector) -> dict[str, Any] | None:
    try:
        meta = yaml.load(source, Loader=_YAML_LOADER)
    except UnicodeEncodeError as exc:
        # libyaml reads UTF-8: a lone surrogate (a JSON "\ud800" escape pasted in) cannot be
        # encoded for it, and is not text anyway.
        c.error(f"line {start + 1}", f"front matter holds a character that is not text (at {exc.start})")
        return None
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct opened; the problem mark may lie
        # past the last line (at the end of the stream).
        rows = source.split("\n")
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        row = min(mark.line, len(rows) - 1) if mark is not None else -1
        text = rows[row] if row >= 0 else ""
        where = f"line {start + 2 + row}" if row >= 0 else f"line {start + 1}"
        if text and ":" not in text:
            c.error(where, f"front matter line is not 'key: value': {_text.collapse(text)[:60]!r}")
        else:
            c.error(where, f"front matter is not valid YAML ({getattr(exc, 'problem', None) or exc})")
        return None
    return _mapping(meta, start, "YAML", c)


def _load_toml(source: str, start: int, c: _Collector) -> dict[str, Any] | None:
    try:
        meta = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        where = f"line {start + 1 + int(at.group(1))}" if at else f"line {start + 1}"
        c.error(where, f"front matter is not valid TOML ({str(exc).split(' (at ')[0]})")
        return None
    return _mapping(meta, start, "TOML", c)


def _mapping(meta: object, start: int, kind: str, c: _Collector) -> dict[str, Any] | None:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        c.error(f"line {start + 2}", f"front matter is not {kind} 'key: value' pairs")
        return None
    return meta


def _front_matter_date(value: object, where: str, c: _Collector) -> None:
    """A date as the parser gave it: YAML and TOML read ``2026-03-29T12:00:00`` into a datetime
    (naive means the publisher's zone) and ``2026-03-29`` into a date (midnight there)."""
    if isinstance(value, datetime):
        c.locations["published_at"] = where
        c.published_at = _text.to_utc(value, c.tz)
    elif isinstance(value, date):
        c.locations["published_at"] = where
        c.published_at = _text.to_utc(datetime.combine(value, time()), c.tz)
    else:
        c.date(str(value), where)


def parse_markdown(text: str, origin: str, tz: ZoneInfo, now: datetime) -> IngestResult:
    """Optional front matter (title, published, source, tags), then Markdown; ``# Heading`` as title."""
    c = _Collector(origin, tz, now)
    lines = text.split("\n")
    rows = _non_empty_rows(lines)
    if not rows:
        return IngestResult([], [IngestError(origin, None, "empty input")])
    body_start = 0
    if lines[rows[0]].strip() in _FENCES:
        end = _front_matter(lines, rows[0], c)
        if end is None:
            return IngestResult([], c.errors)  # front matter unclosed or unreadable
        body_start = end
    if c.published_at is None and "published_at" not in c.locations:
        c.published_at = c.now
    markdown = read_markdown("\n".join(lines[body_start:]), want_title=c.title is None)
    if markdown.title is not None and markdown.title_line is not None:
        c.title = markdown.title
        c.locations["title"] = f"line {body_start + markdown.title_line + 1}"
    if c.title is None:
        c.error(None, "no title: add 'title:' to the front matter or a '# Heading'")
    c.body = "\n\n".join(paragraph for paragraph, _ in markdown.paragraphs)
    c.locations["body"] = f"line {body_start + 1}"
    if _text.invisible_only(c.body):
        c.error(c.locations["body"] if body_start < len(lines) else None, "no body")
        c.body = None
    return c.finish()


# ---------------------------------------------------------------------------
# JSON

_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _json_item(item: Any, origin: str, tz: ZoneInfo, now: datetime) -> IngestResult:
    if not isinstance(item, dict):
        return IngestResult([], [IngestError(origin, None, f"not a JSON object (got {_json_type(item)})")])
    errors: list[IngestError] = []

    def wrong(name: str, expected: str, value: Any) -> None:
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        errors.append(
            IngestError(origin, f"field {name}", f"expected {expected}, got {_json_type(value)} ({shown})")
        )

    def string(name: str) -> str | None:
        value = item.get(name)
        if value is None or isinstance(value, str):
            return value
        wrong(name, "a string", value)
        return None

    title = string("title")
    raw_body = item.get("body")
    body: str | None = None
    if isinstance(raw_body, list) and all(isinstance(p, str) for p in raw_body):
        body = "\n\n".join(raw_body)  # a list of paragraphs is fine too
    elif raw_body is None or isinstance(raw_body, str):
        body = raw_body
    else:
        wrong("body", "a string or a list of strings", raw_body)
    published = string("published_at")
    source_url = string("source_url")
    raw_tags = item.get("tags")
    tags: list[str] | None = None
    if raw_tags is not None:
        if isinstance(raw_tags, list) and all(isinstance(t, str) for t in raw_tags):
            tags = raw_tags
        else:
            wrong("tags", "a list of strings", raw_tags)
    try:
        draft = make_draft(
            title=title,
            body=body,
            published_at=published if published is not None else now,
            source_url=source_url,
            tags=tags,
            origin=origin,
            tz=tz,
        )
    except InvalidDraftError as exc:
        known = {e.location for e in errors}
        errors.extend(e for e in exc.errors if e.location not in known)
        return IngestResult([], errors)
    if errors:
        return IngestResult([], errors)
    return IngestResult([draft], [])


def parse_json(text: str, origin: str, tz: ZoneInfo, now: datetime) -> IngestResult:
    """One object, or a list of objects each reported as ``<origin> item N``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return IngestResult(
            [], [IngestError(origin, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")]
        )
    except RecursionError:
        return IngestResult([], [IngestError(origin, None, "invalid JSON: nested too deeply")])
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        return IngestResult([], [IngestError(origin, None, "invalid JSON: a number has too many digits")])
    if isinstance(data, dict):
        return _json_item(data, origin, tz, now)
    if not isinstance(data, list):
        return IngestResult(
            [],
            [
                IngestError(
                    origin, None, f"expected a JSON object or a list of objects, got {_json_type(data)}"
                )
            ],
        )
    if not data:
        return IngestResult([], [IngestError(origin, None, "empty JSON list: no briefings")])
    drafts, errors = [], []
    for n, item in enumerate(data, start=1):
        result = _json_item(item, f"{origin} item {n}", tz, now)
        drafts.extend(result.drafts)
        errors.extend(result.errors)
    return IngestResult(drafts, errors)


PARSERS: dict[str, Parser] = {
    "wire": parse_wire,
    "markdown": parse_markdown,
    "json": parse_json,
    "plain": parse_plain,
}
