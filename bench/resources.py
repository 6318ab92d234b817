"""5. Resources: start-up time and peak memory of the real bot process.

``briefbot run`` runs as its own process (``python -m tests.fakediscord.launch``, which
only points discord.py at the fake) on a copy of the archive with ``subscriptions``
instant subscriptions over the fake's servers. Measured from the parent:

- ``identify_s``: process start → the bot's IDENTIFY on the gateway (imports, config,
  database open and migrate check, cogs, command-hash check, scheduler start);
- ``first_reply_s``: process start → the first ``/latest`` answered (the moment a user
  gets service);
- ``peak_rss_mb``: the kernel's high-water mark (``VmHWM``) after start-up and 200
  mixed commands; ``rss_mb`` is the resident size at that moment.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._archive import add_subscriptions, archive
from bench._common import Size
from bench._corpus import TOPICS
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTA" + "x" * 21 + ".GaBcDe." + "y" * 27
GOAL_MB, GOAL_S = 150.0, 3.0


def _status(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) / 1024
    return out


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("discord").setLevel(logging.WARNING)
    source = await archive(size.resources_archive)
    fake = FakeDiscord(token=TOKEN)
    guilds = [fake.add_guild(name=f"Server {g}") for g in range(min(2_500, size.resources_subscriptions))]
    reader_guild = guilds[0]
    channel = fake.add_channel(reader_guild, name="general")
    member = fake.add_member(reader_guild, fake.add_user("reader"))
    pairs = []
    for c in range(size.resources_subscriptions):
        g = guilds[c % len(guilds)]
        pairs.append((g.id, fake.add_channel(g, name=f"briefings-{c}").id))
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="briefbot-res-") as tmp:
        db = Path(tmp) / "briefbot.db"
        shutil.copyfile(source, db)
        import sqlite3

        top = sqlite3.connect(db).execute("SELECT max(id) FROM briefings").fetchone()[0]
        add_subscriptions(db, pairs, since_id=top)
        cfg = Path(tmp) / "briefbot.toml"
        cfg.write_text(f'[storage]\npath = "{db}"\n[logging]\nlevel = "WARNING"\n')
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "PYTHONPATH": str(REPO)}
        # First start syncs the commands (a one-off); the measured start is the second.
        await _start(fake, cfg, env, member, channel, commands=0)
        result = await _start(fake, cfg, env, member, channel, commands=200)
    await fake.stop()
    result.update(
        {
            "archive": size.resources_archive,
            "subscriptions": size.resources_subscriptions,
            "goal_mb": GOAL_MB,
            "goal_s": GOAL_S,
        }
    )
    print(
        f"    start-up: IDENTIFY after {result['identify_s']:.2f} s, first /latest answered after "
        f"{result['first_reply_s']:.2f} s (goal < {GOAL_S} s)"
    )
    print(
        f"    memory: peak RSS {result['peak_rss_mb']:.1f} MB, RSS {result['rss_mb']:.1f} MB after 200 commands "
        f"(goal < {GOAL_MB} MB; {size.resources_archive:,} briefings, {size.resources_subscriptions:,} subscriptions)"
    )
    return result


async def _start(
    fake: FakeDiscord, cfg: Path, env: dict[str, str], member: Any, channel: Any, *, commands: int
) -> dict[str, Any]:
    identifies = len(fake.gateway.identifies)
    argv = [
        sys.executable,
        "-m",
        "tests.fakediscord.launch",
        "--base-url",
        fake.base_url,
        "--",
        "bot.cli:main",
        "--config",
        str(cfg),
        "run",
    ]
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(*argv, cwd=str(REPO), env=env)
    try:
        await fake.wait_until(lambda: len(fake.gateway.identifies) > identifies, timeout=60, what="IDENTIFY")
        identify = time.perf_counter() - start
        await fake.wait_until(lambda: fake.global_commands, timeout=60, what="commands")
        while True:
            try:
                await fake.slash(member, channel, "latest", {}, timeout=2)
                break
            except (TimeoutError, AssertionError):
                if time.perf_counter() - start > 60:
                    raise
        first = time.perf_counter() - start
        rng = random.Random(5)
        for i in range(commands):
            kind = i % 4
            if kind == 0:
                await fake.slash(member, channel, "latest", {"count": rng.randint(1, 5)})
            elif kind == 1:
                await fake.slash(member, channel, "search", {"query": rng.choice(TOPICS)})
            elif kind == 2:
                await fake.slash(member, channel, "quote", {})
            else:
                await fake.slash(member, channel, "summary", {})
        status = _status(proc.pid)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 20)
    return {
        "identify_s": round(identify, 3),
        "first_reply_s": round(first, 3),
        "peak_rss_mb": round(status["VmHWM"], 1),
        "rss_mb": round(status["VmRSS"], 1),
    }
