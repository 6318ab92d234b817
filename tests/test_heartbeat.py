"""Each bot process records itself in the store, and ``briefbot status`` lists them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.heartbeat import SILENT_AFTER_SECONDS, Heartbeat, describe_processes
from bot.models import BotProcess
from storage import StorageError


class Store:
    def __init__(self) -> None:
        self.beats: list[BotProcess] = []
        self.forgotten: list[str] = []
        self.failing = False

    async def beat(self, process: BotProcess) -> None:
        if self.failing:
            raise StorageError("database x: connection refused")
        self.beats.append(process)

    async def forget_process(self, key: str) -> None:
        self.forgotten.append(key)

    async def processes(self) -> list[BotProcess]:
        return []


async def test_a_process_beats_while_it_runs_and_removes_itself_when_it_stops() -> None:
    """A running process would be missing from the status, or a stopped one stay in it."""
    store = Store()
    dispatching = False
    beat = Heartbeat(store, shards="0-1/4", is_dispatcher=lambda: dispatching, interval=0.02)
    await beat.start()
    assert len(store.beats) == 1  # recorded before start returns
    dispatching = True
    await asyncio.sleep(0.1)
    await beat.stop()
    assert len(store.beats) >= 3
    assert {b.key for b in store.beats} == {beat.process.key}
    assert store.beats[0].shards == "0-1/4"
    assert not store.beats[0].dispatcher and store.beats[-1].dispatcher
    assert store.forgotten == [beat.process.key]
    count = len(store.beats)
    await asyncio.sleep(0.06)
    assert len(store.beats) == count


async def test_a_spare_that_claims_a_shard_says_so_at_once() -> None:
    """The status would show a spare as standing by for up to a beat after it took a shard over."""
    store = Store()
    beat = Heartbeat(store, shards="standby (any/2)", is_dispatcher=lambda: False, interval=60)
    await beat.start()
    await beat.set_shards("1/2")
    assert [b.shards for b in store.beats] == ["standby (any/2)", "1/2"]
    assert beat.process.shards == "1/2"
    await beat.stop()


async def test_a_database_fault_is_logged_once_and_beating_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    """A lost database would flood the log every 5 s, or stop the beats for good."""
    store = Store()
    store.failing = True
    beat = Heartbeat(store, shards="all", is_dispatcher=lambda: False, interval=0.02)
    with caplog.at_level(logging.INFO, logger="bot.heartbeat"):
        await beat.start()
        await asyncio.sleep(0.1)
        store.failing = False
        await asyncio.sleep(0.06)
        await beat.stop()
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    assert store.beats


def test_the_status_names_the_dispatcher_and_the_silent_processes() -> None:
    """An operator could not tell which process dispatches, or that one died."""
    started = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    alive = BotProcess("a:1:x", "host-a", 1, "1/2", started, dispatcher=True, silent_seconds=2)
    # It died as the dispatcher: its last beat still says so.
    dead = BotProcess(
        "b:2:y", "host-b", 2, "0/2", started, dispatcher=True, silent_seconds=SILENT_AFTER_SECONDS + 60
    )
    standby = replace(alive, key="c:3:z", host="host-c", pid=3, dispatcher=False, silent_seconds=1)
    lines = describe_processes([dead, standby, alive])
    assert lines[0] == "processes: 2 running, 1 silent"
    assert lines[1].startswith("  host-a pid 1: shards 1/2; dispatcher, last heard 2 s ago")
    assert "host-c pid 3: shards 1/2; standing by" in lines[2]
    assert "host-b pid 2: shards 0/2; SILENT for 75 s (it died" in lines[3]
    assert describe_processes([])[0].startswith("processes: none recorded")


async def test_a_process_counts_the_invalid_requests_of_the_others_on_its_host(tmp_path) -> None:
    """Discord bans the address: two processes on one machine, each stopping at half the limit
    by its own count, would together reach the ban."""
    from bot.clock import ManualClock
    from bot.delivery.budget import InvalidRequestBudget
    from storage import open_storage
    from tests.storage_fixtures import postgres_server

    url = await postgres_server().store_url()
    first, second = await open_storage(url), await open_storage(url)
    clock = ManualClock(datetime(2026, 12, 7, tzinfo=UTC))
    posting, other = InvalidRequestBudget(clock, threshold=50), InvalidRequestBudget(clock, threshold=50)
    beats = [
        Heartbeat(first, shards="0/2", is_dispatcher=lambda: True, invalid=posting),
        Heartbeat(second, shards="1/2", is_dispatcher=lambda: False, invalid=other),
    ]
    try:
        for _ in range(30):
            other.record(403)
        # A process on another machine has its own address: its count is no neighbour's.
        await first.beat(
            BotProcess(
                key="elsewhere:1:x",
                host="elsewhere",
                pid=1,
                shards="all",
                started_at=clock.now(),
                invalid_requests=4000,
            )
        )
        await beats[1].start()
        await beats[0].start()
        for _ in range(25):
            posting.record(403)
        assert posting.count == 25 and posting.total == 55
        assert posting.stopped()  # 25 alone would post on
        assert posting.state().count == 55
        assert other.total == 30  # the posting process had reported none when it beat
    finally:
        for beat in beats:
            await beat.stop()
        await first.close()
        await second.close()
