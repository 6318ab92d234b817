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

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from bot.delivery.records import (
    Candidate,
    ChannelPlan,
    CopyLook,
    CorrectionReply,
    DeliveryRecord,
    FailureOutcome,
    OutboxCounts,
    PendingMessage,
    PostedCopy,
    PublishDigest,
    SubscriptionState,
)
from bot.models import (
    AddOutcome,
    Analysis,
    BotProcess,
    Briefing,
    BriefingRef,
    ChannelWebhook,
    Draft,
    EntryRecord,
    Follow,
    QuoteCorrection,
    QuoteHit,
    ScheduleKind,
    SearchHit,
    SeenEntry,
    Source,
    SourceStatus,
    Subscription,
    WaitingDraft,
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
        """Create or replace a channel's subscription; resubscribing clears a pause (either
        kind). Its ``moved_from`` is written when it is created and kept after that."""
        ...

    async def get_subscription(self, channel_id: int) -> Subscription | None: ...

    async def subscriptions(self, *, guild_id: int | None = None) -> list[Subscription]:
        """By channel id."""
        ...

    async def delete_subscription(self, channel_id: int) -> bool:
        """Unsubscribe a channel and skip what was pending there; False if it had none."""
        ...

    async def update_subscription(self, sub: Subscription) -> Subscription:
        """Change a subscription's settings (schedule, filters, roles, topic roles, cap) and
        nothing else: not its pause, failures, starting point, cursor or history.
        ``NotFoundError`` if the channel has none."""
        ...

    async def set_pause(
        self, channel_id: int, reason: str | None, *, now: datetime | None = None
    ) -> Subscription | None:
        """Pause a subscription by hand (``reason``, at ``now``: ``paused_by_hand``) or resume it
        (``reason`` None: whatever paused it, its failures forgotten). Pending messages stay
        pending. None if the channel has no subscription."""
        ...

    async def move_subscription(self, from_channel_id: int, to_channel_id: int) -> Subscription:
        """Move a subscription to another channel in one transaction: settings, starting point,
        cursor and pause by hand kept, ``from_channel_id`` added to ``moved_from``, its pending
        messages moved along (an automatic pause and the failure count, which were the old
        channel's, end). ``NotFoundError`` if ``from_channel_id`` has none; ``StorageError``
        if ``to_channel_id`` already has one."""
        ...


class Follows(Protocol):
    """Channels that follow a home announcement channel through Discord (no deliveries)."""

    async def put_follow(self, follow: Follow) -> Follow:
        """Record a channel's follow, replacing the one it had."""
        ...

    async def get_follow(self, channel_id: int) -> Follow | None: ...

    async def follows(self, *, guild_id: int | None = None) -> list[Follow]:
        """By channel id."""
        ...

    async def delete_follow(self, channel_id: int, webhook_id: int) -> bool:
        """Forget a channel's follow through ``webhook_id``; False if it has no such follow."""
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

    async def pending_messages(self, channel_id: int, *, now: datetime | None = None) -> list[PendingMessage]:
        """This channel's unsent messages, oldest first, except those held until after ``now``
        (an hourly cap's digest). A message's ``ping_role_ids`` are those of all its rows."""
        ...

    async def mark_sent(
        self, channel_id: int, nonce: str, message_id: int, *, now: datetime, card: bool = False
    ) -> None:
        """The message is on Discord: record its id (and whether it is a Components V2
        ``card``, which it stays) and reset the channel's failures."""
        ...

    async def copy_look(self, channel_id: int, nonce: str) -> CopyLook:
        """How a posted message looks: a card or not, and the line that led it (its frozen
        content and the roles it mentioned), so a correction keeps both."""
        ...

    async def mark_card(self, channel_id: int, nonce: str) -> None:
        """A posted message is (or is about to be edited into) a card: recorded before the
        edit, since an embed post may always become a card, but a card never an embed post."""
        ...

    async def mark_published(
        self, channel_id: int, nonce: str, *, now: datetime, note: str | None = None
    ) -> None:
        """After a sent message's publish: ``published_at`` (it counts against the channel's
        hourly publishes), or, with ``note``, why it was not published (kept as the row's
        ``last_error``: the delivery log shows it)."""
        ...

    async def publish_count(self, channel_id: int, since: datetime) -> int:
        """How many of this channel's messages were published since ``since``."""
        ...

    async def mark_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        """Record, before a send that carries no nonce (a forum post), that it is being made:
        the pending message's ``started_at`` (kept from the first time)."""
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

    async def queue_copy_refresh(
        self,
        *,
        briefing_id: int | None = None,
        messages: Sequence[tuple[int, int]] = (),
        now: datetime | None = None,
    ) -> int:
        """Mark for the dispatcher the posted messages that show ``briefing_id``, and those
        of the ``(channel_id, message_id)`` pairs: each is to be rendered again from the
        briefings it still shows, or deleted when it shows none. How many messages."""
        ...

    async def due_copies(self, limit: int) -> list[PostedCopy]:
        """Up to ``limit`` marked messages, the longest waiting first, with every briefing
        id each still shows (removed briefings included)."""
        ...

    async def clear_copy_refresh(self, channel_id: int, nonce: str) -> None:
        """The message was refreshed (or could not be): unmark it."""
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

    async def post_counts(self, since: Mapping[int, datetime]) -> dict[int, int]:
        """For each channel, how many posts (kind ``post``, not skipped) were planned for it at
        or after its time: what counts against an hourly cap."""
        ...

    async def delivery_log(self, channel_ids: Sequence[int], *, limit: int = 20) -> list[DeliveryRecord]:
        """The newest outbox rows of these channels (a subscription's channel and those it was
        moved from), newest first, with each briefing's title (None once removed)."""
        ...

    async def delivery_records(self, channel_ids: Sequence[int], briefing_id: int) -> list[DeliveryRecord]:
        """The outbox rows of one briefing in these channels, oldest first."""
        ...


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


class Leadership(Protocol):
    """One process's claim to a role that only one process at a time may hold (the
    dispatcher, each gateway shard: ``bot.shard_claims``), among the processes sharing a store.

    On PostgreSQL the claim is a session-level advisory lock held on a connection of its
    own (not the pool's): when the process dies or that connection drops, the server
    releases it and another process's ``acquire`` succeeds. On SQLite, where one process
    owns the file, the claim is always held.
    """

    @property
    def held(self) -> bool:
        """What this process last knew: True from a successful ``acquire`` until the claim
        is found lost (by ``confirm``, or the lock connection closing) or released."""
        ...

    async def acquire(self) -> bool:
        """Try once, without waiting: True when this process now holds the claim."""
        ...

    async def confirm(self) -> bool:
        """Check that the claim is still held (a round trip on the lock's own connection,
        bounded by a short timeout); False, and ``held`` False, when it is not."""
        ...

    async def wait_lost(self) -> None:
        """Return once the claim is not held (at once if it is not held now)."""
        ...

    def listen(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(message)`` with each message ``Coordination.announce`` sends to
        this role while this process holds it."""
        ...

    async def release(self) -> None:
        """Give the claim up (if held) and close its connection."""
        ...


class Coordination(Protocol):
    """What the processes sharing one store agree on through it."""

    @property
    def shared(self) -> bool:
        """True when other processes may use this store at the same time (PostgreSQL);
        False when this process is alone with it (SQLite)."""
        ...

    def leadership(self, role: str) -> Leadership:
        """The claim to ``role`` for this process (not tried yet: call ``acquire``)."""
        ...

    async def announce(self, role: str, message: str) -> None:
        """Send ``message`` to the process holding ``role``, if one holds it and listens
        now; nothing is kept for a later holder."""
        ...

    async def role_held(self, role: str) -> bool | None:
        """Whether some process holds ``role`` now, as another process sees it (``briefbot
        status``, health checks); None where the store cannot tell (SQLite: its one
        process holds every role while it runs)."""
        ...

    async def beat(self, process: BotProcess) -> None:
        """Record that ``process`` runs now (by the store's clock: on PostgreSQL the
        server's, one clock for every machine), and forget processes silent for a day."""
        ...

    async def processes(self) -> list[BotProcess]:
        """The processes that beat within the last day, the most recently started first,
        each with ``silent_seconds`` since its last beat."""
        ...

    async def forget_process(self, key: str) -> None:
        """Remove a process's record (it is stopping cleanly)."""
        ...

    async def record_server_languages(self, locales: Mapping[int, str]) -> None:
        """Note each server's preferred locale (``{guild_id: locale}``), as the process
        serving it sees it, for the dispatcher, which may not serve it."""
        ...

    async def server_languages(self) -> tuple[dict[int, str], dict[int, str]]:
        """The recorded locales: by server, and by subscribed channel (through its
        subscription's server)."""
        ...

    async def claim_identify_slot(self, bucket: int, *, spacing: float) -> float:
        """Claim the next gateway IDENTIFY of rate-limit ``bucket`` for this process.

        0.0 when claimed: the bucket's previous claim, by any process, was at least
        ``spacing`` seconds ago by the store's clock. Otherwise the seconds until it may
        be claimed, and nothing is claimed."""
        ...


class Sources(Protocol):
    """Feeds and pages that briefings arrive from, the entries seen in them, and the drafts
    of review-mode sources.

    An entry is remembered by its ``key`` (unique) once it is seen, whatever became of it,
    so a later poll never imports it again; a briefing removed by hand keeps its entry
    (``briefing_id`` then names no briefing). A waiting draft is an entry in state
    ``draft`` holding the draft's text: readers, search and delivery never see it.
    """

    async def add_source(self, source: Source, *, now: datetime | None = None) -> Source:
        """Store a new source (its ``id`` and poll record are ignored): active, first polled
        at ``source.next_poll_at`` or now. ``StorageError`` naming the source that already
        follows the same URL."""
        ...

    async def get_source(self, source_id: int) -> Source | None: ...

    async def list_sources(self) -> list[Source]:
        """By id."""
        ...

    async def set_source_status(
        self,
        source_id: int,
        status: SourceStatus,
        reason: str | None,
        *,
        next_poll_at: datetime | None = None,
    ) -> Source:
        """Pause or resume a source (``failures`` restart from 0); ``next_poll_at`` when given.
        ``NotFoundError`` for an unknown id."""
        ...

    async def remove_source(self, source_id: int) -> Source:
        """Forget a source and its waiting drafts; the entries it imported or that were
        rejected stay remembered (without a source), so re-adding it imports nothing twice.
        ``NotFoundError`` for an unknown id."""
        ...

    async def claim_due_sources(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Source]:
        """Sources not paused whose ``next_poll_at`` has come, soonest first, each moved to
        ``lease_until`` in the same transaction, so another process polling the same store
        does not take it too, and a poll that dies is retried after the lease."""
        ...

    async def record_poll(
        self,
        source_id: int,
        *,
        now: datetime,
        next_poll_at: datetime,
        error: str | None,
        counts: bool = True,
        etag: str | None = None,
        last_modified: str | None = None,
        failure_threshold: int,
    ) -> Source | None:
        """Note a poll. Success (``error`` None): failures reset, status active (unless
        paused meanwhile), ``etag``/``last_modified`` kept for the next conditional request.
        Failure: when it ``counts``, consecutive failures grow by one and at
        ``failure_threshold`` the source becomes failing with ``error`` as the reason.
        None if the source was removed meanwhile."""
        ...

    async def find_entries(self, keys: Sequence[str], links: Sequence[str]) -> list[SeenEntry]:
        """Entries with any of these keys or (canonical) links, from any source."""
        ...

    async def record_entries(
        self, records: Sequence[EntryRecord], *, now: datetime | None = None
    ) -> list[SeenEntry]:
        """Insert or update each entry by ``key``, all in one transaction, in order. A
        ``draft`` record whose text or link is already a briefing's is stored as
        ``published`` with that briefing instead (no editor reviews a story stored already)."""
        ...

    async def stale_entries(self) -> list[SeenEntry]:
        """Entries whose briefing changed while its posted copies were not corrected."""
        ...

    async def mark_copies_corrected(self, entry_id: int) -> None: ...

    async def drafts(self, *, limit: int = 100) -> list[WaitingDraft]:
        """Waiting drafts, oldest first."""
        ...

    async def get_draft(self, draft_id: int) -> WaitingDraft | None: ...

    async def update_draft(self, draft_id: int, draft: Draft, *, now: datetime | None = None) -> WaitingDraft:
        """An editor's change to a waiting draft. ``NotFoundError`` if it is not waiting."""
        ...

    async def resolve_draft(
        self, draft_id: int, *, briefing_id: int | None, now: datetime | None = None
    ) -> bool:
        """Approve (``briefing_id``: the briefing it became) or reject (None: remembered,
        never imported again) a waiting draft; the entry keeps the fingerprint of the text
        as imported, so an editor's changes count as edits by hand. False if it was not
        waiting (approved, rejected or removed already)."""
        ...


class Webhooks(Protocol):
    """The webhook the bot made in a subscribed channel (``/subscribe ... webhook:true``); its
    token is a secret. A channel's row goes when its subscription does."""

    async def put_webhook(self, hook: ChannelWebhook) -> ChannelWebhook:
        """Record a subscribed channel's webhook, replacing the one it had."""
        ...

    async def get_webhook(self, channel_id: int) -> ChannelWebhook | None: ...

    async def delete_webhook(self, channel_id: int) -> bool:
        """Forget a channel's webhook; whether it had one."""
        ...


class CorrectionReplies(Protocol):
    """The reply the engine posts to a copy Discord refused to edit (30046, 20022), recorded
    on the copy's rows (``bot.delivery.corrections``)."""

    async def correction_reply(self, channel_id: int, nonce: str) -> CorrectionReply | None:
        """The copy's reply, begun reply and delivery-log note; None when it has none."""
        ...

    async def mark_reply_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        """Before posting a reply (a new one: any recorded reply is forgotten)."""
        ...

    async def mark_replied(self, channel_id: int, nonce: str, reply_id: int, *, note: str) -> None:
        """Discord took the reply; ``note`` becomes what the delivery log says of the copy."""
        ...

    async def begun_replies(self) -> list[PostedCopy]:
        """Copies whose reply was begun and not recorded (a crash): for recovery."""
        ...


class PublishDigests(Protocol):
    """The digests that publish what a ``publish`` channel posted past Discord's publishes of
    the hour (``bot.delivery.publishing``), and a post's thread and publish recorded as begun
    (``bot.delivery.followups``). A digest gathers while 'open', is 'sending' from
    just before its message is sent (nonce as usual), 'posted' once Discord took it, then
    'published' or 'failed' (``note``: why)."""

    async def hold_for_publish_digest(
        self, channel_id: int, nonce: str, *, digest_nonce: str, now: datetime
    ) -> str:
        """Put the message ``nonce`` (sent, and being recorded) into the channel's open digest
        (made, with ``digest_nonce``, when it has none); the digest's nonce. Before the message
        is recorded as sent: after a crash it is held again, into the same digest while that
        is open."""
        ...

    async def publish_digest_channels(self) -> list[int]:
        """Channels with a digest not yet published (nor given up)."""
        ...

    async def due_publish_digest(self, channel_id: int) -> PublishDigest | None:
        """The channel's oldest digest not yet published, with its briefings in the order
        their posts were sent."""
        ...

    async def mark_publish_digest(
        self,
        channel_id: int,
        nonce: str,
        state: str,
        *,
        now: datetime,
        message_id: int | None = None,
        note: str | None = None,
    ) -> None:
        """Move a digest to ``state`` (with its message once posted, the time once published)."""
        ...

    async def followups_started(self, channel_id: int, nonce: str) -> datetime | None:
        """When the thread or the publish of this (pending) message was begun, if it was."""
        ...

    async def mark_followups_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        """Before a pending message's thread or publish: it may be done on Discord from now on."""
        ...


class Storage(
    Archive,
    Subscriptions,
    Follows,
    Webhooks,
    Outbox,
    CorrectionReplies,
    PublishDigests,
    Admin,
    Sources,
    Coordination,
    Protocol,
):
    """Everything the services, the delivery engine, the client, the CLI and the demo ask of storage."""
