"""The follow service without Discord: home channels kept subscribed as configured, and a
channel switching home channels losing the old follower webhook."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.config import FollowConfig
from bot.following import FollowDesk, FollowerWebhook
from bot.models import ScheduleKind
from tests.storage_fixtures import ContractStorage

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
HOME = FollowConfig(home_guild=9, channels=(("all", 100), ("energy", 101)))


class RecordingFollower:
    """Discord's side, as a record of what was asked."""

    def __init__(self) -> None:
        self.made: list[tuple[int, int]] = []
        self.deleted: list[int] = []
        self.hooks: dict[int, FollowerWebhook] = {}  # webhook id -> the hook, channel by channel
        self.channel_of: dict[int, int] = {}

    async def follower_webhooks(self, channel_id: int) -> list[FollowerWebhook]:
        return [h for i, h in self.hooks.items() if self.channel_of[i] == channel_id]

    async def follow(self, home_channel_id: int, channel_id: int) -> int:
        self.made.append((home_channel_id, channel_id))
        webhook_id = 7000 + len(self.made)
        self.hooks[webhook_id] = FollowerWebhook(webhook_id, home_channel_id)
        self.channel_of[webhook_id] = channel_id
        return webhook_id

    async def unfollow(self, webhook_id: int) -> None:
        self.deleted.append(webhook_id)
        self.hooks.pop(webhook_id, None)


async def test_home_channels_are_published_subscriptions_kept_as_configured(storage: ContractStorage):
    """The home channels would not post (so no follower gets anything), post everything in
    the energy channel, or lose a pause after failures at every restart."""
    desk = FollowDesk(storage, RecordingFollower(), HOME, ManualClock(NOW))
    assert len(await desk.ensure_home_subscriptions()) == 2
    all_, energy = await storage.subscriptions(guild_id=9)
    assert (all_.topics, energy.topics) == ((), ("energy",))
    assert all_.publish and energy.publish and energy.schedule is ScheduleKind.INSTANT
    await storage.pause_channel(101, "Missing Access")
    assert await desk.ensure_home_subscriptions() == []  # as configured: left alone
    assert (await storage.get_subscription(101)).paused_reason == "Missing Access"  # type: ignore[union-attr]
    await storage.update_subscription(replace(energy, topics=("sport",), publish=False))
    [fixed] = await desk.ensure_home_subscriptions()
    assert (fixed.channel_id, fixed.topics, fixed.publish) == (101, ("energy",), True)


async def test_switching_home_channel_removes_the_old_webhook(storage: ContractStorage):
    """A channel switched to another topic would get both home channels' copies."""
    follower = RecordingFollower()
    desk = FollowDesk(storage, follower, HOME, ManualClock(NOW))
    first = await desk.follow(55, 5, None)
    again = await desk.follow(55, 5, "all")
    assert not again.changed and follower.made == [(100, 55)]
    switched = await desk.follow(55, 5, "Energy")
    assert switched.replaced == first.follow
    assert follower.deleted == [first.follow.webhook_id]
    assert [(f.home_channel_id, f.webhook_id) for f in await desk.of_guild(5)] == [(101, 7002)]


async def test_a_follower_webhook_made_before_a_crash_is_adopted_not_made_again(storage: ContractStorage):
    """After a crash between Discord's follow and the record, /subscribe again would add a
    second follower webhook and the channel would get every briefing twice."""
    follower = RecordingFollower()
    desk = FollowDesk(storage, follower, HOME, ManualClock(NOW))
    made_before_crash = await follower.follow(100, 55)
    duplicate = await follower.follow(100, 55)  # two crashes
    outcome = await desk.follow(55, 5, None)
    assert outcome.changed and outcome.follow.webhook_id == made_before_crash
    assert follower.made == [(100, 55), (100, 55)]  # no third
    assert follower.deleted == [duplicate]
    assert (await storage.get_follow(55)).webhook_id == made_before_crash  # type: ignore[union-attr]


async def test_a_follower_webhook_deleted_by_hand_is_made_again(storage: ContractStorage):
    """A manager who deleted the follower webhook in Discord would be told "already follows"
    forever while the channel gets nothing."""
    follower = RecordingFollower()
    desk = FollowDesk(storage, follower, HOME, ManualClock(NOW))
    first = await desk.follow(55, 5, None)
    follower.hooks.clear()  # deleted in the channel's settings
    again = await desk.follow(55, 5, None)
    assert again.changed and again.follow.webhook_id != first.follow.webhook_id
    assert follower.made == [(100, 55), (100, 55)] and follower.deleted == []
    assert (await storage.get_follow(55)).webhook_id == again.follow.webhook_id  # type: ignore[union-attr]


async def test_leaving_a_server_forgets_its_follows_only(storage: ContractStorage):
    """Follows of a server the bot left would stay listed and counted for ever."""
    desk = FollowDesk(storage, RecordingFollower(), HOME, ManualClock(NOW))
    await desk.follow(55, 5, None)
    await desk.follow(56, 5, "energy")
    await desk.follow(77, 7, None)
    assert await desk.guild_removed(5) == 2
    assert [f.channel_id for f in await storage.follows()] == [77]


async def test_a_duplicate_follower_webhook_beside_the_recorded_one_is_deleted(storage: ContractStorage):
    """A channel with a second follower webhook of its home channel (made by hand, or left by a
    crash) would get every briefing twice while the bot answers "already follows"."""
    follower = RecordingFollower()
    desk = FollowDesk(storage, follower, HOME, ManualClock(NOW))
    first = await desk.follow(55, 5, None)
    duplicate = await follower.follow(100, 55)
    again = await desk.follow(55, 5, None)
    assert not again.changed and again.follow.webhook_id == first.follow.webhook_id
    assert follower.deleted == [duplicate]
