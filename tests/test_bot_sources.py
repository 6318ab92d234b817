"""Sources end to end: the real bot against the fake Discord and the loopback feed server.
A source added with /source add is polled by the bot's own scheduler and its briefing posted
once; a review-mode draft is posted only after a publisher approves it with a button; an
updated entry corrects the posted copy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.config import SourcesConfig
from tests.conftest import BotWorld, start_world
from tests.feedserver import ALLOWED, FeedServer
from tests.test_bot_posting import subscribe
from tests.test_sources_poll import rss, story

PUBLISHER_ONLY = "Only publishers can change briefings (ask the bot's operator to add you or your role)."


@dataclass
class SourcesWorld:
    world: BotWorld
    server: FeedServer

    def url(self, path: str) -> str:
        return self.server.url(path, host="127.0.0.1")


@pytest_asyncio.fixture
async def sources_world(tmp_path: Path) -> AsyncIterator[SourcesWorld]:
    server = await FeedServer().start()
    world, bot = await start_world(
        tmp_path,
        populate_db=False,
        sources=SourcesConfig(allowed_private_networks=ALLOWED, check_seconds=1, request_timeout_seconds=5),
    )
    try:
        with world.fake.patch_discord():
            async with world.fake.run_bot(bot, ready=False):
                await world.fake.wait_until(
                    lambda: world.fake.global_commands, timeout=20, what="command sync"
                )
                yield SourcesWorld(world, server)
    finally:
        await world.fake.stop()
        await server.stop()


async def follow(sw: SourcesWorld, path: str, **options: object) -> str:
    result = await sw.world.fake.slash(
        sw.world.publisher, sw.world.channel, "source add", {"url": sw.url(path), **options}
    )
    message = await result.wait_final()
    assert message.ephemeral
    return message.content or ""


async def test_a_followed_feed_is_polled_and_its_briefing_posted_once(sources_world: SourcesWorld):
    """A feed added with /source add would never be polled, or its entry posted twice."""
    sw = sources_world
    fake, world = sw.world.fake, sw.world
    await subscribe(world, {"schedule": "instant"})
    sw.server.serve("/feed.xml", rss(story(1)))
    reply = await follow(sw, "/feed.xml", name="Council", topics="water")
    assert reply.startswith("Following source #1 (Council): publish, every 10 minutes.")
    [post] = await fake.wait_for_messages(world.news, 1, timeout=20)
    assert post.embeds[0]["title"] == "Council decision number 1"
    assert "water" in str(post.embeds[0]["fields"])
    # Polled again (by hand, and by the scheduler): nothing new, nothing posted twice.
    [report] = await world.bot.sources.poll(1)
    assert [i.outcome.value for i in report.items] == ["unchanged"]
    await world.bot.engine.run_instant()
    await asyncio.sleep(1.5)
    assert len(fake.posts(world.news)) == 1
    listed = await fake.slash(world.publisher, world.channel, "source list")
    text = listed.final_message().embeds[0]["description"]
    assert "Council" in text and "active" in text


async def test_a_review_draft_is_posted_only_once_a_publisher_approves_it(sources_world: SourcesWorld):
    """A review-mode source would post before an editor saw it, or the Approve button would not publish."""
    sw = sources_world
    fake, world = sw.world.fake, sw.world
    await subscribe(world, {"schedule": "instant"})
    sw.server.serve("/feed.xml", rss(story(2), story(1)))
    await follow(sw, "/feed.xml", mode="review")
    await fake.wait_until(
        lambda: len(sw.server.hits("/feed.xml")) >= 1, timeout=20, what="the scheduler to poll the source"
    )
    drafts = await _eventually(world.bot.sources.drafts, size=2)
    assert [d.draft.title for d in drafts] == ["Council decision number 1", "Council decision number 2"]
    await asyncio.sleep(0.5)
    assert fake.posts(world.news) == []  # nothing reaches readers before approval
    review = await fake.slash(world.publisher, world.channel, "article review")
    message = review.final_message()
    assert message.ephemeral and message.embeds[0]["title"] == "Council decision number 1"
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    assert set(buttons) == {"Approve", "Edit", "Reject", "Next"}
    await fake.click(world.publisher, message, buttons["Reject"])
    await fake.wait_until(
        lambda: (fake.messages[message.id].content or "").startswith("Rejected draft"), what="the rejection"
    )
    shown = fake.messages[message.id]
    assert shown.embeds[0]["title"] == "Council decision number 2"
    await fake.click(world.publisher, shown, buttons["Approve"])
    await fake.wait_until(
        lambda: "Published draft" in (fake.messages[message.id].content or ""), what="the approval"
    )
    assert "No drafts left." in (fake.messages[message.id].content or "")
    [post] = await fake.wait_for_messages(world.news, 1, timeout=20)
    assert post.embeds[0]["title"] == "Council decision number 2"
    assert await world.bot.sources.drafts() == []


async def test_the_edit_button_changes_a_draft_before_approval(sources_world: SourcesWorld):
    """An editor could not fix a draft's headline before publishing it."""
    sw = sources_world
    fake, world = sw.world.fake, sw.world
    sw.server.serve("/feed.xml", rss(story(1)))
    await follow(sw, "/feed.xml", mode="review")
    [waiting] = await _eventually(world.bot.sources.drafts, size=1)
    review = await fake.slash(world.publisher, world.channel, "article review")
    message = review.final_message()
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    opened = await fake.click(world.publisher, message, buttons["Edit"])
    assert opened.type == 9
    shown = {c["custom_id"]: c.get("value") for row in opened.data["components"] for c in row["components"]}
    [title_id] = [k for k, v in shown.items() if v == "Council decision number 1"]
    saved = await opened.submit_modal({title_id: "Water tariffs: council decision 1"})
    assert saved.final_message().content == f"Saved draft #{waiting.id}; it waits for approval."
    [edited] = await world.bot.sources.drafts()
    assert edited.draft.title == "Water tariffs: council decision 1" and edited.edited
    assert edited.draft.body == waiting.draft.body


