"""Pure text helpers for ingest: cleaning titles and bodies, dates, URLs, tags.

Nothing here knows about files or formats; the format parsers and ``make_draft``
call these and turn ``ValueError``s into located ``IngestError``s.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

MAX_TITLE = 300
MAX_TAGS = 10
MAX_TAG_LEN = 40
MAX_URL_LEN = 2000
MIN_YEAR, MAX_YEAR = 1900, 2100

# Invisible characters an editor never means to publish in a title: zero-width
# spaces/joiners, word joiner, soft hyphen, invisible operators, BOM, and the
# bidi marks, embeddings, overrides and isolates (the "Trojan source" set).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
_BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls except tab and newline (which whitespace collapsing handles), DEL, C1.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)))

# Lone UTF-16 surrogates (a JSON "\ud800" escape) are not text: SQLite and Discord
# both refuse to encode them.
_SURROGATES = "".join(map(chr, range(0xD800, 0xE000)))

_TITLE_DELETE = dict.fromkeys(map(ord, _ZERO_WIDTH + _BIDI + _CONTROLS + _SURROGATES))
# In a body keep ZWJ/ZWNJ (emoji sequences, some scripts) and soft hyphens, but drop
# the rest: they only ever hide or reorder text.
_BODY_DELETE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e" + _BIDI + _CONTROLS + _SURROGATES))

_BLANK_LINE = re.compile(r"\n\s*\n")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def collapse(text: str) -> str:
    """All runs of (Unicode) whitespace become one space; ends trimmed."""
    return " ".join(text.split())


def clean_title(text: str) -> str:
    """One line, invisible/bidi characters removed, whitespace collapsed, <= 300 chars."""
    title = collapse(unicodedata.normalize("NFC", text.translate(_TITLE_DELETE)))
    if len(title) > MAX_TITLE:
        cut = title[: MAX_TITLE - 1]
        head, _, _ = cut.rpartition(" ")
        title = (head if len(head) >= MAX_TITLE * 2 // 3 else cut).rstrip(" ,;:-") + "…"
    return title


def clean_body(text: str) -> str:
    """Paragraphs split on blank lines, each collapsed to one line, joined by one blank line."""
    text = unicodedata.normalize("NFC", normalise_newlines(text).translate(_BODY_DELETE))
    paragraphs = (collapse(block) for block in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


# One character that is neither whitespace (``\s`` is ``str.isspace``) nor invisible: a
# search stops at the first, where translating the whole text first took time per character.
_VISIBLE = re.compile("[^\\s" + re.escape(_ZERO_WIDTH + _BIDI + _CONTROLS) + "\ud800-\udfff]")


def invisible_only(text: str) -> bool:
    """True if ``text`` holds nothing visible once invisible characters are removed."""
    return _VISIBLE.search(text) is None


# ---------------------------------------------------------------------------
# Dates


class DateError(ValueError):
    """A date that could not be used; ``impossible`` separates 31.02 from 'next week'."""

    def __init__(self, value: str, *, impossible: bool, detail: str | None = None) -> None:
        self.value = value
        self.impossible = impossible
        self.detail = detail
        kind = "impossible date" if impossible else "unparseable date"
        super().__init__(f"{kind} {value!r}" + (f" ({detail})" if detail else ""))

    def describe(self, what: str = "date") -> str:
        kind = f"impossible {what}" if self.impossible else f"unparseable {what}"
        text = f"{kind} {self.value}"
        if self.detail:
            text += f" ({self.detail})"
        return text


_SEP = r"[,\s]+"
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
_DMY = r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
_WIRE_TIME_FIRST = re.compile(rf"{_TIME}{_SEP}{_DMY}")
_WIRE_DATE_FIRST = re.compile(rf"{_DMY}(?:{_SEP}{_TIME})?")
# "07 Dec 2026 02:07": how the bot's terminal cards print a time.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH_YEAR = re.compile(
    rf"(?P<d>\d{{1,2}})\s+(?P<mon>[A-Za-z]{{3,9}})\.?,?\s+(?P<y>\d{{4}})(?:,?\s+{_TIME})?"
)
# A trailing "UTC" or "GMT": the bot prints UTC times that way, so they must parse back.
_UTC_SUFFIX = re.compile(r"\s*\b(?:UTC|GMT)$", re.IGNORECASE)
_ISO_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?",
    re.IGNORECASE,
)
# Something that was clearly meant to be a date line (only digits and date
# punctuation, a four-digit year, three or more numbers) though not an accepted shape.
_DATE_CHARS = re.compile(r"[\d\s:.,/\-]{6,40}")
_DIGIT_RUN = re.compile(r"\d+")


def looks_like_dateline(line: str) -> bool:
    """True if ``line`` is (or was plainly meant to be) a wire dateline."""
    line = line.strip()
    if len(line) > 40 or not _DATE_CHARS.fullmatch(line):
        return bool(_ISO_SHAPE.fullmatch(line)) if len(line) <= 40 else False
    numbers = _DIGIT_RUN.findall(line)
    return len(numbers) >= 3 and any(len(n) == 4 for n in numbers)


def _build(value: str, y: int, mo: int, d: int, *, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DateError(value, impossible=True, detail=f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise DateError(value, impossible=True, detail=str(exc)) from None


def format_when(moment: datetime) -> str:
    """A time as the bot shows it where a user may edit or paste it back: ``2026-12-07 02:07 UTC``
    (seconds only when there are some). ``parse_when`` reads it back to the same instant."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC")


