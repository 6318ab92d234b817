"""Branded webhooks, through the real bot and the fake Discord: /subscribe ... webhook:true posts
each briefing once through a webhook the bot made, under the chosen name and avatar; corrections
edit it through the webhook; bad names and missing permissions are refused before anything is
made; a deleted webhook is made again once, then the subscription pauses with the reason."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta

import discord
import pytest

from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel
from tests.fakediscord.webhooks import Webhook
from tests.helpers import add_via_modal

AVATAR = "https://example.org/desk.png"
EDIT_ROUTE = "/webhooks/{app_id}/{token}/messages/{message_id}"


def branded_channel(world: BotWorld, name: str = "branded", *, manage_webhooks: bool = True) -> Channel:
    allow = model.MANAGE_WEBHOOKS if manage_webhooks else 0
    return world.fake.add_channel(
        world.guild, name, overwrites={world.fake.bot_role(world.guild): (allow, 0)}
    )


async def subscribe(world: BotWorld, channel: Channel, **options: object) -> str:
    await world.fake.wait_until(
        lambda: world.bot.get_channel(channel.id) is not None, what="channel in cache"
    )
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": channel, **options}
    )
    return (await result.wait_final()).content


def briefing_id(added) -> int:
    return int(added.final_message().content.split("#")[1].split(".")[0])


def bot_messages(world: BotWorld, channel: Channel) -> list[model.Message]:
    return [m for m in world.fake.channel_history(channel) if m.source == "channel"]


async def test_posts_come_from_the_webhook_under_the_chosen_name_and_avatar_once(bot_world: BotWorld):
    """A branded subscription would post as the bot, without the name or avatar, or twice."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    reply = await subscribe(
        bot_world, channel, webhook=True, webhook_name="  Energy   Desk ", webhook_avatar=AVATAR
    )
    assert reply.startswith("Subscribed"), reply
    assert "Posts come from the webhook Energy Desk." in reply
    listing = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    assert "Posted through a webhook the bot made here" in str((await listing.wait_final()).to_dict())
    [hook] = fake.channel_webhooks.of_channel(channel)
    assert (hook.name, hook.user_id) == ("Energy Desk", fake.bot_user.id)
    await add_via_modal(bot_world, bot_world.publisher, title="Grid repair fund approved", tags="energy")
    [post] = await fake.wait_until(
        lambda: fake.channel_webhooks.posts(channel), timeout=20, what="a webhook post"
    )
    assert post.webhook_id == hook.id
    assert post.author["username"] == "Energy Desk"
    assert post.raw["avatar_url"] == AVATAR
    assert post.embeds[0]["title"] == "Grid repair fund approved"
    assert post.allowed_mentions == {"parse": []}
    await bot_world.bot.engine.run_instant()
    assert len(fake.channel_webhooks.posts(channel)) == 1
    assert bot_messages(bot_world, channel) == []
    # The token never reaches the database's readers: only the webhook row holds it.
    with sqlite3.connect(bot_world.db_path) as db:
        [(message_id,)] = db.execute("SELECT message_id FROM deliveries WHERE channel_id = ?", (channel.id,))
    assert message_id == post.id


