"""What the code above storage calls, as typed protocols.

``Storage`` is all of it; the smaller protocols group it by concern (the archive of
briefings, subscriptions, the delivery outbox, administration) so that a service can
depend on only the part it uses. A backend satisfies them by shape: ``SQLiteStorage``
does not inherit from them, and mypy checks it wherever one is expected.

What every backend promises:

- Values in and out are the frozen dataclasses of ``bot.models`` and
  ``bot.delivery.records``; every datetime is timezone-aware (a naive one is a
  ``ValueError``), and ``now=None`` means the current time.
- Reader queries (``get_briefing`` unless ``include_embargoed``, ``latest``,
  ``titles_matching``, ``search``, ``find_quotes``) hide briefings whose publish time is
  after ``now`` (embargo).
- A write is all or nothing, and writes from concurrent tasks never interleave.
- An operational fault (locked, read-only, full or corrupt database) raises
  ``StorageError`` naming the database and what the operator can do; a named row that
  does not exist raises ``NotFoundError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from bot.delivery.records import (
    Candidate,
    ChannelPlan,
    FailureOutcome,
    OutboxCounts,
    PendingMessage,
    PostedCopy,
    SubscriptionState,
)
from bot.models import (
    AddOutcome,
    Analysis,
    Briefing,
    BriefingRef,
    Draft,
    QuoteCorrection,
    QuoteHit,
    ScheduleKind,
    SearchHit,
    Subscription,
)


class Archive(Protocol):
    """Briefings: storing, editing, reading, searching, and their quotes."""

    async def add_briefings(
        self, items: Iterable[tuple[Draft, Analysis]], *, now: datetime | None = None
    ) -> list[AddOutcome]:
        """Store each draft once, the whole batch in one transaction; a repeat (same source
        URL, or the same normalised title and body) is reported as a duplicate of the
        stored id."""
        ...

    async def add_briefing(
        self, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> AddOutcome:
        """``add_briefings`` of one."""
        ...

    async def update_briefing(
        self, briefing_id: int, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> Briefing:
        """Replace a briefing's text and analysis, keeping its id; ``corrected_at`` is set
        if copies were already posted. ``StorageError`` if another briefing already has
        this source URL or text."""
        ...

    async def remove_briefing(self, briefing_id: int) -> list[tuple[int, int]]:
        """Delete a briefing and skip its pending deliveries; return the
        ``(channel_id, message_id)`` of its posted copies."""
        ...

    async def get_briefing(
        self, briefing_id: int, *, include_embargoed: bool = False, now: datetime | None = None
    ) -> Briefing | None: ...

    async def get_briefings(self, ids: Sequence[int]) -> list[Briefing]:
        """Briefings by id, embargoed or not, in the order given (missing ids are skipped)."""
        ...

    async def latest(
        self, count: int = 1, *, topic: str | None = None, now: datetime | None = None
    ) -> list[Briefing]:
        """The newest published briefings, optionally only those tagged ``topic``."""
        ...

    async def list_briefings(
        self, *, limit: int = 20, offset: int = 0, include_embargoed: bool = True, now: datetime | None = None
    ) -> list[BriefingRef]:
        """Newest publish time first."""
        ...

    async def max_briefing_id(self) -> int:
        """The highest id ever stored (0 for an empty archive); new briefings get higher ids."""
        ...

    async def titles_matching(
        self, text: str, *, limit: int = 25, include_embargoed: bool = False, now: datetime | None = None
    ) -> list[BriefingRef]:
        """Autocomplete by title: at most 25, newest first; any typed word may be a prefix."""
        ...

    async def search(
        self, query: str, *, limit: int = 5, offset: int = 0, now: datetime | None = None
    ) -> tuple[list[SearchHit], int]:
        """Ranked full-text search of what a reader typed (words, "phrases", -exclusions;
        never a syntax error), with snippets marked by ``SNIPPET_START``/``SNIPPET_END``.
        Returns the page and the total, which stops at ``SEARCH_WINDOW``: only the newest
        ``SEARCH_WINDOW`` matches are ranked."""
        ...

    async def speakers_matching(self, text: str, *, limit: int = 25) -> list[tuple[str, str | None]]:
        """``(name, role)`` of speakers with a name word starting with ``text``, most quoted first."""
        ...

    async def find_quotes(
        self,
        *,
        speaker: str | None = None,
        briefing_id: int | None = None,
        contains: str | None = None,
        limit: int = 3,
        now: datetime | None = None,
    ) -> list[QuoteHit]:
        """Key quotes by speaker (any part of the name), by briefing and/or containing
        some words (literally). No filter: the best quotes of the newest briefing."""
        ...

    async def quote_corrections(self, briefing_id: int) -> list[QuoteCorrection]:
        """Editors' corrections of one briefing's quotes, oldest first."""
        ...

    async def set_quote_correction(
        self,
        briefing_id: int,
        correction: QuoteCorrection,
        *,
        editor_id: int | None,
        now: datetime | None = None,
    ) -> None:
        """Record a correction, replacing one of the same kind for the same words; a key quote
        replaces the briefing's previous key quote. ``NotFoundError`` for an unknown briefing.
        Takes effect when the briefing's quotes are next written (``update_briefing``)."""
        ...

    async def remove_quote_corrections(self, briefing_id: int, quote_text: str) -> int:
        """Forget every correction of these words of this briefing; how many there were."""
        ...