def parse_when(value: str, tz: ZoneInfo) -> datetime:
    """Parse a wire dateline or ISO 8601 time; naive times are in ``tz``. Returns aware UTC.

    Accepted: ``HH:MM DD.MM.YYYY``, ``DD.MM.YYYY HH:MM``, ``DD.MM.YYYY``, ISO 8601
    (``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM]``) and ``07 Dec 2026 14:30``;
    a trailing ``UTC`` or ``GMT`` (as the bot prints times) puts a time without an offset in UTC.
    Raises ``DateError`` saying whether the value is impossible or unparseable.
    """
    text = value.strip()
    if suffix := _UTC_SUFFIX.search(text):
        text, tz = text[: suffix.start()].rstrip(), ZoneInfo("UTC")
    if m := _WIRE_TIME_FIRST.fullmatch(text) or _WIRE_DATE_FIRST.fullmatch(text):
        g = m.groupdict()
        month = int(g["m"])
    elif (m := _DAY_MONTH_YEAR.fullmatch(text)) and m["mon"][:3].casefold() in _MONTHS:
        g = m.groupdict()
        month = _MONTHS.index(g["mon"][:3].casefold()) + 1
    else:
        m = None
    if m is not None:
        naive = _build(
            text,
            int(g["y"]),
            month,
            int(g["d"]),
            h=int(g["H"] or 0),
            mi=int(g["M"] or 0),
            s=int(g["S"] or 0),
        )
        return naive.replace(tzinfo=tz).astimezone(UTC)
    if _ISO_SHAPE.fullmatch(text):
        iso = text.replace(",", ".")
        if iso[-1:] in "zZ":
            iso = iso[:-1].rstrip() + "+00:00"
        iso = re.sub(r"\s+([+-]\d)", r"\1", iso)
        year = int(iso[:4])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DateError(text, impossible=True, detail=f"year must be between {MIN_YEAR} and {MAX_YEAR}")
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError as exc:
            raise DateError(text, impossible=True, detail=str(exc)) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        return parsed.astimezone(UTC)
    raise DateError(
        text or "(empty)",
        impossible=False,
        detail="expected HH:MM DD.MM.YYYY, DD.MM.YYYY HH:MM, 2026-03-02 14:30 UTC "
        "or ISO 8601 such as 2026-03-02T14:30+02:00",
    )


def to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """Aware UTC from a datetime; naive means ``tz``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


# ---------------------------------------------------------------------------
# URLs and tags


_URL_BAD_CHAR = re.compile("[\\s" + re.escape(_CONTROLS + _BIDI + _ZERO_WIDTH) + "\ud800-\udfff]")


def check_url(value: str) -> str | None:
    """Return a usable http(s) URL, ``None`` for blank; ``ValueError`` saying why otherwise."""
    url = value.strip()
    if not url:
        return None
    if len(url) > MAX_URL_LEN:
        raise ValueError(f"URL is {len(url)} characters long, at most {MAX_URL_LEN} allowed")
    if _URL_BAD_CHAR.search(url):
        raise ValueError(f"URL {url[:80]!r} contains spaces or invisible characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValueError(f"malformed URL {url[:80]!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise ValueError(f"URL {url[:80]!r} has no scheme; it must start with http:// or https://")
    if scheme not in ("http", "https"):
        raise ValueError(f"URL scheme {scheme!r} is not allowed, only http and https ({url[:80]!r})")
    if not host:
        raise ValueError(f"URL {url[:80]!r} has no host")
    return url


_TAG_TRIM = " \t#,;"


def normalise_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Lowercase, strip (also a leading '#'), dedupe keeping order; ``ValueError`` on limits."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = collapse(unicodedata.normalize("NFC", raw.translate(_TITLE_DELETE))).strip(_TAG_TRIM).lower()
        if not tag or tag in seen:
            continue
        if len(tag) > MAX_TAG_LEN:
            raise ValueError(f"tag {tag[:50]!r} is {len(tag)} characters long, at most {MAX_TAG_LEN} allowed")
        seen.add(tag)
        out.append(tag)
    if len(out) > MAX_TAGS:
        raise ValueError(f"{len(out)} distinct tags, at most {MAX_TAGS} allowed")
    return tuple(out)


def split_tag_text(value: str) -> list[str]:
    """``[a, b]``, ``a, b`` or ``a`` (items may be quoted) as a list of strings."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [item.strip().strip("'\"") for item in text.split(",")]
