"""Hostile content over the fake Discord: mention and Markdown injection, bad links,
invisible and bidi characters, and uploads that are huge, binary or lie about their type."""

from __future__ import annotations

import json
import re

from storage import open_storage
from tests.conftest import BotWorld
from tests.fakediscord import Message

NO_PINGS = {"everyone": False, "users": [], "roles": []}
BODY = (
    "Officials said the plan was agreed on Monday after long talks.\n\n"
    '"We will publish the details next week," the spokesperson said.'
)


async def add(world: BotWorld, **fields: str):
    """Submit the /article add form as the publisher; return the result."""
    opened = await world.fake.slash(world.publisher, world.channel, "article add")
    assert opened.type == 9, opened
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = {"title": "A plain title", "body": BODY, "source_url": "", "published": "", "tags": ""}
    values.update(fields)
    submitted = await opened.submit_modal(dict(zip(custom_ids, values.values(), strict=True)))
    if submitted.type == 5:  # deferred while storing: wait for the real answer
        await submitted.wait_final()
    return submitted


async def stored_titles(world: BotWorld) -> list[str]:
    storage = await open_storage(world.db_path)
    try:
        return [r.title for r in await storage.list_briefings(limit=100)]
    finally:
        await storage.close()


def assert_safe(message: Message) -> None:
    """Nobody is pinged, and every embed is within Discord's limits (else the fake rejects it)."""
    assert message.pings() == NO_PINGS
    assert message.allowed_mentions == {"parse": []}, message.allowed_mentions