async def test_an_updated_entry_corrects_the_posted_copy(sources_world: SourcesWorld):
    """A ministry's correction to its feed would leave the wrong figure standing in the channel."""
    sw = sources_world
    fake, world = sw.world.fake, sw.world
    await subscribe(world, {"schedule": "instant"})
    sw.server.serve("/feed.xml", rss(story(1)))
    await follow(sw, "/feed.xml")
    [post] = await fake.wait_for_messages(world.news, 1, timeout=20)
    corrected = ("item-1", "Council decision number 1 (corrected)", story(1)[2] + " The rise is 4 per cent.")
    sw.server.serve("/feed.xml", rss(corrected))
    [report] = await world.bot.sources.poll(1)
    [item] = report.items
    assert item.outcome.value == "corrected" and "1 posted copies corrected" in (item.reason or "")
    edited = fake.messages[post.id]
    assert edited.embeds[0]["title"] == "Council decision number 1 (corrected)"
    assert "corrected" in edited.embeds[0]["footer"]["text"]
    assert len(fake.posts(world.news)) == 1


@pytest.mark.parametrize("command", ["source add", "source list", "source test", "article review"])
async def test_only_publishers_may_manage_sources(sources_world: SourcesWorld, command: str):
    """A server manager or reader could make the bot follow (and fetch) any URL, or publish drafts."""
    sw = sources_world
    world = sw.world
    options = {"url": sw.url("/feed.xml")} if command in ("source add", "source test") else {}
    for who in (world.reader, world.manager):
        result = await world.fake.slash(who, world.channel, command, options)
        assert result.ephemeral and result.final_message().content == PUBLISHER_ONLY
    assert sw.server.requests == [] and await world.bot.sources.sources() == []


async def test_a_forbidden_url_is_refused_with_the_reason(sources_world: SourcesWorld):
    """A publisher pasting an internal address would get it followed, or a vague error."""
    sw = sources_world
    world = sw.world
    result = await world.fake.slash(
        world.publisher, world.channel, "source add", {"url": sw.server.url("/x", host="127.0.0.2")}
    )
    message = await result.wait_final()
    assert message.ephemeral
    assert (message.content or "").startswith(
        f"Cannot follow {sw.server.url('/x', host='127.0.0.2')}: refused:"
    )
    assert "127.0.0.2 is a loopback address" in (message.content or "")
    assert sw.server.forbidden_hits == [] and await world.bot.sources.sources() == []


async def _eventually(read, *, size: int, within: float = 20.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        found = await read()
        if len(found) >= size or loop.time() > deadline:
            return found
        await asyncio.sleep(0.1)


async def test_a_source_keeps_the_language_and_time_zone_given_in_discord(sources_world: SourcesWorld):
    """/source add had no language or time zone: a Russian feed with dates without a zone
    could only be added from the terminal."""
    sw = sources_world
    sw.server.serve("/ru.xml", rss(story(1)))
    await follow(sw, "/ru.xml", language="ru", timezone="Europe/Kyiv")
    [source] = await sw.world.bot.storage.list_sources()
    assert (source.language, source.timezone) == ("ru", "Europe/Kyiv")
    refused = await sw.world.fake.slash(
        sw.world.publisher,
        sw.world.channel,
        "source add",
        {"url": sw.url("/ru.xml"), "timezone": "Mars/Olympus"},
    )
    assert "Mars/Olympus" in ((await refused.wait_final()).content or "")
