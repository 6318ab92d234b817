"""Announcement channels past Discord's publishes of the hour, through the real bot and the fake
Discord: the posts made meanwhile are not published one by one; once the channel may publish
again, one digest of them is posted and published, so that following servers get every
briefing, and the delivery log says which post went out in which digest."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel
from tests.helpers import analysis, draft

HOUR = 3600


async def publishing_desk(world: BotWorld) -> Channel:
    fake = world.fake
    desk = fake.add_channel(world.guild, "press-desk", type="announcement")
    await fake.wait_until(lambda: world.bot.get_channel(desk.id), what="the channel in the bot's cache")
    done = await fake.slash(world.manager, world.channel, "subscribe", {"channel": desk, "publish": True})
    assert "published to following servers" in (await done.wait_final()).content
    return desk


async def add_notices(world: BotWorld, numbers: range) -> None:
    for n in numbers:
        await world.bot.storage.add_briefing(
            draft(
                title=f"Ferry notice {n}",
                body=f"Ferry notice number {n}: the evening crossing leaves from pier {n % 3 + 1}.",
                url=f"https://example.org/ferry/{n}",
                published=datetime.now(UTC) - timedelta(minutes=1),
            ),
            analysis(),
        )


def an_hour_passes(world: BotWorld, desk: Channel) -> None:
    """Move the channel's publishes an hour into the past, on Discord and in the bot's records."""
    world.fake.publishes[desk.id] = [t - HOUR for t in world.fake.publishes.get(desk.id, [])]
    with sqlite3.connect(world.db_path) as db:
        db.execute(
            "UPDATE deliveries SET published_at = published_at - ? WHERE channel_id = ? AND published_at IS NOT NULL",
            (HOUR, desk.id),
        )
        db.execute(
            "UPDATE publish_digests SET published_at = published_at - ? WHERE channel_id = ? "
            "AND published_at IS NOT NULL",
            (HOUR, desk.id),
        )


def crossposts(world: BotWorld, desk: Channel) -> list[int]:
    return [
        r.status for r in world.fake.requests if r.route.endswith("/crosspost") and r.channel_id == desk.id
    ]


async def test_posts_past_the_budget_reach_followers_in_one_published_digest(bot_world: BotWorld):
    """Followers of an announcement channel would never get the briefings posted past its ten
    publishes of the hour, or the bot would spin on 429s publishing them one by one."""
    fake = bot_world.fake
    desk = await publishing_desk(bot_world)
    follower_guild = fake.add_guild(name="Harbour town")
    follower = fake.add_channel(follower_guild, "ferry-news")
    fake.followers.add(desk, follower)
    for batch in (range(4), range(4, 8), range(8, 12), range(12, 13)):  # within the catch-up limit
        await add_notices(bot_world, batch)
        await bot_world.bot.engine.run_instant()
    posts = fake.posts(desk)
    assert len(posts) == 13
    assert [bool(p.flags & model.CROSSPOSTED) for p in posts] == [True] * 10 + [False] * 3
    assert crossposts(bot_world, desk) == [200] * 10  # past the budget: not even tried
    assert len(fake.followers.copies(follower)) == 10
    shown = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions log", {"channel": desk})
    assert "next publish digest" in str((await shown.wait_final()).embeds)

    await bot_world.bot.engine.run_instant()  # still within the hour: nothing more
    assert len(fake.posts(desk)) == 13 and crossposts(bot_world, desk) == [200] * 10

    an_hour_passes(bot_world, desk)
    await bot_world.bot.engine.run_instant()
    posts = fake.posts(desk)
    assert len(posts) == 14
    digest = posts[-1]
    assert digest.flags & model.CROSSPOSTED
    assert "3 briefings posted here while its publishes of the hour were used up" in (digest.content or "")
    shown_titles = [e.get("title", "") for e in digest.embeds] + [
        f.get("name", "") for e in digest.embeds for f in e.get("fields", [])
    ]
    for n in (10, 11, 12):
        assert any(f"Ferry notice {n}" in t for t in shown_titles), shown_titles
    assert digest.allowed_mentions == {"parse": []}
    copies = fake.followers.copies(follower)
    assert len(copies) == 11  # the ten posts and the digest that carries the other three

    log = await bot_world.bot.storage.delivery_log([desk.id], limit=20)
    by_title = {r.title: r for r in log}
    assert by_title["Ferry notice 0"].published_at is not None
    held = by_title["Ferry notice 11"].publish_digest
    assert held is not None and held.state == "published" and held.message_id == digest.id
    shown = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions log", {"channel": desk})
    text = str((await shown.wait_final()).embeds)
    assert f"in a publish digest (message {digest.id})" in text
    assert "published to the following servers" in text

    await bot_world.bot.engine.run_instant()  # done: the digest is neither posted nor published again
    assert len(fake.posts(desk)) == 14 and crossposts(bot_world, desk) == [200] * 11


async def test_a_429_on_the_digest_waits_instead_of_spinning(bot_world: BotWorld):
    """Discord's count of publishes includes a human's: a 429 on the digest's publish would be
    retried on every run (each one an invalid request), or post the digest twice."""
    fake = bot_world.fake
    desk = await publishing_desk(bot_world)
    fake.publishes[desk.id] = [time.time()] * fake.publish_limit  # a human published ten this hour
    await add_notices(bot_world, range(2))
    await bot_world.bot.engine.run_instant()
    assert crossposts(bot_world, desk) == [429]  # the first post's publish: refused, then held
    for _ in range(3):
        await bot_world.bot.engine.run_instant()
    assert crossposts(bot_world, desk) == [429]  # waits as Discord asked: no request in a loop
    assert len(fake.posts(desk)) == 2
    log = await bot_world.bot.storage.delivery_log([desk.id], limit=5)
    assert all(r.publish_digest is not None and r.publish_digest.state == "open" for r in log)


async def test_a_digest_interrupted_by_a_crash_is_neither_posted_nor_published_twice(bot_world: BotWorld):
    """A crash after the digest's message was sent, or after it was published, before the bot
    recorded it, would post a second digest or send every following server a second copy."""
    fake = bot_world.fake
    desk = await publishing_desk(bot_world)
    follower = fake.add_channel(fake.add_guild(name="Harbour town"), "ferry-news")
    fake.followers.add(desk, follower)
    for batch in (range(4), range(4, 8), range(8, 11)):
        await add_notices(bot_world, batch)
        await bot_world.bot.engine.run_instant()
    an_hour_passes(bot_world, desk)
    await bot_world.bot.engine.run_instant()
    digest = fake.posts(desk)[-1]
    assert digest.flags & model.CROSSPOSTED and len(fake.posts(desk)) == 12

    def as_if_crashed(state: str, message_id: int | None) -> None:
        with sqlite3.connect(bot_world.db_path) as db:
            db.execute(
                "UPDATE publish_digests SET state = ?, message_id = ?, published_at = NULL WHERE channel_id = ?",
                (state, message_id, desk.id),
            )

    as_if_crashed("posted", digest.id)  # published on Discord, not recorded
    await bot_world.bot.engine.run_instant()
    read_back = [r for r in fake.requests if r.method == "GET" and r.path.endswith(f"/messages/{digest.id}")]
    assert len(read_back) == 1
    as_if_crashed("sending", None)  # sent on Discord, not recorded: sent again with its nonce
    await bot_world.bot.engine.run_instant()
    assert len(fake.posts(desk)) == 12  # Discord answered the nonce with the same message
    assert crossposts(bot_world, desk) == [200] * 10 + [200, 400]  # the second: "already published"
    assert len(fake.followers.copies(follower)) == 11
    [row] = [r for r in await bot_world.bot.storage.delivery_log([desk.id]) if r.title == "Ferry notice 10"]
    assert row.publish_digest is not None and row.publish_digest.state == "published"
    assert row.publish_digest.message_id == digest.id
