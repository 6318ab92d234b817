"""Large fan-outs: planning overlaps sending, a crash or a planning failure mid fan-out
still leaves every channel with each briefing exactly once, and the pace holds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.delivery import engine as delivery_engine
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ratelimit import RateLimiter
from tests.helpers import FakeSender, World, outbox_rows
from tests.storage_fixtures import BACKENDS, open_backend

CHANNELS = 40
CHUNK = 10


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path, monkeypatch):
    monkeypatch.setattr(delivery_engine, "PLAN_CHUNK", CHUNK)
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
    w = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]
    w.engine = engine(w)
    yield w
    await storage.close()


def engine(world: World) -> DeliveryEngine:
    """Two workers: the planner can run at most a few channels ahead of the sends."""
    return DeliveryEngine(world.storage, world.sender, ScheduleConfig(), world.clock, workers=2)


async def subscribe_all(world: World) -> list[int]:
    channels = list(range(1, CHANNELS + 1))
    for channel in channels:
        await world.subscribe(channel)
    return channels


def posts(world: World, channels: list[int]) -> dict[int, list[str]]:
    return {c: world.sender.titles(c) for c in channels}


async def test_sending_starts_before_every_channel_is_planned(world, monkeypatch):
    """With thousands of channels, the first would wait for all of them to be planned."""
    channels = await subscribe_all(world)
    await world.add("Story")
    sent_when_planned: list[int] = []
    record_plans = world.storage.record_plans

    async def noting(plans, *, now):
        sent_when_planned.append(sum(len(m) for m in world.sender.channels.values()))
        await record_plans(plans, now=now)

    monkeypatch.setattr(world.storage, "record_plans", noting)
    report = await world.engine.run_instant()
    assert len(sent_when_planned) == CHANNELS // CHUNK  # one outbox transaction per chunk
    assert sent_when_planned[0] == 0
    assert sent_when_planned[-1] > 0  # the first chunk went out while the last was planned
    assert report.planned == report.sent == CHANNELS
    assert posts(world, channels) == {c: ["Story"] for c in channels}


async def test_crash_mid_fan_out_then_restart_delivers_exactly_once(world: World) -> None:
    """A crash while later channels are still being planned would lose or repeat posts."""
    channels = await subscribe_all(world)
    await world.add("Story 1")
    await world.add("Story 2")
    run = asyncio.create_task(world.engine.run_instant())
    sent = world.sender.send

    async def dying(channel_id, **kwargs):
        message_id = await sent(channel_id, **kwargs)
        if sum(len(m) for m in world.sender.channels.values()) == 7:
            run.cancel()  # the process dies right after Discord accepted the 7th message
            await asyncio.sleep(0)
        return message_id

    world.sender.send = dying  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await run
    world.sender.send = sent  # type: ignore[method-assign]
    planned = {r["channel_id"] for r in await outbox_rows(world.storage)}
    assert 0 < len(planned) < CHANNELS  # it died mid-planning, not after
    restarted = engine(world)
    await restarted.recover_pending()
    await restarted.run_instant()
    await restarted.run_instant()
    assert posts(world, channels) == {c: ["Story 1", "Story 2"] for c in channels}
    counts = await world.storage.outbox_counts()
    assert (counts.pending, counts.sent) == (0, 2 * CHANNELS)


async def test_planning_failure_still_sends_what_was_planned(world, monkeypatch):
    """A database error half-way through planning would strand the channels already planned."""
    channels = await subscribe_all(world)
    await world.add("Story")
    record_plans = world.storage.record_plans
    calls = 0

    async def failing(plans, *, now):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk I/O error")
        await record_plans(plans, now=now)

    monkeypatch.setattr(world.storage, "record_plans", failing)
    with pytest.raises(RuntimeError, match="disk I/O error"):
        await world.engine.run_instant()
    assert sum(1 for c in channels if world.sender.titles(c)) == 2 * CHUNK
    counts = await world.storage.outbox_counts()
    assert counts.pending == 0
    monkeypatch.setattr(world.storage, "record_plans", record_plans)
    await world.engine.run_instant()
    assert posts(world, channels) == {c: ["Story"] for c in channels}


async def test_fan_out_keeps_each_channels_order(world):
    """A channel catching up on several briefings would get them out of order."""
    channels = await subscribe_all(world)
    for i in range(3):
        await world.add(f"Story {i}")
    await world.engine.run_instant()
    assert posts(world, channels) == {c: ["Story 0", "Story 1", "Story 2"] for c in channels}


class LateClock(ManualClock):
    """Every sleep overshoots by a millisecond, as event-loop timers do."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + 0.001)


