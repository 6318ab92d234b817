"""The bot in Ukrainian and Russian, end to end: the real discord.py client against the fake
Discord. Commands are synced with their names and descriptions in both languages, readers get
answers and errors in their own language, and a server's posts come in the server's."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from tests.conftest import BotWorld, start_world

LANGUAGES = ("uk", "ru")


def _synced_payload(world: BotWorld) -> list[dict[str, Any]]:
    """What the bot last sent Discord for its global commands."""
    puts = [s for s in world.fake.command_syncs if s.method == "PUT" and s.guild_id is None]
    assert puts, "the bot never synced its commands"
    return puts[-1].payload


def _walk(options: list[dict[str, Any]], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for option in options:
        where = f"{path} {option['name']}"
        found.append((where, option))
        found += _walk(option.get("options") or [], where)
    return found


async def test_every_command_and_option_is_synced_in_ukrainian_and_russian(bot_world: BotWorld):
    """Ukrainian and Russian readers would see English command names and descriptions in the picker."""
    payload = _synced_payload(bot_world)
    assert {c["name"] for c in payload} >= {"latest", "search", "subscribe", "article"}
    missing = []
    for command in payload:
        items = [
            (f"/{command['name']}", command),
            *_walk(command.get("options") or [], f"/{command['name']}"),
        ]
        for where, item in items:
            for field in ("name_localizations", "description_localizations"):
                if set(LANGUAGES) - set(item.get(field) or {}):
                    missing.append((where, field))
            for choice in item.get("choices") or []:
                if set(LANGUAGES) - set(choice.get("name_localizations") or {}):
                    missing.append((where, choice["name"]))
    assert not missing
    latest = next(c for c in payload if c["name"] == "latest")
    assert latest["name_localizations"] == {"uk": "останні", "ru": "последние"}
    assert latest["description_localizations"]["uk"] == "Найновіші брифінги"
    # What the fake accepted and now serves is what was sent.
    assert bot_world.fake.command("latest")["name_localizations"] == latest["name_localizations"]


async def test_the_fake_refuses_localised_names_discord_would_refuse(bot_world: BotWorld):
    """The sync test above would pass on names Discord rejects (capitals, spaces, long descriptions)."""
    http = bot_world.bot.http
    app_id = bot_world.fake.application_id
    base = {"name": "probe", "description": "A probe", "type": 1}
    for bad in (
        {"name_localizations": {"uk": "Останні"}},
        {"name_localizations": {"ru": "два слова"}},
        {"name_localizations": {"xx": "probe"}},
        {"description_localizations": {"uk": "д" * 101}},
    ):
        with pytest.raises(discord.HTTPException) as refused:
            await http.bulk_upsert_global_commands(app_id, payload=[{**base, **bad}])
        assert refused.value.status == 400, bad
    assert bot_world.fake.command("latest")  # a refused sync changes nothing


@pytest.mark.parametrize(
    ("locale", "published", "key_quote", "briefing"),
    [
        ("uk", "Опубліковано", "Ключова цитата", "Брифінг #"),
        ("ru", "Опубликовано", "Ключевая цитата", "Брифинг #"),
        ("en-US", "Published", "Key quote", "Briefing #"),
    ],
)
async def test_latest_is_answered_in_the_reader_s_language(
    bot_world: BotWorld, locale: str, published: str, key_quote: str, briefing: str
):
    """A reader whose Discord is in Ukrainian or Russian would get English card labels."""
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest", locale=locale)
    [embed] = result.final_message().embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert re.search(r"<t:\d+:f>", fields[published])  # Discord's timestamps localise themselves
    assert fields[key_quote].startswith("> “")
    assert embed["footer"]["text"].startswith(briefing)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("uk", "Немає брифінгів з темою «no-such-topic»."),
        ("ru", "Нет брифингов с темой «no-such-topic»."),
        ("en-US", "No briefing is tagged 'no-such-topic'."),
    ],
)
async def test_an_error_is_in_the_reader_s_language(bot_world: BotWorld, locale: str, expected: str):
    """A Ukrainian or Russian reader who mistypes a topic would be told so in English."""
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "latest", {"topic": "no-such-topic"}, locale=locale
    )
    assert result.ephemeral
    assert result.final_message().content == expected


async def test_help_names_the_commands_as_the_reader_s_discord_shows_them(bot_world: BotWorld):
    """/help would tell a Ukrainian reader to type /latest while their picker shows /останні."""
    fake = bot_world.fake
    uk = (await fake.slash(bot_world.manager, bot_world.channel, "help", locale="uk")).final_message()
    text = uk.embeds[0]["description"]
    assert "`/останні [кількість] [тема]` Найновіші брифінги" in text
    assert "`/пошук запит [на-сторінці]`" in text
    assert "**Керування каналами цього сервера**" in text and "/підписати канал" in text
    ru = (await fake.slash(bot_world.reader, bot_world.channel, "help", locale="ru")).final_message()
    assert "`/сводка [брифинг] [длина]`" in ru.embeds[0]["description"]
    assert "/подписать" not in ru.embeds[0]["description"]


async def test_search_pages_and_buttons_in_russian(bot_world: BotWorld):
    """The pager would show “page 1 of 3” and English buttons to a Russian reader."""
    fake = bot_world.fake
    result = await fake.slash(
        bot_world.reader, bot_world.channel, "search", {"query": "the", "limit": 1}, locale="ru"
    )
    message = result.final_message()
    footer = message.embeds[0]["footer"]["text"]
    assert re.match(r"\d+\+? результат(а|ов)? · страница 1 из \d+ · briefbot$", footer), footer
    buttons = [c for row in message.components for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Назад", "Далее"]
    turned = await fake.click(bot_world.reader, message, buttons[1]["custom_id"], locale="ru")
    assert turned.type == 7
    assert "страница 2 из" in fake.messages[message.id].embeds[0]["footer"]["text"]


async def test_a_manager_s_subscribe_reply_is_in_their_language(bot_world: BotWorld):
    """A Ukrainian manager would get the confirmation, schedule included, in English."""
    result = await bot_world.fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {
            "channel": bot_world.news,
            "schedule": "weekly",
            "day": 4,
            "time": "07:30",
            "timezone": "Europe/Kyiv",
        },
        locale="uk",
    )
    message = await result.wait_final()
    assert message.content.startswith(
        f"Канал <#{bot_world.news.id}> підписано: щотижня в п’ятницю о 07:30 (Europe/Kyiv). Наступний дайджест <t:"
    ), message.content


@pytest_asyncio.fixture
async def ukrainian_server(tmp_path: Path) -> AsyncIterator[BotWorld]:
    """A running bot whose server prefers Ukrainian (its members' own Discord may be in English)."""
    world, bot = await start_world(tmp_path)
    world.guild.preferred_locale = "uk"
    try:
        with world.fake.patch_discord():
            async with world.fake.run_bot(bot, ready=False):
                await world.fake.wait_until(lambda: world.fake.global_commands, timeout=20, what="sync")
                yield world
    finally:
        await world.fake.stop()


async def test_posts_to_a_channel_are_in_the_server_s_language(ukrainian_server: BotWorld):
    """A Ukrainian server's channel would get English cards because its manager's Discord is in English."""
    world = ukrainian_server
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": world.news, "backfill": 2}, locale="en-US"
    )
    reply = await result.wait_final()
    assert reply.content.startswith("Subscribed")  # the manager's own reply: their language
    posts = await world.fake.wait_for_messages(world.news, 2, timeout=20)
    for post in posts:
        [embed] = post.embeds
        assert "Опубліковано" in {f["name"] for f in embed["fields"]}
        assert embed["footer"]["text"].startswith("Брифінг #")
