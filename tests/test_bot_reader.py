"""Reader commands end to end: the real discord.py client against the fake Discord."""

from __future__ import annotations

import re

from storage import open_storage
from tests.conftest import BotWorld

READER_COMMANDS = {"latest", "summary", "quote", "search", "help"}


async def newest(world: BotWorld):
    storage = await open_storage(world.db_path)
    try:
        return (await storage.latest(1))[0]
    finally:
        await storage.close()


async def test_every_command_is_synced_with_descriptions(bot_world: BotWorld):
    """The commands users type would be missing or undocumented in Discord's picker."""
    names = {c["name"] for c in bot_world.fake.global_commands}
    assert READER_COMMANDS | {"subscribe", "unsubscribe", "subscriptions", "article", "source"} <= names
    for command in bot_world.fake.global_commands:
        assert command["description"]
        for option in command.get("options", []):
            assert option["description"], (command["name"], option["name"])
    article = bot_world.fake.command("article")
    assert {o["name"] for o in article["options"]} == {
        "add",
        "import",
        "edit",
        "remove",
        "list",
        "quotes",
        "review",
    }
    assert article["default_member_permissions"] is not None
    source = bot_world.fake.command("source")
    assert {o["name"] for o in source["options"]} == {"add", "list", "remove", "pause", "resume", "test"}
    assert source["default_member_permissions"] is not None and source["contexts"] == [0]


async def test_latest_shows_the_newest_briefing_as_a_newsroom_card(bot_world: BotWorld):
    """/latest would show the wrong briefing, or a card without link, time, summary or quote."""
    expected = await newest(bot_world)
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")
    assert result.type == 4
    message = result.final_message()
    [embed] = message.embeds
    assert embed["title"] == expected.title or embed["title"].startswith(expected.title[:50])
    assert embed["url"] == expected.source_url
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert re.search(r"<t:\d+:f>", fields["Published"])
    assert fields["Key quote"].startswith("> “")
    assert f"#{expected.id}" in embed["footer"]["text"]
    assert embed["description"]
    assert message.allowed_mentions == {"parse": []}
    assert not message.ephemeral


async def test_latest_count_and_topic(bot_world: BotWorld):
    """/latest count:3 would not give three cards, or a topic would not filter."""
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest", {"count": 3})
    assert len(result.final_message().embeds) == 3
    missing = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "latest", {"topic": "no-such-topic"}
    )
    assert missing.ephemeral
    assert "No briefing is tagged 'no-such-topic'" in missing.final_message().content


async def test_summary_autocomplete_then_length(bot_world: BotWorld):
    """Typing a title word would not suggest the briefing, or the chosen length would be ignored."""
    target = await newest(bot_world)
    word = max(target.title.split(), key=len).strip(",.:;")
    suggested = await bot_world.fake.autocomplete(
        bot_world.reader, bot_world.channel, "summary", {"briefing": word[:4]}, focused="briefing"
    )
    assert str(target.id) in [c["value"] for c in suggested.choices]
    assert all(len(c["name"]) <= 100 for c in suggested.choices)
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "summary", {"briefing": str(target.id), "length": "short"}
    )
    [embed] = result.final_message().embeds
    assert embed["description"].replace("\\", "") == target.summaries.short
    assert "short" in embed["author"]["name"].lower()


async def test_summary_of_unknown_briefing_is_a_specific_ephemeral_error(bot_world: BotWorld):
    """A reader who mistypes gets told what did not match, privately."""
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "summary", {"briefing": "xyzzy plugh"}
    )
    assert result.ephemeral
    assert result.final_message().content == "No briefing matches 'xyzzy plugh'."


