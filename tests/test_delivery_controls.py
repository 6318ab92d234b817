"""The subscription controls through the delivery engine and the subscription desk, on every
storage backend and an in-memory Discord sender: the hourly cap, topic pings, test posts, pause,
resume and move, and the delivery log's reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.delivery.records import Reason
from bot.delivery.sender import NoAccess, Rejected
from bot.delivery.status import read_channel_log
from bot.errors import PermissionDeniedError, UserFacingError
from bot.models import ScheduleKind
from bot.subscriptions import MANUAL_PAUSE, SubscribeRequest, SubscriptionDesk
from storage.sqlite import SQLiteStorage
from tests.helpers import GUILD, FakeSender, World, run
from tests.storage_fixtures import BACKENDS, open_backend


@dataclass
class Scheduled:
    """The desk's ``Rescheduler``: what it was told."""

    events: list[tuple[str, int]] = field(default_factory=list)

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None:
        self.events.append(("changed", channel_id))

    async def subscription_removed(self, channel_id: int) -> None:
        self.events.append(("removed", channel_id))


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path):
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(datetime(2025, 3, 3, 10, 5, tzinfo=UTC))
    sender = FakeSender(clock)
    w = World(storage, clock, sender, None, [])  # type: ignore[arg-type]
    w.engine = w.new_engine()
    yield w
    await storage.close()


def desk_of(world: World, scheduled: Scheduled | None = None) -> SubscriptionDesk:
    return SubscriptionDesk(
        world.storage, scheduled or Scheduled(), ScheduleConfig(), world.clock, poster=world.engine
    )


async def test_the_hourly_cap_rolls_the_excess_into_one_digest_at_the_end_of_the_hour(world):
    """A busy instant channel would be flooded past its cap, lose the excess, or get it as many posts."""
    await world.subscribe(1, max_per_hour=2)
    for i in range(5):
        await world.add(f"Story {i}")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Story 0", "Story 1"]
    world.clock.advance(20 * 60)  # 10:25: still the same hour
    await world.add("Story 5")
    await world.engine.run_instant()
    assert len(world.sender.channels[1]) == 2
    world.clock.set(datetime(2025, 3, 3, 11, 0, 30, tzinfo=UTC))
    await world.engine.run_instant()
    posts = world.sender.channels[1]
    assert len(posts) == 3
    digest = posts[2]  # one message of cards, as a digest channel gets
    assert [e.title for e in digest.embeds] == ["Story 2", "Story 3", "Story 4", "Story 5"]
    await world.add("Story 6")  # a new hour, a fresh allowance
    await world.engine.run_instant()
    assert world.sender.titles(1)[-1] == "Story 6"
    assert await world.states(1) == {"sent": 7}
    await world.engine.run_instant()
    assert len(world.sender.channels[1]) == 4  # nothing sent twice


async def test_a_post_pings_exactly_the_roles_of_its_topics(world):
    """A post would ping roles for topics it does not carry, ping @everyone, or ping nobody."""
    await world.subscribe(1, role_id=100, topic_roles=(("energy", 200), ("trade", 300)))
    await world.add("Gas storage", tags=("Energy",))
    await world.add("Weather")
    await world.engine.run_instant()
    gas, weather = world.sender.channels[1]
    assert gas.content == "<@&100> <@&200>"
    assert gas.allowed_mentions.to_dict() == {"parse": [], "roles": [100, 200]}
    assert weather.content == "<@&100>"
    assert weather.allowed_mentions.to_dict() == {"parse": [], "roles": [100]}


async def test_a_digest_pings_the_roles_of_all_its_briefings(world):
    """A digest would ping only the first briefing's topic role."""
    await world.subscribe(1, ScheduleKind.DAILY, topic_roles=(("energy", 200), ("trade", 300), ("eu", 400)))
    await world.add("Gas", tags=("energy",))
    await world.add("Tariffs", tags=("trade",))
    await world.engine.run_digest(1)
    [digest] = world.sender.channels[1]
    assert digest.content == "<@&200> <@&300>"
    assert digest.allowed_mentions.to_dict() == {"parse": [], "roles": [200, 300]}


async def test_a_test_post_uses_the_real_path_and_records_nothing(world):
    """A test post would land in the outbox (and never be posted for real), ping people, or count as a delivery."""
    await world.add("Old energy story", tags=("energy",))
    await world.add("Sport story", tags=("sport",))
    await world.subscribe(1, exclude_topics=("sport",), topic_roles=(("energy", 200),))
    desk = desk_of(world)
    posted = await desk.test_post(1, GUILD)
    [message] = world.sender.channels[1]
    assert posted.title == "Old energy story" and posted.message_id == message.id
    assert message.content.startswith("🧪 Test post")
    assert "<@&200>" in message.content  # named, not pinged
    assert message.allowed_mentions.to_dict() == {"parse": []}
    assert await world.states(1) == {}
    sub = await world.storage.get_subscription(1)
    assert sub.last_delivery_at is None
    await desk.test_post(1, GUILD)
    assert len(world.sender.channels[1]) == 2  # a second test is a second message
    await world.engine.run_instant()
    assert len(world.sender.channels[1]) == 2  # the backlog is still not posted


