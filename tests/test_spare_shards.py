"""Spare processes over one PostgreSQL store: a dead process's shard is taken over.

Three real ``briefbot run --shards any/2`` processes against the fake Discord (two shards,
Discord's rate limits on, IDENTIFYs beyond max_concurrency refused) and a fresh PostgreSQL
schema (``tests.cluster``): two claim a shard each, the third stands by. The fake tells the
processes apart by the pid the launcher sends with their requests. Skipped without a
reachable PostgreSQL (a failure under ``CI=true``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import asyncpg

from tests.cluster import ROOT, Cluster, make_cluster
from tests.storage_fixtures import postgres_server

TAKEOVER_LIMIT_SECONDS = 10.0
NAMES = ("a", "b", "c")


def serving(cluster: Cluster) -> dict[int, int | None]:
    """Shard -> the pid of the process whose gateway connection serves it now."""
    return {s.shard: s.process for s in cluster.fake.gateway.live_sessions() if s.connection is not None}


async def answered_by(cluster: Cluster, shard: int) -> int:
    """``/help`` in a server on ``shard``: the pid of the one process that answered it."""
    reader, _manager, channel = cluster.readers[shard]
    result = await cluster.fake.slash(reader, channel, "help", timeout=20)
    assert not result.final_message().deleted
    callbacks = [
        r for r in cluster.fake.requests if r.route.endswith("/callback") and f"/{result.id}/" in r.path
    ]
    assert len(callbacks) == 1, f"shard {shard}'s command was answered {len(callbacks)} times"
    assert callbacks[0].process is not None
    return callbacks[0].process


async def status_text(cluster: Cluster) -> str:
    """``briefbot status`` as an operator runs it beside the bot."""
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFBOT_DB", "DISCORD_TOKEN")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(cluster.config),
        "status",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    return out.decode()


def check_alive(procs: dict[str, asyncio.subprocess.Process], logs: Path) -> None:
    """Fail on a process that exited other than by ``kill -9`` or the fence (status 1)."""
    for name, process in procs.items():
        if process.returncode not in (None, -signal.SIGKILL, 1):
            log = (logs / f"{name}.log").read_text(errors="replace")[-4000:]
            raise AssertionError(f"process {name} exited with {process.returncode}:\n{log}")


async def wait_standing_by(cluster: Cluster, pids: set[int], *, within: float) -> None:
    """Until every one of ``pids`` records itself as a spare holding no shard."""
    deadline = time.monotonic() + within
    while {p.pid for p in await cluster.storage.processes() if p.shards == "standby (any/2)"} & pids != pids:
        assert time.monotonic() < deadline, "the spares did not stand by"
        await asyncio.sleep(0.2)


async def cut_claim(url: str, role: str) -> None:
    """End the database session holding ``role``'s lock, as a network fault would."""
    admin = await asyncpg.connect(url)
    try:
        backend = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
            f"briefbot-{role}",
        )
        assert backend is not None
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", backend)
    finally:
        await admin.close()


def line_of(status: str, pid: int) -> str:
    [line] = [line for line in status.splitlines() if f" pid {pid}:" in line]
    return line


