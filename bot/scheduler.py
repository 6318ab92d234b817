"""APScheduler wiring: when the delivery engine runs.

The database, not APScheduler, is the record of what is scheduled. Jobs live in
memory and are rebuilt from the subscriptions table at start-up with stable ids
(``digest:<channel_id>``, ``instant``), ``replace_existing``, ``coalesce`` and an
explicit misfire grace time; job functions take ids and load fresh rows, so a job
left over for a deleted or changed subscription does nothing wrong.

After downtime a digest whose last scheduled time passed while the bot was away
runs once at start-up (not once per missed slot); instant channels catch up on the
first poll, capped by the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import timetable
from bot.clock import Clock, SystemClock
from bot.config import ScheduleConfig
from bot.delivery.engine import DeliveryEngine
from bot.delivery.planner import DIGEST_KINDS
from bot.models import Subscription

if TYPE_CHECKING:
    from bot.delivery.records import SubscriptionState
    from storage import Storage

log = logging.getLogger(__name__)

INSTANT_JOB = "instant"
STARTUP_JOB = "startup"
SOURCES_JOB = "sources"
DIGEST_GRACE_SECONDS = 6 * 3600  # a digest delayed by a stalled loop still goes out the same day
SHUTDOWN_GRACE_SECONDS = 30.0


def digest_job_id(channel_id: int) -> str:
    return f"digest:{channel_id}"


class SubscriptionTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """Fires at a subscription's schedule slots, computed by ``bot.timetable`` (DST-safe)."""

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is not None:
            return timetable.next_run(self.sub, previous_fire_time)
        return timetable.next_run(self.sub, now - timedelta(microseconds=1))

    def __str__(self) -> str:
        return timetable.describe(self.sub)

    def __repr__(self) -> str:
        return f"<SubscriptionTrigger {timetable.describe(self.sub)}>"


def catch_up_due(state: SubscriptionState, now: datetime) -> bool:
    """True when a digest slot passed since the subscription last ran (or was created)."""
    sub = state.subscription
    if sub.schedule not in DIGEST_KINDS or sub.paused_reason:
        return False
    since = state.last_run_at or sub.created_at
    if since is None:
        return False
    return timetable.previous_run(sub, now) > since


