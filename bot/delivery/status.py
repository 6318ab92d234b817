"""What a delivery run did, and where every subscription stands (``briefbot status``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import timetable
from bot.delivery.explain import explain
from bot.delivery.planner import DIGEST_KINDS
from bot.delivery.records import DeliveryRecord, Explanation
from bot.models import Briefing, Subscription
from storage import META_INSTANT_LAST_RUN, Storage

LOG_LENGTH = 20


@dataclass(slots=True)
class RunReport:
    """What one run did (for logs and tests)."""

    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # left pending after transient errors
    held: int = 0  # left pending: not the dispatcher, or too many invalid requests lately
    paused: list[int] = field(default_factory=list)

    def merge(self, other: RunReport) -> None:
        self.planned += other.planned
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.deferred += other.deferred
        self.held += other.held
        self.paused += other.paused


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What happened to the posted copies of one briefing."""

    edited: int = 0
    deleted: int = 0
    failed: int = 0
    # Left to the dispatcher (another process): marked in the outbox, changed shortly.
    queued: int = 0

    def __int__(self) -> int:
        """How many posted messages were changed (edited or deleted)."""
        return self.edited + self.deleted


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    channel_id: int
    guild_id: int
    schedule: str
    paused_reason: str | None
    failures: int
    last_run_at: datetime | None
    last_delivery_at: datetime | None
    next_run_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    pending: int
    failed: int
    sent: int
    instant_last_run: datetime | None
    channels: tuple[ChannelStatus, ...]

    @property
    def paused(self) -> tuple[ChannelStatus, ...]:
        return tuple(c for c in self.channels if c.paused_reason)


async def read_status(storage: Storage, *, now: datetime, guild_id: int | None = None) -> DeliveryStatus:
    """Pending, failed and sent counts, and every subscription's state: needs only
    the database, so ``briefbot status`` can read it while the bot runs elsewhere."""
    counts = await storage.outbox_counts()
    instant = await storage.get_meta(META_INSTANT_LAST_RUN)
    channels = []
    for state in await storage.all_subscription_states():
        sub = state.subscription
        if guild_id is not None and sub.guild_id != guild_id:
            continue
        next_at = None
        if not sub.paused_reason and sub.schedule in DIGEST_KINDS:
            next_at = timetable.next_run(sub, now)
        channels.append(
            ChannelStatus(
                channel_id=sub.channel_id,
                guild_id=sub.guild_id,
                schedule=timetable.describe(sub),
                paused_reason=sub.paused_reason,
                failures=sub.failures,
                last_run_at=state.last_run_at,
                last_delivery_at=sub.last_delivery_at,
                next_run_at=next_at,
            )
        )
    return DeliveryStatus(
        pending=counts.pending,
        failed=counts.failed,
        sent=counts.sent,
        instant_last_run=datetime.fromisoformat(instant) if instant else None,
        channels=tuple(channels),
    )


@dataclass(frozen=True, slots=True)
class ChannelLog:
    """A subscription's delivery log: its newest outbox rows (in its channel and those it
    was moved from), and for a named briefing, what became of it there and why."""

    subscription: Subscription
    entries: tuple[DeliveryRecord, ...]
    briefing: Briefing | None = None
    explanation: Explanation | None = None


async def read_channel_log(
    storage: Storage,
    channel_id: int,
    *,
    now: datetime,
    briefing_id: int | None = None,
    limit: int = LOG_LENGTH,
) -> ChannelLog | None:
    """The delivery log of ``channel_id``'s subscription (None if it has none); with
    ``briefing_id``, why that briefing was or was not delivered (no ``briefing`` in the log
    when there is no such briefing). Needs only the database: ``briefbot status`` reads it too."""
    state = await storage.subscription_state(channel_id)
    if state is None:
        return None
    channels = state.subscription.channel_ids
    entries = tuple(await storage.delivery_log(channels, limit=limit))
    if briefing_id is None:
        return ChannelLog(state.subscription, entries)
    found = await storage.get_briefings([briefing_id])
    if not found:
        return ChannelLog(state.subscription, entries)
    records = await storage.delivery_records(channels, briefing_id)
    return ChannelLog(state.subscription, entries, found[0], explain(state, found[0], records, now=now))