async def test_rate_limiter_pace_survives_timer_slack():
    """Timers that wake a little late would drag fan-out below 95% of Discord's 50/s."""
    clock = LateClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock)
    stamps = []
    for channel in range(500):
        async with limiter.slot(channel):
            stamps.append(clock.monotonic())
    assert 499 / (stamps[-1] - stamps[0]) >= 48.5
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= 1.0 - 1e-9  # never 51 in one second
    assert min(b - a for a, b in pairwise(stamps)) >= 0.75 / 49 - 1e-9  # even, no clumps


async def test_rate_limiter_does_not_clump_after_a_pause():
    """After the bot stalls, queued requests would go out in a burst and draw a global 429."""
    clock = ManualClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock)
    stamps = []
    for channel in range(100):
        async with limiter.slot(channel):
            stamps.append(clock.monotonic())
        if channel == 50:
            clock.advance(0.3)  # the event loop was busy for 300 ms
    assert min(b - a for a, b in pairwise(stamps)) >= 0.75 / 49 - 1e-9
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= 1.0 - 1e-9


async def one_slow_request(answer_after: int | None, count: int = 120) -> tuple[dict[int, float], float]:
    """Requests as fast as a window of 50 a second lets them go (no pacing): request 0
    stays unanswered until request ``answer_after`` goes (``None``: until the end), the
    others are answered at once. Returns when each went and when request 0 was answered."""
    clock = ManualClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock, per_second=1000, window_limit=50)
    went: dict[int, float] = {}
    answered = asyncio.Event()
    answer: list[float] = []

    async def slow() -> None:
        async with limiter.slot(0):
            went[0] = clock.monotonic()
            await answered.wait()
            answer.append(clock.monotonic())

    task = asyncio.create_task(slow())
    await asyncio.sleep(0)
    for channel in range(1, count):
        async with limiter.slot(channel):
            went[channel] = clock.monotonic()
        if channel == answer_after:
            answered.set()
            await asyncio.sleep(0)
    answered.set()
    await task
    return went, answer[0]


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any half-open one-second window (Discord's global window)."""
    arrivals = sorted(arrivals)
    return max(sum(1 for t in arrivals if start <= t < start + 1.0 - 1e-9) for start in arrivals)


async def test_rate_limiter_counts_a_request_from_its_answer():
    """A request delayed on its way (a stall, a slow network) would reach Discord in the
    same second as the 50 after it: a global 429."""
    went, answered = await one_slow_request(answer_after=49)
    # Request 0 may have reached Discord as late as its answer: counted from then, no
    # second of Discord's holds more than 50 (counted from when it went, one held 51).
    assert busiest_second([answered] + [went[c] for c in range(1, 120)]) == 50
    assert went[49] - went[0] < 0.1  # the 49 after it were not held up


async def test_rate_limiter_caps_how_long_a_slow_answer_holds_others():
    """One channel answering slowly would hold up every other channel's posts."""
    went, answered = await one_slow_request(answer_after=None)
    assert answered > went[0] + 1.3
    # Counted as reaching Discord at most 0.3 s after it went: safe if it did...
    assert busiest_second([went[0] + 0.3] + [went[c] for c in range(1, 120)]) == 50
    # ...and the others were held up by no more than those 0.3 s.
    assert went[119] <= went[0] + 2.3 + 0.01


async def test_rate_limiter_without_a_global_limit_does_not_spin():
    """A limiter configured far above Discord's rate (the soak benchmark) would hang."""
    clock = ManualClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock, per_second=10**9, per_channel=10**9)
    async with asyncio.timeout(5):
        for channel in range(1000):
            await limiter.acquire(channel)
    assert len(clock.slept) <= 1000
