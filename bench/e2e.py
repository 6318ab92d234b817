"""2. End-to-end command latency: INTERACTION_CREATE out of the fake Discord to the bot's
interaction callback arriving back at it, over loopback.

The real ``BriefBot`` (discord.py gateway and HTTP client, the cogs, the newsroom, SQLite)
runs against ``tests.fakediscord`` in the same process and event loop, on a copy of the
archive. ``InteractionRecord.latency`` is the fake's clock from dispatching the event to
receiving the callback, so it includes the fake's own JSON encoding and websocket send.
Commands are sent one at a time (no queueing).
"""

from __future__ import annotations

import logging
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from bench._archive import archive
from bench._common import Size, summarise_ms
from bench._corpus import TOPICS
from bot.config import Config, DiscordConfig, StorageConfig
from bot.models import Secret
from tests.fakediscord import FakeDiscord

GOAL_MS = 25.0


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("discord").setLevel(logging.WARNING)
    source = await archive(size.e2e_archive)
    with tempfile.TemporaryDirectory(prefix="briefbot-e2e-") as tmp:
        db = Path(tmp) / "briefbot.db"
        shutil.copyfile(source, db)
        result = await _one(str(db), source, size)
    if "postgresql" in size.backends:
        from bench._postgres import pg_archive

        url = await pg_archive(size.e2e_archive)
        if url is not None:
            print("    PostgreSQL:")
            result["postgresql"] = await _one(url, source, size)
    return result


async def _one(target: str, source: Path, size: Size) -> dict[str, Any]:
    """The commands against the real bot on ``target`` (a copy of the archive ``source``)."""
    from bot.client import BriefBot

    fake = FakeDiscord()
    guild = fake.add_guild(name="Policy Desk")
    channel = fake.add_channel(guild, name="general")
    member = fake.add_member(guild, fake.add_user("reader"))
    await fake.start()
    config = Config(discord=DiscordConfig(token=Secret(fake.token)), storage=StorageConfig(path=target))
    bot = BriefBot(config)
    try:
        with fake.patch_discord():
            async with fake.run_bot(bot, ready=False):
                await fake.wait_until(lambda: fake.global_commands, timeout=30, what="command sync")
                return await _drive(fake, bot, member, channel, size, _speakers(source))
    finally:
        await fake.stop()


def _speakers(path: Path) -> list[str]:
    """The 300 most quoted speakers of the archive file (the same on either backend)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM speakers ORDER BY quote_count DESC LIMIT 300")]
    finally:
        conn.close()


async def _drive(
    fake: FakeDiscord, bot: Any, member: Any, channel: Any, size: Size, names: list[str]
) -> dict[str, Any]:
    rng = random.Random(11)
    storage = bot.storage
    top = await storage.max_briefing_id()
    surnames = sorted({n.split()[-1] for n in names})

    async def slash(command: str, options: dict[str, Any]) -> float:
        result = await fake.slash(member, channel, command, options)
        return result.record.latency or 0.0

    async def complete(command: str, options: dict[str, Any], focused: str) -> float:
        result = await fake.autocomplete(member, channel, command, options, focused)
        return result.record.latency or 0.0

    plan = {
        "latest": lambda: slash(
            "latest", {"count": rng.randint(1, 3)} if rng.random() < 0.7 else {"topic": rng.choice(TOPICS)}
        ),
        "summary": lambda: slash("summary", {"briefing": str(rng.randint(1, top))}),
        "quote": lambda: slash("quote", {}),
        "quote_speaker": lambda: slash("quote", {"speaker": rng.choice(surnames)}),
        "search": lambda: slash("search", {"query": f"{rng.choice(surnames)} {rng.choice(TOPICS)}"}),
        "ac_title": lambda: complete(
            "summary", {"briefing": rng.choice(TOPICS)[: rng.randint(1, 5)]}, "briefing"
        ),
        "ac_speaker": lambda: complete(
            "quote", {"speaker": rng.choice(surnames)[: rng.randint(1, 4)]}, "speaker"
        ),
    }
    out: dict[str, Any] = {}
    every: list[float] = []
    for name, call in plan.items():
        for _ in range(max(5, size.e2e_iterations // 10)):
            await call()
        samples = [await call() for _ in range(size.e2e_iterations)]
        every += samples
        out[name] = summarise_ms(samples)
        s = out[name]
        print(f"    {name:<14} p50 {s['p50_ms']:8.3f}  p95 {s['p95_ms']:8.3f}  p99 {s['p99_ms']:8.3f} ms")
    out["all"] = summarise_ms(every)
    s = out["all"]
    print(
        f"    {'all':<14} p50 {s['p50_ms']:8.3f}  p95 {s['p95_ms']:8.3f}  p99 {s['p99_ms']:8.3f} ms"
        f"  (goal p99 < {GOAL_MS} ms, {size.e2e_archive:,} briefings)"
    )
    return {"archive": size.e2e_archive, "by_command": out, "goal_p99_ms": GOAL_MS}
