"""The fake Discord's Channel Following behaves as Discord's: following needs an announcement
channel and Manage Webhooks in the target (else 400 50024, 403 50013), at most 15 webhooks a
channel (30007); a publish copies the message into every following channel without a request
of the bot's, and an edit of the published message reaches the copies."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, cast

import discord
import pytest
from discord.http import Route

from tests.fakediscord import model as fm
from tests.fakediscord.following import IS_CROSSPOST
from tests.test_fakediscord import World, world  # noqa: F401 (fixture)


async def test_following_follows_discords_rules(world: World) -> None:  # noqa: F811
    """Follow mode would be tested against a fake that lets anything follow anything."""
    fake, http = world.fake, world.bot.http
    news = fake.add_channel(world.guild, name="news", type="announcement")
    other = fake.add_guild(name="Reader Server")
    target = fake.add_channel(other, name="from-news")
    with pytest.raises(discord.HTTPException) as not_news:
        await http.follow_webhook(world.channel.id, webhook_channel_id=target.id)
    assert not_news.value.code == 50024
    with pytest.raises(discord.Forbidden) as no_webhooks:
        await http.follow_webhook(news.id, webhook_channel_id=target.id)
    assert no_webhooks.value.code == 50013
    fake.set_overwrite(target, fake.bot_role(other), allow=fm.MANAGE_WEBHOOKS)
    # discord.py types the answer as None; Discord sends the followed channel object.
    followed = cast(
        Any, await cast(Awaitable[Any], http.follow_webhook(news.id, webhook_channel_id=target.id))
    )
    assert followed["channel_id"] == str(news.id)
    [hook] = fake.followers.in_channel(target)
    assert str(hook.id) == followed["webhook_id"]
    assert hook.to_dict()["type"] == 2
    for _ in range(14):
        await http.follow_webhook(news.id, webhook_channel_id=target.id)
    with pytest.raises(discord.HTTPException) as full:
        await http.follow_webhook(news.id, webhook_channel_id=target.id)
    assert full.value.code == 30007


async def test_a_publish_is_copied_to_followers_and_edits_reach_the_copies(world: World) -> None:  # noqa: F811
    """A test of follow mode would pass although no follower ever got the briefing, or kept
    the uncorrected text after an edit."""
    fake, http = world.fake, world.bot.http
    news = fake.add_channel(world.guild, name="news", type="announcement")
    other = fake.add_guild(name="Reader Server")
    targets = [fake.add_channel(other, name=f"from-news-{i}") for i in range(3)]
    for target in targets:
        fake.followers.add(news, target)
    sent = await http.send_message(
        news.id, params=discord.http.handle_message_parameters(content="First text")
    )
    assert fake.followers.copies(targets[0]) == []  # not yet published
    before = len(fake.requests)
    await http.request(
        Route(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/crosspost",
            channel_id=news.id,
            message_id=sent["id"],
        )
    )
    assert len(fake.requests) == before + 1  # the copies are Discord's, not requests
    copies = [c for t in targets for c in fake.followers.copies(t)]
    assert [c.content for c in copies] == ["First text"] * 3
    assert all(c.flags & IS_CROSSPOST and c.message_reference["message_id"] == sent["id"] for c in copies)  # type: ignore[index]
    assert copies[0].author["username"] == "Newsroom #news"
    await http.edit_message(
        news.id, int(sent["id"]), params=discord.http.handle_message_parameters(content="Fixed")
    )
    assert [c.content for c in copies] == ["Fixed"] * 3
    assert all(c.edited_at is not None for c in copies)


async def test_deleting_the_follower_webhook_stops_the_copies(world: World) -> None:  # noqa: F811
    """Unsubscribing would be tested against a fake that keeps copying after the webhook is gone."""
    fake, http = world.fake, world.bot.http
    news = fake.add_channel(world.guild, name="news", type="announcement")
    target = fake.add_channel(world.guild, name="follower")
    hook = fake.followers.add(news, target)
    with pytest.raises(discord.Forbidden) as no_webhooks:
        await http.request(Route("DELETE", "/webhooks/{webhook_id}", webhook_id=hook.id))
    assert no_webhooks.value.code == 50013
    fake.set_overwrite(target, fake.bot_role(world.guild), allow=fm.MANAGE_WEBHOOKS)
    await http.request(Route("DELETE", "/webhooks/{webhook_id}", webhook_id=hook.id))
    with pytest.raises(discord.NotFound) as gone:
        await http.request(Route("DELETE", "/webhooks/{webhook_id}", webhook_id=hook.id))
    assert gone.value.code == 10015
    sent = await http.send_message(news.id, params=discord.http.handle_message_parameters(content="After"))
    await http.request(
        Route(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/crosspost",
            channel_id=news.id,
            message_id=sent["id"],
        )
    )
    assert fake.followers.copies(target) == []


async def test_a_channels_webhooks_list_its_follower_webhooks_as_discord_does(world: World) -> None:  # noqa: F811
    """The bot's search for a follower webhook made before a crash would be tested against a
    list Discord never sends: without Manage Webhooks, or without the followed channel."""
    fake, http = world.fake, world.bot.http
    news = fake.add_channel(world.guild, name="news", type="announcement")
    other = fake.add_guild(name="Reader Server")
    target = fake.add_channel(other, name="from-news")
    hook = fake.followers.add(news, target)
    incoming = fake.channel_webhooks.add(target, "Someone's feed")
    for needs_manage_webhooks in (http.channel_webhooks(target.id), http.get_webhook(hook.id)):
        with pytest.raises(discord.Forbidden) as no_webhooks:
            await needs_manage_webhooks
        assert no_webhooks.value.code == 50013
    fake.set_overwrite(target, fake.bot_role(other), allow=fm.MANAGE_WEBHOOKS)
    listed = await http.channel_webhooks(target.id)
    assert sorted((int(h["id"]), h["type"]) for h in listed) == sorted([(incoming.id, 1), (hook.id, 2)])
    # discord.py reads the followed channel and server off the follower webhook.
    [follower] = [discord.Webhook.from_state(h, world.bot._connection) for h in listed if h["type"] == 2]
    assert follower.type is discord.WebhookType.channel_follower
    assert (follower.source_channel.id, follower.source_channel.name) == (news.id, "news")  # type: ignore[union-attr]
    assert (follower.source_guild.id, follower.source_guild.name) == (world.guild.id, world.guild.name)  # type: ignore[union-attr]
    assert "token" not in next(h for h in listed if h["type"] == 2)
    got = cast(dict[str, Any], await http.get_webhook(hook.id))
    assert got["source_channel"] == {"id": str(news.id), "name": "news"}
    fake.followers.remove(hook)  # a manager deleted it in the channel's settings
    assert [int(h["id"]) for h in await http.channel_webhooks(target.id)] == [incoming.id]
    with pytest.raises(discord.NotFound) as gone:
        await http.get_webhook(hook.id)
    assert gone.value.code == 10015
