"""The delivery engine: each new briefing reaches each subscribed channel exactly once.

How exactly-once works:

1. *Plan.* A run decides, per channel, which briefings are new (id above the
   subscription's starting point and cursor, published, matching its filters, not
   already in the outbox) and writes one ``pending`` outbox row per briefing before
   anything is sent to that channel (a chunk of channels per transaction, so a large
   fan-out starts sending while later channels are still being planned). Rows that
   make up one Discord message share a deterministic nonce derived from the channel
   and the briefing ids.
2. *Send.* Each pending message is sent with that nonce (``enforce_nonce``), then
   marked ``sent`` with the Discord message id.
3. *Recover.* After a crash between 1 and 2, ``recover_pending()`` sends the same
   message with the same nonce: Discord returns the message it already created
   rather than posting it twice, and the row is marked ``sent``.

The engine does no Discord I/O of its own: it talks to a ``Sender`` (a thin adapter
over discord.py in ``bot.discord_sender``, an in-memory fake in tests) and reads the
time from an injectable ``Clock``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import discord

from bot import render, replies, schedule
from bot.config import ScheduleConfig
from bot.models import Briefing, ScheduleKind, Subscription
from bot.nlp.wordforms import keyword_pattern
from storage.outbox import (
    Candidate,
    ChannelPlan,
    MessagePlan,
    PendingMessage,
    PostedCopy,
    SubscriptionState,
)

if TYPE_CHECKING:
    from storage.sqlite import SQLiteStorage

log = logging.getLogger(__name__)

NONCE_LENGTH = 24  # Discord accepts at most 25 characters
DIGEST_KINDS = (ScheduleKind.HOURLY, ScheduleKind.DAILY, ScheduleKind.WEEKLY)
META_INSTANT_LAST_RUN = "delivery.instant_last_run"
PLAN_CHUNK = 200  # instant channels planned (and written to the outbox) per transaction


# -- what a Sender may raise --------------------------------------------------------


class DeliveryError(Exception):
    """A send, edit or delete that did not happen."""


class ChannelGone(DeliveryError):  # noqa: N818 - reads better at the raise site
    """404 Unknown Channel: the channel (or thread) no longer exists."""


class NoAccess(DeliveryError):  # noqa: N818 - reads better at the raise site
    """403 Missing Access / Missing Permissions."""


class MessageGone(DeliveryError):  # noqa: N818 - reads better at the raise site
    """404 Unknown Message on edit or delete: someone already deleted it."""


class TransientError(DeliveryError):
    """5xx or a timeout: worth trying again later."""


class Rejected(DeliveryError):  # noqa: N818 - reads better at the raise site
    """Any other 4xx: Discord will never accept this request as it is."""


class Sender(Protocol):
    """The three Discord calls the engine makes."""

    async def send(
        self,
        channel_id: int,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        nonce: str,
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        """Post a message and return its id (the existing one if the nonce was seen)."""
        ...

    async def edit(self, channel_id: int, message_id: int, *, embeds: Sequence[discord.Embed]) -> None: ...

    async def delete(self, channel_id: int, message_id: int) -> None: ...


Notify = Callable[[int, int | None, str], Awaitable[None]]
"""``notify(guild_id, channel_id, text)``: tell a server's managers something.

