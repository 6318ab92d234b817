"""Exactly-once forum posts through crashes: kill -9 a real bot process while Discord is
creating posts (the forum route takes no nonce), restart it, and check every forum has the
briefing exactly once."""

from __future__ import annotations

from pathlib import Path

from bot.models import ScheduleKind, Subscription
from storage import Storage
from tests.fakediscord import FakeDiscord
from tests.kill_harness import TOKEN, Runs, make_archive, settled_log

FORUMS = 16
POSTS_ROUTE = "/channels/{channel_id}/threads"


def posts(fake: FakeDiscord, forum_ids: list[int]) -> dict[int, int]:
    return {fid: len(fake.forum_posts(fid)) for fid in forum_ids}


async def test_kill_9_while_posts_are_being_made_loses_and_duplicates_nothing(tmp_path: Path):
    """A crash after Discord made a forum post but before the bot recorded it would, with no
    nonce on that route, post it again after restart; a crash before would lose it."""
    fake = FakeDiscord(token=TOKEN)
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(4)]
    forums = [
        fake.add_forum(guilds[i % 4], f"briefings-{i}", tags=["Energy", "Health"]) for i in range(FORUMS)
    ]
    forum_ids = [f.id for f in forums]

    async def subscribe(storage: Storage) -> None:
        for forum in forums:
            assert forum.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=forum.id, guild_id=forum.guild_id, schedule=ScheduleKind.INSTANT, forum=True
                )
            )

    config = await make_archive(tmp_path, subscribe)
    await fake.start()
    # Each post is made at once and answered late, staggered: every kill lands with posts made
    # on Discord whose ids the bot never learned.
    for index, forum_id in enumerate(forum_ids):
        fake.inject(channel=forum_id, route=POSTS_ROUTE, method="POST", delay_response=0.3 + 0.15 * index)
    runs = Runs(fake, config)
    try:
        after = await runs.kill_at((1, 6, 11), lambda: sum(posts(fake, forum_ids).values()))
        assert after[-1] < FORUMS, "the kills must land before the fan-out finished"
        await runs.start()
        await fake.wait_until(
            lambda: all(n >= 1 for n in posts(fake, forum_ids).values()),
            timeout=90,
            what="every forum to have the briefing",
        )
        sent = await settled_log(tmp_path / "bot.db", forum_ids)
        assert posts(fake, forum_ids) == dict.fromkeys(forum_ids, 1)
        # Each outbox row names the post that is on Discord.
        on_discord = {fid: fake.forum_posts(fid)[0][0].id for fid in forum_ids}
        assert {r.channel_id: r.message_id for r in sent} == on_discord
        assert all(p[0].applied_tags for fid in forum_ids for p in fake.forum_posts(fid))
    finally:
        await runs.close()