class BriefingScheduler:
    """Owns the ``AsyncIOScheduler``. The bot calls ``start()`` in ``setup_hook``,
    ``shutdown()`` in ``close()``, and the event methods when things change."""

    def __init__(
        self,
        engine: DeliveryEngine,
        storage: Storage,
        config: ScheduleConfig,
        clock: Clock | None = None,
        *,
        digest_grace_seconds: int = DIGEST_GRACE_SECONDS,
    ) -> None:
        self._engine = engine
        self._storage = storage
        self._config = config
        self._clock = clock or SystemClock()
        self._grace = digest_grace_seconds
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False

    @property
    def apscheduler(self) -> AsyncIOScheduler:
        return self._scheduler

    # -- lifecycle ---------------------------------------------------------------

    async def start(self, *, paused: bool = False) -> None:
        """Start, and rebuild every job from the database: pending deliveries are
        recovered and missed digests run once, right away. ``paused`` is for tests.

        A scheduler that was shut down starts afresh: the process that stopped being the
        dispatcher may become it again."""
        if self._stopping:
            self._scheduler = AsyncIOScheduler(timezone=UTC)
            self._stopping = False
        now = self._clock.now()
        self._scheduler.start(paused=paused)
        await self.rebuild(catch_up=True)
        self._scheduler.add_job(
            self._startup,
            id=STARTUP_JOB,
            replace_existing=True,
            next_run_time=now,
            misfire_grace_time=None,
        )
        self._scheduler.add_job(
            self._instant,
            IntervalTrigger(seconds=self._config.poll_seconds, timezone=UTC),
            id=INSTANT_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._config.poll_seconds,
            next_run_time=now + timedelta(seconds=self._config.poll_seconds),
        )
        log.info("scheduler started with %d job(s)", len(self._scheduler.get_jobs()))

    async def shutdown(self) -> None:
        """Stop starting new runs, let runs in flight finish (bounded), then stop."""
        if self._stopping:
            return
        self._stopping = True
        if self._scheduler.running:
            self._scheduler.pause()
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE_SECONDS):
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
                await self._engine.wait_idle()
        except TimeoutError:
            log.warning(
                "shutdown: deliveries still in flight after %ss; they stay pending", SHUTDOWN_GRACE_SECONDS
            )
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        log.info("scheduler stopped")

    async def rebuild(self, *, catch_up: bool = False) -> None:
        """Make the digest jobs match the subscriptions table."""
        now = self._clock.now()
        states = await self._storage.subscription_states(list(DIGEST_KINDS))
        wanted = set()
        for state in states:
            wanted.add(digest_job_id(state.subscription.channel_id))
            self._put_digest_job(state.subscription, run_now=catch_up and catch_up_due(state, now), now=now)
        for job in self._scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()

    # -- events from the bot -------------------------------------------------------

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None:
        """A subscription was created, changed or resumed: reschedule it now."""
        state = await self._storage.subscription_state(channel_id)
        sub = state.subscription if state else None
        if sub is None or sub.paused_reason or sub.schedule not in DIGEST_KINDS:
            self._remove(digest_job_id(channel_id))
        else:
            self._put_digest_job(sub, run_now=False, now=self._clock.now())
        if sub is not None and not sub.paused_reason and backfill > 0:
            self._scheduler.add_job(
                self._backfill,
                args=[channel_id, backfill],
                id=f"backfill:{channel_id}",
                replace_existing=True,
                next_run_time=self._clock.now(),
                misfire_grace_time=None,
            )
        if sub is not None and not sub.paused_reason and sub.schedule not in DIGEST_KINDS:
            await self.briefing_added()  # a resumed instant channel catches up soon

    async def subscription_removed(self, channel_id: int) -> None:
        self._remove(digest_job_id(channel_id))
        self._remove(f"backfill:{channel_id}")

    async def briefing_added(self) -> None:
        """A briefing was stored: run the instant poll ``instant_delay_seconds`` from now
        rather than wait for the next interval."""
        job = self._scheduler.get_job(INSTANT_JOB)
        if job is not None and not self._stopping:
            delay = timedelta(seconds=self._config.instant_delay_seconds)
            job.modify(next_run_time=self._clock.now() + delay)

    def poll_sources(self, poll: Callable[[], Awaitable[object]], every_seconds: float) -> None:
        """Run ``poll`` (the sources' due polls) every ``every_seconds``, from now on. Which
        source is due when is in the database (each source's ``next_poll_at``), so one
        job serves them all; ``coalesce`` and one instance at a time keep a slow cycle
        from piling up behind itself. Call after ``start``."""
        self._scheduler.add_job(
            self._sources,
            IntervalTrigger(seconds=every_seconds, timezone=UTC),
            args=[poll],
            id=SOURCES_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(every_seconds)),
            next_run_time=self._clock.now(),
        )

    def stop_polling_sources(self) -> None:
        self._remove(SOURCES_JOB)

    def next_digest(self, channel_id: int) -> datetime | None:
        job = self._scheduler.get_job(digest_job_id(channel_id))
        return job.next_run_time if job is not None else None

    # -- jobs ------------------------------------------------------------------------

    def _put_digest_job(self, sub: Subscription, *, run_now: bool, now: datetime) -> None:
        self._scheduler.add_job(
            self._digest,
            SubscriptionTrigger(sub),
            args=[sub.channel_id],
            id=digest_job_id(sub.channel_id),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._grace,
            next_run_time=now if run_now else timetable.next_run(sub, now),
        )

    def _remove(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id)

    async def _startup(self) -> None:
        await self._guarded("start-up recovery", self._engine.recover_pending())
        await self._guarded("instant catch-up", self._engine.run_instant())

    async def _instant(self) -> None:
        await self._guarded("instant run", self._engine.run_instant())

    async def _digest(self, channel_id: int) -> None:
        state = await self._storage.subscription_state(channel_id)
        if state is None or state.subscription.schedule not in DIGEST_KINDS:
            self._remove(digest_job_id(channel_id))  # the row changed under us
            return
        await self._guarded(f"digest for channel {channel_id}", self._engine.run_digest(channel_id))

    async def _backfill(self, channel_id: int, count: int) -> None:
        await self._guarded(f"backfill for channel {channel_id}", self._engine.backfill(channel_id, count))

    async def _sources(self, poll: Callable[[], Awaitable[object]]) -> None:
        await self._guarded("source polling", poll())

    async def _guarded(self, what: str, run: Any) -> None:
        """The scheduler's error handler: log with traceback, never kill the job."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await run
        except Exception:
            log.exception("%s failed", what)
        finally:
            if task is not None:
                self._tasks.discard(task)
