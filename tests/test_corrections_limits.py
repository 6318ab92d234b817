"""Corrections past Discord's edit limits (30046, 20022) become replies, exactly once; and the
invalid-request budget stops posting before Discord would ban the bot's address."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.delivery.budget import META_KEY, BudgetState, InvalidRequestBudget, describe, is_invalid
from bot.delivery.engine import DeliveryEngine
from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel, Message
from tests.helpers import FakeSender, World, analysis, draft
from tests.storage_fixtures import BACKENDS, open_backend

HOUR = 3600.0


async def subscribe(world: BotWorld, channel: Channel, **options: object) -> None:
    await world.fake.wait_until(
        lambda: world.bot.get_channel(channel.id), what="the channel in the bot's cache"
    )
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": channel, **options}
    )
    content = (await result.wait_final()).content
    assert content.startswith(("Subscribed", "Updated")), content


async def post_one(world: BotWorld, channel: Channel, title: str) -> tuple[int, Message]:
    """A briefing, posted to ``channel`` by an instant run: its id and the post."""
    storage = world.bot.storage
    added = await storage.add_briefing(
        draft(
            title=title,
            body=f"{title}. The agency published the figures on Monday.",
            url=f"https://example.org/{abs(hash(title))}",
            published=datetime.now(UTC) - timedelta(minutes=1),
        ),
        analysis(summary=f"{title}, in short."),
    )
    before = len(world.fake.posts(channel))
    await world.bot.engine.run_instant()
    posts = world.fake.posts(channel)
    assert len(posts) == before + 1
    return added.briefing_id, posts[-1]


async def correct(world: BotWorld, briefing_id: int, title: str) -> None:
    storage = world.bot.storage
    await storage.update_briefing(
        briefing_id,
        draft(title=title, body=f"{title}. The agency corrected the figures on Tuesday.", url=None),
        analysis(summary=f"{title}, corrected."),
    )
    report = await world.bot.engine.correct(briefing_id)
    assert report.edited == 1 and report.failed == 0, report


def replies_to(world: BotWorld, channel: Channel, post: Message) -> list[Message]:
    return [
        m
        for m in world.fake.posts(channel)
        if m.message_reference and m.message_reference.get("message_id") == str(post.id)
    ]


async def test_an_old_post_past_its_edit_quota_gets_one_correction_reply(bot_world: BotWorld):
    """A correction Discord refuses to apply (30046) would be lost, retried in a loop, posted
    twice, or ping the channel; the delivery log would not say what happened."""
    fake = bot_world.fake
    await subscribe(bot_world, bot_world.news, schedule="instant")
    briefing_id, post = await post_one(bot_world, bot_world.news, "Ferry fares rise by 4 percent")
    fake.edit_limits.configure(old_limit=1)
    fake.edit_limits.age(post, HOUR + 60)
    await correct(bot_world, briefing_id, "Ferry fares rise by 3 percent")  # within the quota
    assert fake.messages[post.id].embeds[0]["title"] == "Ferry fares rise by 3 percent"
    assert replies_to(bot_world, bot_world.news, post) == []

    edits_before = len([r for r in fake.requests if r.method == "PATCH"])
    await correct(bot_world, briefing_id, "Ferry fares rise by 2.5 percent")  # refused: a reply
    assert fake.edit_limits.refused == {30046: 1}
    assert len([r for r in fake.requests if r.method == "PATCH"]) == edits_before + 1  # not retried
    [reply] = replies_to(bot_world, bot_world.news, post)
    assert reply.message_reference == {
        "message_id": str(post.id),
        "channel_id": str(bot_world.news.id),
        "fail_if_not_exists": False,
    }
    assert reply.allowed_mentions == {"parse": []} and fake.notified(reply) == {
        "everyone": False,
        "users": [],
        "roles": [],
    }
    assert "Correction" in reply.content and len(reply.content) <= 2000
    assert reply.embeds[0]["title"] == "Ferry fares rise by 2.5 percent"
    assert reply.nonce and reply.enforce_nonce
    assert fake.messages[post.id].embeds[0]["title"] == "Ferry fares rise by 3 percent"  # untouched
    assert bot_world.bot.invalid_requests.count >= 1  # the refusal (a 429) was counted

    [row] = await bot_world.bot.storage.delivery_log([bot_world.news.id])
    assert row.last_error and "correction posted as a reply" in row.last_error and "30046" in row.last_error
    shown = await fake.slash(
        bot_world.manager, bot_world.channel, "subscriptions log", {"channel": bot_world.news}
    )
    assert "correction posted as a reply" in str((await shown.wait_final()).embeds)

    await correct(bot_world, briefing_id, "Ferry fares rise by 2 percent")  # edits the reply
    assert len(fake.posts(bot_world.news)) == 2  # the post and its one reply, no third message
    assert fake.messages[reply.id].embeds[0]["title"] == "Ferry fares rise by 2 percent"
    assert fake.edit_limits.refused == {30046: 1}  # the refused post was not tried again

    removed = await bot_world.bot.storage.remove_briefing(briefing_id)
    report = await bot_world.bot.engine.retract(removed)
    assert report.deleted == 1 and report.failed == 0
    assert fake.posts(bot_world.news) == []  # the post and its correction reply both gone


async def test_a_published_announcement_past_its_edit_limit_gets_one_reply(bot_world: BotWorld):
    """A correction of a published announcement (20022) would be lost or repeated, and the
    followers' copies never told."""
    fake = bot_world.fake
    desk = fake.add_channel(bot_world.guild, "press-desk", type="announcement")
    await subscribe(bot_world, desk, publish=True)
    briefing_id, post = await post_one(bot_world, desk, "Harbour dredging starts in May")
    assert fake.messages[post.id].flags & model.CROSSPOSTED
    # A short wait: discord.py waits and tries again itself (5 times), then gives up with the code.
    fake.edit_limits.configure(published_limit=0, retry_after=0.01)
    await correct(bot_world, briefing_id, "Harbour dredging starts in June")
    assert set(fake.edit_limits.refused) == {20022}
    [reply] = replies_to(bot_world, desk, post)
    assert fake.notified(reply) == {"everyone": False, "users": [], "roles": []}
    assert reply.embeds[0]["title"] == "Harbour dredging starts in June"
    [row] = await bot_world.bot.storage.delivery_log([desk.id])
    assert row.last_error and "published announcement (20022)" in row.last_error
    await correct(bot_world, briefing_id, "Harbour dredging starts in July")
    assert len(fake.posts(desk)) == 2
    assert fake.messages[reply.id].embeds[0]["title"] == "Harbour dredging starts in July"


