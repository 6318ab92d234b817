"""What managers and publishers do with a forum subscription, through the real bot and the
fake Discord: a test post, moving the subscription between a forum and a text channel, and
removing a briefing whose copy is a forum post."""

from __future__ import annotations

from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel
from tests.helpers import add_via_modal
from tests.test_bot_forums import briefing_id, forum_in_cache, subscribe


async def manage(world: BotWorld, command: str, options: dict) -> str:
    result = await world.fake.slash(world.manager, world.channel, f"subscriptions {command}", options)
    return (await result.wait_final()).content or ""


async def remove_with_copies(world: BotWorld, briefing: int) -> str:
    """``/article remove`` and its "delete posted copies" button; the final report."""
    fake = world.fake
    ask = await fake.slash(world.publisher, world.channel, "article remove", {"briefing": str(briefing)})
    message = ask.final_message()
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    await fake.click(world.publisher, message, buttons["Remove and delete posted copies"])
    return await fake.wait_until(
        lambda: (
            (fake.messages[message.id].content or "")
            if "Deleted" in (fake.messages[message.id].content or "")
            else ""
        ),
        what="the removal report",
    )


async def test_a_test_post_in_a_forum_is_a_post_marked_as_a_test(bot_world: BotWorld):
    """A manager trying a forum subscription would get an error (forums take no plain
    messages), a post nobody could tell from a real one, or a ping."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Energy"])
    await add_via_modal(bot_world, bot_world.publisher, title="Storage tender opens", tags="energy")
    assert (await subscribe(bot_world, forum)).startswith("Subscribed")
    answer = await manage(bot_world, "test", {"channel": forum})
    assert answer.startswith(f"Posted a test of #{forum.name}") or answer.startswith("Posted a test"), answer
    [(thread, starter)] = fake.forum_posts(forum)
    assert thread.name == "Storage tender opens"
    assert thread.applied_tags == [fake.tag_id(forum, "Energy")]
    shown = (starter.content or "") + "".join(str(c) for c in starter.components)
    assert "Test post" in shown
    assert starter.allowed_mentions == {"parse": []}
    # Nothing was recorded: the channel's log has no delivery.
    log = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions log", {"channel": forum})
    final = await log.wait_final()
    assert "Storage tender opens" not in str(final.embeds)


async def test_moving_between_a_forum_and_a_text_channel_posts_in_each_ones_way(bot_world: BotWorld):
    """After a move the bot would post plain messages into a forum (refused) or forum posts into
    a text channel, repeat what the old channel had, or lose the old post's corrections."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Energy"])
    await subscribe(bot_world, forum)
    first = await add_via_modal(bot_world, bot_world.publisher, title="Grid fund is 2 billion", tags="energy")
    await fake.wait_until(lambda: fake.forum_posts(forum), timeout=20, what="the forum post")

    text = fake.add_channel(bot_world.guild, name="energy-news")
    await fake.wait_until(lambda: bot_world.bot.get_channel(text.id), what="the bot to see the channel")
    moved = await manage(bot_world, "move", {"from": forum, "to": text})
    assert moved.startswith(f"Moved the subscription of <#{forum.id}> to <#{text.id}>"), moved
    await add_via_modal(bot_world, bot_world.publisher, title="Grid tariffs frozen", tags="energy")
    [post] = await fake.wait_for_messages(text, 1, timeout=20)
    assert post.embeds[0]["title"] == "Grid tariffs frozen"
    assert [t.name for t, _ in fake.forum_posts(forum)] == ["Grid fund is 2 billion"]

    # The forum post is still the subscription's history: a correction reaches it.
    opened = await fake.slash(
        bot_world.publisher, bot_world.channel, "article edit", {"briefing": str(briefing_id(first))}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Grid fund is 1.2 billion", "Corrected figure: the fund is 1.2 billion.", "", "", "energy"]
    reply = await (await opened.submit_modal(dict(zip(ids, values, strict=True)))).wait_final()
    assert "1 posted copy corrected" in (reply.content or ""), reply.content
    [(_thread, starter)] = fake.forum_posts(forum)
    assert "1.2 billion" in str(starter.embeds) + str(starter.components)

    # And back to a forum: posts again, no plain message into it.
    other_forum = fake.add_forum(bot_world.guild, "second-forum", tags=["Energy"])
    await forum_in_cache(bot_world, other_forum)
    moved = await manage(bot_world, "move", {"from": text, "to": other_forum})
    assert moved.startswith("Moved"), moved
    await add_via_modal(bot_world, bot_world.publisher, title="Heat pump grants doubled", tags="energy")
    [(thread, _)] = await fake.wait_until(lambda: fake.forum_posts(other_forum), timeout=20, what="a post")
    assert thread.name == "Heat pump grants doubled"
    assert len(fake.posts(text)) == 1
    plain = [
        r
        for r in fake.requests
        if r.route == "/channels/{channel_id}/messages" and r.channel_id == other_forum.id
    ]
    assert plain == []


async def _posted(world: BotWorld, forum: Channel, title: str) -> int:
    added = await add_via_modal(world, world.publisher, title=title, tags="energy")
    await world.fake.wait_until(
        lambda: [t for t, _ in world.fake.forum_posts(forum) if t.name == title], timeout=20, what="the post"
    )
    return briefing_id(added)


async def test_removing_a_briefing_deletes_its_forum_post(bot_world: BotWorld):
    """A briefing removed as a mistake would stay in the forum as a post, or, without Manage
    Threads, the removal would fail instead of taking the card down."""
    fake = bot_world.fake
    bot = fake.bot_role(bot_world.guild)
    forum = fake.add_forum(
        bot_world.guild, "briefing-forum", tags=["Energy"], overwrites={bot: (model.MANAGE_THREADS, 0)}
    )
    await subscribe(bot_world, forum)
    briefing = await _posted(bot_world, forum, "Posted by mistake")
    [(thread, _starter)] = fake.forum_posts(forum)
    report = await remove_with_copies(bot_world, briefing)
    assert "Deleted 1 of 1" in report, report
    assert fake.forum_posts(forum) == []
    assert thread.id not in bot_world.guild.channels  # the whole post, not only its card

    # Without Manage Threads the post stays, but its starter message (the card) goes.
    result = await fake.slash(bot_world.manager, bot_world.channel, "unsubscribe", {"channel": forum})
    await result.wait_final()
    closed = fake.add_forum(bot_world.guild, "closed-forum", tags=["Energy"])
    await subscribe(bot_world, closed)
    briefing = await _posted(bot_world, closed, "Also by mistake")
    [(thread, starter)] = fake.forum_posts(closed)
    report = await remove_with_copies(bot_world, briefing)
    assert "Deleted 1 of 1" in report, report
    assert fake.messages[starter.id].deleted
    assert thread.id in bot_world.guild.channels
