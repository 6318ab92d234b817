"""Follow mode through the real bot and the fake Discord: servers' channels follow the
operator's home announcement channels, and Discord, not the bot, copies each briefing there."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio

from bot.config import FollowConfig
from bot.discord_follower import DiscordHomeChannels
from bot.home_channels import HomeChannelCheck
from tests.conftest import BotWorld, _synced, start_world
from tests.fakediscord import model
from tests.fakediscord.following import IS_CROSSPOST
from tests.fakediscord.model import Channel
from tests.helpers import add_via_modal

FOLLOWERS_ROUTE = "/channels/{channel_id}/followers"


@dataclass
class FollowWorld:
    world: BotWorld
    home_all: Channel
    home_energy: Channel
    home_health: Channel


@pytest_asyncio.fixture
async def follow_world(tmp_path: Path) -> AsyncIterator[FollowWorld]:
    world, bot = await start_world(tmp_path)
    fake = world.fake
    home = fake.add_guild(name="Briefing Home")
    home_all = fake.add_channel(home, name="all-briefings", type="announcement")
    home_energy = fake.add_channel(home, name="energy-briefings", type="announcement")
    home_health = fake.add_channel(home, name="health-briefings", type="announcement")
    follow = FollowConfig(
        home_guild=home.id,
        channels=(("all", home_all.id), ("energy", home_energy.id), ("health", home_health.id)),
    )
    bot.config = replace(bot.config, follow=follow)
    # The bot may manage webhooks in #briefings, not in #general.
    fake.set_overwrite(world.news, fake.bot_role(world.guild), allow=model.MANAGE_WEBHOOKS)
    try:
        with fake.patch_discord():
            async with fake.run_bot(bot, ready=False):
                await asyncio.wait_for(_synced(world), 20)
                yield FollowWorld(world, home_all, home_energy, home_health)
    finally:
        await fake.stop()


async def subscribe(w: FollowWorld, channel: Channel, **options: object) -> str:
    result = await w.world.fake.slash(
        w.world.manager, w.world.channel, "subscribe", {"channel": channel, "mode": "follow", **options}
    )
    return (await result.wait_final()).content


async def test_a_following_channel_gets_discords_copy_for_two_requests_per_home_channel(
    follow_world: FollowWorld,
):
    """Follow mode would cost the bot a request per following channel (the limit it exists
    to get past), miss the channel, or post to home channels the briefing does not match."""
    w, fake = follow_world, follow_world.world.fake
    reply = await subscribe(w, w.world.news)
    assert "now follows #all-briefings" in reply, reply
    [hook] = fake.followers.in_channel(w.world.news)
    assert hook.source_channel_id == w.home_all.id
    before = len(fake.requests)
    await add_via_modal(w.world, w.world.publisher, title="Grid reserve doubles", tags="energy")
    [copy] = await fake.wait_until(lambda: fake.followers.copies(w.world.news), timeout=20, what="a copy")
    assert copy.embeds[0]["title"] == "Grid reserve doubles"
    assert copy.flags & IS_CROSSPOST and copy.webhook_id == hook.id
    [original] = fake.posts(w.home_all)
    assert original.flags & model.CROSSPOSTED
    assert copy.message_reference == {
        "channel_id": str(w.home_all.id),
        "guild_id": str(original.guild_id),
        "message_id": str(original.id),
    }
    await fake.wait_until(
        lambda: (
            all(m.flags & model.CROSSPOSTED for m in fake.posts(w.home_energy)) and fake.posts(w.home_energy)
        ),
        timeout=20,
        what="the energy home channel's published post",
    )
    made = fake.requests[before:]
    for home in (w.home_all, w.home_energy):
        routes = sorted(r.route for r in made if r.channel_id == home.id)
        assert routes == [
            "/channels/{channel_id}/messages",
            "/channels/{channel_id}/messages/{message_id}/crosspost",
        ], routes
    assert not fake.posts(w.home_health)  # not its topic
    assert not [r for r in made if r.channel_id == w.world.news.id]  # the copy is Discord's


async def test_subscriptions_lists_the_follow_and_unsubscribing_ends_it(follow_world: FollowWorld):
    """A manager could not see which channels follow, or unsubscribing would leave Discord
    copying briefings into the channel."""
    w, fake = follow_world, follow_world.world.fake
    assert "now follows #energy-briefings" in await subscribe(w, w.world.news, topic="Energy")
    listed = await fake.slash(w.world.manager, w.world.channel, "subscriptions list")
    [field] = (await listed.wait_final()).embeds[0]["fields"]
    assert field["name"] == "#briefings"
    assert field["value"].startswith("Follows #energy-briefings (energy)")
    gone = await fake.slash(w.world.manager, w.world.channel, "unsubscribe", {"channel": w.world.news})
    assert "will get no more briefings" in (await gone.wait_final()).content
    assert fake.followers.in_channel(w.world.news) == []
    assert [r.route for r in fake.requests if r.method == "DELETE" and r.route == "/webhooks/{webhook_id}"]
    await add_via_modal(w.world, w.world.publisher, title="Solar tender opens", tags="energy")
    await fake.wait_until(lambda: fake.posts(w.home_energy), timeout=20, what="the home channel's post")
    await w.world.bot.engine.run_instant()
    assert fake.followers.copies(w.world.news) == []


async def test_following_without_manage_webhooks_is_refused_clearly(follow_world: FollowWorld):
    """A manager would get a bare Discord error (or nothing) instead of the permission to grant."""
    w, fake = follow_world, follow_world.world.fake
    reply = await subscribe(w, w.world.channel)
    assert "I need Manage Webhooks there" in reply, reply
    assert not [r for r in fake.requests if r.route == FOLLOWERS_ROUTE]


async def test_filters_pings_and_digests_are_refused_with_mode_follow(follow_world: FollowWorld):
    """mode:follow would silently ignore the filters, ping and schedule a manager asked for."""
    w, fake = follow_world, follow_world.world.fake
    reply = await subscribe(w, w.world.news, topics="energy", schedule="daily", role=w.world.publisher_role)
    assert reply.startswith("mode:follow takes no schedule, topics, role:"), reply
    assert "without its own filters, pings, digests or schedule" in reply
    assert not [r for r in fake.requests if r.route == FOLLOWERS_ROUTE]


async def test_an_unknown_home_topic_names_the_topics_there_are(follow_world: FollowWorld):
    """A typo in the topic would follow the wrong channel or fail without saying what exists."""
    reply = await subscribe(follow_world, follow_world.world.news, topic="sport")
    assert reply == "There is no home channel for 'sport' to follow. Topics: all, energy, health."


async def test_a_deleted_following_channel_is_no_longer_listed(follow_world: FollowWorld):
    """/subscriptions would list a follow whose channel, and webhook, no longer exist."""
    w, fake = follow_world, follow_world.world.fake
    assert "now follows #all-briefings" in await subscribe(w, w.world.news)
    fake.delete_channel(w.world.news)
    storage = w.world.bot.storage
    for _ in range(200):  # the bot hears CHANNEL_DELETE, then forgets the follow
        if await storage.get_follow(w.world.news.id) is None:
            break
        await asyncio.sleep(0.05)
    assert await storage.follows() == []


async def test_a_follower_webhook_left_by_a_crash_is_adopted_so_copies_come_once(follow_world: FollowWorld):
    """After a crash between Discord's follow and the record, /subscribe again would add a
    second follower webhook and the channel would get every briefing twice."""
    w, fake = follow_world, follow_world.world.fake
    made_before_crash = fake.followers.add(w.home_all, w.world.news, user_id=fake.bot_user.id)
    assert "now follows #all-briefings" in await subscribe(w, w.world.news)
    assert not [r for r in fake.requests if r.route == FOLLOWERS_ROUTE]
    assert fake.followers.in_channel(w.world.news) == [made_before_crash]
    assert (await w.world.bot.storage.get_follow(w.world.news.id)).webhook_id == made_before_crash.id  # type: ignore[union-attr]
    await add_via_modal(w.world, w.world.publisher, title="Grid reserve doubles", tags="energy")
    [copy] = await fake.wait_until(lambda: fake.followers.copies(w.world.news), timeout=20, what="a copy")
    assert copy.webhook_id == made_before_crash.id


async def test_a_follower_webhook_deleted_by_hand_is_followed_again(follow_world: FollowWorld):
    """A manager who deleted the follower webhook in Discord would be told "already follows"
    for ever while the channel gets nothing."""
    w, fake = follow_world, follow_world.world.fake
    assert "now follows #all-briefings" in await subscribe(w, w.world.news)
    [hook] = fake.followers.in_channel(w.world.news)
    fake.followers.remove(hook)  # deleted in the channel's settings (Integrations)
    reply = await subscribe(w, w.world.news)
    assert "now follows #all-briefings" in reply, reply
    [again] = fake.followers.in_channel(w.world.news)
    assert again.id != hook.id and again.source_channel_id == w.home_all.id
    assert "already follows #all-briefings" in await subscribe(w, w.world.news)
    assert len([r for r in fake.requests if r.route == FOLLOWERS_ROUTE]) == 2


async def test_unsubscribing_a_follow_answers_in_time_however_slow_discord_is(follow_world: FollowWorld):
    """A slow deletion of the follower webhook would outlast Discord's 3 s for the first reply:
    the manager would see "The application did not respond" although the follow ended."""
    w, fake = follow_world, follow_world.world.fake
    assert "now follows #all-briefings" in await subscribe(w, w.world.news)
    fake.interaction_deadline = 0.5  # Discord's 3 s, shortened to keep the test quick
    fake.inject(route="/webhooks/{webhook_id}", method="DELETE", delay=1.5, times=1)
    gone = await fake.slash(w.world.manager, w.world.channel, "unsubscribe", {"channel": w.world.news})
    assert gone.ephemeral
    assert "will get no more briefings" in (await gone.wait_final()).content
    assert fake.followers.in_channel(w.world.news) == []


async def test_a_server_that_removes_the_bot_has_its_follows_forgotten(follow_world: FollowWorld):
    """The follows of a server the bot was removed from would stay stored and counted for ever."""
    w, fake = follow_world, follow_world.world.fake
    assert "now follows #all-briefings" in await subscribe(w, w.world.news)
    fake.remove_guild(w.world.guild)
    storage = w.world.bot.storage
    await fake.wait_until(
        lambda: w.world.bot.get_guild(w.world.guild.id) is None, timeout=10, what="GUILD_DELETE"
    )
    for _ in range(200):
        if await storage.follows() == []:
            break
        await asyncio.sleep(0.05)
    assert await storage.follows() == []


async def test_broken_home_channels_are_named_and_paused_at_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    """A home channel that is gone, not an announcement channel, or closed to the bot would
    fail at every briefing (and its followers get nothing) with no word of which config key
    to fix."""
    world, bot = await start_world(tmp_path)
    fake = world.fake
    home = fake.add_guild(name="Briefing Home")
    good = fake.add_channel(home, name="all-briefings", type="announcement")
    plain = fake.add_channel(home, name="energy-briefings")  # a text channel: cannot publish
    closed = fake.add_channel(home, name="health-briefings", type="announcement")
    fake.set_overwrite(closed, fake.bot_role(home), deny=model.SEND_MESSAGES)
    gone = fake.snowflake()
    bot.config = replace(
        bot.config,
        follow=FollowConfig(
            home_guild=home.id,
            channels=(
                ("all", good.id),
                ("energy", plain.id),
                ("health", closed.id),
                ("foreign policy", gone),
            ),
        ),
    )
    storage_of = lambda: bot.storage  # noqa: E731 - opened by setup_hook

    async def reasons() -> dict[int, str | None]:
        subs = await storage_of().subscriptions(guild_id=home.id)
        return {s.channel_id: s.paused_reason for s in subs}

    caplog.set_level(logging.ERROR, logger="bot.home_channels")
    try:
        with fake.patch_discord():
            async with fake.run_bot(bot, ready=True):
                for _ in range(200):
                    if sum(r is not None for r in (await reasons()).values()) == 3:
                        break
                    await asyncio.sleep(0.05)
                paused = await reasons()
                assert paused[good.id] is None
                assert paused[plain.id] == (
                    f"[follow] channels.energy (channel {plain.id}): not an announcement channel "
                    "(type 0): posts there cannot be published"
                )
                assert paused[closed.id] == (
                    f"[follow] channels.health (channel {closed.id}): the bot lacks Send Messages there"
                )
                assert paused[gone] == (
                    f'[follow] channels."foreign policy" (channel {gone}): no such channel '
                    "(deleted, or a wrong id)"
                )
                logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
                assert len(logged) == 3 and any("[follow] channels.energy" in m for m in logged), logged
                # A briefing goes to the good home channel only: no failing post at the others.
                before = len(fake.requests)
                await add_via_modal(world, world.publisher, title="Clinic hours extended", tags="health")
                await fake.wait_until(lambda: fake.posts(good), timeout=20, what="the all channel's post")
                await bot.engine.run_instant()
                broken = {plain.id, closed.id, gone}
                assert not [r for r in fake.requests[before:] if r.channel_id in broken]
                # Mended, then checked again (at the next start): resumed.
                fake.set_overwrite(closed, fake.bot_role(home), allow=model.SEND_MESSAGES)
                homes = DiscordHomeChannels(bot)
                for _ in range(200):  # the bot hears CHANNEL_UPDATE
                    if not (await homes.read(closed.id)).missing:
                        break
                    await asyncio.sleep(0.05)
                check = HomeChannelCheck(bot.config.follow, homes, bot.storage, bot.wait_until_ready)
                problems = await check.check()
                assert sorted(p.topic for p in problems) == ["energy", "foreign policy"]
                assert (await reasons())[closed.id] is None
    finally:
        await fake.stop()
