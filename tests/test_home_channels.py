"""The start-up check of follow mode's home channels, without Discord: what it pauses, what
it leaves alone and what it resumes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.config import FollowConfig
from bot.delivery.sender import TransientError
from bot.following import FollowDesk
from bot.home_channels import ANNOUNCEMENT, HomeChannelCheck, HomeChannelState, config_key
from tests.storage_fixtures import ContractStorage
from tests.test_follow_desk import RecordingFollower

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
HOME = FollowConfig(home_guild=9, channels=(("all", 100), ("energy", 101), ("health", 102)))
GOOD = HomeChannelState(True, channel_type=ANNOUNCEMENT, guild_id=9)


class Channels:
    """Discord's answers, channel by channel; a channel missing from ``states`` cannot be read."""

    def __init__(self, states: dict[int, HomeChannelState]) -> None:
        self.states = states

    async def read(self, channel_id: int) -> HomeChannelState:
        if channel_id not in self.states:
            raise TransientError("503 Service Unavailable")
        return self.states[channel_id]


async def _never() -> None:
    raise AssertionError("check() is called directly")


async def test_only_its_own_pauses_are_made_and_undone(storage: ContractStorage):
    """The check would resume a channel a manager paused, pause one Discord merely failed to
    describe, or leave a mended home channel paused for ever."""
    await FollowDesk(storage, RecordingFollower(), HOME, ManualClock(NOW)).ensure_home_subscriptions()
    await storage.set_pause(102, "held for an audit", now=NOW)  # by hand
    channels = Channels(
        {
            101: HomeChannelState(True, channel_type=ANNOUNCEMENT, guild_id=7),  # another server
            102: HomeChannelState(True, channel_type=0, guild_id=9),
        }
    )
    check = HomeChannelCheck(HOME, channels, storage, _never)
    problems = await check.check()
    assert [(p.topic, p.problem) for p in problems] == [
        ("energy", "it is in server 7, not in [follow] home_guild 9"),
        ("health", "not an announcement channel (type 0): posts there cannot be published"),
    ]
    reasons = {s.channel_id: s.paused_reason for s in await storage.subscriptions(guild_id=9)}
    assert reasons == {
        100: None,  # Discord could not be asked: nothing known, nothing paused
        101: "[follow] channels.energy (channel 101): it is in server 7, not in [follow] home_guild 9",
        102: "held for an audit",
    }
    channels.states = {100: GOOD, 101: GOOD, 102: GOOD}
    assert await check.check() == []
    reasons = {s.channel_id: s.paused_reason for s in await storage.subscriptions(guild_id=9)}
    assert reasons == {100: None, 101: None, 102: "held for an audit"}


def test_a_topic_that_is_not_a_bare_key_is_quoted_as_in_the_file():
    """The log would name a key the operator cannot find in the config file."""
    assert config_key("energy") == "[follow] channels.energy"
    assert config_key("foreign policy") == '[follow] channels."foreign policy"'
