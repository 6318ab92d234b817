"""Coordination through the store: the dispatcher's claim, messages to it, IDENTIFY slots.

The contract part runs on both backends (the ``storage`` fixture); what only a store that
several processes share can show (one holder at a time, a claim lost with its connection)
runs on PostgreSQL, with a second store opened on the same schema standing in for a
second process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import asyncpg
import pytest_asyncio

from bot.models import BotProcess, ScheduleKind, Subscription
from storage import Leadership, Storage, open_storage
from tests.storage_fixtures import ContractStorage, postgres_server


def _hearing(claim: Leadership) -> tuple[list[str], asyncio.Event]:
    """What ``claim`` hears, and an event set when it first hears something."""
    heard: list[str] = []
    arrived = asyncio.Event()

    def hear(message: str) -> None:
        heard.append(message)
        arrived.set()

    claim.listen(hear)
    return heard, arrived


async def test_a_claim_is_held_until_released(storage: ContractStorage) -> None:
    """The dispatcher would never start (or never stop) posting."""
    claim = storage.leadership("dispatcher")
    assert not claim.held
    assert await claim.acquire()
    assert claim.held
    assert await claim.confirm()
    waiter = asyncio.create_task(claim.wait_lost())
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await claim.release()
    await asyncio.wait_for(waiter, 2)
    assert not claim.held
    assert not await claim.confirm()


async def test_the_holder_hears_what_is_announced_to_its_role(storage: ContractStorage) -> None:
    """A subscription made in a process that is not the dispatcher would never be scheduled."""
    claim = storage.leadership("dispatcher")
    heard, arrived = _hearing(claim)
    assert await claim.acquire()
    try:
        await storage.announce("dispatcher", '{"event": "briefing_added"}')
        await storage.announce("someone-else", "not for us")
        await asyncio.wait_for(arrived.wait(), 5)
        await asyncio.sleep(0.1)
        assert heard == ['{"event": "briefing_added"}']
    finally:
        await claim.release()


async def test_whether_a_role_is_held_as_another_process_sees_it(two_stores) -> None:
    """A health check could not tell whether any process is dispatching."""
    first, second, _url = two_stores
    assert await second.role_held("dispatcher") is False
    claim = first.leadership("dispatcher")
    assert await claim.acquire()
    try:
        assert await second.role_held("dispatcher") is True
        assert await second.role_held("feeds") is False
    finally:
        await claim.release()
    assert await second.role_held("dispatcher") is False


async def test_a_lone_store_cannot_tell_who_holds_a_role(sqlite_storage) -> None:
    """briefbot status on SQLite would claim to know whether the bot is running."""
    assert await sqlite_storage.role_held("dispatcher") is None


async def test_identify_slots_are_spaced_per_bucket(storage: ContractStorage) -> None:
    """Shards would IDENTIFY faster than Discord's max_concurrency allows and be refused."""
    assert await storage.claim_identify_slot(0, spacing=0.5) == 0.0
    wait = await storage.claim_identify_slot(0, spacing=0.5)
    assert 0 < wait <= 0.5
    assert await storage.claim_identify_slot(1, spacing=0.5) == 0.0  # another bucket is free
    await asyncio.sleep(wait + 0.02)
    assert await storage.claim_identify_slot(0, spacing=0.5) == 0.0


# -- several processes: PostgreSQL ------------------------------------------------------------


@pytest_asyncio.fixture
async def two_stores() -> AsyncIterator[tuple[Storage, Storage, str]]:
    """Two stores on one PostgreSQL schema, as two bot processes would open it."""
    url = await postgres_server().store_url()
    first = await open_storage(url)
    second = await open_storage(url)
    try:
        yield first, second, url
    finally:
        await first.close()
        await second.close()


async def _lock_backend(url: str) -> int:
    """The server process of the connection holding the dispatcher's advisory lock."""
    db = await asyncpg.connect(url)
    try:
        pid = await db.fetchval(
            "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'briefbot-dispatcher' "
            "AND a.datname = current_database()"
        )
    finally:
        await db.close()
    assert pid is not None, "nobody holds the dispatcher's lock"
    return int(pid)


