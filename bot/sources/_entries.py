"""What makes two feed entries the same, what counts as a change, and an entry as a ``Draft``.

- A link is compared in canonical form: scheme and host lower-cased, default port, fragment
  and tracking parameters (``utm_*``, ``fbclid``, ...) dropped; so a feed that adds
  ``?utm_source=rss`` to every link one day imports nothing again.
- An entry's ``key`` is its GUID/id. A GUID that is a URI (``https://…``, ``urn:…``,
  ``tag:…``) is global: the same item in two feeds of one ministry is one entry. Any other
  GUID (``12345``) is only unique within its feed, so it is scoped to the source.
  Without a GUID the canonical link is the key, and without either the title.
- ``entry_hash`` covers the title, the text and the link as the feed gives them, not the
  dates: a feed that re-stamps an item is not correcting it.

The archive then adds its own test: the same normalised title and body is the same
briefing whoever added it (``bot.models.fingerprint``).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from bot.ingest import InvalidDraftError, make_draft
from bot.ingest._text import MAX_TAG_LEN, MAX_TAGS, check_url, collapse
from bot.models import Draft, Source
from bot.sources._feeds import FeedEntry

TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "_hs", "oly_")
TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "mkt_tok", "vero_id", "vero_conv", "_ga", "_gl", "ref_src", "cmpid",
        "ncid", "sr_share", "at_medium", "at_campaign", "at_custom1", "at_custom2",
    }
)  # fmt: skip
_GLOBAL_ID_SCHEMES = ("http://", "https://", "urn:", "tag:")
MAX_KEY = 1000


class EntryError(ValueError):
    """An entry that cannot become a briefing, and why."""


def canonical_link(url: str | None) -> str | None:
    """``url`` in the form two copies of one link share, or None if it is not an http(s) URL."""
    if not url:
        return None
    try:
        good = check_url(url)
    except ValueError:
        return None
    if good is None:
        return None
    parts = urlsplit(good)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_NAMES and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def entry_key(source_id: int, entry: FeedEntry) -> str:
    """The key the entry is remembered by (see the module's docstring)."""
    guid = (entry.guid or "").strip()
    if guid:
        scoped = guid if guid.lower().startswith(_GLOBAL_ID_SCHEMES) else f"source:{source_id}:{guid}"
        key = f"id:{scoped}"
    elif link := canonical_link(entry.link):
        key = f"link:{link}"
    else:
        key = f"title:{source_id}:{_digest(_norm(entry.title))}"
    return key if len(key) <= MAX_KEY else f"hash:{_digest(key)}"


def entry_hash(entry: FeedEntry) -> str:
    """The entry as the feed shows it, dates left out: a new hash is a changed entry."""
    return _digest(_norm(entry.title), _norm(entry.text), canonical_link(entry.link) or "")


def tags_for(source: Source, entry_tags: tuple[str, ...]) -> list[str]:
    """The source's topics, then the entry's own categories, within the archive's limits."""
    out: list[str] = []
    for raw in (*source.topics, *entry_tags):
        tag = collapse(raw).strip(" #,;").lower()
        if tag and len(tag) <= MAX_TAG_LEN and tag not in out:
            out.append(tag)
    return out[:MAX_TAGS]


def cut_text(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut after a whole paragraph (or word) with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rfind("\n\n")
    if cut < limit // 2:
        cut = head.rfind(" ")
    return (head[:cut] if cut > 0 else head).rstrip() + " …"


def build_draft(
    source: Source,
    entry: FeedEntry,
    *,
    text: str,
    now: datetime,
    max_chars: int,
    link: str | None = None,
) -> Draft:
    """The briefing an entry becomes: its title (or its first words), ``text``, its date
    (never later than ``now``: a future date would hold it back as an embargo), its
    canonical link, and tags; ``EntryError`` saying why it cannot be one."""
    body = cut_text(text.strip(), max_chars)
    title = entry.title.strip() or _first_words(body)
    published = min(entry.published, now) if entry.published else now
    url = link or canonical_link(entry.link)
    try:
        draft = make_draft(
            title=title,
            body=body,
            published_at=published,
            source_url=url,
            tags=tags_for(source, entry.tags),
            origin=f"source #{source.id} ({source.name}): {url or entry.guid or title[:60]}",
            tz=ZoneInfo(source.timezone),
        )
    except InvalidDraftError as exc:
        raise EntryError("; ".join(e.reason for e in exc.errors)) from None
    # The source's hint wins; without one the text's own language (make_draft detects it)
    # is a safer guide than a feed's declared one, which is often the site's default.
    if source.language and source.language != draft.language:
        return replace(draft, language=source.language)
    return draft


def _first_words(text: str, limit: int = 80) -> str:
    first = text.split("\n\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
