"""7. Failover: a fan-out to every channel with the dispatcher killed in the middle of it.

Two real ``briefbot run`` processes (shards 0 and 1 of 2) share one PostgreSQL database and
the fake Discord (Discord's rate limits on: 50 requests/s globally, 5 messages per 5 s per
channel; IDENTIFYs beyond max_concurrency refused). Every channel has an instant
subscription. A briefing is added to the database; the dispatcher's instant poll finds it
and fans it out; once ``KILL_AT`` of the channels have it, the dispatcher gets ``kill -9``
and the other process takes over. Reported:

- ``takeover_s``: the kill until the other process's first post (the outage as a channel
  sees it); ``recorded_s``: until it recorded itself as the dispatcher;
- ``seconds_to_last``: the briefing's arrival in the database until the last channel had
  its copy (instant poll and takeover included); ``after_kill_to_last``: from the kill;
- ``rate_before`` / ``rate_after``: posts per second from the first post to the kill, and
  from the survivor's first post to the last (the pace outside the takeover window), with
  their fractions of Discord's 50/s;
- duplicates (channels with more than one copy), losses (channels with none), 429s by kind.

Needs PostgreSQL: ``BRIEFBOT_BENCH_POSTGRES`` or the tests' ``BRIEFBOT_TEST_POSTGRES``
(default ``postgresql://127.0.0.1:5432/test``); a scratch database is made and dropped.
Without a reachable server the benchmark says so and reports nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench._common import Size
from tests.cluster import Cluster, make_cluster

DISCORD_GLOBAL = 50.0
KILL_AT = 0.3  # of the channels reached when the dispatcher is killed
CONNECT_TIMEOUT_SECONDS = 5


def _admin_url() -> str:
    return (
        os.environ.get("BRIEFBOT_BENCH_POSTGRES")
        or os.environ.get("BRIEFBOT_TEST_POSTGRES")
        or "postgresql://127.0.0.1:5432/test"
    )


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


async def _scratch_database() -> tuple[str, str] | None:
    """A new database on the server (its URL and name), or None if none can be reached."""
    admin_url = _admin_url()
    name = f"briefbot_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(admin_url, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        print(f"    PostgreSQL not reachable ({type(exc).__name__}): failover not measured")
        return None
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return _with_database(admin_url, name), name


async def _drop_database(name: str) -> None:
    admin = await asyncpg.connect(_admin_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def one_case(url: str, channels: int, guilds: int) -> dict[str, Any]:
    schema = f"failover_{channels}"
    db = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await db.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await db.close()
    with tempfile.TemporaryDirectory(prefix="briefbot-failover-") as tmp:
        cluster = await make_cluster(
            f"{url}?search_path={schema}", Path(tmp), channels=channels, guilds=guilds
        )
        try:
            return await _measure(cluster)
        finally:
            await cluster.close()


async def _measure(cluster: Cluster) -> dict[str, Any]:
    fake = cluster.fake
    await cluster.start_all()
    dispatcher, survivor = cluster.processes[0], cluster.processes[1]
    wanted = len(cluster.channels)
    fake.ratelimits.hits.clear()
    added = time.time()  # the fake stamps messages with time.time()
    await cluster.add_briefing("Cabinet approves grid-repair fund")
    kill_after = max(1, int(wanted * KILL_AT))
    await cluster.poll(
        lambda: sum(1 for n in cluster.copies().values() if n) >= kill_after,
        within=60 + wanted / 20,
        what="the fan-out to reach the kill point",
        every=0.02,
    )
    dispatcher.send_signal(signal.SIGKILL)
    killed = time.time()
    await dispatcher.wait()
    reached_at_kill = sum(1 for n in cluster.copies().values() if n)
    recorded = await cluster.wait_for_dispatcher(survivor.pid, within=60)
    await cluster.poll(
        lambda: all(cluster.copies().values()),
        within=120 + wanted / 10,
        what="every channel's copy",
        every=0.5,
    )
    await cluster.settled(within=60)
    posts = sorted(
        (m.created_at, m.channel_id, m.process) for m in fake.messages.values() if m.source == "channel"
    )
    per_channel = Counter(c for _, c, _ in posts)
    first_copy: dict[int, float] = {}
    for at, channel_id, _ in posts:
        first_copy.setdefault(channel_id, at)
    last = max(first_copy.values())
    before = [at for at, _, pid in posts if pid == dispatcher.pid]
    after = [at for at, _, pid in posts if pid == survivor.pid]
    rate_before = (len(before) - 1) / (before[-1] - before[0]) if len(before) > 1 else 0.0
    rate_after = (len(after) - 1) / (after[-1] - after[0]) if len(after) > 1 else 0.0
    takeover = min((a for a in cluster.posts_by(survivor.pid) if a > killed), default=float("nan")) - killed
    return {
        "channels": wanted,
        "guilds": len(fake.guilds),
        "reached_at_kill": reached_at_kill,
        "takeover_s": round(takeover, 3),
        "recorded_s": round(recorded, 3),
        "seconds_to_last": round(last - added, 3),
        "after_kill_to_last": round(last - killed, 3),
        "rate_before": round(rate_before, 2),
        "rate_before_fraction": round(rate_before / DISCORD_GLOBAL, 4),
        "rate_after": round(rate_after, 2),
        "rate_after_fraction": round(rate_after / DISCORD_GLOBAL, 4),
        "posts_by_dispatcher": len(before),
        "posts_by_survivor": len(after),
        "duplicates": sum(1 for n in per_channel.values() if n > 1),
        "lost": wanted - len(first_copy),
        "http_429": dict(fake.ratelimits.hits),
        "identify_bursts": len(fake.gateway.identify_bursts()),
    }


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("discord").setLevel(logging.ERROR)
    scratch = await _scratch_database()
    if scratch is None:
        return {"skipped": "PostgreSQL not reachable", "cases": []}
    url, name = scratch
    cases = []
    try:
        for channels in size.failover_channels:
            r = await one_case(url, channels, min(size.fanout_guilds, channels))
            cases.append(r)
            print(
                f"    {channels:>6,} channels / {r['guilds']:,} servers, dispatcher killed at "
                f"{r['reached_at_kill']:,}: took over after {r['takeover_s']:.2f} s (recorded "
                f"{r['recorded_s']:.2f} s); last channel {r['seconds_to_last']:.1f} s after the briefing, "
                f"{r['after_kill_to_last']:.1f} s after the kill; {r['rate_before']:.1f} msg/s before "
                f"({r['rate_before_fraction']:.0%}), {r['rate_after']:.1f} after ({r['rate_after_fraction']:.0%}); "
                f"dup {r['duplicates']}, lost {r['lost']}, 429s {r['http_429'] or 0}"
            )
    finally:
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            await _drop_database(name)
    return {"cases": cases, "kill_at": KILL_AT, "goal_takeover_s": 10.0, "goal_fraction": 0.95}
