"""Scheduled posting through the real bot: instant posts, pings, backfill, corrections, removals."""

from __future__ import annotations

import asyncio

from storage import open_storage
from tests.conftest import BotWorld
from tests.helpers import add_via_modal, cached_guild


async def subscribe(world: BotWorld, options: dict) -> None:
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": world.news, **options}
    )
    message = await result.wait_final()
    assert message.content.startswith(("Subscribed", "Updated")), message.content


async def test_new_briefing_is_posted_once_to_an_instant_channel(bot_world: BotWorld):
    """A subscribed channel would miss a new briefing, get the backlog, or get it twice."""
    fake = bot_world.fake
    await subscribe(bot_world, {"schedule": "instant"})
    assert fake.posts(bot_world.news) == []  # subscribing never floods the backlog
    await add_via_modal(bot_world, bot_world.publisher, title="Winter road plan published")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    assert post.embeds[0]["title"] == "Winter road plan published"
    assert post.allowed_mentions == {"parse": []}
    assert post.nonce and post.enforce_nonce
    await bot_world.bot.scheduler.briefing_added()
    await bot_world.bot.engine.run_instant()
    assert len(fake.posts(bot_world.news)) == 1


async def test_role_ping_allows_exactly_that_role(bot_world: BotWorld):
    """A subscription's role would not be pinged, or the post could ping @everyone too."""
    fake = bot_world.fake
    role = fake.add_role(bot_world.guild, "Briefing readers", mentionable=True)
    await fake.wait_until(
        lambda: cached_guild(bot_world.bot, bot_world.guild.id).get_role(role.id), what="role cache"
    )
    await subscribe(bot_world, {"schedule": "instant", "role": role})
    await add_via_modal(bot_world, bot_world.publisher, title="Drill @everyone tomorrow")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    assert post.pings() == {"everyone": False, "users": [], "roles": [role.id]}


async def test_backfill_posts_the_newest_at_once(bot_world: BotWorld):
    """backfill:2 would post nothing, or the whole archive."""
    await subscribe(bot_world, {"schedule": "instant", "backfill": 2})
    posts = await bot_world.fake.wait_for_messages(bot_world.news, 2, timeout=20)
    storage = await open_storage(bot_world.db_path)
    try:
        newest = [b.title for b in await storage.latest(2)]
    finally:
        await storage.close()
    assert sorted(p.embeds[0]["title"] for p in posts) == sorted(newest)
    assert len(bot_world.fake.posts(bot_world.news)) == 2


async def test_edit_corrects_posted_copies_in_place(bot_world: BotWorld):
    """A correction would leave the wrong text standing in channels, or repost it as new."""
    fake = bot_world.fake
    await subscribe(bot_world, {"schedule": "instant"})
    added = await add_via_modal(bot_world, bot_world.publisher, title="Grid fund is 2 billion")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    briefing_id = added.final_message().content.split("#")[1].split(".")[0]
    opened = await fake.slash(
        bot_world.publisher, bot_world.channel, "article edit", {"briefing": briefing_id}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = dict(
        zip(
            ids,
            ["Grid fund is 1.2 billion", "Corrected figure: the fund is 1.2 billion.", "", "", ""],
            strict=True,
        )
    )
    result = await opened.submit_modal(values)
    reply = await result.wait_final()
    assert "1 posted copy corrected" in reply.content
    edited = fake.messages[post.id]
    assert edited.embeds[0]["title"] == "Grid fund is 1.2 billion"
    assert "corrected" in edited.embeds[0]["footer"]["text"]
    assert len(fake.posts(bot_world.news)) == 1


async def test_remove_can_delete_posted_copies(bot_world: BotWorld):
    """Removing a briefing published by mistake would leave it in every channel."""
    fake = bot_world.fake
    await subscribe(bot_world, {"schedule": "instant"})
    added = await add_via_modal(bot_world, bot_world.publisher, title="Posted by mistake")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    briefing_id = added.final_message().content.split("#")[1].split(".")[0]
    ask = await fake.slash(
        bot_world.publisher, bot_world.channel, "article remove", {"briefing": briefing_id}
    )
    message = ask.final_message()
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    await fake.click(bot_world.publisher, message, buttons["Remove and delete posted copies"])
    await fake.wait_until(lambda: fake.messages[post.id].deleted, what="the posted copy to be deleted")
    text = await fake.wait_until(
        lambda: "Deleted 1 of 1" in (fake.messages[message.id].content or ""), what="removal report"
    )
    assert text


async def eventually(check, *, within: float = 10.0) -> bool:
    """Poll an async condition until it holds or the deadline passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return await check()


async def test_deleted_channel_stops_its_subscription(bot_world: BotWorld):
    """After a channel is deleted the bot would keep trying to post there."""
    await subscribe(bot_world, {"schedule": "instant"})
    bot_world.fake.delete_channel(bot_world.news)

    async def stopped() -> bool:
        sub = await bot_world.bot.storage.get_subscription(bot_world.news.id)
        return sub is None or sub.paused_reason is not None

    assert await eventually(stopped)


async def test_bot_removed_from_a_server_drops_its_subscriptions(bot_world: BotWorld):
    """After being kicked the bot would keep a dead server's subscriptions and keep failing."""
    await subscribe(bot_world, {"schedule": "daily"})
    bot_world.fake.remove_guild(bot_world.guild)

    async def gone() -> bool:
        return await bot_world.bot.storage.get_subscription(bot_world.news.id) is None

    assert await eventually(gone)


async def test_broken_channel_is_paused_and_managers_are_told(bot_world: BotWorld):
    """A channel the bot lost access to would be retried forever, and nobody in the server would know why."""
    fake = bot_world.fake
    alerts = fake.add_channel(bot_world.guild, name="bot-alerts")
    await fake.wait_until(lambda: bot_world.bot.get_channel(alerts.id), what="alerts channel in cache")
    await subscribe(bot_world, {"schedule": "instant", "alerts": alerts})
    fault = fake.inject(code=50001, channel=bot_world.news)
    threshold = bot_world.config.schedule.failure_threshold
    for n in range(threshold):
        await add_via_modal(
            bot_world, bot_world.publisher, title=f"Briefing number {n} for the locked channel"
        )
        await bot_world.bot.engine.run_instant()
    [notice] = await fake.wait_for_messages(alerts, 1, timeout=20)
    text = notice.content + " ".join(e.get("description", "") + e.get("title", "") for e in notice.embeds)
    assert f"<#{bot_world.news.id}>" in text and "paused" in text.lower()
    assert notice.pings() == {"everyone": False, "users": [], "roles": []}
    sub = await bot_world.bot.storage.get_subscription(bot_world.news.id)
    assert sub is not None
    assert sub.paused_reason
    attempts = fault.hits
    await add_via_modal(bot_world, bot_world.publisher, title="One more after the pause")
    await bot_world.bot.engine.run_instant()
    assert fault.hits == attempts  # paused: no more failing requests to Discord
    listing = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    assert "Paused" in listing.final_message().embeds[0]["fields"][0]["value"]
