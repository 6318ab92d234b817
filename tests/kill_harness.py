"""What the kill -9 tests share: an archive with one briefing and its config, the bot run as a
real process against the fake Discord, kills landing at given numbers of posts, and the
outbox once recovery has settled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bot.delivery.records import DeliveryRecord
from storage import Storage, open_storage
from tests.fakediscord import FakeDiscord
from tests.helpers import analysis, draft

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
ROOT = Path(__file__).resolve().parent.parent
TITLE = "Cabinet approves grid-repair fund"
T = TypeVar("T")


async def make_archive(tmp_path: Path, subscribe: Callable[[Storage], Awaitable[object]]) -> Path:
    """A SQLite archive in ``tmp_path`` with the subscriptions ``subscribe`` makes and one
    briefing published five minutes ago; its config (instant poll every 5 s)."""
    db = tmp_path / "bot.db"
    storage = await open_storage(db)
    try:
        await subscribe(storage)
        await storage.add_briefing(
            draft(title=TITLE, published=datetime.now(UTC) - timedelta(minutes=5)),
            analysis(("We will not wait for the winter to test us.", "Olena Marchuk", "Minister", 0.9)),
        )
    finally:
        await storage.close()
    config = tmp_path / "briefbot.toml"
    config.write_text(f"[storage]\npath = '{db}'\n[schedule]\npoll_seconds = 5\n", encoding="utf-8")
    config.chmod(0o600)
    return config


async def start_bot(fake: FakeDiscord, config: Path) -> asyncio.subprocess.Process:
    """``briefbot run`` as a real process against ``fake``."""
    env = {k: v for k, v in os.environ.items() if k != "BRIEFBOT_DB"}
    env["DISCORD_TOKEN"] = TOKEN
    argv = fake.launch_command("bot.cli:main", "--config", str(config), "run", python=sys.executable)
    return await asyncio.create_subprocess_exec(
        *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


async def eventually(check: Callable[[], Awaitable[T]], *, within: float, what: str) -> T:
    """Poll ``check()`` until it returns something truthy; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := await check()):
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)
    return result


class Runs:
    """The bot processes of one test: started, killed where the test says, all gone at the end."""

    def __init__(self, fake: FakeDiscord, config: Path) -> None:
        self.fake = fake
        self.config = config
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self) -> asyncio.subprocess.Process:
        process = await start_bot(self.fake, self.config)
        self.processes.append(process)
        return process

    async def kill_at(self, counts: Sequence[int], posted: Callable[[], int]) -> list[int]:
        """For each count: start the bot, ``kill -9`` it once ``posted()`` reaches the count.
        What ``posted()`` was right after each kill."""
        after = []
        for count in counts:
            process = await self.start()

            def reached(n: int = count) -> bool:
                return posted() >= n

            await self.fake.wait_until(reached, timeout=60, what=f"{count} posts before the kill")
            process.send_signal(signal.SIGKILL)
            await process.wait()
            after.append(posted())
        return after

    async def close(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await self.fake.stop()


async def settled_log(db: Path, channel_ids: list[int], *, within: float = 30) -> list[DeliveryRecord]:
    """The outbox rows of ``channel_ids`` once nothing is pending."""
    storage = await open_storage(db)
    try:

        async def settled() -> bool:
            return (await storage.outbox_counts()).pending == 0

        await eventually(settled, within=within, what="recovery to settle every channel")
        return await storage.delivery_log(channel_ids, limit=1000)
    finally:
        await storage.close()
