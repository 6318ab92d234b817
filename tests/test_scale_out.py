"""Two real bot processes over one PostgreSQL store: shards, one dispatcher, failover.

Each test runs ``briefbot run --shards 0/2`` and ``--shards 1/2`` as real processes against
the fake Discord (two shards, Discord's rate limits on, IDENTIFYs beyond max_concurrency
refused) and a fresh PostgreSQL schema (``tests.cluster``). The fake tells the processes
apart by the pid the launcher sends with their requests. Skipped without a reachable
PostgreSQL (a failure under ``CI=true``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest_asyncio

from tests.cluster import MESSAGE_ROUTE, ROOT, Cluster, make_cluster
from tests.storage_fixtures import postgres_server

CHANNELS = 200
GUILDS = 20
TAKEOVER_LIMIT_SECONDS = 10.0


@pytest_asyncio.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    made = await make_cluster(await postgres_server().store_url(), tmp_path, channels=CHANNELS, guilds=GUILDS)
    try:
        yield made
    finally:
        await made.close()


async def start_both(cluster: Cluster) -> tuple[asyncio.subprocess.Process, asyncio.subprocess.Process]:
    """Shard 0's process first, as the dispatcher; then shard 1's, standing by."""
    await cluster.start_all()
    return cluster.processes[0], cluster.processes[1]


async def test_two_processes_answer_their_shards_and_survive_a_kill_9_of_the_dispatcher(cluster: Cluster):
    """Servers on one shard would get no answers, or posts in English when their language is
    another (the dispatcher does not serve them); a correction made on the other process
    would be sent by it, not the dispatcher; a post would be lost or doubled when the
    dispatcher dies, the survivor would take too long to take over, or the status would not
    list both processes."""
    fake = cluster.fake
    # A Ukrainian server on shard 1: only the other process, not the dispatcher, sees its language.
    _reader, _manager, general = cluster.readers[1]
    fake.guilds[general.guild_id or 0].preferred_locale = "uk"
    first, second = await start_both(cluster)

    # Each process answers the commands of the servers on its own shard.
    for shard, pid in ((0, first.pid), (1, second.pid)):
        reader, _manager, channel = cluster.readers[shard]
        result = await fake.slash(reader, channel, "help")
        assert not result.final_message().deleted
        callbacks = [r for r in fake.requests if r.route.startswith("/interactions/")]
        assert callbacks[-1].process == pid, f"shard {shard} was answered by another process"

    # A subscription made on the process that is not the dispatcher, with a backfill: planned
    # there, posted by the dispatcher.
    _reader, manager, general = cluster.readers[1]
    await cluster.add_briefing("Parliament approves emergency grid fund")
    result = await fake.slash(manager, general, "subscribe", {"channel": general, "backfill": 1})
    assert "Subscribed" in (await result.wait_final()).content
    [backfilled] = await fake.wait_for_messages(general, 1, timeout=20)
    assert backfilled.process == first.pid
    assert backfilled.embeds[0]["footer"]["text"].startswith("Брифінг #"), "posted in the wrong language"
    cluster.channels.append(general.id)
    await cluster.settled(within=30)
    assert cluster.copies() == dict.fromkeys(cluster.channels, 1)

    # A correction made on the process that is not the dispatcher: the dispatcher edits the copies.
    edits_before = len(_edits(fake))
    briefing = (await cluster.storage.latest(1))[0]
    opened = await fake.slash(manager, general, "article edit", {"briefing": str(briefing.id)})
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Parliament approves grid fund", "The fund was approved on Tuesday.", "", "", ""]
    reply = await (await opened.submit_modal(dict(zip(ids, values, strict=True)))).wait_final()
    assert "will be corrected within seconds" in (reply.content or ""), reply.content
    await fake.wait_until(
        lambda: len(_edits(fake)) >= edits_before + len(cluster.channels),
        timeout=60,
        what="the dispatcher to edit every copy",
    )
    assert {r.process for r in _edits(fake)[edits_before:]} == {first.pid}

    # A fan-out to every channel, on both shards; the dispatcher is killed in the middle of it.
    fake.inject(route=MESSAGE_ROUTE, method="POST", delay=0.3)  # requests in flight at the kill
    already = sum(cluster.copies().values())
    await cluster.add_briefing("Cabinet approves grid-repair fund")
    await fake.wait_until(
        lambda: sum(cluster.copies().values()) >= already + 40, timeout=30, what="the fan-out to start"
    )
    first.send_signal(signal.SIGKILL)
    killed_at = time.time()
    await first.wait()
    assert sum(cluster.copies().values()) < already + len(cluster.channels), "the kill came too late"
    await cluster.wait_for_dispatcher(second.pid, within=TAKEOVER_LIMIT_SECONDS)
    await fake.wait_until(
        lambda: all(n >= 2 for n in cluster.copies().values()), timeout=60, what="every channel's copy"
    )
    takeover = min(at for at in cluster.posts_by(second.pid) if at > killed_at) - killed_at
    print(f"kill -9 of the dispatcher: the other process posted {takeover:.2f} s later")
    assert takeover < TAKEOVER_LIMIT_SECONDS
    await cluster.settled(within=30)
    assert cluster.copies() == dict.fromkeys(cluster.channels, 2), "a channel lost or doubled a post"
    assert fake.ratelimits.hits["global"] == 0
    assert fake.gateway.identify_bursts() == []
    assert all(r.accepted for r in fake.gateway.identify_log)
    status = await briefbot_status(cluster)
    assert status["dispatcher"]["pid"] == second.pid
    assert status["dispatcher"]["held"] is True
    assert status["dispatcher"]["shards"] == "1/2"
    # Both processes are listed with their shards; the survivor says it is the dispatcher.
    processes = {p["pid"]: p for p in status["processes"]}
    assert processes[second.pid]["shards"] == "1/2" and processes[second.pid]["dispatcher"] is True
    assert processes[second.pid]["silent_seconds"] < 15
    assert processes[first.pid]["shards"] == "0/2"


def _edits(fake) -> list:
    return [r for r in fake.requests if r.method == "PATCH" and r.route == MESSAGE_ROUTE + "/{message_id}"]


async def briefbot_status(cluster: Cluster) -> dict:
    """``briefbot status --json`` as an operator runs it beside the bot."""
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFBOT_DB", "DISCORD_TOKEN")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(cluster.config),
        "status",
        "--json",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    return json.loads(out)


async def _lock_backend(url: str) -> int:
    """The server process of the connection that holds the dispatcher's lock."""
    db = await asyncpg.connect(url)
    try:
        pid = await db.fetchval(
            "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'briefbot-dispatcher' "
            "AND a.datname = current_database()"
        )
        assert pid is not None, "nobody holds the dispatcher's lock"
        return int(pid)
    finally:
        await db.close()


