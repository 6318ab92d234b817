"""The dispatcher without Discord or a database: election, duties, the fence, messages.

Two ``Dispatcher``s over one ``Board`` (a fake shared store whose claim a test can take
away) stand for two processes; the delivery engine's fence and the scheduler relay are
checked against the engine world of ``tests.helpers``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.delivery.engine import DeliveryEngine
from bot.delivery.status import RunReport
from bot.dispatcher import META_DISPATCHER, Dispatcher, Hook, SchedulerRelay
from storage.sqlite import SQLiteStorage
from tests.helpers import FakeSender, World
from tests.storage_fixtures import BACKENDS, open_backend

QUICK: dict[str, Any] = {
    "quiet_seconds": 0.0,
    "retry_seconds": 0.02,
    "confirm_seconds": 0.02,
    "fence_seconds": 0.2,
    "step_back_seconds": 0.3,
}


@dataclass
class Board:
    """The shared store of two fake processes: who holds the claim, messages, meta."""

    holder: Claim | None = None
    meta: dict[str, str] = field(default_factory=dict)
    shared: bool = True

    def leadership(self, role: str) -> Claim:
        return Claim(self)

    async def announce(self, role: str, message: str) -> None:
        if self.holder is not None:
            for callback in self.holder.callbacks:
                asyncio.get_running_loop().call_soon(callback, message)

    async def get_meta(self, key: str) -> str | None:
        return self.meta.get(key)

    async def set_meta(self, key: str, value: str) -> None:
        self.meta[key] = value


class Claim:
    """``storage.Leadership`` on a ``Board``: ``cut()`` loses it as a dropped connection does;
    ``answering = False`` makes ``confirm`` fail as a connection that stopped answering."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.callbacks: list[Callable[[str], None]] = []
        self.lost = asyncio.Event()
        self.lost.set()
        self.answering = True
        self.failures = 0  # how many tries to acquire fail with an unexpected error

    @property
    def held(self) -> bool:
        return self.board.holder is self

    async def acquire(self) -> bool:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("an unexpected driver error")
        if self.board.holder is None:
            self.board.holder = self
            self.lost.clear()
        return self.held

    async def confirm(self) -> bool:
        if not self.answering:
            self.cut()
        return self.held

    async def wait_lost(self) -> None:
        await self.lost.wait()

    def listen(self, callback: Callable[[str], None]) -> None:
        self.callbacks.append(callback)

    async def release(self) -> None:
        self.cut()

    def cut(self) -> None:
        if self.held:
            self.board.holder = None
        self.lost.set()


@dataclass
class Recorder:
    """A duty that records when it runs."""

    events: list[str]
    name: str

    async def start(self) -> None:
        self.events.append(f"{self.name} start")

    async def stop(self) -> None:
        self.events.append(f"{self.name} stop")


async def eventually(check: Callable[[], bool], within: float = 2.0) -> None:
    for _ in range(int(within / 0.005)):
        if check():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("timed out")


@pytest.fixture
async def pair():
    board = Board()
    first = Dispatcher(board, identity={"pid": 1}, **QUICK)
    second = Dispatcher(board, identity={"pid": 2}, **QUICK)
    yield board, first, second
    await first.close()
    await second.close()


async def test_one_dispatcher_runs_the_duties_in_order(pair):
    """Two processes would both post everything, or the scheduler would start before command sync."""
    board, first, second = pair
    events: list[str] = []
    for name, dispatcher in (("a", first), ("b", second)):
        dispatcher.add_duty("sync", Recorder(events, f"{name} sync"))
        dispatcher.add_duty("scheduler", Recorder(events, f"{name} scheduler"))
    await first.start()
    await second.start()
    await asyncio.sleep(0.1)
    assert events == ["a sync start", "a scheduler start"]
    assert first.active and await first.may_send()
    assert not second.active and not await second.may_send()
    assert json.loads(board.meta[META_DISPATCHER])["pid"] == 1


async def test_the_other_takes_over_when_the_claim_is_lost_and_the_fence_closes_at_once(pair):
    """A dispatcher that lost its lock would keep posting, or nobody would take over."""
    board, first, second = pair
    events: list[str] = []
    first.add_duty("scheduler", Recorder(events, "a"))
    second.add_duty("scheduler", Recorder(events, "b"))
    await first.start()
    await second.start()
    assert isinstance(board.holder, Claim)
    board.holder.cut()
    assert not await first.may_send()  # before any task has run: the fence reads the claim
    await eventually(lambda: second.active)
    assert await second.may_send()
    await eventually(lambda: "a stop" in events)
    # The fence closed first; the old duties may stop after the new ones started.
    assert sorted(events) == ["a start", "a stop", "b start"]
    assert json.loads(board.meta[META_DISPATCHER])["pid"] == 2
    await asyncio.sleep(QUICK["step_back_seconds"] * 2)
    assert not first.active  # it stood back and then found the claim taken
    assert first.takeovers == 1 and second.takeovers == 1