async def test_an_old_forum_post_gets_its_correction_reply_in_its_thread(bot_world: BotWorld):
    """In a forum the correction reply would go to the forum itself (which takes no messages)
    and be lost, or land in another post's thread."""
    fake = bot_world.fake
    forum = fake.add_forum(bot_world.guild, "briefing-forum", tags=["Energy"])
    await fake.wait_until(lambda: bot_world.bot.get_channel(forum.id), what="the forum in the bot's cache")
    result = await fake.slash(bot_world.manager, bot_world.channel, "subscribe", {"channel": forum})
    assert (await result.wait_final()).content.startswith("Subscribed")
    storage = bot_world.bot.storage
    added = await storage.add_briefing(
        draft(title="Wind auction delayed", published=datetime.now(UTC) - timedelta(minutes=1)), analysis()
    )
    await bot_world.bot.engine.run_instant()
    [(thread, starter)] = fake.forum_posts(forum)
    fake.edit_limits.configure(old_limit=0)
    fake.edit_limits.age(starter, HOUR + 60)
    await correct(bot_world, added.briefing_id, "Wind auction delayed to autumn")
    [reply] = [m for m in fake.posts(thread) if m.message_reference]
    assert reply.message_reference == {
        "message_id": str(starter.id),
        "channel_id": str(thread.id),
        "fail_if_not_exists": False,
    }
    assert reply.embeds[0]["title"] == "Wind auction delayed to autumn"
    assert len(fake.forum_posts(forum)) == 1


async def test_a_reply_begun_before_a_crash_is_found_not_posted_again(bot_world: BotWorld):
    """After a crash between posting a correction reply and recording it, a restart would post
    it a second time, or never post one that did not get out."""
    fake = bot_world.fake
    storage = bot_world.bot.storage
    await subscribe(bot_world, bot_world.news, schedule="instant")
    briefing_id, post = await post_one(bot_world, bot_world.news, "Tram line 4 closes for repairs")
    fake.edit_limits.configure(old_limit=0)
    fake.edit_limits.age(post, HOUR + 60)
    await correct(bot_world, briefing_id, "Tram line 5 closes for repairs")
    [reply] = replies_to(bot_world, bot_world.news, post)
    nonce = next(c.nonce for c in await storage.posted_copies(briefing_id))

    # Killed after Discord took the reply and before the outbox recorded it.
    await storage.mark_reply_started(bot_world.news.id, nonce, now=datetime.now(UTC) - timedelta(seconds=5))
    assert [c.message_id for c in await storage.begun_replies()] == [post.id]
    await bot_world.bot.engine.recover_pending()
    assert replies_to(bot_world, bot_world.news, post) == [reply]
    assert await storage.begun_replies() == []
    recorded = await storage.correction_reply(bot_world.news.id, nonce)
    assert recorded is not None and recorded.reply_id == reply.id

    # Killed after recording the intent and before the request: posted at restart, once.
    other_id, other = await post_one(bot_world, bot_world.news, "Bus lane opens on the ring road")
    [copy] = await storage.posted_copies(other_id)
    await storage.mark_reply_started(bot_world.news.id, copy.nonce, now=datetime.now(UTC))
    await bot_world.bot.engine.recover_pending()
    await bot_world.bot.engine.recover_pending()
    [late] = replies_to(bot_world, bot_world.news, other)
    assert late.embeds[0]["title"] == "Bus lane opens on the ring road"
    assert fake.notified(late) == {"everyone": False, "users": [], "roles": []}
    assert replies_to(bot_world, bot_world.news, post) == [reply]


