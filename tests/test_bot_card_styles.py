"""How posts look, per channel, through the real bot and the fake Discord: cards by default,
``/subscribe ... style:embed|card`` winning over the operator's ``[discord] cards``, and
corrections that follow a channel's switch (an embed post becomes a card; a card stays a
card) and keep a card's role line without pinging anyone again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.config import load_config
from tests.conftest import BotWorld, start_world
from tests.fakediscord import Message
from tests.fakediscord.components import IS_COMPONENTS_V2, text_of
from tests.fakediscord.model import Channel
from tests.helpers import add_via_modal, cached_guild
from tests.test_bot_cards import as_configured_by_default, running
from tests.test_bot_webhooks import branded_channel

TITLE = "Harbour ferry timetable extended"


@pytest_asyncio.fixture
async def default_world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    """The bot as a config without ``[discord] cards`` runs it, with a second channel."""
    world, bot = await start_world(tmp_path)
    as_configured_by_default(world, bot)
    try:
        with world.fake.patch_discord():
            async with running(world, bot):
                yield world
    finally:
        await world.fake.stop()


async def subscribe(world: BotWorld, channel: Channel, **options: Any) -> str:
    await world.fake.wait_until(lambda: world.bot.get_channel(channel.id) is not None, what="channel")
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": channel, **options}
    )
    return (await result.wait_final()).content


async def publish(world: BotWorld, *channels: Channel, title: str = TITLE) -> tuple[int, list[Message]]:
    """Add a briefing; its id and its post in each channel."""
    added = await add_via_modal(world, world.publisher, title=title)
    briefing_id = int(added.final_message().content.split("#")[1].split(".")[0])
    posts = [(await world.fake.wait_for_messages(c, 1, timeout=20))[-1] for c in channels]
    return briefing_id, posts


async def correct(world: BotWorld, briefing_id: int, title: str) -> str:
    opened = await world.fake.slash(
        world.publisher, world.channel, "article edit", {"briefing": str(briefing_id)}
    )
    ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    body = "Corrected: the ferry runs until midnight on weekdays from the first of the month."
    values = dict(zip(ids, [title, body, "", "", ""], strict=True))
    return (await (await opened.submit_modal(values)).wait_final()).content


async def listing(world: BotWorld) -> dict[str, str]:
    """``/subscriptions list``: each channel's lines, by channel name."""
    reply = await world.fake.slash(world.manager, world.channel, "subscriptions list")
    [embed] = reply.final_message().embeds
    return {f["name"]: f["value"] for f in embed["fields"]}


def is_card(message: Message) -> bool:
    return bool(message.flags & IS_COMPONENTS_V2) and message.embeds == [] and message.content == ""


def test_a_config_without_the_setting_gives_cards(tmp_path: Path):
    """A new operator would get classic embeds, not the cards the README promises."""
    path = tmp_path / "briefbot.toml"
    path.write_text("[discord]\npublisher_user_ids = []\n", encoding="utf-8")
    assert load_config(path, env={}).discord.cards == "components"
    path.write_text('[discord]\ncards = "embed"\n', encoding="utf-8")
    assert load_config(path, env={}).discord.cards == "embed"


async def test_by_default_posts_are_cards_and_a_style_embed_channel_keeps_embeds(default_world: BotWorld):
    """A channel that keeps embeds would get cards (or the other channel embeds), or
    /subscriptions would not say which channel chose what."""
    world = default_world
    other = world.fake.add_channel(world.guild, name="ferry-news")
    reply = await subscribe(world, world.news, schedule="instant", style="embed")
    assert reply.startswith("Subscribed") and ", as classic embeds" in reply
    assert ", as" not in await subscribe(world, other, schedule="instant")
    _, (kept, card) = await publish(world, world.news, other)
    assert kept.embeds[0]["title"] == TITLE and not kept.flags & IS_COMPONENTS_V2
    assert is_card(card) and TITLE in text_of(card.components)
    lines = await listing(world)
    assert "Posts as classic embeds (chosen for this channel)" in lines["#briefings"]
    assert "Posts as" not in lines["#ferry-news"]


