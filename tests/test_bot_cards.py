"""Components V2 cards through the real bot and the fake Discord: posts, buttons answered
privately (also after a restart), role pings, /latest, corrections, and Discord's rules."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio
from discord.http import handle_message_parameters

from bot import cards
from bot.client import BriefBot
from bot.config import CardStyle, DiscordConfig
from tests.conftest import BotWorld, _synced, quick_briefbot, start_world
from tests.fakediscord import Message
from tests.fakediscord.components import IS_COMPONENTS_V2, text_of, walk
from tests.helpers import add_via_modal, cached_guild
from tests.test_bot_forums import subscribe as forum_subscribe
from tests.test_bot_posting import subscribe

SOURCE = "https://example.org/winter-roads"
TITLE = "Winter road plan published"


def with_cards(world: BotWorld, bot: BriefBot, style: CardStyle) -> None:
    """Run ``bot`` with ``[discord] cards = style``."""
    world.config = replace(world.config, discord=replace(world.config.discord, cards=style))
    bot.config = world.config


def as_configured_by_default(world: BotWorld, bot: BriefBot) -> None:
    """Run ``bot`` as a config without ``[discord] cards`` runs it (the test bot keeps
    embeds for the tests of embed posts)."""
    with_cards(world, bot, DiscordConfig().cards)


@asynccontextmanager
async def running(world: BotWorld, bot: BriefBot) -> AsyncIterator[BriefBot]:
    async with world.fake.run_bot(bot, ready=False):
        await asyncio.wait_for(_synced(world), 20)
        world.bot = bot
        yield bot


@pytest_asyncio.fixture
async def card_world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    world, bot = await start_world(tmp_path)
    as_configured_by_default(world, bot)
    try:
        with world.fake.patch_discord():
            async with running(world, bot):
                yield world
    finally:
        await world.fake.stop()


def buttons(message: Message) -> dict[str, dict[str, Any]]:
    """The message's buttons by custom id (link buttons by their url)."""
    return {c.get("custom_id") or c["url"]: c for c in walk(message.components) if c["type"] == 2}


async def post_briefing(world: BotWorld, **values: str) -> Message:
    await add_via_modal(world, world.publisher, title=TITLE, source_url=SOURCE, **values)
    [post] = await world.fake.wait_for_messages(world.news, 1, timeout=20)
    return post


def briefing_id_of(message: Message) -> int:
    ids = {cards.parse_custom_id(c) for c in buttons(message)} - {None}
    assert len(ids) == 3, ids
    return next(iter(ids))[1]  # type: ignore[index]


