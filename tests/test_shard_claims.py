"""Claims on gateway shards (``bot.shard_claims``): fixed processes and spares.

What several processes sharing one store must agree on runs on PostgreSQL, a second store
on the same schema standing in for a second process (skipped without a server, a failure
under ``CI=true``); what a lone SQLite process does runs on SQLite.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
import pytest_asyncio

from bot.heartbeat import Heartbeat, describe_processes
from bot.shard_claims import ShardClaims, ShardTakenError, refuse_mixing, shard_role
from storage import Storage, open_storage
from tests.storage_fixtures import postgres_server

FAST = {"retry_seconds": 0.05, "confirm_seconds": 0.1}


@pytest_asyncio.fixture
async def three_stores() -> AsyncIterator[tuple[Storage, Storage, Storage, str]]:
    """Three stores on one PostgreSQL schema, as three bot processes would open it."""
    url = await postgres_server().store_url()
    stores = [await open_storage(url) for _ in range(3)]
    try:
        yield stores[0], stores[1], stores[2], url
    finally:
        for store in stores:
            await store.close()


async def test_a_spare_claims_a_shard_no_other_process_holds(three_stores) -> None:
    """A spare would connect a shard another process serves (both answering its servers), or none."""
    first, second, _third, _url = three_stores
    fixed = ShardClaims(first, 2, **FAST)
    await fixed.claim((0,))
    spare = ShardClaims(second, 2, **FAST)
    try:
        assert await asyncio.wait_for(spare.claim_any(), 5) == (1,)
        assert spare.describe() == "1/2"
        assert await first.role_held(shard_role(1, 2)) is True
    finally:
        await spare.release()
        await fixed.release()


async def test_a_spare_stands_by_while_every_shard_is_held_and_takes_over_a_released_one(
    three_stores,
) -> None:
    """A spare would serve a shard twice, or never take over the shard of a process that died."""
    first, second, third, _url = three_stores
    holders = [ShardClaims(first, 2, **FAST), ShardClaims(second, 2, **FAST)]
    assert await asyncio.wait_for(holders[0].claim_any(), 5) == (0,)
    assert await asyncio.wait_for(holders[1].claim_any(), 5) == (1,)
    spare = ShardClaims(third, 2, **FAST)
    waiting = asyncio.create_task(spare.claim_any())
    try:
        await asyncio.sleep(0.5)
        assert not waiting.done(), "the spare claimed a shard another process holds"
        assert spare.describe() == "standby (any/2)"
        released = time.monotonic()
        await holders[1].release()  # as when its process dies: the server ends the session
        assert await asyncio.wait_for(waiting, 5) == (1,)
        assert time.monotonic() - released < 2
    finally:
        waiting.cancel()
        await spare.release()
        await holders[0].release()


async def test_a_spare_stopped_while_standing_by_claims_nothing(three_stores) -> None:
    """A spare being shut down would go on to connect a shard, or never stop waiting."""
    first, second, _third, _url = three_stores
    holder = ShardClaims(first, 1, **FAST)
    await holder.claim((0,))
    spare = ShardClaims(second, 1, **FAST)
    waiting = asyncio.create_task(spare.claim_any())
    await asyncio.sleep(0.2)
    spare.stop_waiting()
    try:
        assert await asyncio.wait_for(waiting, 2) is None
        assert spare.ids == ()
    finally:
        await holder.release()


async def test_a_second_fixed_process_for_a_held_shard_is_refused_naming_the_shard(three_stores) -> None:
    """Two processes would both answer the servers of one shard, or the second would fail
    without saying which shard is the problem or who holds it."""
    first, second, third, _url = three_stores
    holder = ShardClaims(first, 4, **FAST)
    await holder.claim((1,))
    beat = Heartbeat(first, shards="1/4", is_dispatcher=lambda: False)
    await beat.start()
    second_claims = ShardClaims(second, 4, **FAST)
    try:
        with pytest.raises(ShardTakenError) as refused:
            await second_claims.claim((0, 1))
        message = str(refused.value)
        assert "shard 1 of 4 is already served by another process" in message
        assert f"pid {beat.process.pid}" in message
        assert "--shards any/4" in message
        # Refused as a whole: the shard it could claim (0) is not kept from the others.
        assert second_claims.ids == ()
        assert await third.role_held(shard_role(0, 4)) is False
    finally:
        await beat.stop()
        await holder.release()
    # Once the holder is gone, the same claim succeeds.
    await second_claims.claim((0, 1))
    assert second_claims.describe() == "0-1/4"
    await second_claims.release()


async def test_a_claim_lost_with_its_connection_is_known_at_once_and_the_shard_taken_over(
    three_stores,
) -> None:
    """A process cut off from the database would keep answering a shard a spare serves now."""
    first, second, _third, url = three_stores
    holder = ShardClaims(first, 2, **FAST)
    await holder.claim((0,))
    watching = asyncio.create_task(holder.watch())
    await asyncio.sleep(0.3)
    assert not watching.done()
    admin = await asyncpg.connect(url)
    try:
        backend = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
            "briefbot-" + shard_role(0, 2),
        )
        assert backend is not None
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", backend)
    finally:
        await admin.close()
    cut = time.monotonic()
    why = await asyncio.wait_for(watching, 3)
    assert "shard 0 of 2" in why
    assert time.monotonic() - cut < 1.5
    spare = ShardClaims(second, 2, **FAST)
    try:
        assert await asyncio.wait_for(spare.claim_any(), 5) == (0,)
    finally:
        await spare.release()
        await holder.release()


async def test_a_lone_sqlite_process_asked_for_any_shard_serves_them_all(sqlite_storage) -> None:
    """On SQLite, where no second process can run, 'any' would leave all other shards unanswered."""
    spare = ShardClaims(sqlite_storage, 3, **FAST)
    assert await asyncio.wait_for(spare.claim_any(), 2) == (0, 1, 2)
    assert spare.describe() == "0-2/3"
    await spare.release()


def test_the_status_says_a_spare_stands_by():
    """An operator could not tell a waiting spare from a process serving shards."""
    from bot.models import BotProcess

    now = datetime.now(UTC)
    spare = BotProcess("c", "host-c", 3, "standby (any/2)", now, silent_seconds=1)
    serving = BotProcess("a", "host-a", 1, "1/2", now, silent_seconds=1)
    lines = describe_processes([spare, serving])
    assert any(
        "host-c pid 3: standby: a spare holding no shard, ready to take over any of 2" in line
        for line in lines
    )
    assert any("host-a pid 1: shards 1/2" in line for line in lines)


async def test_sharded_and_unsharded_processes_refuse_to_mix(three_stores) -> None:
    """An unsharded process connects every shard; beside a sharded one (or the other way
    round) both would answer the same servers."""
    first, second, third, _url = three_stores
    unsharded = Heartbeat(first, shards="all", is_dispatcher=lambda: False)
    await unsharded.start()
    try:
        with pytest.raises(ShardTakenError) as refused:
            await refuse_mixing(second, 2)
        assert f"pid {unsharded.process.pid}" in str(refused.value)
        assert "no shard settings" in str(refused.value)
        await refuse_mixing(second, None)  # another unsharded process is no mix
    finally:
        await unsharded.stop()
    spare = Heartbeat(third, shards="standby (any/2)", is_dispatcher=lambda: False)
    await spare.start()
    try:
        with pytest.raises(ShardTakenError) as refused:
            await refuse_mixing(second, None)
        assert "--shards" in str(refused.value)
        await refuse_mixing(second, 2)
    finally:
        await spare.stop()
    await refuse_mixing(second, None)  # both gone (a clean stop removes the record)


async def test_a_lone_sqlite_process_never_refuses_itself(tmp_path) -> None:
    store = await open_storage(str(tmp_path / "bot.db"))
    try:
        beat = Heartbeat(store, shards="all", is_dispatcher=lambda: False)
        await beat.start()
        await refuse_mixing(store, 2)
        await beat.stop()
    finally:
        await store.close()