``channel_id`` is the alerts channel chosen for the subscription or in config, or
``None`` when neither is set (the bot may then use the server's system channel if
it can write there, or stay silent)."""


# -- time ---------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall time."""
        ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """Wall and monotonic time that move only when told to (or when someone sleeps):
    for tests and for simulations such as the soak benchmark's accelerated week."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 1000.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def set(self, moment: datetime) -> None:
        self.advance((moment - self._now).total_seconds())

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)


_MIN_WAIT = 0.001  # never spin on a rounding error
_CATCH_UP = 0.75  # closest two requests may follow each other, in spacings
_REACH_CAP = 0.3  # a slow answer says the request reached Discord at most this long after it went


@dataclass(slots=True)
class Sent:
    """One request in the global window: ``at`` is the latest it may have reached
    Discord (``_REACH_CAP`` after it went; when its answer came, once ``done``)."""

    went: float
    at: float


class RateLimiter:
    """Paces requests below Discord's limits before discord.py's own handling is needed.

    Globally, requests go evenly ``per_second`` a second (49: 98% of Discord's 50), and
    never more than ``window_limit`` (50) within one second of each other, counted from
    the latest moment each may have reached Discord. Per channel, at most
    ``per_channel`` messages per ``channel_window`` seconds. A channel waiting for its
    own window takes no global slot, so it never holds up other channels.

    Discord counts its global 50/s per window. A token bucket whose burst equals its
    rate let ~90 requests into one second and drew hundreds of global 429s in the
    fan-out benchmark; a no-burst bucket lost every sleep's overshoot and paced at
    ~44/s; a sliding log alone sent bursts of 49 whose arrival jitter spilled into the
    next window. So requests are spaced evenly on a grid of planned times (not from
    the moment the last one actually went: a wake-up late by the timer's slack, ~1 ms,
    would push every later request back too, which held the pace at ~47.6/s).

    Even spacing alone still drew a global 429 in the 10k fan-out: a request delayed
    on its way (an event-loop stall, a garbage-collector pass) reaches Discord in the
    same second as the 50 after it. So the window counts a request from when its
    answer came back (it cannot have reached Discord later than that; ``slot`` and
    ``done`` report it), capped at ``_REACH_CAP`` after it went so that one slow
    answer does not hold up everyone. Request ``n + window_limit`` then goes at least
    a second after request ``n`` arrived, so no second of Discord's can hold more than
    ``window_limit``, whatever the jitter. At 49/s it rarely has to wait for this.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        per_second: int = 49,
        window_limit: int | None = None,
        per_channel: int = 5,
        channel_window: float = 5.0,
    ) -> None:
        self._clock = clock
        self._window_limit = window_limit if window_limit is not None else per_second + 1
        self._sent: deque[Sent] = deque()
        self._spacing = 1.0 / per_second
        self._next_slot = float("-inf")  # planned time of the next request
        self._per_channel = per_channel
        self._window = channel_window
        self._recent: dict[int, deque[float]] = {}
        self._acquired = 0
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def slot(self, channel_id: int) -> AsyncIterator[None]:
        """Wait for a slot, make the request inside, and say when its answer came."""
        sent = await self.acquire(channel_id)
        try:
            yield
        finally:
            self.done(sent)

    def done(self, sent: Sent) -> None:
        """The request's answer (or error) came back: it reached Discord by now."""
        sent.at = min(self._clock.monotonic(), sent.at)

    async def acquire(self, channel_id: int) -> Sent:
        """Wait until a request to this channel may go. Call ``done`` with the result
        when its answer comes (``slot`` does both); until then it counts as reaching
        Discord as late as it could."""
        recent = self._recent.setdefault(channel_id, deque())
        while True:  # the channel's own window first: waiting here holds no one else up
            now = self._clock.monotonic()
            while recent and recent[0] <= now - self._window:
                recent.popleft()
            if len(recent) < self._per_channel:
                break
            await self._clock.sleep(max(recent[0] + self._window - now, _MIN_WAIT))
        # Then the global window, one waiter at a time in arrival order: with thousands
        # of channels waiting, waking them all for every free slot (a thundering herd)
        # cost more CPU than the sends and halved fan-out throughput at 10k channels.
        async with self._turn:
            while True:
                now = self._clock.monotonic()
                while self._sent and self._sent[0].at <= now - 1.0:
                    self._sent.popleft()
                planned = self._next_slot
                if len(self._sent) >= self._window_limit:  # else it cannot be full
                    within = sorted(r.at for r in self._sent if r.at > now - 1.0)
                    if len(within) >= self._window_limit:
                        planned = max(planned, within[len(within) - self._window_limit] + 1.0)
                if now >= planned:
                    break
                await self._clock.sleep(max(planned - now, _MIN_WAIT))
            sent = Sent(now, now + _REACH_CAP)
            self._sent.append(sent)
            # The next slot is one spacing after this one was planned, so timer slack
            # is not lost; but at least 3/4 of a spacing after this one actually went:
            # after a pause (or a slow loop) requests catch up only a little.
            self._next_slot = max(planned + self._spacing, now + self._spacing * _CATCH_UP)
        # _forget_idle may have dropped this channel's (then idle) window meanwhile.
        self._recent.setdefault(channel_id, recent).append(now)
        self._acquired += 1
        if self._acquired % 1000 == 0:
            self._forget_idle(now)
        return sent

    def _forget_idle(self, now: float) -> None:
        for channel_id in [c for c, r in self._recent.items() if not r or r[-1] <= now - self._window]:
            del self._recent[channel_id]


