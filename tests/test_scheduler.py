"""APScheduler wiring: jobs rebuilt from the database, updated live, catch-up once.

The scheduler is started paused and job functions are called directly, so no test
waits for a real schedule slot.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.models import ScheduleKind, Subscription
from bot.scheduler import INSTANT_JOB, STARTUP_JOB, BriefingScheduler
from bot.timetable import next_run
from tests.helpers import GUILD, FakeSender, World
from tests.storage_fixtures import BACKENDS, open_backend

NOW = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path):
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(NOW)
    w = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]
    w.engine = w.new_engine()
    yield w
    await storage.close()


async def subscribe(world: World, channel_id: int, kind: ScheduleKind, **kw) -> Subscription:
    sub = Subscription(
        channel_id=channel_id,
        guild_id=GUILD,
        schedule=kind,
        time=kw.pop("time", "09:00" if kind in (ScheduleKind.DAILY, ScheduleKind.WEEKLY) else None),
        weekday=kw.pop("weekday", 4 if kind is ScheduleKind.WEEKLY else None),
        timezone=kw.pop("timezone", "Europe/Kyiv"),
        since_briefing_id=await world.storage.max_briefing_id(),
        created_at=kw.pop("created_at", world.clock.now()),
        **kw,
    )
    return await world.storage.upsert_subscription(sub)


@pytest.fixture
async def scheduler(world):
    sched = BriefingScheduler(world.engine, world.storage, ScheduleConfig(poll_seconds=30), world.clock)
    yield sched
    await sched.shutdown()


def job_ids(sched: BriefingScheduler) -> set[str]:
    return {job.id for job in sched.apscheduler.get_jobs()}


async def test_jobs_rebuilt_from_database(world, scheduler):
    """After a restart, digests would stop (or paused channels would keep running)."""
    daily = await subscribe(world, 1, ScheduleKind.DAILY)
    await subscribe(world, 2, ScheduleKind.WEEKLY)
    await subscribe(world, 3, ScheduleKind.INSTANT)
    await subscribe(world, 4, ScheduleKind.DAILY)
    await world.storage.pause_subscription(4, "lost access")
    await scheduler.start(paused=True)
    assert job_ids(scheduler) == {"digest:1", "digest:2", INSTANT_JOB, STARTUP_JOB}
    job = scheduler.apscheduler.get_job("digest:1")
    assert job.next_run_time == next_run(daily, NOW) == datetime(2025, 3, 6, 7, 0, tzinfo=UTC)
    assert job.coalesce is True and job.misfire_grace_time and job.max_instances == 1
    assert scheduler.next_digest(2) == datetime(2025, 3, 7, 7, 0, tzinfo=UTC)  # Friday 09:00 Kyiv


async def test_changed_and_removed_subscriptions_update_jobs(world, scheduler):
    """Changing /subscribe would need a restart to take effect, or an old digest would keep firing."""
    await scheduler.start(paused=True)
    await subscribe(world, 1, ScheduleKind.DAILY)
    await scheduler.subscription_changed(1)
    assert scheduler.next_digest(1) == datetime(2025, 3, 6, 7, 0, tzinfo=UTC)
    await subscribe(world, 1, ScheduleKind.DAILY, time="18:30")
    await scheduler.subscription_changed(1)
    assert scheduler.next_digest(1) == datetime(2025, 3, 5, 16, 30, tzinfo=UTC)
    await subscribe(world, 1, ScheduleKind.INSTANT)
    await scheduler.subscription_changed(1)
    assert "digest:1" not in job_ids(scheduler)
    await subscribe(world, 2, ScheduleKind.HOURLY)
    await scheduler.subscription_changed(2)
    assert "digest:2" in job_ids(scheduler)
    await world.storage.delete_subscription(2)
    await scheduler.subscription_removed(2)
    assert "digest:2" not in job_ids(scheduler)


async def test_missed_digests_run_once_after_downtime(world, scheduler):
    """After three days offline a channel would get three digests (or none)."""
    world.clock._now = NOW - timedelta(days=3)
    await subscribe(world, 1, ScheduleKind.DAILY)
    await world.engine.run_digest(1)  # last run before the outage
    world.clock._now = NOW
    for i in range(4):
        await world.add(f"Story {i}", published=NOW - timedelta(days=1))
    await scheduler.start(paused=True)
    job = scheduler.apscheduler.get_job("digest:1")
    assert job.next_run_time == NOW  # due now, once
    await job.func(*job.args)
    assert len(world.sender.channels[1]) == 1
    assert world.sender.titles(1) == [f"Story {i}" for i in range(4)]
    await scheduler.rebuild(catch_up=True)  # a second restart right after: nothing more is due
    assert scheduler.next_digest(1) == datetime(2025, 3, 6, 7, 0, tzinfo=UTC)


async def test_new_subscription_is_not_caught_up(world, scheduler):
    """A channel subscribed after today's slot would get a digest immediately at the next restart."""
    await subscribe(world, 1, ScheduleKind.DAILY)  # created 12:00 UTC, after the 07:00 UTC slot
    await scheduler.start(paused=True)
    assert scheduler.next_digest(1) == datetime(2025, 3, 6, 7, 0, tzinfo=UTC)


async def test_briefing_added_kicks_instant_poll(world, scheduler):
    """A new briefing would wait a full poll interval (or longer) before reaching instant channels."""
    await scheduler.start(paused=True)
    before = scheduler.apscheduler.get_job(INSTANT_JOB).next_run_time
    await scheduler.briefing_added()
    after = scheduler.apscheduler.get_job(INSTANT_JOB).next_run_time
    assert after < before
    assert after <= world.clock.now() + timedelta(seconds=5)


async def test_backfill_job_posts_the_newest(world, scheduler):
    """/subscribe backfill:2 would post nothing, or the wrong briefings."""
    for i in range(3):
        await world.add(f"Old {i}")
        world.clock.advance(60)
    await scheduler.start(paused=True)
    await subscribe(world, 1, ScheduleKind.INSTANT)
    await scheduler.subscription_changed(1, backfill=2)
    job = scheduler.apscheduler.get_job("backfill:1")
    await job.func(*job.args)
    assert world.sender.titles(1) == ["Old 1", "Old 2"]


async def test_stale_digest_job_removes_itself(world, scheduler):
    """A job for a deleted subscription would keep firing (and logging errors) forever."""
    await subscribe(world, 1, ScheduleKind.DAILY)
    await scheduler.start(paused=True)
    job = scheduler.apscheduler.get_job("digest:1")
    await world.storage.delete_subscription(1)
    await job.func(*job.args)
    assert "digest:1" not in job_ids(scheduler)
    assert world.sender.channels.get(1, []) == []


async def test_shutdown_waits_for_runs_in_flight(world):
    """Stopping the bot mid-fan-out would cut sends off and leave them for a restart."""
    release = asyncio.Event()
    finished: list[str] = []

    class SlowEngine:
        async def run_instant(self):
            await release.wait()
            finished.append("run")

        async def wait_idle(self):
            return None

    sched = BriefingScheduler(SlowEngine(), world.storage, ScheduleConfig(), world.clock)  # type: ignore[arg-type]
    await sched.start(paused=True)
    running = asyncio.create_task(sched._instant())
    await asyncio.sleep(0)
    stopping = asyncio.create_task(sched.shutdown())
    await asyncio.sleep(0)
    assert not stopping.done()
    release.set()
    await stopping
    assert finished == ["run"]
    await running