async def test_a_test_post_says_what_is_wrong(world):
    """A failed test post would end in a traceback instead of saying what to fix."""
    await world.subscribe(1, topics=("nothing-has-this",))
    await world.add("Story")
    desk = desk_of(world)
    with pytest.raises(UserFacingError, match="nothing to test"):
        await desk.test_post(1, GUILD)
    await world.subscribe(2)
    world.sender.always[2] = NoAccess("403 Forbidden (error code: 50013): Missing Permissions")
    with pytest.raises(UserFacingError, match="50013"):
        await desk.test_post(2, GUILD)
    with pytest.raises(PermissionDeniedError):
        await desk.test_post(2, GUILD + 1)


async def test_pause_and_resume_by_hand_with_no_repost(world):
    """A paused channel would keep getting posts, lose what came meanwhile, or get it twice after resuming."""
    scheduled = Scheduled()
    desk = desk_of(world, scheduled)
    await world.subscribe(1)
    await world.add("Before")
    await world.engine.run_instant()
    paused = await desk.pause(1, GUILD, user_id=77)
    assert (paused.paused_reason, paused.paused_by_hand) == (MANUAL_PAUSE, True)
    with pytest.raises(UserFacingError, match="already paused"):
        await desk.pause(1, GUILD, user_id=77)
    await world.add("During")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Before"]
    await desk.resume(1, GUILD)
    await world.engine.run_instant()
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Before", "During"]
    assert scheduled.events == [("changed", 1), ("changed", 1)]
    with pytest.raises(UserFacingError, match="not paused"):
        await desk.resume(1, GUILD)


async def test_resume_also_ends_an_automatic_pause(world):
    """After fixing a channel's permissions a manager could only resume by subscribing again."""
    await world.subscribe(1)
    await world.add("Story")
    world.sender.always[1] = NoAccess("Missing Access")
    for _ in range(3):
        await world.engine.run_instant()
    assert (await world.storage.get_subscription(1)).paused_reason
    del world.sender.always[1]
    await desk_of(world).resume(1, GUILD)
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Story"]


async def test_a_moved_subscription_keeps_its_settings_and_reposts_nothing(world):
    """Moving a subscription would repost what the old channel got, or drop its filters."""
    scheduled = Scheduled()
    desk = desk_of(world, scheduled)
    await world.subscribe(1, keywords=("grid",))
    first = await world.add("Grid repairs")
    embargoed = await world.add("Grid fund", published=world.clock.now() + timedelta(hours=2))
    after = await world.add("Grid tenders")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Grid repairs", "Grid tenders"]
    moved = await desk.move(1, 2, GUILD)
    assert moved.keywords == ("grid",) and moved.moved_from == (1,)
    assert scheduled.events == [("removed", 1), ("changed", 2)]
    world.clock.advance(3 * 3600)  # the embargo ends; the cursor had stopped before it
    await world.add("Grid outage")
    await world.add("Weather")
    await world.engine.run_instant()
    assert world.sender.titles(2) == ["Grid fund", "Grid outage"]
    assert len(world.sender.channels[1]) == 2
    log = await read_channel_log(world.storage, 2, now=world.clock.now(), briefing_id=first)
    assert log is not None and log.explanation is not None
    assert (log.explanation.reason, log.explanation.channel_id) == (Reason.SENT, 1)
    assert {e.channel_id for e in log.entries} == {1, 2}
    assert first < embargoed < after
    with pytest.raises(UserFacingError, match="same channel"):
        await desk.move(2, 2, GUILD)
    await world.subscribe(3)
    with pytest.raises(UserFacingError, match="already has a subscription"):
        await desk.move(2, 3, GUILD)
    with pytest.raises(PermissionDeniedError):
        await desk.move(2, 4, GUILD + 1)