async def test_a_style_card_channel_gets_cards_when_the_operator_keeps_embeds(bot_world: BotWorld):
    """With the operator keeping embeds, a channel that chose cards would still get embeds."""
    world = bot_world  # the test bot's config keeps embeds
    other = world.fake.add_channel(world.guild, name="ferry-news")
    assert ", as cards" in await subscribe(world, world.news, schedule="instant", style="card")
    await subscribe(world, other, schedule="instant")
    _, (card, kept) = await publish(world, world.news, other)
    assert is_card(card) and TITLE in text_of(card.components)
    assert kept.embeds[0]["title"] == TITLE and not kept.flags & IS_COMPONENTS_V2
    assert "Posts as cards (chosen for this channel)" in (await listing(world))["#briefings"]


async def test_a_digest_follows_the_channel_s_style(bot_world: BotWorld):
    """A digest channel that chose cards would get its digest as embeds."""
    world = bot_world
    await subscribe(world, world.news, schedule="daily", style="card")
    for title in ("Ferry timetable extended", "Pier repairs scheduled"):
        await add_via_modal(world, world.publisher, title=title)
    await world.bot.engine.run_digest(world.news.id)
    [digest] = world.fake.posts(world.news)
    assert is_card(digest) and "Digest: 2 new briefings" in text_of(digest.components)


async def test_switching_styles_and_correcting_keeps_the_role_line_and_pings_nobody(bot_world: BotWorld):
    """After a channel switched to cards, a correction would leave its embed post as it was,
    drop the role line the post led with, or ping the role again; after it switched back,
    correcting the card would be refused by Discord."""
    world = bot_world
    fake = world.fake
    role = fake.add_role(world.guild, "Harbour watch", mentionable=True)
    await fake.wait_until(lambda: cached_guild(world.bot, world.guild.id).get_role(role.id), what="role")
    await subscribe(world, world.news, schedule="instant", role=role)
    briefing_id, [post] = await publish(world, world.news)
    assert post.embeds and post.content == f"<@&{role.id}>"  # the operator keeps embeds
    assert post.pings()["roles"] == [role.id]

    assert (await subscribe(world, world.news, schedule="instant", role=role, style="card")).startswith(
        "Updated"
    )
    assert "1 posted copy corrected" in await correct(world, briefing_id, "Harbour ferry runs until midnight")
    card = fake.messages[post.id]
    assert is_card(card)
    text = text_of(card.components)
    assert text.startswith(f"<@&{role.id}>")  # the role line leads the card, as in a new card post
    assert "Harbour ferry runs until midnight" in text and TITLE not in text
    assert card.edits[-1]["allowed_mentions"] == {"parse": []}
    assert card.pings() == {"everyone": False, "users": [], "roles": []}

    await subscribe(world, world.news, schedule="instant", role=role, style="embed")
    assert "1 posted copy corrected" in await correct(world, briefing_id, "Harbour ferry runs all night")
    again = fake.messages[post.id]
    assert is_card(again)  # Discord cannot take the flag off: it stays a card
    text = text_of(again.components)
    assert text.startswith(f"<@&{role.id}>") and "Harbour ferry runs all night" in text
    assert again.pings() == {"everyone": False, "users": [], "roles": []}
    assert len(fake.posts(world.news)) == 1  # edited in place: no repost, no correction reply


async def test_style_card_with_a_webhook_is_refused(bot_world: BotWorld):
    """A manager asking for cards through a webhook would silently get embeds."""
    channel = branded_channel(bot_world)  # the bot may make a webhook there
    reply = await subscribe(bot_world, channel, webhook=True, webhook_name="Harbour", style="card")
    assert reply == "Posts through a webhook are classic embeds: style:card does not go with webhook:true."