async def test_a_correction_edits_the_webhook_post_through_the_webhook(bot_world: BotWorld):
    """A correction would fail (the bot may not edit a webhook's message) and leave the wrong text."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk")
    added = await add_via_modal(bot_world, bot_world.publisher, title="Grid fund is 2 billion", tags="energy")
    [post] = await fake.wait_until(
        lambda: fake.channel_webhooks.posts(channel), timeout=20, what="a webhook post"
    )
    opened = await fake.slash(
        bot_world.publisher, bot_world.channel, "article edit", {"briefing": str(briefing_id(added))}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Grid fund is 1.2 billion", "Corrected figure: the fund is 1.2 billion.", "", "", "energy"]
    reply = await (await opened.submit_modal(dict(zip(ids, values, strict=True)))).wait_final()
    assert "1 posted copy corrected" in reply.content, reply.content
    assert post.embeds[0]["title"] == "Grid fund is 1.2 billion"
    [hook] = fake.channel_webhooks.of_channel(channel)
    edits = [r for r in fake.requests if r.method == "PATCH" and f"/webhooks/{hook.id}/" in r.path]
    assert [(r.route, r.status) for r in edits] == [(EDIT_ROUTE, 200)]
    assert len(fake.channel_webhooks.posts(channel)) == 1


async def test_a_name_discord_refuses_is_refused_naming_the_option(bot_world: BotWorld):
    """A forbidden name would reach Discord and fail with a bare 400, or leave a half-made subscription."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    reply = await subscribe(bot_world, channel, webhook=True, webhook_name="Clyde News")
    assert reply == 'webhook_name may not contain "clyde" (Discord refuses it)', reply
    reply = await subscribe(bot_world, channel, webhook=True, webhook_name="here")
    assert reply == 'webhook_name may not be "here" (Discord refuses it)', reply
    reply = await subscribe(bot_world, channel, webhook=True, webhook_avatar="http://example.org/a.png")
    assert reply == "webhook_avatar must be an https:// link to an image", reply
    reply = await subscribe(bot_world, channel, webhook_name="Energy Desk")
    assert reply == "webhook_name and webhook_avatar only apply with webhook:true.", reply
    assert fake.channel_webhooks.of_channel(channel) == []
    assert not [r for r in fake.requests if r.route == "/channels/{channel_id}/webhooks"]
    with sqlite3.connect(bot_world.db_path) as db:
        assert db.execute(
            "SELECT count(*) FROM subscriptions WHERE channel_id = ?", (channel.id,)
        ).fetchone() == (0,)


async def test_without_manage_webhooks_the_bot_says_so_and_makes_nothing(bot_world: BotWorld):
    """Without Manage Webhooks the subscription would be made and then fail at every post."""
    fake = bot_world.fake
    channel = branded_channel(bot_world, manage_webhooks=False)
    reply = await subscribe(bot_world, channel, webhook=True)
    assert reply == f"I can't post through a webhook in {channel.mention}: I need Manage Webhooks there.", (
        reply
    )
    assert fake.channel_webhooks.of_channel(channel) == []
    with sqlite3.connect(bot_world.db_path) as db:
        assert db.execute(
            "SELECT count(*) FROM subscriptions WHERE channel_id = ?", (channel.id,)
        ).fetchone() == (0,)


async def test_a_deleted_webhook_is_made_again_once_then_the_subscription_pauses(
    bot_world: BotWorld, caplog: pytest.LogCaptureFixture
):
    """A deleted webhook would stop every post silently, or be recreated in a loop against a
    server that keeps deleting it."""
    fake = bot_world.fake
    caplog.set_level(logging.DEBUG, logger="bot")
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk", webhook_avatar=AVATAR)
    [first] = fake.channel_webhooks.of_channel(channel)
    fake.channel_webhooks.delete(first)  # someone removes it in the channel's settings
    await add_via_modal(bot_world, bot_world.publisher, title="Tariff review opens", tags="energy")
    [post] = await fake.wait_until(
        lambda: fake.channel_webhooks.posts(channel), timeout=20, what="a webhook post"
    )
    [second] = fake.channel_webhooks.of_channel(channel)
    assert second.id != first.id and second.name == "Energy Desk"
    assert post.webhook_id == second.id and post.author["username"] == "Energy Desk"
    fake.channel_webhooks.delete(second)  # and again
    await add_via_modal(bot_world, bot_world.publisher, title="Tariff review closes", tags="energy")

    def paused() -> str | None:
        with sqlite3.connect(bot_world.db_path) as db:
            row = db.execute(
                "SELECT paused_reason FROM subscriptions WHERE channel_id = ?", (channel.id,)
            ).fetchone()
        return row[0] if row else None

    reason = await fake.wait_until(paused, timeout=20, what="the subscription paused")
    assert "webhook was deleted again" in reason
    assert "was deleted; made webhook" in caplog.text  # the log names the webhooks by id ...
    assert first.token not in caplog.text and second.token not in caplog.text  # ... never by token
    assert fake.channel_webhooks.of_channel(channel) == []  # not made a third time
    assert len(fake.channel_webhooks.posts(channel)) == 1 and bot_messages(bot_world, channel) == []
    listing = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    shown = str((await listing.wait_final()).to_dict())
    assert "webhook was deleted again" in shown
    # /subscribe again makes a new webhook and resumes: the held briefing goes out through it.
    reply = await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk")
    assert reply.startswith("Resumed and updated"), reply
    await fake.wait_until(
        lambda: len(fake.channel_webhooks.posts(channel)) == 2, timeout=20, what="the held post"
    )