async def test_a_clean_shutdown_finishes_sending_before_it_lets_go(pair):
    """Stopping the dispatcher for a deploy would cut a fan-out short, or hand over while still posting."""
    board, first, second = pair
    seen: list[tuple[bool, bool]] = []

    async def stopping() -> None:
        seen.append((await first.may_send(), board.holder is not None and board.holder is not second._claim))

    first.add_duty("scheduler", Hook(lambda: asyncio.sleep(0), stopping))
    await first.start()
    await second.start()
    await first.close()
    assert seen == [(True, True)]  # it could still send, and still held the claim
    assert not first.active
    await eventually(lambda: second.active)


async def test_a_claim_that_cannot_be_confirmed_closes_the_fence(pair):
    """A dispatcher whose database stopped answering would post beside its successor."""
    board, first, second = pair
    await first.start()
    await second.start()
    assert isinstance(board.holder, Claim)
    board.holder.answering = False
    await eventually(lambda: not first.active)
    assert not await first.may_send()
    await eventually(lambda: second.active)


async def test_a_stale_confirmation_is_renewed_before_a_send(pair):
    """After a stall longer than the fence, the dispatcher would stop posting for good, or post unchecked."""
    board, first, _second = pair
    await first.start()
    first._confirmed_at -= 10  # as after a stalled event loop
    assert await first.may_send()  # confirmed again, now
    assert isinstance(board.holder, Claim)
    board.holder.answering = False
    first._confirmed_at -= 10
    assert not await first.may_send()


async def test_messages_reach_the_dispatcher_from_any_process(pair):
    """A subscription changed in a process that is not the dispatcher would never be scheduled."""
    _board, first, second = pair
    heard: list[tuple[str, dict[str, Any]]] = []
    for name, dispatcher in (("a", first), ("b", second)):

        async def handler(data: dict[str, Any], name: str = name) -> None:
            heard.append((name, data))

        dispatcher.on("subscription_changed", handler)
    await first.start()
    await second.start()
    await second.tell("subscription_changed", channel_id=7)
    await first.tell("subscription_changed", channel_id=8)  # the dispatcher itself: at once
    await eventually(lambda: len(heard) == 2)
    assert sorted(heard, key=lambda h: h[1]["channel_id"]) == [
        ("a", {"channel_id": 7}),
        ("a", {"channel_id": 8}),
    ]


async def test_a_duty_that_fails_to_start_gives_the_role_up():
    """A dispatcher whose scheduler cannot start would hold the role and post nothing, forever."""
    board = Board()
    failing = Dispatcher(board, **QUICK)
    standby = Dispatcher(board, **QUICK)
    attempts = 0

    async def broken() -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("no scheduler today")

    failing.add_duty("scheduler", Hook(broken))
    try:
        with pytest.raises(RuntimeError):
            await failing.start()  # at start-up the failure is the caller's, as before
        await failing.close()
        failing = Dispatcher(board, **QUICK)
        failing.add_duty("scheduler", Hook(broken))
        await standby.start()
        await failing.start()  # standing by: it only tries once the standby lets go
        assert isinstance(board.holder, Claim)
        await standby.close()
        await eventually(lambda: attempts >= 2)
        await eventually(lambda: board.holder is None)  # given up again
        assert not failing.active
    finally:
        await failing.close()
        await standby.close()


async def test_an_unexpected_error_does_not_stop_the_election():
    """One odd failure while trying for the role would leave a standby that never takes over."""
    board = Board()
    holder = board.leadership("dispatcher")
    assert await holder.acquire()
    standby = Dispatcher(board, **QUICK)
    try:
        await standby.start()
        assert isinstance(standby._claim, Claim)
        standby._claim.failures = 2
        holder.cut()
        await eventually(lambda: standby.active)
        assert standby._claim.failures == 0
    finally:
        await standby.close()


async def test_on_sqlite_the_process_is_always_the_dispatcher(tmp_path):
    """On one SQLite file the bot would stand by for ever and never post."""
    storage = await SQLiteStorage.open(tmp_path / "briefbot.db")
    dispatcher = Dispatcher(storage, identity={"pid": 1})
    events: list[str] = []
    dispatcher.add_duty("scheduler", Recorder(events, "scheduler"))
    try:
        await dispatcher.start()
        assert events == ["scheduler start"]
        assert dispatcher.active and await dispatcher.may_send()
        dispatcher._confirmed_at -= 100  # nothing to confirm on a store no one else shares
        assert await dispatcher.may_send()
        heard: list[dict[str, Any]] = []

        async def handler(data: dict[str, Any]) -> None:
            heard.append(data)

        dispatcher.on("briefing_added", handler)
        await dispatcher.tell("briefing_added")
        assert heard == [{}]
    finally:
        await dispatcher.close()
        await storage.close()
    assert events == ["scheduler start", "scheduler stop"]


# -- the engine's fence and the relay ---------------------------------------------------------