async def test_one_holder_at_a_time_and_takeover_on_release(two_stores) -> None:
    """Two processes would both dispatch (every post twice), or neither after the first quits."""
    first, second, _url = two_stores
    a, b = first.leadership("dispatcher"), second.leadership("dispatcher")
    try:
        assert await a.acquire()
        assert not await b.acquire()
        assert not await b.acquire()  # trying again does not steal it
        assert await a.acquire()  # the holder asking again keeps it
        other_role = second.leadership("feeds")
        assert await other_role.acquire()  # roles are separate locks
        await other_role.release()
        await a.release()
        assert await b.acquire()
        assert not await a.acquire()
    finally:
        await a.release()
        await b.release()


async def test_a_cut_lock_connection_loses_the_claim_at_once(two_stores) -> None:
    """A dispatcher cut off from the database would keep posting beside its successor."""
    first, second, url = two_stores
    a, b = first.leadership("dispatcher"), second.leadership("dispatcher")
    heard, arrived = _hearing(b)
    try:
        assert await a.acquire()
        pid = await _lock_backend(url)
        admin = await asyncpg.connect(url)
        try:
            started = time.perf_counter()
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.wait_for(a.wait_lost(), 2)
        assert time.perf_counter() - started < 1.0
        assert not a.held
        assert not await a.confirm()
        assert await b.acquire()  # the server released the lock with the session
        await first.announce("dispatcher", "hello")  # the pool is untouched
        await asyncio.wait_for(arrived.wait(), 5)
        assert heard == ["hello"]
        assert not await a.acquire()  # a new connection, but the lock is taken
    finally:
        await a.release()
        await b.release()


async def test_identify_slots_are_shared_between_processes(two_stores) -> None:
    """Two processes would each IDENTIFY at once and exceed max_concurrency together."""
    first, second, _url = two_stores
    assert await first.claim_identify_slot(0, spacing=5.0) == 0.0
    wait = await second.claim_identify_slot(0, spacing=5.0)
    assert 4.0 < wait <= 5.0
    claims = await asyncio.gather(*(s.claim_identify_slot(3, spacing=5.0) for s in (first, second) * 4))
    assert claims.count(0.0) == 1


async def test_release_without_acquire_is_harmless(two_stores) -> None:
    """Shutting down a process that never became the dispatcher would fail."""
    first, _second, _url = two_stores
    claim = first.leadership("dispatcher")
    await claim.release()
    assert not claim.held


async def test_each_process_is_listed_with_its_shards_until_it_stops(storage: ContractStorage) -> None:
    """``briefbot status`` would not show which processes run, with which shards, or
    would keep listing a process that stopped cleanly."""
    started = datetime.now(UTC).replace(microsecond=0)
    first = BotProcess(key="host-a:10:x", host="host-a", pid=10, shards="0/2", started_at=started)
    second = BotProcess(key="host-b:20:y", host="host-b", pid=20, shards="1/2", started_at=started)
    await storage.beat(first)
    await storage.beat(second)
    await storage.beat(replace(first, dispatcher=True))  # a later beat updates the record
    seen = {p.key: p for p in await storage.processes()}
    assert set(seen) == {first.key, second.key}
    assert seen[first.key].dispatcher and not seen[second.key].dispatcher
    assert (seen[second.key].host, seen[second.key].pid, seen[second.key].shards) == ("host-b", 20, "1/2")
    assert seen[second.key].started_at == started
    assert all(0 <= p.silent_seconds < 5 for p in seen.values())
    await storage.forget_process(first.key)
    assert [p.key for p in await storage.processes()] == [second.key]


async def test_a_servers_language_recorded_by_one_process_is_read_by_another(
    storage: ContractStorage,
) -> None:
    """The dispatcher would post in English to a Ukrainian server that another process serves."""
    await storage.upsert_subscription(
        Subscription(channel_id=501, guild_id=50, schedule=ScheduleKind.INSTANT)
    )
    await storage.record_server_languages({50: "uk", 60: "ru"})
    await storage.record_server_languages({60: "en-GB"})  # the server changed its language
    await storage.record_server_languages({})
    guilds, channels = await storage.server_languages()
    assert guilds == {50: "uk", 60: "en-GB"}
    assert channels == {501: "uk"}