async def test_the_log_explains_each_reason(world):
    """A manager asking why a briefing did not arrive would get no reason, or the wrong one."""
    before = await world.add("Before the subscription", tags=("energy",))
    await world.subscribe(1, topics=("energy",), exclude_keywords=("lottery",))
    desk = desk_of(world)
    sent = await world.add("Energy prices", tags=("energy",))
    lottery = await world.add("Energy lottery", tags=("energy",))
    sport = await world.add("Sport", tags=("sport",))
    later = world.clock.now() + timedelta(hours=5)
    embargoed = await world.add("Energy plan", tags=("energy",), published=later)
    await world.engine.run_instant()

    async def why(briefing_id: int, channel_id: int = 1):
        found = await desk.log(channel_id, GUILD, f"#{briefing_id}")
        assert found.explanation is not None
        return found.explanation

    assert (await why(sent)).reason is Reason.SENT
    assert (await why(before)).reason is Reason.BEFORE_START
    excluded = await why(lottery)
    assert excluded.reason is Reason.FILTERED and excluded.filter and excluded.filter.keyword == "lottery"
    off_topic = (await why(sport)).filter
    assert off_topic is not None and off_topic.topic == "energy"
    assert ((await why(embargoed)).reason, (await why(embargoed)).at) == (Reason.EMBARGOED, later)
    await desk.pause(1, GUILD, user_id=77)
    fresh = await world.add("Energy grid", tags=("energy",))
    paused = await why(fresh)
    assert (paused.reason, paused.by_hand) == (Reason.PAUSED, True)
    await world.subscribe(2, ScheduleKind.DAILY)
    waiting = await why(await world.add("Energy daily"), channel_id=2)
    assert (waiting.reason, waiting.at) == (Reason.NEXT_DIGEST, datetime(2025, 3, 4, 9, tzinfo=UTC))
    await world.subscribe(3)
    rejected = await world.add("Rejected story")
    world.sender.always[3] = Rejected("400 Bad Request (error code: 50035): Invalid Form Body")
    await world.engine.run_instant()
    failed = await why(rejected, channel_id=3)
    assert failed.reason is Reason.FAILED and "50035" in (failed.detail or "")
    entries = (await desk.log(1, GUILD)).entries
    assert [e.briefing_id for e in entries] == [sent]
    with pytest.raises(UserFacingError, match="No briefing matches"):
        await desk.log(1, GUILD, "#999999")


async def test_the_desk_checks_what_a_manager_asks(world):
    """A cap on a digest, a topic ping on another server's channel or an unknown topic would be accepted."""
    desk = desk_of(world)
    with pytest.raises(UserFacingError, match="per_hour only applies"):
        desk.check(SubscribeRequest(channel_id=1, guild_id=GUILD, schedule="daily", per_hour=3))
    outcome = await desk.subscribe(
        SubscribeRequest(channel_id=1, guild_id=GUILD, exclude_topics="Sport, sport", per_hour=3)
    )
    assert outcome.subscription.exclude_topics == ("sport",) and outcome.subscription.max_per_hour == 3
    set_ = await desk.set_topic_role(1, GUILD, "  Energy ", 200)
    assert set_.topic == "energy" and set_.subscription.topic_roles == (("energy", 200),)
    again = await desk.subscribe(SubscribeRequest(channel_id=1, guild_id=GUILD, schedule="hourly"))
    assert again.subscription.topic_roles == (("energy", 200),)  # kept by /subscribe
    assert await desk.roles_to_notify(GUILD, "ENERGY") == (200,)
    with pytest.raises(UserFacingError, match="Topics you can choose: energy"):
        await desk.roles_to_notify(GUILD, "sport")
    with pytest.raises(PermissionDeniedError):
        await desk.set_topic_role(1, GUILD + 1, "energy", 5)
    cleared = await desk.set_topic_role(1, GUILD, "energy", None)
    assert cleared.subscription.topic_roles == ()
    with pytest.raises(UserFacingError, match="mention no role"):
        await desk.set_topic_role(1, GUILD, "energy", None)
    with pytest.raises(UserFacingError, match="No channel here pings anyone"):
        await desk.roles_to_notify(GUILD, "energy")
    with pytest.raises(UserFacingError, match="/subscriptions ping first"):
        await desk.panel_topics(GUILD)


async def test_briefbot_status_explains_a_briefing_in_a_channel(tmp_path):
    """An operator at the terminal could not find out why a briefing never reached a channel."""
    storage = await SQLiteStorage.open(tmp_path / "cli.db")
    try:
        clock = ManualClock(datetime.now(UTC))
        w = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]
        w.engine = w.new_engine()
        await w.subscribe(1, exclude_topics=("sport",))
        posted = await w.add("Grid repairs", tags=("energy",))
        sport = await w.add("Cup final", tags=("sport",))
        await w.engine.run_instant()
    finally:
        await storage.close()
    shown = run(tmp_path, "status", "--channel", "1", "--briefing", f"#{sport}")
    assert shown.returncode == 0, shown.stderr
    assert (
        f"briefing #{sport} Cup final: Not delivered: filtered out by excluded topic 'sport'." in shown.stdout
    )
    assert f"#{posted} Grid repairs: sent, message 1" in shown.stdout
    as_json = run(tmp_path, "status", "--channel", "1", "--briefing", str(posted), "--json")
    assert json.loads(as_json.stdout)["explanation"]["reason"] == "sent"
    missing = run(tmp_path, "status", "--channel", "2")
    assert missing.returncode == 1 and "channel 2 has no subscription" in missing.stderr
    usage = run(tmp_path, "status", "--briefing", "3")
    assert usage.returncode == 2 and "--briefing needs --channel" in usage.stderr