@dataclass
class Gate:
    """A fence a test opens and closes."""

    open: bool = True
    asked: int = 0

    async def may_send(self) -> bool:
        self.asked += 1
        return self.open


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path):
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
    w = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]
    w.engine = w.new_engine()
    yield w
    await storage.close()


def fenced_engine(world: World, gate: Gate) -> DeliveryEngine:
    return DeliveryEngine(world.storage, world.sender, world.engine._config, world.clock, fence=gate)


async def test_a_fenced_engine_plans_but_leaves_the_sending_to_the_dispatcher(world):
    """A process that is not the dispatcher would post (twice the rate, duplicates racing),
    or would drop what it planned."""
    for channel in (1, 2, 3):
        await world.subscribe(channel)
    await world.add("Grid fund approved")
    gate = Gate(open=False)
    report = await fenced_engine(world, gate).run_instant()
    assert report.planned == 3 and report.sent == 0 and report.held == 3
    assert world.sender.channels == {}
    assert (await world.storage.outbox_counts()).pending == 3
    gate.open = True
    report = await fenced_engine(world, gate).run_instant()  # the dispatcher's next run
    assert report.sent == 3
    assert {c: len(m) for c, m in world.sender.channels.items()} == {1: 1, 2: 1, 3: 1}


async def test_the_fence_is_asked_before_every_post(world):
    """A dispatcher that loses its claim mid fan-out would finish the fan-out anyway."""
    for channel in range(1, 6):
        await world.subscribe(channel)
    await world.add("Grid fund approved")
    gate = Gate()
    sender_send = world.sender.send

    async def send(channel_id: int, **kw: Any) -> int:
        if len(world.sender.channels) == 2:
            gate.open = False  # the claim is lost after the second post
        return await sender_send(channel_id, **kw)

    world.sender.send = send
    engine = DeliveryEngine(
        world.storage, world.sender, world.engine._config, world.clock, fence=gate, workers=1
    )
    report = await engine.run_instant()
    assert report.sent == 3 and report.held == 2  # the third was already past the fence
    assert (await world.storage.outbox_counts()).pending == 2


@dataclass
class SchedulerLog:
    calls: list[tuple[str, Any]] = field(default_factory=list)

    async def briefing_added(self) -> None:
        self.calls.append(("briefing_added", None))

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None:
        self.calls.append(("subscription_changed", (channel_id, backfill)))

    async def subscription_removed(self, channel_id: int) -> None:
        self.calls.append(("subscription_removed", channel_id))


@dataclass
class BackfillLog:
    calls: list[tuple[int, int]] = field(default_factory=list)

    async def backfill(self, channel_id: int, count: int) -> RunReport:
        self.calls.append((channel_id, count))
        return RunReport()


async def test_the_relay_brings_scheduler_events_to_the_dispatcher(pair):
    """A /subscribe or /article add answered by a process that is not the dispatcher would
    change nothing until the dispatcher restarted; a backfill would be lost with a message."""
    _board, first, second = pair
    schedulers = {"a": SchedulerLog(), "b": SchedulerLog()}
    engines = {"a": BackfillLog(), "b": BackfillLog()}
    relays = {
        "a": SchedulerRelay(first, schedulers["a"], engines["a"]),
        "b": SchedulerRelay(second, schedulers["b"], engines["b"]),
    }
    await first.start()
    await second.start()
    await relays["b"].subscription_changed(5, backfill=2)
    await relays["b"].briefing_added()
    await relays["b"].subscription_removed(6)
    await relays["a"].subscription_changed(9, backfill=1)
    await eventually(lambda: len(schedulers["a"].calls) == 5)
    assert engines == {"a": BackfillLog(), "b": BackfillLog([(5, 2)])}  # planned where asked
    assert sorted(schedulers["a"].calls, key=str) == sorted(
        [
            ("subscription_changed", (5, 0)),
            ("briefing_added", None),  # wakes the run that sends the planned backfill
            ("briefing_added", None),
            ("subscription_removed", 6),
            ("subscription_changed", (9, 1)),  # on the dispatcher, its scheduler backfills
        ],
        key=str,
    )
    assert schedulers["b"].calls == []


async def test_a_new_dispatcher_waits_out_the_global_window_before_its_first_send():
    """The dispatcher before may have sent up to the moment it died, and Discord counts the
    bot's global limit per second across processes: a new one that started sending at once
    could push that second over 50 requests (a global 429)."""
    board = Board()
    events: list[str] = []
    first = Dispatcher(board, identity={"pid": 1}, **QUICK)
    second = Dispatcher(board, identity={"pid": 2}, **{**QUICK, "quiet_seconds": 0.4})
    first.add_duty("scheduler", Recorder(events, "a"))
    second.add_duty("scheduler", Recorder(events, "b"))
    try:
        await first.start()
        await second.start()
        assert isinstance(board.holder, Claim)
        board.holder.cut()
        cut_at = time.monotonic()
        await eventually(lambda: "b start" in events)
        assert time.monotonic() - cut_at >= 0.4
    finally:
        await first.close()
        await second.close()