def _text_of(message: Message) -> str:
    """Everything a reader sees in the message, as the raw strings Discord renders."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [embed.get("author", {}).get("name", ""), embed.get("footer", {}).get("text", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
    return "\n".join(parts)


async def test_mentions_and_markdown_in_a_briefing_ping_nobody_anywhere(bot_world: BotWorld):
    """A briefing with @everyone, a role or user mention, or Markdown tricks would ping people or restyle the card."""
    world = bot_world
    role, user = world.publisher_role.id, world.reader.user.id
    title = f"@everyone <@&{role}> **urgent** ||hidden|| [click](https://evil.example) @here"
    body = (
        f"@everyone read this. <@{user}> and <@&{role}> were told. ~~struck~~ __under__ `code`\n\n"
        f'"Attention @here, this is [a trap](javascript:alert(1))," said <@{user}>.'
    )
    added = await add(world, title=title, body=body, tags="energy")
    assert_safe(added.final_message())
    answers = [
        await world.fake.slash(world.reader, world.channel, "latest"),
        await world.fake.slash(world.reader, world.channel, "summary", {"length": "detailed"}),
        await world.fake.slash(world.reader, world.channel, "search", {"query": "trap"}),
        await world.fake.slash(world.reader, world.channel, "quote", {"contains": "Attention"}),
        await world.fake.slash(world.publisher, world.channel, "article list"),
    ]
    for answer in answers:
        message = answer.final_message()
        assert_safe(message)
        assert message.embeds, message.content
        text = _text_of(message)
        # Mentions are neutralised (a zero-width space after @) and Markdown escaped.
        assert "@everyone" not in text and "@here" not in text
        assert f"<@&{role}>" not in text and f"<@{user}>" not in text
        # A masked link only renders when its "[" is not escaped.
        assert not re.search(r"(?<!\\)\[click\]\(https://evil", text), text
        assert not re.search(r"(?<!\\)\[a trap\]\(javascript:", text), text


# Links readers must never be offered.
BAD_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://example.org/brief.txt",
    "discord://-/channels/1/2",
    "https://exa mple.org/x",
    "https://\u202eexample.org",
    "http://",
    "//example.org/no-scheme",
]


async def test_links_other_than_http_are_refused(bot_world: BotWorld):
    """A briefing could carry a javascript:, file: or disguised link that readers would click."""
    before = await stored_titles(bot_world)
    for url in BAD_URLS:
        submitted = await add(bot_world, title="Link test briefing", source_url=url)
        message = submitted.final_message()
        assert message.ephemeral and "source_url" in message.content, (url, message.content)
    assert await stored_titles(bot_world) == before


async def test_non_http_link_in_an_import_fails_that_item_only(bot_world: BotWorld):
    """One bad link in a batch would abort the whole import, or be stored and shown as a link."""
    items = [
        {"title": "Good item", "body": "Body of the good item.", "source_url": "https://example.org/good"},
        {"title": "Bad item", "body": "Body of the bad item.", "source_url": "javascript:alert(1)"},
    ]
    attachment = bot_world.fake.add_attachment("links.json", json.dumps(items))
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    message = await result.wait_final()
    text = message.embeds[0]["description"].replace("\\", "")
    assert "1 added, 0 duplicate, 1 failed" in text
    assert "scheme 'javascript' is not allowed" in text
    assert "Bad item" not in await stored_titles(bot_world)


async def test_zero_width_and_bidi_characters_are_stripped_from_titles(bot_world: BotWorld):
    """A title with right-to-left overrides or zero-width characters could disguise itself as another briefing."""
    sneaky = "Min\u200bistry \u202eyfirev\u202c budget \u2066update\u2069\ufeff"
    submitted = await add(bot_world, title=sneaky)
    assert submitted.final_message().content.startswith("Added briefing #")
    assert "Ministry yfirev budget update" in await stored_titles(bot_world)
    latest = (await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")).final_message()
    title = latest.embeds[0]["title"]
    assert not any(ch in title for ch in "\u200b\u202e\u202c\u2066\u2069\ufeff"), title


async def test_a_title_of_only_invisible_characters_is_refused(bot_world: BotWorld):
    """A briefing with an invisible title would show up as a blank card."""
    submitted = await add(bot_world, title="\u200b\u202e\u2060 \u200f")
    message = submitted.final_message()
    assert message.ephemeral and "no title" in message.content


async def test_backticks_in_tags_do_not_break_the_card(bot_world: BotWorld):
    """A tag with a backtick would break out of its code span and restyle the Topics line."""
    await add(bot_world, title="Tag formatting briefing", tags="a`b, **bold**, <@&1>")
    latest = (await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")).final_message()
    assert_safe(latest)
    topics = next(f["value"] for f in latest.embeds[0]["fields"] if f["name"] == "Topics")
    assert topics.count("`") % 2 == 0 and topics.count("`") == 6, topics


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ITEM = {"title": "Real briefing", "body": "Body text here.", "published_at": "2026-03-02T10:00:00Z"}


# (file name, bytes, claimed content type, what the report must say)
BAD_UPLOADS = (
    ("photo.json", PNG * 20, "application/json", "binary data, not text (NUL byte at offset"),
    ("brief.json", json.dumps(ITEM).encode("utf-16"), "application/json", "the file is UTF-16"),
    ("brief.txt", json.dumps(ITEM).encode("utf-16-le"), "text/plain", "binary data, not text"),
    ("brief.md", b"# Title\n\nBody with a NUL \x00 inside.", "text/markdown", "NUL byte at offset 25"),
    ("brief.txt", "Caf\u00e9 policy update\n\nBody.".encode("latin-1"), "text/plain", "not UTF-8"),
    ("brief.json", b"[" * 100_000 + b"]" * 100_000, "application/json", "nested too deeply"),
    ("brief.json", b'{"title": ' + b"9" * 5000 + b"}", "application/json", "invalid JSON"),
    ("brief.json", b"\x01\x02\x03" * 1000, "application/json", "binary data"),
    ("brief.json", b"   \n\t  ", "application/json", "empty input"),
    ("brief.json", b"{}", "application/json", "no title"),
    ("brief.json", b'"just a string"', "application/json", "expected a JSON object"),
)


async def test_bad_uploads_get_a_clear_reason_and_store_nothing(bot_world: BotWorld):
    """A binary, mis-encoded or lying upload would crash the import with a vague error, or store garbage."""
    before = await stored_titles(bot_world)
    for filename, data, content_type, reason in BAD_UPLOADS:
        attachment = bot_world.fake.add_attachment(filename, data, content_type=content_type)
        result = await bot_world.fake.slash(
            bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
        )
        message = await result.wait_final()
        assert_safe(message)
        assert message.ephemeral
        assert message.embeds, (filename, reason, message.content)  # the report, not "something went wrong"
        text = message.embeds[0]["description"].replace("\\", "")
        assert "0 added, 0 duplicate" in text and "0 failed" not in text, (reason, text)
        assert reason in text, (reason, text)
    assert await stored_titles(bot_world) == before


async def test_an_upload_whose_type_lies_but_whose_content_is_valid_is_judged_by_content(bot_world: BotWorld):
    """A valid JSON briefing uploaded with an image content type would be refused, or parsed as the wrong thing."""
    attachment = bot_world.fake.add_attachment("brief.json", json.dumps(ITEM), content_type="image/png")
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    text = (await result.wait_final()).embeds[0]["description"].replace("\\", "")
    assert "1 added" in text


async def test_instant_posts_of_a_hostile_briefing_ping_nobody(bot_world: BotWorld):
    """A subscribed channel would be pinged @everyone by a briefing that contains it."""
    world = bot_world
    sub = await world.fake.slash(world.manager, world.channel, "subscribe", {"channel": world.news})
    await sub.wait_final()
    await add(
        world, title="@everyone alert <@&1>", body=f"@here <@{world.reader.user.id}> said hello.\n\nMore."
    )
    [post] = await world.fake.wait_for_messages(world.news, 1)
    assert post.pings() == NO_PINGS
    assert "@everyone" not in _text_of(post)


async def test_lone_surrogates_in_an_import_are_dropped_not_a_crash(bot_world: BotWorld):
    """A JSON file with a broken \\ud800 escape would crash the import (the database and Discord refuse such text)."""
    raw = (
        '{"title": "Surrogate \\ud800 title", "body": "Body \\udfff text.", "tags": ["a\\ud83d"],'
        ' "source_url": "https://example.org/\\ud800"}'
    )
    attachment = bot_world.fake.add_attachment("surrogates.json", raw)
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    message = await result.wait_final()
    text = message.embeds[0]["description"].replace("\\", "")
    assert "0 added, 0 duplicate, 1 failed" in text and "source_url" in text, text
    good = raw.replace('"https://example.org/\\ud800"', '"https://example.org/ok"')
    attachment = bot_world.fake.add_attachment("surrogates.json", good)
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    text = (await result.wait_final()).embeds[0]["description"].replace("\\", "")
    assert "1 added" in text, text
    assert "Surrogate title" in await stored_titles(bot_world)