async def correct(world: BotWorld, briefing_id: int, title: str) -> None:
    opened = await world.fake.slash(
        world.publisher, world.channel, "article edit", {"briefing": str(briefing_id)}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    body = "Corrected: the plan covers 15 regions and adds 120 gritting vehicles."
    values = dict(zip(ids, [title, body, "", "", ""], strict=True))
    result = await opened.submit_modal(values)
    reply = await result.wait_final()
    assert "1 posted copy corrected" in reply.content, reply.content


async def test_a_subscribed_channel_gets_a_card(card_world: BotWorld):
    """A channel set to cards would get an embed, or a card missing its headline, summary,
    key quote, source link or buttons."""
    await subscribe(card_world, {"schedule": "instant"})
    post = await post_briefing(card_world)
    assert post.flags & IS_COMPONENTS_V2
    assert post.content == "" and post.embeds == []
    [container] = [c for c in post.components if c["type"] == 17]
    assert container["accent_color"] in cards.TOPIC_PALETTE  # the topic's colour
    text = text_of(post.components)
    assert TITLE in text
    assert "winter road-maintenance plan" in text  # the summary
    assert "salt reserves for six weeks" in text and "Halyna Orlenko" in text  # the key quote
    found = buttons(post)
    assert found[SOURCE]["style"] == 5 and found[SOURCE]["label"] == "Source"
    labels = sorted(b["label"] for b in found.values() if b.get("custom_id"))
    assert labels == ["Full text", "Quotes", "Summary"]
    assert post.allowed_mentions == {"parse": []}
    assert post.nonce and post.enforce_nonce  # exactly once, as for embeds
    await card_world.bot.engine.run_instant()
    assert len(card_world.fake.posts(card_world.news)) == 1


async def test_buttons_answer_only_the_reader_with_that_briefing(card_world: BotWorld):
    """A click would answer in public, answer with another briefing, or not at all."""
    fake = card_world.fake
    await subscribe(card_world, {"schedule": "instant"})
    post = await post_briefing(card_world)
    briefing_id = briefing_id_of(post)
    summary = (
        await fake.click(card_world.reader, post, cards.custom_id("summary", briefing_id))
    ).final_message()
    assert summary.ephemeral
    assert summary.embeds[0]["title"] == TITLE
    assert summary.embeds[0]["author"]["name"] == "Summary · detailed"
    quotes = (
        await fake.click(card_world.reader, post, cards.custom_id("quotes", briefing_id))
    ).final_message()
    assert quotes.ephemeral
    assert "salt reserves for six weeks" in quotes.embeds[0]["description"]
    full = (await fake.click(card_world.reader, post, cards.custom_id("full", briefing_id))).final_message()
    assert full.ephemeral
    assert "120 gritting vehicles" in full.embeds[0]["description"]
    assert f"#{briefing_id}" in full.embeds[0]["footer"]["text"]
    assert len(fake.posts(card_world.news)) == 1  # nothing was posted for everyone


async def test_a_long_text_arrives_in_parts_within_discord_s_limits(card_world: BotWorld):
    """A long briefing's Full text would be refused by Discord, or silently cut short."""
    fake = card_world.fake
    await subscribe(card_world, {"schedule": "instant"})
    paragraph = "The committee reviewed every depot and every road in the region in detail. " * 25
    body = "\n\n".join([paragraph] * 6)  # about 11,000 characters
    post = await post_briefing(card_world, body=body)
    result = await fake.click(card_world.reader, post, cards.custom_id("full", briefing_id_of(post)))
    parts = [result.final_message(), *await result.followups(2)]
    assert all(p.ephemeral for p in parts)
    shown = sum(len(p.embeds[0]["description"]) for p in parts)
    assert shown > 9000
    assert all(len(p.embeds[0]["description"]) <= 4096 for p in parts)


async def test_buttons_keep_working_after_a_restart(tmp_path: Path):
    """Buttons on posts from before a restart would stop answering (Discord: "This
    interaction failed")."""
    world, first = await start_world(tmp_path)
    as_configured_by_default(world, first)
    try:
        with world.fake.patch_discord():
            async with running(world, first):
                await subscribe(world, {"schedule": "instant"})
                post = await post_briefing(world)
            second = quick_briefbot()(world.config)
            async with running(world, second):
                result = await world.fake.click(
                    world.reader, post, cards.custom_id("summary", briefing_id_of(post))
                )
                answer = result.final_message()
                assert answer.ephemeral and answer.embeds[0]["title"] == TITLE
    finally:
        await world.fake.stop()


async def test_a_role_ping_in_a_card_pings_only_that_role(card_world: BotWorld):
    """A card would ping nobody, or @everyone written in an article."""
    fake = card_world.fake
    role = fake.add_role(card_world.guild, "Road watchers", mentionable=True)
    await fake.wait_until(
        lambda: cached_guild(card_world.bot, card_world.guild.id).get_role(role.id), what="role cache"
    )
    await subscribe(card_world, {"schedule": "instant", "role": role})
    await add_via_modal(card_world, card_world.publisher, title="Drill @everyone tomorrow")
    [post] = await fake.wait_for_messages(card_world.news, 1, timeout=20)
    assert post.flags & IS_COMPONENTS_V2 and post.content == ""
    assert f"<@&{role.id}>" in text_of(post.components)
    assert post.pings() == {"everyone": False, "users": [], "roles": [role.id]}


async def test_latest_answers_with_cards(card_world: BotWorld):
    """/latest would still answer with embeds, or several cards would break Discord's limits."""
    fake = card_world.fake
    one = (await fake.slash(card_world.reader, card_world.channel, "latest")).final_message()
    assert one.flags & IS_COMPONENTS_V2 and one.embeds == []
    assert len([b for b in buttons(one) if cards.parse_custom_id(b)]) == 3
    five = (await fake.slash(card_world.reader, card_world.channel, "latest", {"count": 5})).final_message()
    ids = {parsed[1] for b in buttons(five) if (parsed := cards.parse_custom_id(b))}
    assert len(ids) == 5
    result = await fake.click(card_world.reader, five, cards.custom_id("full", min(ids)))
    assert result.final_message().ephemeral


async def test_a_correction_edits_the_card(card_world: BotWorld):
    """A corrected briefing would leave the old card standing, or lose its buttons."""
    fake = card_world.fake
    await subscribe(card_world, {"schedule": "instant"})
    post = await post_briefing(card_world)
    await correct(card_world, briefing_id_of(post), "Winter road plan corrected")
    edited = fake.messages[post.id]
    assert edited.flags & IS_COMPONENTS_V2
    text = text_of(edited.components)
    assert "Winter road plan corrected" in text and TITLE not in text
    assert "corrected" in text.rsplit("\n", 1)[-1]  # the footer says so
    assert len([b for b in buttons(edited) if cards.parse_custom_id(b)]) == 3
    assert len(fake.posts(card_world.news)) == 1


async def test_an_old_embed_post_becomes_a_card_when_corrected(tmp_path: Path):
    """With cards turned on, correcting a post from the embed days would be refused by
    Discord (content or embeds left beside the flag) or leave the embed."""
    world, first = await start_world(tmp_path)
    with_cards(world, first, "embed")
    try:
        with world.fake.patch_discord():
            async with running(world, first):
                await subscribe(world, {"schedule": "instant"})
                post = await post_briefing(world)
                assert post.embeds and not post.flags & IS_COMPONENTS_V2
            as_configured_by_default(world, first)
            second = quick_briefbot()(world.config)
            async with running(world, second):
                briefing_id = int(post.embeds[0]["footer"]["text"].split("#")[1].split(" ")[0])
                await correct(world, briefing_id, "Winter road plan corrected")
        edited = world.fake.messages[post.id]
        assert edited.flags & IS_COMPONENTS_V2
        assert edited.content == "" and edited.embeds == []
        assert "Winter road plan corrected" in text_of(edited.components)
    finally:
        await world.fake.stop()


async def test_the_fake_enforces_the_components_v2_rules(card_world: BotWorld):
    """The fake would accept cards Discord refuses, and the tests above would prove nothing."""
    http = card_world.bot.http
    channel = card_world.news.id

    def card(text: str = "hello", extra: int = 0) -> discord.ui.LayoutView:
        view = discord.ui.LayoutView(timeout=None)
        view.add_item(discord.ui.TextDisplay(text))
        for _ in range(extra):
            view.add_item(discord.ui.Separator())
        return view

    async def refused(**kwargs: Any) -> int:
        with pytest.raises(discord.HTTPException) as caught, handle_message_parameters(**kwargs) as params:
            await http.send_message(channel, params=params)
        return caught.value.code

    assert await refused(content="and some content", view=card()) == 50035
    assert await refused(embeds=[discord.Embed(title="and an embed")], view=card()) == 50035
    big = discord.ui.LayoutView(timeout=None)
    for _ in range(4):
        big.add_item(discord.ui.TextDisplay("x" * 1000))
    big.add_item(discord.ui.TextDisplay("one too many"))
    assert await refused(view=big) == 50035
    many = card(extra=39)  # 40 is the limit: discord.py itself stops at 40, so add one by hand
    with handle_message_parameters(view=many) as params:
        assert params.payload is not None
        params.payload["components"].append({"type": 14})
        with pytest.raises(discord.HTTPException) as caught:
            await http.send_message(channel, params=params)
    assert caught.value.code == 50035
    with handle_message_parameters(view=card()) as params:
        assert params.payload is not None
        params.payload["components"] = [{"type": 9, "components": [{"type": 10, "content": "no accessory"}]}]
        with pytest.raises(discord.HTTPException) as caught:
            await http.send_message(channel, params=params)
    assert caught.value.code == 50035  # a section needs its button or thumbnail
    with handle_message_parameters(view=card()) as params:
        data = await http.send_message(channel, params=params)
    with handle_message_parameters(content="back to text", flags=discord.MessageFlags()) as params:
        assert params.payload is not None
        params.payload["flags"] = 0
        with pytest.raises(discord.HTTPException) as caught:
            await http.edit_message(channel, int(data["id"]), params=params)
    assert caught.value.code == 50035  # the flag cannot be removed


async def test_a_forum_post_starts_with_a_card(card_world: BotWorld):
    """A forum subscription with cards turned on would be refused by Discord or get an embed."""
    fake = card_world.fake
    forum = fake.add_forum(card_world.guild, "briefing-forum", tags=["Transport"])
    assert (await forum_subscribe(card_world, forum)).startswith("Subscribed")
    await add_via_modal(card_world, card_world.publisher, title=TITLE, tags="transport")
    [(thread, starter)] = await fake.wait_until(lambda: fake.forum_posts(forum), timeout=20, what="a post")
    assert thread.name == TITLE
    assert starter.flags & IS_COMPONENTS_V2 and starter.embeds == [] and starter.content == ""
    assert TITLE in text_of(starter.components)


async def test_after_switching_back_to_embeds_a_card_stays_a_card(tmp_path: Path):
    """Switching back to embeds would leave a card uncorrected (Discord refuses to take its
    flag off), have the bot retry that edit, or strip a card into something half-rendered."""
    world, first = await start_world(tmp_path)
    as_configured_by_default(world, first)
    try:
        with world.fake.patch_discord():
            async with running(world, first):
                await subscribe(world, {"schedule": "instant"})
                post = await post_briefing(world)
            with_cards(world, first, "embed")
            second = quick_briefbot()(world.config)
            async with running(world, second):
                await correct(world, briefing_id_of(post), "Winter road plan corrected")
        assert len(world.fake.posts(world.news)) == 1  # no repost, no reply
        kept = world.fake.messages[post.id]
        assert kept.flags & IS_COMPONENTS_V2 and kept.embeds == [] and kept.content == ""
        assert len(kept.edits) == 1  # edited once, as a card
        text = text_of(kept.components)
        assert "Winter road plan corrected" in text and TITLE not in text
    finally:
        await world.fake.stop()


async def test_a_digest_is_one_message_of_cards(card_world: BotWorld):
    """A digest channel with cards would get embeds, one message per briefing, or cards
    without buttons."""
    fake = card_world.fake
    await subscribe(card_world, {"schedule": "daily"})
    for title in ("Bridge repairs scheduled", "Ferry timetable extended"):
        await add_via_modal(card_world, card_world.publisher, title=title)
    await card_world.bot.engine.run_digest(card_world.news.id)
    [digest] = fake.posts(card_world.news)
    assert digest.flags & IS_COMPONENTS_V2 and digest.embeds == [] and digest.content == ""
    text = text_of(digest.components)
    assert "Digest: 2 new briefings" in text
    assert "Bridge repairs scheduled" in text and "Ferry timetable extended" in text
    ids = {parsed for b in buttons(digest) if (parsed := cards.parse_custom_id(b))}
    assert {action for action, _ in ids} == {"summary", "quotes", "full"} and len(ids) == 6


async def test_a_button_of_a_removed_briefing_says_so(card_world: BotWorld):
    """A reader pressing a button of a removed briefing would get "This interaction failed",
    another briefing, or the removed text."""
    fake = card_world.fake
    card = (await fake.slash(card_world.reader, card_world.channel, "latest")).final_message()
    [briefing_id] = {parsed[1] for b in buttons(card) if (parsed := cards.parse_custom_id(b))}
    await card_world.bot.storage.remove_briefing(briefing_id)
    answer = (await fake.click(card_world.reader, card, cards.custom_id("full", briefing_id))).final_message()
    assert answer.ephemeral
    assert answer.content == "This briefing is no longer available." and answer.embeds == []
    ukrainian = await fake.click(
        card_world.reader, card, cards.custom_id("summary", briefing_id), locale="uk"
    )
    assert ukrainian.final_message().content == "Цей брифінг більше недоступний."


async def test_a_test_post_is_a_card_that_names_roles_without_pinging(card_world: BotWorld):
    """A test post with cards on would look unlike the real posts, or ping the roles it names."""
    fake = card_world.fake
    role = fake.add_role(card_world.guild, "Energy news", mentionable=True)
    await fake.wait_until(
        lambda: cached_guild(card_world.bot, card_world.guild.id).get_role(role.id), what="role cache"
    )
    await subscribe(card_world, {"schedule": "instant", "role": role})
    await add_via_modal(card_world, card_world.publisher, title="Energy market opens", tags="energy")
    await fake.wait_for_messages(card_world.news, 1, timeout=20)
    reply = await (
        await fake.slash(
            card_world.manager, card_world.channel, "subscriptions test", {"channel": card_world.news}
        )
    ).wait_final()
    assert reply.content.startswith("Posted a test of #"), reply.content
    test_post = fake.posts(card_world.news)[-1]
    assert test_post.flags & IS_COMPONENTS_V2 and test_post.content == ""
    text = text_of(test_post.components)
    assert text.startswith("🧪 Test post") and f"<@&{role.id}>" in text
    assert test_post.pings() == {"everyone": False, "users": [], "roles": []}
