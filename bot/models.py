"""Domain objects shared by ingest, NLP, storage, rendering and the bot.

Everything here is a frozen dataclass: values cross the storage boundary and the
event loop, so nobody may mutate one behind another's back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal


class SummaryLength(enum.StrEnum):
    SHORT = "short"
    STANDARD = "standard"
    DETAILED = "detailed"

    @property
    def sentences(self) -> int:
        return {"short": 1, "standard": 3, "detailed": 5}[self.value]


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation with its resolved speaker.

    ``text`` is the speaker's exact words without the surrounding quote marks;
    ``start``/``end`` are character offsets of those words in the briefing body,
    so anyone can check the quote really is in the text.
    """

    text: str
    speaker: str | None
    speaker_role: str | None
    start: int
    end: int
    score: float
    # How sure the attribution is (0-1). Below the quote finder's threshold no name is shown.
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Summaries:
    """Extractive summaries: each is a run of the briefing's own sentences."""

    short: str
    standard: str
    detailed: str

    def get(self, length: SummaryLength | str) -> str:
        text: str = getattr(self, SummaryLength(length).value)
        return text


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the NLP pipeline computes once at ingest and storage keeps."""

    summaries: Summaries
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """A parsed briefing, not yet stored.

    ``body`` holds paragraphs separated by a blank line. ``published_at`` is
    timezone-aware UTC. ``origin`` says where it came from (file name and item),
    so errors and reports can name it.
    """

    title: str
    body: str
    published_at: datetime
    source_url: str | None = None
    tags: tuple[str, ...] = ()
    language: str = "en"
    origin: str = "<input>"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Briefing:
    """A stored briefing with its precomputed summary and quotes."""

    id: int
    title: str
    body: str
    published_at: datetime
    source_url: str | None
    tags: tuple[str, ...]
    language: str
    summaries: Summaries
    quotes: tuple[Quote, ...]
    created_at: datetime
    updated_at: datetime
    corrected_at: datetime | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def top_quote(self) -> Quote | None:
        return max(self.quotes, key=lambda q: q.score, default=None)


@dataclass(frozen=True, slots=True)
class BriefingRef:
    """A light row for lists and autocomplete: no body, no quotes."""

    id: int
    title: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class QuoteHit:
    """A quote together with the briefing it came from, for /quote."""

    quote: Quote
    briefing: BriefingRef
    source_url: str | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    briefing: BriefingRef
    source_url: str | None
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """The result of storing one draft: new, or a duplicate of an existing id."""

    briefing_id: int
    duplicate: bool
    title: str


class ScheduleKind(enum.StrEnum):
    INSTANT = "instant"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class Subscription:
    channel_id: int
    guild_id: int
    schedule: ScheduleKind
    time: str | None = None  # "HH:MM" for daily/weekly
    weekday: int | None = None  # 0=Monday for weekly
    timezone: str = "UTC"
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    role_id: int | None = None
    alerts_channel_id: int | None = None
    created_at: datetime | None = None
    # Only briefings stored after this id are delivered (no backlog flood).
    since_briefing_id: int = 0
    paused_reason: str | None = None
    failures: int = 0
    last_delivery_at: datetime | None = None
    # Briefings with any of these topics, or any of these keywords (whole words in any form),
    # are never delivered, whatever the includes above say.
    exclude_topics: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    # (topic, role id): a post carrying the topic mentions the role (members opt in with /notify).
    topic_roles: tuple[tuple[str, int], ...] = ()
    # Instant only: at most this many posts an hour (0: no cap); the rest wait for the end of
    # the hour and go out together as one digest.
    max_per_hour: int = 0
    # Paused by a manager (not after failures), and when it was paused by hand. Who paused it is
    # only logged: the database keeps no user ids.
    paused_by_hand: bool = False
    paused_at: datetime | None = None
    # Channels this subscription posted to before /subscriptions move, oldest first: their
    # deliveries are its history, and what went there is not posted again.
    moved_from: tuple[int, ...] = ()
    # Text and announcement channels: a discussion thread on each post, archived after this many
    # minutes without a message (60, 1440, 4320 or 10080); 0: no thread.
    thread_archive_minutes: int = 0
    # Announcement channels: publish each post to the servers that follow the channel.
    publish: bool = False
    # A forum or media channel: each message is a post (a thread) there.
    forum: bool = False
    # Posts go through a webhook the bot made in the channel (its row: ``bot.webhooks``); set
    # by storage with that row, so the engine looks the webhook up only where there is one.
    webhook: bool = False
    # How its posts look: "embed" or "components" (cards), whatever the operator's
    # ``[discord] cards`` says; None: as that setting says.
    card_style: Literal["embed", "components"] | None = None
    # A forum: create the tags its posts' topics name and the forum lacks (needs Manage Channels).
    create_tags: bool = False

    @property
    def channel_ids(self) -> tuple[int, ...]:
        """Its channel now and the channels it was moved from: where its history lies."""
        return (self.channel_id, *(c for c in self.moved_from if c != self.channel_id))

    def roles_for(self, tags: Iterable[str]) -> tuple[int, ...]:
        """The roles of ``topic_roles`` whose topic is among ``tags`` (any case), in order."""
        folded = {t.casefold() for t in tags}
        return tuple(dict.fromkeys(role for topic, role in self.topic_roles if topic.casefold() in folded))


@dataclass(frozen=True, slots=True)
class Follow:
    """A channel that follows one of the operator's home announcement channels through
    Discord (``/subscribe ... mode:follow``): Discord copies each post published there into
    it, so the bot sends nothing to it. ``webhook_id`` is the follower webhook Discord made
    in the channel; deleting that webhook ends the follow."""

    channel_id: int
    guild_id: int
    home_channel_id: int
    topic: str  # the home channel's key in ``[follow] channels``: a topic, or "all"
    webhook_id: int
    created_at: datetime | None = None


def fingerprint(title: str, body: str) -> str:
    """A hash of the normalised title and body: the same story pasted twice with
    different spacing, case or Unicode forms is recognised as one briefing."""
    import hashlib
    import unicodedata

    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        return " ".join(text.split())

    return hashlib.sha256(f"{norm(title)}\x1f{norm(body)}".encode()).hexdigest()


class CorrectionKind(enum.StrEnum):
    """What an editor says of a quote (see ``bot.corrections``)."""

    SPEAKER = "speaker"
    DROP = "drop"
    ADD = "add"
    KEY = "key"


@dataclass(frozen=True, slots=True)
class QuoteCorrection:
    kind: CorrectionKind
    quote_text: str  # the quote's exact words: the key that survives re-analysis
    speaker: str | None = None
    speaker_role: str | None = None


# -- sources: feeds and pages that briefings arrive from by themselves -----------------


class SourceMode(enum.StrEnum):
    """What becomes of a source's new entries: briefings at once, or drafts for an editor."""

    PUBLISH = "publish"
    REVIEW = "review"