async def test_unsubscribing_deletes_the_webhook_the_bot_made(bot_world: BotWorld):
    """Unsubscribing would leave the bot's webhook (and its token) behind in the channel."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    others = fake.channel_webhooks.add(channel, "Someone's feed")
    await subscribe(bot_world, channel, webhook=True)
    assert len(fake.channel_webhooks.of_channel(channel)) == 2
    result = await fake.slash(bot_world.manager, bot_world.channel, "unsubscribe", {"channel": channel})
    assert "will get no more briefings" in (await result.wait_final()).content
    assert fake.channel_webhooks.of_channel(channel) == [others]
    with sqlite3.connect(bot_world.db_path) as db:
        assert db.execute("SELECT count(*) FROM channel_webhooks").fetchone() == (0,)


async def test_a_post_begun_before_a_crash_is_found_not_made_again(bot_world: BotWorld):
    """After a crash between Discord posting through the webhook and the outbox recording it,
    the restarted bot would post again (a webhook execution takes no nonce)."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk")
    await add_via_modal(bot_world, bot_world.publisher, title="Rail timetable changes", tags="transport")
    [post] = await fake.wait_until(
        lambda: fake.channel_webhooks.posts(channel), timeout=20, what="a webhook post"
    )
    begun = int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())
    reset = (
        "UPDATE deliveries SET state = 'pending', message_id = NULL, sent_at = NULL, started_at = ? "
        "WHERE channel_id = ?"
    )
    with sqlite3.connect(bot_world.db_path) as db:
        db.execute(reset, (begun, channel.id))
    await bot_world.bot.engine.recover_pending()
    assert len(fake.channel_webhooks.posts(channel)) == 1
    with sqlite3.connect(bot_world.db_path) as db:
        [(state, message_id)] = db.execute(
            "SELECT state, message_id FROM deliveries WHERE channel_id = ?", (channel.id,)
        ).fetchall()
    assert (state, message_id) == ("sent", post.id)
    # Begun but never made (the crash came before the request): made once now.
    post.deleted = True
    with sqlite3.connect(bot_world.db_path) as db:
        db.execute(reset, (begun, channel.id))
    await bot_world.bot.engine.recover_pending()
    [again] = fake.channel_webhooks.posts(channel)
    assert again.id != post.id and again.embeds[0]["title"] == "Rail timetable changes"


async def test_a_webhook_lost_where_the_bot_may_no_longer_make_one_pauses_saying_so(bot_world: BotWorld):
    """With Manage Webhooks taken away, a deleted webhook would fail every post without a reason
    the managers can act on."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True)
    for overwrite in channel.overwrites:
        overwrite.allow &= ~model.MANAGE_WEBHOOKS
    [hook] = fake.channel_webhooks.of_channel(channel)
    fake.channel_webhooks.delete(hook)
    await add_via_modal(bot_world, bot_world.publisher, title="Port fees rise", tags="transport")

    def paused() -> str | None:
        with sqlite3.connect(bot_world.db_path) as db:
            row = db.execute(
                "SELECT paused_reason FROM subscriptions WHERE channel_id = ?", (channel.id,)
            ).fetchone()
        return row[0] if row else None

    reason = await fake.wait_until(paused, timeout=20, what="the subscription paused")
    assert "needs Manage Webhooks" in reason, reason
    assert fake.channel_webhooks.posts(channel) == [] and bot_messages(bot_world, channel) == []


async def test_moving_the_subscription_deletes_the_old_channel_s_webhook(bot_world: BotWorld):
    """After a move, posts would still go through the old channel's webhook, into the old channel."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True)
    await fake.wait_until(lambda: bot_world.bot.get_channel(bot_world.news.id) is not None, what="cache")
    moved = await fake.slash(
        bot_world.manager, bot_world.channel, "subscriptions move", {"from": channel, "to": bot_world.news}
    )
    assert (await moved.wait_final()).content.startswith("Moved"), moved
    assert fake.channel_webhooks.of_channel(channel) == []
    await add_via_modal(bot_world, bot_world.publisher, title="Harbour dredging starts", tags="transport")
    await fake.wait_until(
        lambda: bot_messages(bot_world, bot_world.news), timeout=20, what="a post in the new channel"
    )
    assert fake.channel_webhooks.posts(channel) == [] and fake.channel_webhooks.posts(bot_world.news) == []