async def test_a_dispatcher_cut_off_from_its_lock_sends_nothing_once_another_takes_over(cluster: Cluster):
    """A dispatcher that lost its database connection would keep posting beside its
    successor: twice the rate Discord allows, and posts racing each other."""
    fake = cluster.fake
    first, second = await start_both(cluster)
    fake.inject(route=MESSAGE_ROUTE, method="POST", delay=0.3)
    await cluster.add_briefing("Cabinet approves grid-repair fund")
    await fake.wait_until(
        lambda: sum(cluster.copies().values()) >= 40, timeout=30, what="the fan-out to start"
    )

    backend = await _lock_backend(cluster.url)
    admin = await asyncpg.connect(cluster.url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", backend)
    finally:
        await admin.close()
    cut_at = time.time()
    await cluster.wait_for_dispatcher(second.pid, within=TAKEOVER_LIMIT_SECONDS)
    await fake.wait_until(lambda: all(cluster.copies().values()), timeout=60, what="every channel's copy")
    new_started = min(at for at in cluster.posts_by(second.pid) if at > cut_at)
    old_last = max(cluster.posts_by(first.pid))
    print(
        f"lock connection cut: the old dispatcher's last post {old_last - cut_at:+.3f} s after the cut, "
        f"the new one's first {new_started - cut_at:.2f} s after"
    )
    assert old_last < new_started, "the old dispatcher posted after the new one started"
    assert old_last - cut_at < 0.5, "the old dispatcher kept posting after losing its lock"
    await cluster.settled(within=30)
    assert cluster.copies() == dict.fromkeys(cluster.channels, 1)
    assert first.returncode is None, "the old dispatcher's process should carry on, standing by"
    assert fake.ratelimits.hits["global"] == 0


async def test_a_process_with_no_shard_settings_beside_a_sharded_one_refuses_to_start(cluster: Cluster):
    """A process started without --shards next to sharded ones connected every shard and
    answered their servers a second time; it must refuse, say why, and connect nothing."""
    fake = cluster.fake
    sharded = await cluster.start(0)
    await cluster.wait_for_dispatcher(sharded.pid, within=60)
    stray = await cluster.launch(None, "unsharded")
    assert await asyncio.wait_for(stray.wait(), 60) == 1
    log = (cluster.logs / "unsharded.log").read_text(errors="replace")
    assert "not starting" in log and f"pid {sharded.pid}" in log and "--shards" in log
    assert not any(s.process == stray.pid for s in fake.gateway.live_sessions())
    assert not [r for r in fake.requests if r.process == stray.pid and r.method != "GET"]
    assert sharded.returncode is None
