"""Forum and media channels as subscription targets, through the real bot and the fake Discord:
each briefing a post titled with its headline and tagged with the forum's own tags, exactly
once (a post begun before a crash is found on Discord, not made again), corrections in place."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import discord

from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel
from tests.helpers import add_via_modal, analysis, draft


async def forum_in_cache(world: BotWorld, forum: Channel) -> None:
    def cached() -> bool:
        channel = world.bot.get_channel(forum.id)
        return isinstance(channel, discord.ForumChannel) and len(channel.available_tags) == len(
            forum.available_tags
        )

    await world.fake.wait_until(cached, what="the forum in the bot's cache")


async def subscribe(world: BotWorld, forum: Channel) -> str:
    await forum_in_cache(world, forum)
    result = await world.fake.slash(world.manager, world.channel, "subscribe", {"channel": forum})
    return (await result.wait_final()).content


def briefing_id(added) -> int:
    return int(added.final_message().content.split("#")[1].split(".")[0])


async def test_each_briefing_becomes_one_post_tagged_by_topic(bot_world: BotWorld):
    """A forum subscription would fail (forums take no plain messages), post untagged, or twice."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Transport", "Energy", "Health"])
    assert (await subscribe(bot_world, forum)).startswith("Subscribed")
    await add_via_modal(
        bot_world, bot_world.publisher, title="Winter road plan published", tags="transport, winter"
    )
    [(thread, starter)] = await fake.wait_until(
        lambda: fake.forum_posts(forum), timeout=20, what="a forum post"
    )
    assert thread.name == "Winter road plan published"
    assert thread.applied_tags == [fake.tag_id(forum, "Transport")]  # by name, any case; "winter" has no tag
    assert thread.owner_id == fake.bot_user.id
    assert starter.embeds[0]["title"] == "Winter road plan published"
    assert starter.allowed_mentions == {"parse": []}
    assert [t["name"] for t in forum.available_tags] == ["Transport", "Energy", "Health"]  # none created
    await bot_world.bot.engine.run_instant()
    assert len(fake.forum_posts(forum)) == 1
    refused = [
        r for r in fake.requests if r.route == "/channels/{channel_id}/messages" and r.channel_id == forum.id
    ]
    assert refused == []


async def test_correction_unarchives_the_post_and_edits_its_starter(bot_world: BotWorld):
    """A correction to an archived forum post would fail (50083) and leave the wrong text."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Energy"])
    await subscribe(bot_world, forum)
    added = await add_via_modal(bot_world, bot_world.publisher, title="Grid fund is 2 billion", tags="energy")
    [(thread, starter)] = await fake.wait_until(
        lambda: fake.forum_posts(forum), timeout=20, what="a forum post"
    )
    fake.archive_thread(thread)
    opened = await fake.slash(
        bot_world.publisher, bot_world.channel, "article edit", {"briefing": str(briefing_id(added))}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Grid fund is 1.2 billion", "Corrected figure: the fund is 1.2 billion.", "", "", "energy"]
    reply = await (await opened.submit_modal(dict(zip(ids, values, strict=True)))).wait_final()
    assert "1 posted copy corrected" in reply.content, reply.content
    assert not thread.archived
    assert starter.embeds[0]["title"] == "Grid fund is 1.2 billion"
    assert "corrected" in starter.embeds[0]["footer"]["text"]
    assert len(fake.forum_posts(forum)) == 1


async def test_post_begun_before_a_crash_is_found_not_made_again(bot_world: BotWorld):
    """After a crash between Discord creating the post and the outbox recording it, the
    restarted bot would post it again (the forum route takes no nonce)."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Transport"])
    await subscribe(bot_world, forum)
    await add_via_modal(bot_world, bot_world.publisher, title="Rail timetable changes", tags="transport")
    [(thread, _)] = await fake.wait_until(lambda: fake.forum_posts(forum), timeout=20, what="a forum post")
    fake.archive_thread(thread)  # found among the archived posts too
    # As if the process died after Discord created the post: the row is pending, begun.
    begun = int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())
    with sqlite3.connect(bot_world.db_path) as db:
        db.execute(
            "UPDATE deliveries SET state = 'pending', message_id = NULL, sent_at = NULL, started_at = ? "
            "WHERE channel_id = ?",
            (begun, forum.id),
        )
    await bot_world.bot.engine.recover_pending()  # (or the scheduler's next run, whichever comes first)
    assert len(fake.forum_posts(forum)) == 1
    with sqlite3.connect(bot_world.db_path) as db:
        [(state, message_id)] = db.execute(
            "SELECT state, message_id FROM deliveries WHERE channel_id = ?", (forum.id,)
        ).fetchall()
    assert (state, message_id) == ("sent", thread.id)
    # Begun but never made (the crash came before the request): made once now.
    with sqlite3.connect(bot_world.db_path) as db:
        db.execute(
            "UPDATE deliveries SET state = 'pending', message_id = NULL, sent_at = NULL, started_at = ? "
            "WHERE channel_id = ?",
            (begun, forum.id),
        )
    fake.delete_channel(thread)
    await bot_world.bot.engine.recover_pending()
    [(thread2, _)] = fake.forum_posts(forum)
    assert thread2.id != thread.id