class Subscriptions(Protocol):
    """Which channels receive briefings, and how."""

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        ...

    async def get_subscription(self, channel_id: int) -> Subscription | None: ...

    async def subscriptions(self, *, guild_id: int | None = None) -> list[Subscription]:
        """By channel id."""
        ...

    async def delete_subscription(self, channel_id: int) -> bool:
        """Unsubscribe a channel and skip what was pending there; False if it had none."""
        ...


class Outbox(Protocol):
    """The delivery engine's records: which briefing went (or is going) to which channel.

    One Discord message is the set of outbox rows sharing ``(channel_id, nonce)``. They
    are written ``pending`` before anything is sent and marked ``sent`` afterwards, so a
    crash in between is repaired by sending the same message with the same nonce.
    """

    async def subscription_state(self, channel_id: int) -> SubscriptionState | None: ...

    async def subscription_states(
        self,
        schedules: Sequence[ScheduleKind],
        *,
        active_only: bool = True,
        behind_id: int | None = None,
        after_channel_id: int | None = None,
        limit: int | None = None,
    ) -> list[SubscriptionState]:
        """Subscriptions on these schedules, by channel id; ``behind_id`` keeps those with
        briefings up to that id still to decide; ``after_channel_id`` and ``limit`` page."""
        ...

    async def all_subscription_states(self) -> list[SubscriptionState]:
        """Every subscription, paused or not, by server then channel."""
        ...

    async def delivery_candidates(self, after_id: int) -> list[Candidate]:
        """Every briefing with ``id > after_id``, embargoed or not, oldest id first."""
        ...

    async def recent_candidates(self, through_id: int, *, now: datetime, limit: int) -> list[Candidate]:
        """Published briefings with ``id <= through_id``, newest first (for backfill)."""
        ...

    async def recorded_pairs(self, briefing_ids: Sequence[int]) -> set[tuple[int, int]]:
        """``(channel_id, briefing_id)`` already in the outbox for these briefings."""
        ...

    async def record_plans(self, plans: Sequence[ChannelPlan], *, now: datetime) -> None:
        """Write every planned message as pending (and overflow as skipped), advance
        cursors and run times, all in one transaction; a row already there is kept."""
        ...

    async def record_instant_run(self, now: datetime) -> None:
        """Note the time of an instant run under the meta key ``META_INSTANT_LAST_RUN``."""
        ...

    async def channels_with_pending(self) -> list[int]: ...

    async def pending_messages(self, channel_id: int) -> list[PendingMessage]:
        """This channel's unsent messages, oldest first."""
        ...

    async def mark_sent(self, channel_id: int, nonce: str, message_id: int, *, now: datetime) -> None:
        """The message is on Discord: record its id and reset the channel's failures."""
        ...

    async def mark_message(
        self, channel_id: int, nonce: str, state: Literal["skipped", "failed"], reason: str
    ) -> None:
        """Give up on an unsent message: ``skipped`` (no longer wanted) or ``failed``
        (Discord rejected it)."""
        ...

    async def record_send_failure(
        self,
        channel_id: int,
        nonce: str,
        error: str,
        *,
        counts: bool,
        threshold: int,
        pause_reason: str,
    ) -> FailureOutcome:
        """Note a failed attempt (the message stays pending); when it ``counts``, bump the
        channel's consecutive failures and pause it on reaching ``threshold``."""
        ...

    async def posted_copies(self, briefing_id: int) -> list[PostedCopy]:
        """Every message on Discord that shows this briefing, with all it still shows."""
        ...

    async def copies_of_messages(self, messages: Sequence[tuple[int, int]]) -> list[PostedCopy]:
        """The posted copies behind these ``(channel_id, message_id)`` pairs, removed
        briefings included."""
        ...

    async def mark_edited(self, channel_id: int, nonce: str, *, now: datetime) -> None: ...

    async def mark_retracted(
        self, channel_id: int, nonce: str, briefing_ids: Sequence[int], *, now: datetime
    ) -> None:
        """These briefings no longer show in that message (deleted or edited out)."""
        ...

    async def pause_channel(self, channel_id: int, reason: str) -> Subscription | None:
        """Pause a channel's subscription at once and skip what was pending there."""
        ...

    async def remove_guild(self, guild_id: int) -> int:
        """The bot left a server: skip what was pending there, delete its subscriptions
        and return how many there were."""
        ...

    async def outbox_counts(self) -> OutboxCounts: ...


class Admin(Protocol):
    """Opening, checking and keeping the database, and small settings."""

    @property
    def location(self) -> str:
        """Where the data lives, for logs and messages (a file path, or a URL without
        its password)."""
        ...

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    async def upgrade(self) -> list[int]:
        """Apply pending schema migrations; return the versions applied."""
        ...

    async def integrity_check(self) -> list[str]:
        """The problems found, or ``["ok"]``."""
        ...

    async def backup(self, target: str | Path) -> None:
        """A consistent copy of the live database at ``target``, taken while it is in use;
        a failed backup leaves nothing under that name."""
        ...

    async def get_meta(self, key: str) -> str | None: ...

    async def set_meta(self, key: str, value: str) -> None: ...


class Storage(Archive, Subscriptions, Outbox, Admin, Protocol):
    """Everything the services, the delivery engine, the client, the CLI and the demo ask of storage."""