class SourceStatus(enum.StrEnum):
    ACTIVE = "active"
    FAILING = "failing"  # polled still, with backoff; ``status_reason`` says why
    PAUSED = "paused"  # not polled until resumed


DEFAULT_POLL_MINUTES = 10
MIN_POLL_MINUTES = 2
MAX_POLL_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class Source:
    """A feed (RSS, Atom, JSON Feed) or a single page, and where its polling stands.

    The first group of fields is what a publisher chooses; the rest is the poller's record.
    A ``Source`` with ``id`` 0 is one not stored yet (``add_source`` fills in the rest).
    """

    id: int
    url: str
    name: str
    topics: tuple[str, ...] = ()
    language: str | None = None  # a hint: None means detect from each entry's text
    timezone: str = "UTC"  # for dates the feed gives without an offset
    interval_minutes: int = DEFAULT_POLL_MINUTES
    mode: SourceMode = SourceMode.PUBLISH
    full_text: bool = False  # fetch each entry's page and extract the article
    status: SourceStatus = SourceStatus.ACTIVE
    status_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # consecutive
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None  # None: never read successfully (a first poll is next)
    created_at: datetime | None = None
    added_by: int | None = None


class EntryState(enum.StrEnum):
    """What became of one feed entry."""

    PUBLISHED = "published"  # a briefing (``briefing_id``); it may since have been removed by hand
    DRAFT = "draft"  # waiting for an editor (review mode)
    REJECTED = "rejected"  # an editor said no: never imported again
    SKIPPED = "skipped"  # older than the newest K of a source's first poll: never imported


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """What the poller writes about one entry (matched on ``key``).

    ``entry_hash`` is the entry as the feed showed it (its text, not its timestamps), to
    notice a change without fetching its page again; ``fingerprint`` is
    ``fingerprint(title, body)`` of what was stored from it, to notice an editor's edit.
    ``draft`` is the waiting draft's text, for ``EntryState.DRAFT`` only.
    """

    source_id: int | None
    key: str
    link: str | None
    entry_hash: str
    state: EntryState
    fingerprint: str | None = None
    briefing_id: int | None = None
    draft: Draft | None = None
    copies_stale: bool = False  # the briefing changed and its posted copies are not corrected yet


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """A stored ``EntryRecord``: the memory that makes every entry import once."""

    id: int
    source_id: int | None
    key: str
    link: str | None
    entry_hash: str
    state: EntryState
    fingerprint: str | None
    briefing_id: int | None
    copies_stale: bool
    seen_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class WaitingDraft:
    """A review-mode entry waiting for a publisher: not a briefing, so no reader, search or
    delivery sees it. Its id is its entry's id."""

    id: int
    source_id: int | None
    source_name: str | None
    draft: Draft
    fingerprint: str | None  # of the text as imported: differs from the draft's once edited
    seen_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        return self.fingerprint != fingerprint(self.draft.title, self.draft.body)


@dataclass(frozen=True, slots=True)
class BotProcess:
    """A bot process using the store, as it last reported itself (``briefbot status``).

    Each running process beats every few seconds; one that stopped cleanly removes its
    record, so a record that has gone silent is a process that died or lost the database."""

    key: str  # unique per run: host, pid and start time
    host: str
    pid: int
    shards: str  # as ``briefbot run --shards`` takes them, "all", or "standby (any/N)" (a spare)
    started_at: datetime
    dispatcher: bool = False
    invalid_requests: int = 0  # Discord's invalid requests in its last 10 minutes, as of its beat
    silent_seconds: float = 0.0  # since its last beat, by the store's clock (filled on read)


class Secret:
    """A string that never shows itself in ``repr``/``str``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class ChannelWebhook:
    """The webhook the bot created in a subscribed channel, and how its posts look there.

    ``lost``: how many times it was found deleted on Discord (the first loss recreates it,
    the second pauses the subscription)."""

    channel_id: int
    webhook_id: int
    token: Secret
    name: str
    avatar_url: str | None = None
    lost: int = 0
    created_at: datetime | None = None
