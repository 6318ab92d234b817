"""Exactly-once forum posts through crashes: kill -9 a real bot process while Discord is
creating posts (the forum route takes no nonce), restart it, and check every forum has the
briefing exactly once."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.models import ScheduleKind, Subscription
from storage import open_storage
from tests.fakediscord import FakeDiscord
from tests.helpers import analysis, draft
from tests.test_exactly_once_kill import TOKEN, eventually, start_bot

FORUMS = 16
POSTS_ROUTE = "/channels/{channel_id}/threads"


async def prepare(tmp_path: Path, fake: FakeDiscord) -> tuple[Path, list[int]]:
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(4)]
    forums = [
        fake.add_forum(guilds[i % 4], f"briefings-{i}", tags=["Energy", "Health"]) for i in range(FORUMS)
    ]
    db = tmp_path / "bot.db"
    storage = await open_storage(db)
    try:
        for forum in forums:
            assert forum.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=forum.id, guild_id=forum.guild_id, schedule=ScheduleKind.INSTANT, forum=True
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
    return config, [f.id for f in forums]


def posts(fake: FakeDiscord, forum_ids: list[int]) -> dict[int, int]:
    return {fid: len(fake.forum_posts(fid)) for fid in forum_ids}


async def test_kill_9_while_posts_are_being_made_loses_and_duplicates_nothing(tmp_path):
    """A crash after Discord made a forum post but before the bot recorded it would, with no
    nonce on that route, post it again after restart; a crash before would lose it."""
    fake = FakeDiscord(token=TOKEN)
    config, forum_ids = await prepare(tmp_path, fake)
    await fake.start()
    # Each post is made at once and answered late, staggered: every kill lands with posts made
    # on Discord whose ids the bot never learned.
    for index, forum_id in enumerate(forum_ids):
        fake.inject(channel=forum_id, route=POSTS_ROUTE, method="POST", delay_response=0.3 + 0.15 * index)
    processes: list[asyncio.subprocess.Process] = []
    try:
        for kill_after in (1, 6, 11):
            process = await start_bot(fake, config)
            processes.append(process)

            def enough(n: int = kill_after) -> bool:
                return sum(posts(fake, forum_ids).values()) >= n

            await fake.wait_until(enough, timeout=60, what=f"{kill_after} posts before the kill")
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert sum(posts(fake, forum_ids).values()) < FORUMS, (
            "the kills must land before the fan-out finished"
        )
        final = await start_bot(fake, config)
        processes.append(final)
        await fake.wait_until(
            lambda: all(n >= 1 for n in posts(fake, forum_ids).values()),
            timeout=90,
            what="every forum to have the briefing",
        )
        storage = await open_storage(tmp_path / "bot.db")
        try:

            async def settled() -> bool:
                return (await storage.outbox_counts()).pending == 0

            await eventually(settled, within=30, what="recovery to settle every forum")
            sent = await storage.delivery_log(forum_ids, limit=100)
        finally:
            await storage.close()
        assert posts(fake, forum_ids) == dict.fromkeys(forum_ids, 1)
        # Each outbox row names the post that is on Discord.
        on_discord = {fid: fake.forum_posts(fid)[0][0].id for fid in forum_ids}
        assert {r.channel_id: r.message_id for r in sent} == on_discord
        assert all(p[0].applied_tags for fid in forum_ids for p in fake.forum_posts(fid))
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await fake.stop()
