"""Exactly-once delivery through crashes: kill -9 a real bot process mid fan-out, restart it,
and check every channel on the fake Discord has the briefing exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bot.models import ScheduleKind, Subscription
from storage import Storage, open_storage
from tests.fakediscord import FakeDiscord
from tests.helpers import analysis, draft

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
ROOT = Path(__file__).resolve().parent.parent
CHANNELS = 24
INSTANT_LAST_RUN = "delivery.instant_last_run"  # meta key: start time of the last instant run
T = TypeVar("T")


async def prepare(tmp_path: Path, fake: FakeDiscord) -> tuple[Path, list[int]]:
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(4)]
    channels = [fake.add_channel(guilds[i % 4], name=f"briefings-{i}") for i in range(CHANNELS)]
    db = tmp_path / "bot.db"
    storage = await open_storage(db)
    try:
        for ch in channels:
            assert ch.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=ch.id, guild_id=ch.guild_id, schedule=ScheduleKind.INSTANT, timezone="UTC"
                )
            )
        await storage.add_briefing(
            draft(
                title="Cabinet approves grid-repair fund", published=datetime.now(UTC) - timedelta(minutes=5)
            ),
            analysis(("We will not wait for the winter to test us.", "Olena Marchuk", "Minister", 0.9)),
        )
    finally:
        await storage.close()
    config = tmp_path / "briefbot.toml"
    config.write_text(f"[storage]\npath = '{db}'\n[schedule]\npoll_seconds = 5\n", encoding="utf-8")
    config.chmod(0o600)
    return config, [c.id for c in channels]


async def start_bot(fake: FakeDiscord, config: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFBOT_DB"}
    env["DISCORD_TOKEN"] = TOKEN
    argv = fake.launch_command("bot.cli:main", "--config", str(config), "run", python=sys.executable)
    return await asyncio.create_subprocess_exec(
        *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


def posted(fake: FakeDiscord, channel_ids: list[int]) -> dict[int, int]:
    return {cid: len(fake.posts(cid)) for cid in channel_ids}


async def eventually(check: Callable[[], Awaitable[T]], *, within: float, what: str) -> T:
    """Poll ``check()`` until it returns something truthy; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := await check()):
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)
    return result


async def last_instant_run(storage: Storage) -> datetime | None:
    value = await storage.get_meta(INSTANT_LAST_RUN)
    return datetime.fromisoformat(value) if value else None


async def test_kill_9_during_fan_out_loses_and_duplicates_nothing(tmp_path):
    """A crash mid fan-out would leave channels without the briefing, or post it twice after restart."""
    fake = FakeDiscord(token=TOKEN)
    config, channel_ids = await prepare(tmp_path, fake)
    await fake.start()
    # Staggered slow sends spread the fan-out over seconds, so each kill lands mid fan-out,
    # with requests in flight: Discord may create a message the bot never recorded.
    for index, channel_id in enumerate(channel_ids):
        fake.inject(
            channel=channel_id,
            route="/channels/{channel_id}/messages",
            method="POST",
            delay=0.2 + 0.12 * index,
        )
    processes: list[asyncio.subprocess.Process] = []
    reached: list[int] = []
    try:
        for kill_after in (1, 8, 17):
            process = await start_bot(fake, config)
            processes.append(process)

            def enough_posts(n: int = kill_after) -> bool:
                return sum(posted(fake, channel_ids).values()) >= n

            await fake.wait_until(
                enough_posts,
                timeout=60,
                what=f"{kill_after} posts before the kill",
            )
            process.send_signal(signal.SIGKILL)
            await process.wait()
            reached.append(sum(1 for n in posted(fake, channel_ids).values() if n))
        assert reached[0] < CHANNELS, "the first kill must land before the fan-out finished"
        final = await start_bot(fake, config)
        processes.append(final)
        await fake.wait_until(
            lambda: all(n >= 1 for n in posted(fake, channel_ids).values()),
            timeout=90,
            what="every channel to have the briefing",
        )
        # Let the restarted bot finish recovery and one more instant poll: nothing may be re-sent.
        storage = await open_storage(tmp_path / "bot.db")
        try:

            async def settled() -> bool:
                return (await storage.outbox_counts()).pending == 0

            await eventually(settled, within=20, what="recovery to send everything pending")
            counts = await storage.outbox_counts()
            assert counts.pending == 0
            recovered_at = datetime.now(UTC)

            async def polled_since_recovery() -> bool:
                # An instant poll that started after recovery, with whatever it planned sent.
                last = await last_instant_run(storage)
                return last is not None and last > recovered_at and await settled()

            await eventually(polled_since_recovery, within=30, what="an instant poll after recovery")
        finally:
            await storage.close()
        assert posted(fake, channel_ids) == dict.fromkeys(channel_ids, 1)
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await fake.stop()