# -- pure planning ------------------------------------------------------------------


def message_nonce(channel_id: int, briefing_ids: Iterable[int]) -> str:
    """A deterministic nonce of 24 characters for one message to one channel."""
    key = f"{channel_id}:{'.'.join(str(i) for i in sorted(briefing_ids))}"
    return hashlib.blake2b(key.encode(), digest_size=NONCE_LENGTH // 2).hexdigest()


def _has_word(text: str, phrase: str) -> bool:
    return keyword_pattern(phrase.strip()).search(text) is not None


def matches(sub: Subscription, briefing: Candidate | Briefing) -> bool:
    """Topics (any tag) and keywords (any, as whole words in any of their forms, in title or
    body) both must match when set."""
    if sub.topics:
        tags = {t.casefold() for t in briefing.tags}
        if not any(t.casefold() in tags for t in sub.topics):
            return False
    if sub.keywords:
        text = f"{briefing.title}\n{briefing.body}"
        if not any(_has_word(text, k) for k in sub.keywords if k.strip()):
            return False
    return True


def ping_content(role_id: int | None) -> str | None:
    return f"<@&{role_id}>" if role_id else None


def allowed_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Exactly the chosen role may be pinged, nothing else."""
    if role_id:
        return discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role_id)])
    return discord.AllowedMentions.none()


def plan_channel(
    state: SubscriptionState,
    candidates: Sequence[Candidate],
    recorded: set[tuple[int, int]],
    *,
    now: datetime,
    catchup_max: int,
    digest: bool,
) -> ChannelPlan:
    """Decide what one channel gets from ``candidates`` (sorted by id).

    The cursor moves past every published briefing up to the first one still under
    embargo, so an embargoed briefing is looked at again on later runs. An instant
    channel gets at most ``catchup_max`` posts (the newest); the older ones are
    recorded as skipped and the last post says how many more there are.
    """
    sub = state.subscription
    low = state.low_id
    cursor = low
    blocked = False
    fresh: list[int] = []
    for candidate in candidates:
        if candidate.id <= low:
            continue
        if candidate.published_at > now:
            blocked = True
            continue
        if not blocked:
            cursor = candidate.id
        if (sub.channel_id, candidate.id) not in recorded and matches(sub, candidate):
            fresh.append(candidate.id)
    ping = ping_content(sub.role_id)
    if digest:
        messages: tuple[MessagePlan, ...] = ()
        if fresh:
            messages = (
                MessagePlan(message_nonce(sub.channel_id, fresh), "digest", tuple(fresh), ping, sub.role_id),
            )
        return ChannelPlan(sub.channel_id, messages, (), "", cursor, ran=True)
    skipped: list[int] = []
    if len(fresh) > catchup_max:
        skipped, fresh = fresh[:-catchup_max], fresh[-catchup_max:]
    plans = []
    for index, briefing_id in enumerate(fresh):
        content = ping
        if skipped and index == len(fresh) - 1:
            note = f"+{len(skipped)} more: use /latest"
            content = f"{ping}\n{note}" if ping else note
        plans.append(
            MessagePlan(
                message_nonce(sub.channel_id, [briefing_id]), "post", (briefing_id,), content, sub.role_id
            )
        )
    return ChannelPlan(sub.channel_id, tuple(plans), tuple(skipped), "catch-up limit", cursor)


def render_message(kind: str, briefings: Sequence[Briefing]) -> list[discord.Embed]:
    """The embeds of an outbox message (also used to re-render it for corrections)."""
    if kind == "post" and len(briefings) == 1:
        return replies.post(briefings[0]).embeds
    count = len(briefings)
    return render.digest_embeds(briefings, title=f"Digest: {count} new briefing{'s' if count != 1 else ''}")


# -- reports ------------------------------------------------------------------------


@dataclass(slots=True)
class RunReport:
    """What one run did (for logs and tests)."""

    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # left pending after transient errors
    paused: list[int] = field(default_factory=list)

    def merge(self, other: RunReport) -> None:
        self.planned += other.planned
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.deferred += other.deferred
        self.paused += other.paused


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What happened to the posted copies of one briefing."""

    edited: int = 0
    deleted: int = 0
    failed: int = 0

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


async def read_status(
    storage: SQLiteStorage, *, now: datetime, guild_id: int | None = None
) -> DeliveryStatus:
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
            next_at = schedule.next_run(sub, now)
        channels.append(
            ChannelStatus(
                channel_id=sub.channel_id,
                guild_id=sub.guild_id,
                schedule=schedule.describe(sub),
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


# -- the engine ---------------------------------------------------------------------


class DeliveryEngine:
    """Plans, sends, recovers, corrects and retracts posts. Safe to call concurrently:
    sends to one channel are serialised, different channels run in parallel.

    A fan-out runs up to ``workers`` channels at a time (each channel's messages in
    order), fed from a short queue, so the first send does not wait behind every
    other channel's outbox reads and a planner can keep adding channels while the
    first ones are sent. ``max_concurrency`` bounds the requests in flight.
    """

    def __init__(
        self,
        storage: SQLiteStorage,
        sender: Sender,
        config: ScheduleConfig,
        clock: Clock | None = None,
        *,
        notify: Notify | None = None,
        limiter: RateLimiter | None = None,
        max_concurrency: int = 50,
        workers: int = 100,
        tries: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._storage = storage
        self._sender = sender
        self._config = config
        self._clock = clock or SystemClock()
        self._notify = notify
        self._limiter = limiter or RateLimiter(self._clock)
        self._requests = asyncio.Semaphore(max_concurrency)
        self._workers = max(1, workers)
        self._tries = max(1, tries)
        self._backoff = backoff_seconds
        self._locks: dict[int, asyncio.Lock] = {}
        self._lock_users: dict[int, int] = {}
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- runs -------------------------------------------------------------------

    async def run_instant(self) -> RunReport:
        """Plan new briefings for every instant channel and send everything pending.

        Channels are planned a chunk at a time, each chunk written to the outbox in one
        transaction before any of its channels is sent; sending starts with the first
        chunk while later ones are still being planned. Channels that already had
        pending messages go first."""
        async with self._busy():
            report = RunReport()
            earlier = await self._storage.channels_with_pending()
            report.merge(await self._fan_out(self._plan_instant(self._clock.now(), earlier, report)))
            return report

    async def _candidates(self, low_id: int, now: datetime) -> tuple[list[Candidate], set[tuple[int, int]]]:
        """Briefings above ``low_id`` and the (channel, briefing) pairs already in the outbox."""
        candidates = await self._storage.delivery_candidates(low_id)
        visible = [c.id for c in candidates if c.published_at <= now]
        return candidates, await self._storage.recorded_pairs(visible)

    def _plan(
        self,
        state: SubscriptionState,
        candidates: list[Candidate],
        recorded: set[tuple[int, int]],
        now: datetime,
        *,
        digest: bool,
    ) -> ChannelPlan:
        return plan_channel(
            state, candidates, recorded, now=now, catchup_max=self._config.instant_catchup_max, digest=digest
        )

    async def _plan_instant(
        self, now: datetime, earlier: list[int], report: RunReport
    ) -> AsyncIterator[Sequence[int]]:
        """Yield the channels to send to: ``earlier`` first, then each planned chunk's
        channels with new messages, once the chunk is in the outbox."""
        if earlier:
            yield earlier
        top = await self._storage.max_briefing_id()
        candidates: list[Candidate] = []
        recorded: set[tuple[int, int]] = set()
        read_from: int | None = None
        after: int | None = None
        while True:
            states = await self._storage.subscription_states(
                [ScheduleKind.INSTANT], behind_id=top, after_channel_id=after, limit=PLAN_CHUNK
            )
            if not states:
                break
            after = states[-1].subscription.channel_id
            low = min(s.low_id for s in states)
            if read_from is None or low < read_from:
                # Rows this run writes are for channels of earlier chunks only, so the
                # outbox is read once, not per chunk; a concurrent run's rows for the
                # same message carry the same nonce and are kept (ON CONFLICT DO NOTHING).
                candidates, recorded = await self._candidates(low, now)
                read_from = low
            plans = []
            for state in states:
                plan = self._plan(state, candidates, recorded, now, digest=False)
                if plan.messages or plan.skipped or plan.cursor_id != state.cursor_id:
                    plans.append(plan)
            if plans:
                await self._storage.record_plans(plans, now=now)
                report.planned += sum(len(p.messages) for p in plans)
                report.skipped += sum(len(p.skipped) for p in plans)
                yield [p.channel_id for p in plans if p.messages]
            if len(states) < PLAN_CHUNK:
                break
        await self._storage.record_instant_run(now)

    async def run_digest(self, channel_id: int) -> RunReport:
        """One digest for this channel: everything new since its last one, as one message
        (nothing at all when nothing is new). Also sends anything still pending there."""
        async with self._busy():
            now = self._clock.now()
            report = RunReport()
            state = await self._storage.subscription_state(channel_id)
            if state is None or state.subscription.schedule not in DIGEST_KINDS:
                return report
            if state.subscription.paused_reason:
                log.info("digest for channel %s skipped: paused", channel_id)
                return report
            candidates, recorded = await self._candidates(state.low_id, now)
            plan = self._plan(state, candidates, recorded, now, digest=True)
            await self._storage.record_plans([plan], now=now)
            report.planned = len(plan.messages)
            report.merge(await self.fan_out([channel_id]))
            return report

    async def recover_pending(self) -> RunReport:
        """At start-up: send every message that was written but maybe not sent, with
        its original nonce, so a crash neither loses nor duplicates a post."""
        async with self._busy():
            channels = await self._storage.channels_with_pending()
            if channels:
                log.info("recovering pending deliveries for %d channel(s)", len(channels))
            return await self.fan_out(channels)

    async def fan_out(self, channel_ids: Sequence[int]) -> RunReport:
        """Send the pending messages of these channels, channels in parallel."""

        async def once() -> AsyncIterator[Sequence[int]]:
            yield channel_ids

        return await self._fan_out(once())

    async def _fan_out(self, batches: AsyncIterator[Sequence[int]]) -> RunReport:
        """Send the pending messages of the channels ``batches`` yields, starting with
        the first batch while later ones are still being produced.

        Up to ``self._workers`` channels are in progress at once; the queue between the
        producer and them is short, so planning keeps just ahead of sending. If the
        producer fails, what it already handed over is still sent, then the error is
        raised."""
        report = RunReport()
        queue: asyncio.Queue[int | None] = asyncio.Queue(maxsize=self._workers)

        async def worker() -> None:
            while (channel_id := await queue.get()) is not None:
                try:
                    report.merge(await self._deliver_channel(channel_id))
                except Exception:
                    log.exception("delivery to channel %s failed", channel_id)
                    report.failed += 1

        workers: list[asyncio.Task[None]] = []
        failure: Exception | None = None
        try:
            try:
                async for batch in batches:
                    for channel_id in dict.fromkeys(batch):
                        if len(workers) < self._workers:
                            workers.append(asyncio.create_task(worker()))
                        await queue.put(channel_id)
            except Exception as exc:
                failure = exc
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        except BaseException:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        if failure is not None:
            raise failure
        return report

    async def _deliver_channel(self, channel_id: int) -> RunReport:
        report = RunReport()
        async with self._channel_lock(channel_id):
            pending = await self._storage.pending_messages(channel_id)
            if not pending:
                return report
            state = await self._storage.subscription_state(channel_id)
            if state is None:
                for message in pending:
                    await self._storage.mark_message(channel_id, message.nonce, "skipped", "unsubscribed")
                    report.skipped += 1
                return report
            if state.subscription.paused_reason:
                return report
            for message in pending:
                if not await self._send(state.subscription, message, report):
                    break  # keep this channel's order: the rest waits for the next run
        return report

    async def _send(self, sub: Subscription, message: PendingMessage, report: RunReport) -> bool:
        """Send one pending message; False when this channel should stop for now."""
        channel_id = sub.channel_id
        briefings = await self._storage.get_briefings(message.briefing_ids)
        if not briefings:
            await self._storage.mark_message(channel_id, message.nonce, "skipped", "briefing removed")
            report.skipped += 1
            return True
        embeds = render_message(message.kind, briefings)
        for attempt in range(self._tries):
            try:
                async with self._limiter.slot(channel_id), self._requests:
                    message_id = await self._sender.send(
                        channel_id,
                        content=message.content,
                        embeds=embeds,
                        nonce=message.nonce,
                        allowed_mentions=allowed_mentions(message.ping_role_id),
                    )
            except TransientError as exc:
                if attempt + 1 < self._tries:
                    await self._clock.sleep(self._backoff * 2**attempt)
                    continue
                log.warning("channel %s: %s after %d tries; left pending", channel_id, exc, self._tries)
                await self._storage.record_send_failure(
                    channel_id, message.nonce, f"transient: {exc}", counts=False, threshold=0, pause_reason=""
                )
                report.deferred += 1
                return False
            except (NoAccess, ChannelGone) as exc:
                await self._channel_failed(sub, message, exc, report)
                return False
            except Rejected as exc:
                log.error("channel %s rejected message %s: %s", channel_id, message.nonce, exc)
                await self._storage.mark_message(channel_id, message.nonce, "failed", f"rejected: {exc}")
                report.failed += 1
                return True
            else:
                await self._storage.mark_sent(channel_id, message.nonce, message_id, now=self._clock.now())
                report.sent += 1
                return True
        return False  # pragma: no cover - the loop always returns

    async def _channel_failed(
        self, sub: Subscription, message: PendingMessage, exc: DeliveryError, report: RunReport
    ) -> None:
        if isinstance(exc, ChannelGone):
            why = "the channel no longer exists (Unknown Channel)"
        else:
            why = (
                "the bot cannot post there (Missing Access or Missing Permissions: it needs View Channel, "
                "Send Messages and Embed Links)"
            )
        threshold = self._config.failure_threshold
        outcome = await self._storage.record_send_failure(
            sub.channel_id,
            message.nonce,
            f"{type(exc).__name__}: {exc}",
            counts=True,
            threshold=threshold,
            pause_reason=f"{why}; paused after {threshold} failed attempts",
        )
        report.failed += 1
        log.warning("channel %s: %s (%d in a row)", sub.channel_id, type(exc).__name__, outcome.failures)
        if outcome.paused:
            report.paused.append(sub.channel_id)
            log.warning("subscription of channel %s paused: %s", sub.channel_id, why)
            await self._alert(
                sub,
                f"Briefings to <#{sub.channel_id}> are paused: {why}. "
                "Fix it, then run /subscribe in that channel again to resume.",
            )

    async def _alert(self, sub: Subscription, text: str) -> None:
        if self._notify is None:
            return
        target = sub.alerts_channel_id or self._config.alerts_channel_id
        if target == sub.channel_id:
            target = None
        try:
            await self._notify(sub.guild_id, target, text)
        except Exception:
            log.exception("could not notify guild %s about channel %s", sub.guild_id, sub.channel_id)

    # -- corrections --------------------------------------------------------------

    async def correct(self, briefing_id: int) -> CopyReport:
        """Edit every posted copy of a briefing in place (the renderer marks it corrected).

        Call after ``storage.update_briefing``; a digest is re-rendered whole.
        """
        async with self._busy():
            copies = await self._storage.posted_copies(briefing_id)
            results = await asyncio.gather(*(self._edit_copy(c, exclude=None) for c in copies))
            return _copy_report(results)

    async def retract(self, removed: int | Sequence[tuple[int, int]]) -> CopyReport:
        """Take a removed briefing out of every posted copy: a post of its own is deleted,
        a digest that also shows other briefings is edited to leave it out.

        ``removed`` is the briefing id, or the ``(channel_id, message_id)`` pairs that
        ``storage.remove_briefing`` returned. Call after removing it (the outbox keeps
        the message ids).
        """
        async with self._busy():
            if isinstance(removed, int):
                copies = await self._storage.posted_copies(removed)
            else:
                copies = await self._storage.copies_of_messages(list(removed))
            exclude = removed if isinstance(removed, int) else None
            results = await asyncio.gather(*(self._edit_copy(c, exclude=exclude) for c in copies))
            return _copy_report(results)

    async def _edit_copy(self, copy: PostedCopy, *, exclude: int | None) -> str:
        keep = [b for b in copy.briefing_ids if b != exclude]
        briefings = await self._storage.get_briefings(keep)
        now = self._clock.now()
        async with self._channel_lock(copy.channel_id):
            try:
                if briefings:
                    embeds = render_message(copy.kind, briefings)
                    await self._retrying(
                        copy.channel_id,
                        lambda: self._sender.edit(copy.channel_id, copy.message_id, embeds=embeds),
                    )
                    outcome = "edited"
                else:
                    await self._retrying(
                        copy.channel_id, lambda: self._sender.delete(copy.channel_id, copy.message_id)
                    )
                    outcome = "deleted"
            except MessageGone:
                await self._storage.mark_retracted(copy.channel_id, copy.nonce, copy.briefing_ids, now=now)
                return "gone"
            except DeliveryError as exc:
                log.warning("channel %s message %s: %s", copy.channel_id, copy.message_id, exc)
                return "failed"
        gone = [b for b in copy.briefing_ids if b not in {x.id for x in briefings}]
        if gone:
            await self._storage.mark_retracted(copy.channel_id, copy.nonce, gone, now=now)
        if briefings:
            await self._storage.mark_edited(copy.channel_id, copy.nonce, now=now)
        return outcome

    async def _retrying(self, channel_id: int, call: Callable[[], Awaitable[None]]) -> None:
        for attempt in range(self._tries):
            try:
                async with self._limiter.slot(channel_id), self._requests:
                    await call()
                return
            except TransientError:
                if attempt + 1 >= self._tries:
                    raise
                await self._clock.sleep(self._backoff * 2**attempt)

    # -- subscription events --------------------------------------------------

    async def backfill(self, channel_id: int, count: int) -> RunReport:
        """Post the ``count`` newest matching briefings from before the subscription
        (``/subscribe ... backfill:N``), as posts or, on a digest schedule, one digest."""
        async with self._busy():
            report = RunReport()
            state = await self._storage.subscription_state(channel_id)
            if state is None or count <= 0 or state.subscription.paused_reason:
                return report
            sub = state.subscription
            now = self._clock.now()
            recent = await self._storage.recent_candidates(
                sub.since_briefing_id, now=now, limit=max(200, count)
            )
            chosen = [c for c in recent if matches(sub, c)][:count]
            recorded = await self._storage.recorded_pairs([c.id for c in chosen])
            ids = sorted(c.id for c in chosen if (channel_id, c.id) not in recorded)
            if not ids:
                return report
            ping = ping_content(sub.role_id)
            if sub.schedule is ScheduleKind.INSTANT:
                messages = tuple(
                    MessagePlan(message_nonce(channel_id, [i]), "post", (i,), ping, sub.role_id) for i in ids
                )
            else:
                messages = (
                    MessagePlan(message_nonce(channel_id, ids), "digest", tuple(ids), ping, sub.role_id),
                )
            await self._storage.record_plans(
                [ChannelPlan(channel_id, messages, cursor_id=state.cursor_id)], now=now
            )
            report.planned = len(messages)
            report.merge(await self.fan_out([channel_id]))
            return report

    async def channel_deleted(self, channel_id: int) -> None:
        """Gateway: a subscribed channel or thread was deleted. Pause at once, drop what
        was pending there and tell the server."""
        sub = await self._storage.pause_channel(channel_id, "the channel was deleted")
        if sub is not None:
            log.info("channel %s deleted: subscription paused", channel_id)
            await self._alert(
                sub, f"The channel <#{channel_id}> was deleted, so its briefings subscription is paused."
            )

    async def guild_removed(self, guild_id: int) -> int:
        """Gateway: the bot left (or was removed from) a server. Its subscriptions go."""
        removed = await self._storage.remove_guild(guild_id)
        log.info("left guild %s: %d subscription(s) removed", guild_id, removed)
        return removed

    # -- status -------------------------------------------------------------------

    async def status(self, *, guild_id: int | None = None) -> DeliveryStatus:
        """For ``briefbot status`` and ``/subscriptions``."""
        return await read_status(self._storage, now=self._clock.now(), guild_id=guild_id)

    # -- bookkeeping ---------------------------------------------------------------

    async def wait_idle(self) -> None:
        """Wait until no run, correction or retraction is in progress."""
        await self._idle.wait()

    @asynccontextmanager
    async def _busy(self) -> AsyncIterator[None]:
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    @asynccontextmanager
    async def _channel_lock(self, channel_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        self._lock_users[channel_id] = self._lock_users.get(channel_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[channel_id] -= 1
            if self._lock_users[channel_id] == 0:
                del self._lock_users[channel_id]
                del self._locks[channel_id]


def _copy_report(results: Sequence[str]) -> CopyReport:
    return CopyReport(
        edited=results.count("edited"),
        deleted=results.count("deleted") + results.count("gone"),
        failed=results.count("failed"),
    )
