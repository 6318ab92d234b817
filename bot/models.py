"""Domain objects shared by ingest, NLP, storage, rendering and the bot.

Everything here is a frozen dataclass: values cross the storage boundary and the
event loop, so nobody may mutate one behind another's back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


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