# -- the invalid-request budget ------------------------------------------------------------


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path):
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
    w = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]
    yield w
    await storage.close()


def test_what_discord_counts_as_invalid():
    """Counting shared-scope 429s (or missing 401s) would stop posting too early (or too late)."""
    assert is_invalid(401, None) and is_invalid(403, None)
    assert is_invalid(429, "user") and is_invalid(429, "global") and is_invalid(429, None)
    assert not is_invalid(429, "shared") and not is_invalid(404, None) and not is_invalid(200, None)


async def test_the_budget_stops_posting_at_the_threshold_and_resumes_after_the_window(world, caplog):
    """Past half of Discord's invalid-request limit the bot would keep posting into an IP ban,
    or lose the deliveries it held back, or never resume; operators would not be told."""
    budget = InvalidRequestBudget(world.clock, threshold=5, window=600)
    engine = DeliveryEngine(world.storage, world.sender, ScheduleConfig(), world.clock, budget=budget)
    await world.subscribe(1)
    for status in (403, 403, 401, 429):
        budget.record(status, "user")
    budget.record(429, "shared")  # not counted
    first = await world.add("Ferry timetable for the winter")
    await engine.run_instant()
    assert world.sender.titles(1) == ["Ferry timetable for the winter"]

    caplog.set_level(logging.WARNING, logger="bot.delivery.budget")
    budget.record(403)  # the fifth
    await world.add("Bridge closure on Sunday")
    report = await engine.run_instant()
    assert world.sender.titles(1) == ["Ferry timetable for the winter"]
    assert report.held == 1 and (await world.states(1)).get("pending") == 1
    state = BudgetState.from_json(await world.storage.get_meta(META_KEY))
    assert state is not None and state.stopped and state.count == 5
    assert "POSTING STOPPED" in describe(state)
    edits = len(world.sender.edits)
    assert (await engine.correct(first)).failed == 1  # no edit that Discord might refuse, either
    assert len(world.sender.edits) == edits

    world.clock.advance(300)
    await engine.run_instant()  # the window has not passed
    assert world.sender.titles(1) == ["Ferry timetable for the winter"]

    world.clock.advance(301)
    await engine.run_instant()
    assert world.sender.titles(1) == ["Ferry timetable for the winter", "Bridge closure on Sunday"]
    state = BudgetState.from_json(await world.storage.get_meta(META_KEY))
    assert state is not None and not state.stopped and state.count == 0
    warnings = [r.getMessage() for r in caplog.records]
    assert len([w for w in warnings if "posting stops" in w]) == 1
    assert len([w for w in warnings if "posting resumes" in w]) == 1


def test_briefbot_status_shows_the_count_and_whether_posting_is_stopped(tmp_path):
    """An operator could not tell why nothing is being posted (the bot holding back before a
    ban), or how close the bot is to it."""
    import asyncio
    import json

    from tests.helpers import run
    from tests.storage_fixtures import open_contract_storage

    async def seed() -> None:
        clock = ManualClock(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
        budget = InvalidRequestBudget(clock, threshold=3)
        for _ in range(3):
            budget.record(403)
        storage = await open_contract_storage(tmp_path / "cli.db")
        try:
            assert not await budget.may_send(storage)
        finally:
            await storage.close()

    asyncio.run(seed())
    result = run(tmp_path, "status")
    assert result.returncode == 0, result.stderr
    assert (
        "invalid requests: 3 in the last 10 minutes (as of 2026-12-07 08:00:00 UTC); "
        "POSTING STOPPED until 08:10:00 UTC" in result.stdout
    ), result.stdout
    shown = json.loads(run(tmp_path, "status", "--json").stdout)
    assert shown["invalid_requests"]["stopped"] is True and shown["invalid_requests"]["count"] == 3


async def test_the_outbox_keeps_a_copys_reply_and_its_begun_state(world):
    """On either database a begun reply would be forgotten (posted twice after a crash), or a
    recorded one lost (a later correction posting a third message)."""
    engine = DeliveryEngine(world.storage, world.sender, ScheduleConfig(), world.clock)
    await world.subscribe(1)
    briefing_id = await world.add("Ferry timetable for the winter")
    await engine.run_instant()
    [copy] = await world.storage.posted_copies(briefing_id)
    assert await world.storage.correction_reply(1, copy.nonce) is None
    await world.storage.mark_reply_started(1, copy.nonce, now=world.clock.now())
    assert await world.storage.begun_replies() == [copy]
    begun = await world.storage.correction_reply(1, copy.nonce)
    assert begun is not None and begun.reply_id is None and begun.started_at == world.clock.now()
    await world.storage.mark_replied(1, copy.nonce, 777, note="correction posted as a reply (message 777)")
    assert await world.storage.begun_replies() == []
    done = await world.storage.correction_reply(1, copy.nonce)
    assert (
        done is not None
        and done.reply_id == 777
        and done.note == "correction posted as a reply (message 777)"
    )
    [row] = await world.storage.delivery_log([1])
    assert row.last_error == "correction posted as a reply (message 777)"