async def test_a_test_post_looks_like_the_real_ones(bot_world: BotWorld):
    """/subscriptions test would show a bot post where real posts come from the webhook."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk", webhook_avatar=AVATAR)
    result = await fake.slash(
        bot_world.manager, bot_world.channel, "subscriptions test", {"channel": channel}
    )
    await result.wait_final()
    [post] = fake.channel_webhooks.posts(channel)
    assert post.author["username"] == "Energy Desk" and post.raw["avatar_url"] == AVATAR
    assert post.content.startswith("🧪") and post.allowed_mentions == {"parse": []}
    assert bot_messages(bot_world, channel) == []


async def test_a_correction_of_a_post_by_a_since_deleted_webhook_is_reported_not_lost(bot_world: BotWorld):
    """A post whose webhook was deleted can be edited by nobody: the correction would be
    recorded as done (or the post as gone) when the old text is still there."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    await subscribe(bot_world, channel, webhook=True, webhook_name="Energy Desk")
    added = await add_via_modal(bot_world, bot_world.publisher, title="Grid fund is 2 billion", tags="energy")
    [post] = await fake.wait_until(
        lambda: fake.channel_webhooks.posts(channel), timeout=20, what="a webhook post"
    )
    [first] = fake.channel_webhooks.of_channel(channel)
    fake.channel_webhooks.delete(first)
    await add_via_modal(bot_world, bot_world.publisher, title="Tariff review opens", tags="energy")
    await fake.wait_until(
        lambda: len(fake.channel_webhooks.posts(channel)) == 2, timeout=20, what="second post"
    )
    opened = await fake.slash(
        bot_world.publisher, bot_world.channel, "article edit", {"briefing": str(briefing_id(added))}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Grid fund is 1.2 billion", "Corrected figure: the fund is 1.2 billion.", "", "", "energy"]
    reply = await (await opened.submit_modal(dict(zip(ids, values, strict=True)))).wait_final()
    assert "1 posted copy corrected" not in reply.content, reply.content
    assert post.embeds[0]["title"] == "Grid fund is 2 billion" and not post.deleted
    with sqlite3.connect(bot_world.db_path) as db:
        [(retracted,)] = db.execute(
            "SELECT retracted_at FROM deliveries WHERE channel_id = ? AND message_id = ?",
            (channel.id, post.id),
        )
    assert retracted is None  # still known as posted: a later correction may reach it


async def test_a_webhook_left_by_an_interrupted_make_is_deleted_before_another_is_made(bot_world: BotWorld):
    """A crash between Discord making a webhook and the bot recording it would leave the webhook in the
    channel for good, one more at each such crash, until the channel holds Discord's 15 and no webhook
    can be made there."""
    fake = bot_world.fake
    channel = branded_channel(bot_world)
    hooks = fake.channel_webhooks

    def ours(webhook_id: int) -> Webhook:
        hook = Webhook(
            webhook_id,
            bot_world.guild.id,
            channel.id,
            "Briefings",
            "tok",
            fake.bot_user.id,
            fake.application_id,
        )
        hooks.hooks[hook.id] = hook
        return hook

    left = ours(discord.utils.time_snowflake(datetime.now(UTC) - timedelta(hours=1)))
    in_progress = ours(fake.snowflake())  # another task's make, not recorded yet: not ours to judge
    someone_elses = hooks.add(channel)
    reply = await subscribe(bot_world, channel, webhook=True)
    assert reply.startswith("Subscribed"), reply
    remaining = {h.id for h in hooks.of_channel(channel)}
    assert left.id not in remaining
    assert {in_progress.id, someone_elses.id} <= remaining
    assert len(remaining) == 3  # and the new one