async def test_a_spare_takes_over_the_shard_of_a_killed_process_and_a_lost_claim_disconnects(
    tmp_path: Path,
) -> None:
    """When a machine dies, the servers on its shard would go unanswered until it is back; a
    spare would take a shard a live process serves (answers twice), stay invisible in the
    status, or a process cut off from its claim would go on answering beside its successor."""
    cluster = await make_cluster(await postgres_server().store_url(), tmp_path, channels=2, guilds=4)
    fake = cluster.fake
    procs: dict[str, asyncio.subprocess.Process] = {}
    try:
        for name in NAMES:  # all at once: they race for the shards
            procs[name] = await cluster.launch("any/2", name)
        pids = {p.pid for p in procs.values()}

        def both_served() -> bool:
            check_alive(procs, tmp_path)
            now = serving(cluster)
            return set(now) == {0, 1} and len(set(now.values())) == 2 and bool(fake.global_commands)

        await fake.wait_until(both_served, timeout=120, what="two processes to serve a shard each")
        holders = serving(cluster)
        [spare] = pids - set(holders.values())
        assert holders[0] in pids and holders[1] in pids
        assert all(r.process != spare for r in fake.gateway.identify_log), "the spare connected a shard"

        # The status lists both holders with their shard, and the spare as standing by.
        status = await status_text(cluster)
        assert "shards 0/2" in line_of(status, holders[0] or 0)
        assert "shards 1/2" in line_of(status, holders[1] or 0)
        assert "standby: a spare holding no shard" in line_of(status, spare)

        # Each shard is answered, once, by its own process.
        assert await answered_by(cluster, 0) == holders[0]
        assert await answered_by(cluster, 1) == holders[1]

        # The machine serving shard 1 dies.
        [victim] = [p for p in procs.values() if p.pid == holders[1]]
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        await victim.wait()
        # Shard 0 keeps answering meanwhile.
        assert await answered_by(cluster, 0) == holders[0]

        def spare_serves_shard_1() -> bool:
            check_alive(procs, tmp_path)
            return serving(cluster).get(1) == spare

        await fake.wait_until(spare_serves_shard_1, timeout=30, what="the spare to connect shard 1")
        takeover = time.monotonic() - killed_at
        print(f"kill -9 of shard 1's process: the spare connected shard 1 {takeover:.2f} s later")
        assert takeover < TAKEOVER_LIMIT_SECONDS
        assert await answered_by(cluster, 1) == spare
        assert await answered_by(cluster, 0) == holders[0]
        processes = {p.pid: p for p in await cluster.storage.processes()}
        assert processes[spare].shards == "1/2"

        # A fixed process started for shard 1 now is refused, naming the shard and its holder;
        # two more spares stand by.
        fixed = procs["fixed"] = await cluster.launch("1/2", "fixed")
        for name in ("d", "e"):
            procs[name] = await cluster.launch("any/2", name)
        assert await asyncio.wait_for(fixed.wait(), 60) == 1
        refusal = (tmp_path / "fixed.log").read_text()
        assert "shard 1 of 2 is already served by another process" in refusal
        assert f"pid {spare}" in refusal
        assert all(r.process != fixed.pid for r in fake.gateway.identify_log)
        standby = {procs["d"].pid, procs["e"].pid}

        await wait_standing_by(cluster, standby, within=60)

        # The spare's claim is cut (its lock connection ended, as by a network fault): it
        # disconnects shard 1 at once and exits with status 1 for systemd to restart it; one
        # of the new spares takes shard 1 over.
        await cut_claim(cluster.url, "shard:1/2")
        cut_at = time.monotonic()
        await fake.wait_until(
            lambda: serving(cluster).get(1) != spare, timeout=10, what="shard 1 to disconnect"
        )
        disconnected = time.monotonic() - cut_at
        print(f"claim of shard 1 cut: its gateway connection closed {disconnected:.2f} s later")
        assert disconnected < 2
        [fenced] = [p for p in procs.values() if p.pid == spare]
        assert await asyncio.wait_for(fenced.wait(), 60) == 1
        log = next((tmp_path / f"{n}.log") for n, p in procs.items() if p.pid == spare).read_text()
        assert "lost the claim to shards 1/2" in log

        def a_new_spare_serves_shard_1() -> bool:
            check_alive(procs, tmp_path)
            return serving(cluster).get(1) in standby

        await fake.wait_until(a_new_spare_serves_shard_1, timeout=30, what="a new spare to take shard 1")
        successor = serving(cluster)[1]
        assert await answered_by(cluster, 1) == successor
        assert await answered_by(cluster, 0) == holders[0]

        # The spare still standing by stops cleanly on SIGTERM, having connected nothing.
        [idle] = [p for p in procs.values() if p.pid in standby - {successor}]
        idle.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(idle.wait(), 30) == 0
        assert all(r.process != idle.pid for r in fake.gateway.identify_log)
    finally:
        for process in procs.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
        await cluster.close()