async def test_quote_by_surname_shows_exact_words_speaker_role_and_link(bot_world: BotWorld):
    """/quote speaker:<surname> would miss the person, misquote them, or drop the role or the source link."""
    storage = await open_storage(bot_world.db_path)
    try:
        speakers = await storage.speakers_matching("")
        name, role = next((n, r) for n, r in speakers if r and " " in n)
        hits = await storage.find_quotes(speaker=name)
    finally:
        await storage.close()
    surname = name.split()[-1]
    suggested = await bot_world.fake.autocomplete(
        bot_world.reader, bot_world.channel, "quote", {"speaker": surname[:3]}, focused="speaker"
    )
    assert name in [c["value"] for c in suggested.choices]
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "quote", {"speaker": surname})
    embeds = result.final_message().embeds
    assert embeds[0]["author"]["name"] == name
    description = embeds[0]["description"].replace("\\", "")
    assert hits[0].quote.text[:60] in description
    assert role in description
    assert hits[0].source_url in description


async def test_quote_without_options_and_with_no_match(bot_world: BotWorld):
    """Plain /quote would show nothing, and an unknown speaker would not say so."""
    plain = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "quote")
    assert plain.final_message().embeds
    nobody = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "quote", {"speaker": "Nobodyknows"}
    )
    assert nobody.ephemeral and nobody.final_message().content == "No quotes by 'Nobodyknows'."


async def test_search_pages_only_for_the_searcher(bot_world: BotWorld):
    """Another reader could flip someone's search pages, or Next would not show the next page."""
    fake = bot_world.fake
    result = await fake.slash(bot_world.reader, bot_world.channel, "search", {"query": "the", "limit": 1})
    message = result.final_message()
    assert "page 1 of" in message.embeds[0]["footer"]["text"]
    buttons = [c for row in message.components for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Previous", "Next"]
    assert buttons[0]["disabled"] is True
    intruder = await fake.click(bot_world.manager, message, buttons[1]["custom_id"])
    assert intruder.ephemeral and "Only the person who searched" in intruder.final_message().content
    assert "page 1 of" in fake.messages[message.id].embeds[0]["footer"]["text"]
    turned = await fake.click(bot_world.reader, message, buttons[1]["custom_id"])
    assert turned.type == 7
    assert "page 2 of" in fake.messages[message.id].embeds[0]["footer"]["text"]


async def test_search_with_fts_syntax_never_errors(bot_world: BotWorld):
    """Typing FTS5 operators into /search would crash the command instead of just searching."""
    for query in ['"unbalanced', "NEAR(", "*", "-", "a OR"]:
        result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "search", {"query": query})
        message = result.final_message()
        assert message.embeds or "matches" in message.content or "search for" in message.content


async def test_help_lists_only_what_this_user_may_run(bot_world: BotWorld):
    """/help would advertise manager or publisher commands to readers, or hide them from those allowed."""
    fake = bot_world.fake
    reader = (
        (await fake.slash(bot_world.reader, bot_world.channel, "help"))
        .final_message()
        .embeds[0]["description"]
    )
    manager = (
        (await fake.slash(bot_world.manager, bot_world.channel, "help"))
        .final_message()
        .embeds[0]["description"]
    )
    publisher = (
        (await fake.slash(bot_world.publisher, bot_world.channel, "help"))
        .final_message()
        .embeds[0]["description"]
    )
    assert "/latest" in reader and "/subscribe" not in reader and "/article" not in reader
    assert "/subscribe" in manager and "/article" not in manager
    assert "/article add" in publisher


async def test_unexpected_error_gives_a_reference_and_the_bot_survives(
    bot_world: BotWorld, monkeypatch, caplog
):
    """A bug would leave the reader with 'the application did not respond' or take the bot down."""
    bot = bot_world.bot

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.newsroom, "latest", broken)
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")
    content = result.final_message().content
    assert result.ephemeral and "reference" in content
    found = re.search(r"`([0-9a-f]{8})`", content)
    assert found is not None
    reference = found.group(1)
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
    monkeypatch.undo()
    again = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")
    assert again.final_message().embeds


async def test_quote_briefing_option_autocompletes_titles_too(bot_world: BotWorld):
    """/quote briefing: would offer nothing while /summary briefing: does."""
    target = await newest(bot_world)
    word = max(target.title.split(), key=len).strip(",.:;")
    suggested = await bot_world.fake.autocomplete(
        bot_world.reader, bot_world.channel, "quote", {"briefing": word[:4]}, focused="briefing"
    )
    assert str(target.id) in [c["value"] for c in suggested.choices]