async def test_a_forum_that_requires_tags_gets_no_untagged_post(bot_world: BotWorld):
    """A briefing matching none of a tag-requiring forum's tags would be retried forever."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "strict-forum", tags=["Health"], require_tag=True)
    await subscribe(bot_world, forum)
    added = await add_via_modal(bot_world, bot_world.publisher, title="Road works", tags="transport")
    await bot_world.bot.engine.run_instant()
    result = await fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscriptions log",
        {"channel": forum, "briefing": str(briefing_id(added))},
    )
    text = str((await result.wait_final()).embeds)
    assert "requires a tag" in text, text
    assert fake.forum_posts(forum) == []


async def test_subscribing_a_forum_names_the_missing_permission(bot_world: BotWorld):
    """Without Read Message History the bot could not check for a post before making it again."""
    fake = bot_world.fake
    forum = fake.add_forum(
        bot_world.guild,
        "closed-forum",
        overwrites={fake.bot_role(bot_world.guild): (0, model.READ_MESSAGE_HISTORY)},
    )
    text = await subscribe(bot_world, forum)
    assert "Read Message History" in text, text
    media = fake.add_forum(
        bot_world.guild,
        "media",
        media=True,
        overwrites={fake.bot_role(bot_world.guild): (0, model.SEND_MESSAGES)},
    )
    text = await subscribe(bot_world, media)
    assert "Create Posts" in text, text


async def test_discussion_thread_on_each_post_once_even_after_a_crash(bot_world: BotWorld):
    """thread:true would post without a thread, fail for want of a permission nobody named,
    or, after a crash before the post was recorded, fail (or double) the thread."""
    fake = bot_world.fake
    options = {"channel": bot_world.news, "thread": True, "thread_archive": 60}
    bot_role = fake.bot_role(bot_world.guild)

    def may_start_threads() -> bool:
        channel = bot_world.bot.get_channel(bot_world.news.id)
        guild = bot_world.bot.get_guild(bot_world.guild.id)
        assert isinstance(channel, discord.TextChannel) and guild is not None
        return channel.permissions_for(guild.me).create_public_threads

    fake.set_overwrite(bot_world.news, bot_role, deny=model.CREATE_PUBLIC_THREADS)
    await fake.wait_until(lambda: not may_start_threads(), what="the deny in the bot's cache")
    refused = await fake.slash(bot_world.manager, bot_world.channel, "subscribe", options)
    assert "Create Public Threads" in (await refused.wait_final()).content
    fake.set_overwrite(bot_world.news, bot_role, allow=model.CREATE_PUBLIC_THREADS)
    await fake.wait_until(may_start_threads, what="the allow in the bot's cache")
    done = await fake.slash(bot_world.manager, bot_world.channel, "subscribe", options)
    assert "a discussion thread on each post" in (await done.wait_final()).content
    await add_via_modal(bot_world, bot_world.publisher, title="Bridge repairs begin", tags="transport")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    thread = await fake.wait_until(
        lambda: bot_world.guild.channels.get(post.id), what="the discussion thread"
    )
    assert thread.parent_id == bot_world.news.id and thread.type == model.PUBLIC_THREAD
    assert thread.name == "Bridge repairs begin" and thread.auto_archive_duration == 60
    # As if the process died after Discord made post and thread, before the outbox knew.
    with sqlite3.connect(bot_world.db_path) as db:
        db.execute(
            "UPDATE deliveries SET state = 'pending', message_id = NULL, sent_at = NULL WHERE channel_id = ?",
            (bot_world.news.id,),
        )
    await bot_world.bot.engine.recover_pending()
    assert len(fake.posts(bot_world.news)) == 1
    assert [c for c in bot_world.guild.channels.values() if c.parent_id == bot_world.news.id] == [thread]
    with sqlite3.connect(bot_world.db_path) as db:
        [(state, message_id)] = db.execute(
            "SELECT state, message_id FROM deliveries WHERE channel_id = ?", (bot_world.news.id,)
        ).fetchall()
    assert (state, message_id) == ("sent", post.id)
    listed = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    assert "discussion thread on each post, archived after 1 hour" in str((await listed.wait_final()).embeds)


async def test_forum_posts_take_no_discussion_thread_option(bot_world: BotWorld):
    """thread:true on a forum would be accepted and do nothing."""
    forum = bot_world.fake.add_forum(bot_world.guild, "forum")
    await forum_in_cache(bot_world, forum)
    result = await bot_world.fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": forum, "thread": True}
    )
    assert "need a text or announcement channel" in (await result.wait_final()).content


async def test_announcement_posts_are_published_within_the_hourly_budget(bot_world: BotWorld):
    """publish:true would spin on Discord's 429s past ~10 publishes an hour, or leave posts
    unpublished without saying why."""
    fake = bot_world.fake
    refused = await fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": bot_world.news, "publish": True}
    )
    assert "announcement channel" in (await refused.wait_final()).content
    desk = fake.add_channel(bot_world.guild, "press-desk", type="announcement")
    await fake.wait_until(lambda: bot_world.bot.get_channel(desk.id), what="the channel in the bot's cache")
    done = await fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": desk, "publish": True}
    )
    assert "published to following servers" in (await done.wait_final()).content
    storage = bot_world.bot.storage
    for batch in (range(4), range(4, 8), range(8, 11)):  # within the instant catch-up limit (5)
        for n in batch:
            await storage.add_briefing(
                draft(
                    title=f"Notice {n}",
                    body=f"Notice number {n} about the ferry timetable.",
                    url=f"https://example.org/notices/{n}",
                    published=datetime.now(UTC) - timedelta(minutes=1),
                ),
                analysis(),
            )
        await bot_world.bot.engine.run_instant()
    log = await storage.delivery_log([desk.id], limit=20)
    assert len(fake.posts(desk)) == 11, [(r.title, r.state, r.last_error) for r in log]
    posts = fake.posts(desk)
    published = [p for p in posts if p.flags & model.CROSSPOSTED]
    assert len(published) == 10
    crossposts = [r for r in fake.requests if r.route.endswith("/crosspost")]
    assert len(crossposts) == 10 and all(r.status == 200 for r in crossposts)  # the 11th not even tried
    [late] = [p for p in posts if not p.flags & model.CROSSPOSTED]
    log = await storage.delivery_log([desk.id], limit=20)
    [row] = [r for r in log if r.message_id == late.id]
    assert row.state == "sent" and row.last_error and "publishes of the last hour are used" in row.last_error
    shown = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions log", {"channel": desk})
    assert "not published" in str((await shown.wait_final()).embeds)


async def test_a_publish_refused_with_429_is_noted_not_retried(bot_world: BotWorld):
    """A 429 on a publish (the hour's publishes used by someone else) would park the delivery
    for up to an hour or be retried in a loop."""
    fake = bot_world.fake
    desk = fake.add_channel(bot_world.guild, "press-desk", type="announcement")
    await fake.wait_until(lambda: bot_world.bot.get_channel(desk.id), what="the channel in the bot's cache")
    done = await fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": desk, "publish": True}
    )
    await done.wait_final()
    fake.publishes[desk.id] = [time.time()] * fake.publish_limit  # used by a human this hour
    await bot_world.bot.storage.add_briefing(
        draft(title="Late notice", published=datetime.now(UTC) - timedelta(minutes=1)), analysis()
    )
    started = time.monotonic()
    await bot_world.bot.engine.run_instant()
    assert time.monotonic() - started < 10
    [post] = fake.posts(desk)
    assert not post.flags & model.CROSSPOSTED
    assert len([r for r in fake.requests if r.route.endswith("/crosspost")]) == 1
    [row] = await bot_world.bot.storage.delivery_log([desk.id], limit=5)
    assert row.state == "sent" and row.last_error and row.last_error.startswith("not published")
