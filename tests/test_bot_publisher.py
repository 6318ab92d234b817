"""Publisher commands end to end, including who may run them."""

from __future__ import annotations

import json

import pytest

from storage import open_storage
from tests.conftest import BotWorld
from tests.helpers import NEW_BODY, add_via_modal, count


@pytest.mark.parametrize("who", ["publisher", "role_publisher", "owner"])
async def test_publishers_by_id_role_or_ownership_can_add(bot_world: BotWorld, who: str):
    """A configured publisher (by user id, by role, or the app owner) could not add a briefing."""
    before = await count(bot_world)
    submitted = await add_via_modal(bot_world, getattr(bot_world, who))
    message = submitted.final_message()
    assert message.ephemeral
    assert message.content.startswith("Added briefing #")
    assert await count(bot_world) == before + 1


@pytest.mark.parametrize("who", ["reader", "manager"])
async def test_non_publishers_are_refused_even_when_discord_lets_them_run_it(bot_world: BotWorld, who: str):
    """A server manager (or anyone an admin granted /article) could add briefings without being a publisher."""
    result = await bot_world.fake.slash(getattr(bot_world, who), bot_world.channel, "article add")
    assert result.type == 4
    assert result.ephemeral
    assert result.final_message().content.startswith("Only publishers can change briefings")


async def test_modal_with_bad_url_names_the_field(bot_world: BotWorld):
    """A publisher who pastes a javascript: link would get a vague error or a stored bad link."""
    before = await count(bot_world)
    submitted = await add_via_modal(bot_world, bot_world.publisher, source_url="javascript:alert(1)")
    content = submitted.final_message().content
    assert submitted.ephemeral and "source_url" in content
    assert await count(bot_world) == before


async def test_import_reports_added_duplicate_and_failed(bot_world: BotWorld):
    """/article import would hide which items failed and why, or store a duplicate twice."""
    items = [
        {
            "title": "Port tariffs frozen for a year",
            "body": "The port authority froze tariffs.",
            "published_at": "2026-11-20T10:00:00+02:00",
            "source_url": "https://example.org/ports",
            "tags": ["trade"],
        },
        {
            "title": "Port tariffs frozen for a year",
            "body": "The port authority froze tariffs.",
            "published_at": "2026-11-20T10:00:00+02:00",
            "source_url": "https://example.org/ports",
            "tags": ["trade"],
        },
        {"title": "Broken date", "body": "Text.", "published_at": "2026-02-31T10:00:00"},
    ]
    attachment = bot_world.fake.add_attachment(
        "batch.json", json.dumps(items), content_type="application/json"
    )
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    message = await result.wait_final()
    text = message.embeds[0]["description"].replace("\\", "")
    assert "1 added, 1 duplicate, 1 failed" in text
    assert "batch.json item 3" in text and "published_at" in text


async def test_import_refuses_oversized_files_before_downloading(bot_world: BotWorld):
    """A huge upload would be downloaded and parsed instead of refused with the limit."""
    big = bot_world.fake.add_attachment("huge.txt", "x" * (bot_world.config.ingest.max_bytes + 10))
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": big}
    )
    assert result.ephemeral
    assert "the limit is 200,000 bytes" in result.final_message().content


async def open_edit_form(world: BotWorld, briefing_id: int | str):
    opened = await world.fake.slash(
        world.publisher, world.channel, "article edit", {"briefing": str(briefing_id)}
    )
    assert opened.type == 9, opened
    shown = {c["custom_id"]: c.get("value") for row in opened.data["components"] for c in row["components"]}
    return opened, shown


async def import_one(world: BotWorld, record: dict[str, str]) -> int:
    """Import one briefing as a JSON file through /article import; its id."""
    attachment = world.fake.add_attachment("one.json", json.dumps(record), content_type="application/json")
    await (
        await world.fake.slash(world.publisher, world.channel, "article import", {"file": attachment})
    ).wait_final()
    storage = await open_storage(world.db_path)
    try:
        [ref] = await storage.titles_matching(record["title"], include_embargoed=True)
    finally:
        await storage.close()
    return ref.id


async def stored(world: BotWorld, briefing_id: int):
    storage = await open_storage(world.db_path)
    try:
        return await storage.get_briefing(briefing_id, include_embargoed=True)
    finally:
        await storage.close()


async def test_edit_changing_only_the_headline_keeps_everything_else(bot_world: BotWorld):
    """A publisher who fixes only the headline in the prefilled form got an error about the publish time."""
    added = await add_via_modal(
        bot_world,
        bot_world.publisher,
        title="Draft headline for editing",
        source_url="https://example.org/winter-roads",
        published="07.12.2026 10:45",
        tags="transport, winter",
    )
    briefing_id = int(added.final_message().content.split("#")[1].split(".")[0])
    before = await stored(bot_world, briefing_id)
    opened, shown = await open_edit_form(bot_world, briefing_id)
    assert "Draft headline for editing" in shown.values()
    [title_id] = [k for k, v in shown.items() if v == "Draft headline for editing"]
    # The person changes one field and leaves every other one as the form shows it.
    submitted = await opened.submit_modal({title_id: "Corrected headline after editing"})
    message = await submitted.wait_final()
    assert message.content.startswith(f"Updated briefing #{briefing_id}"), message.content
    after = await stored(bot_world, briefing_id)
    assert after is not None and before is not None
    assert after.title == "Corrected headline after editing"
    assert (after.body, after.published_at, after.source_url, after.tags) == (
        before.body,
        before.published_at,
        before.source_url,
        before.tags,
    )


async def test_edit_keeps_a_publish_time_with_seconds(bot_world: BotWorld):
    """An untouched publish time of 10:45:30 would be saved as 10:45, moving the briefing in the archive."""
    briefing_id = await import_one(
        bot_world,
        {"title": "Tariff note with exact time", "body": NEW_BODY, "published_at": "2026-11-02T10:45:30Z"},
    )
    before = await stored(bot_world, briefing_id)
    opened, shown = await open_edit_form(bot_world, briefing_id)
    assert "2026-11-02 10:45:30 UTC" in shown.values()
    await (await opened.submit_modal({})).wait_final()
    after = await stored(bot_world, briefing_id)
    assert after is not None and before is not None and after.published_at == before.published_at


async def test_edit_of_a_body_longer_than_the_form_keeps_the_body(bot_world: BotWorld):
    """Editing the headline of a long imported briefing would silently cut its body to 4,000 characters."""
    paragraph = "The committee reviewed the appendix on regional grid investment line by line. " * 8
    body = "\n\n".join(f"Part {n}. {paragraph}" for n in range(12))
    assert len(body) > 4000
    briefing_id = await import_one(
        bot_world, {"title": "Long grid appendix", "body": body, "published_at": "2026-11-02T10:00:00Z"}
    )
    before = await stored(bot_world, briefing_id)
    opened, shown = await open_edit_form(bot_world, briefing_id)
    assert "long body kept" in opened.data["title"]
    assert not any(v and v.startswith("Part 0.") for v in shown.values())
    [title_id] = [k for k, v in shown.items() if v == "Long grid appendix"]
    await (await opened.submit_modal({title_id: "Long grid appendix, corrected"})).wait_final()
    after = await stored(bot_world, briefing_id)
    assert after is not None and before is not None
    assert after.title == "Long grid appendix, corrected" and after.body == before.body


async def test_remove_asks_first_and_cancel_keeps_it(bot_world: BotWorld):
    """A misclick on /article remove would delete a briefing without confirmation."""
    before = await count(bot_world)
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article remove", {"briefing": "1"}
    )
    message = result.final_message()
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    assert set(buttons) == {"Remove and delete posted copies", "Remove, keep posts", "Cancel"}
    await bot_world.fake.click(bot_world.publisher, message, buttons["Cancel"])
    assert await count(bot_world) == before
    again = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article remove", {"briefing": "1"}
    )
    msg = again.final_message()
    ids = {c["label"]: c["custom_id"] for row in msg.components for c in row["components"]}
    await bot_world.fake.click(bot_world.publisher, msg, ids["Remove, keep posts"])
    confirmed = await bot_world.fake.wait_until(
        lambda: "Removed briefing #1" in (bot_world.fake.messages[msg.id].content or ""),
        what="removal notice",
    )
    assert confirmed
    assert await count(bot_world) == before - 1


async def test_list_shows_embargoed_briefings_to_publishers(bot_world: BotWorld):
    """A publisher could not find an embargoed briefing to edit it before it goes out."""
    await add_via_modal(
        bot_world, bot_world.publisher, title="Embargoed budget figures", published="2099-01-01 09:00"
    )
    result = await bot_world.fake.slash(bot_world.publisher, bot_world.channel, "article list")
    text = result.final_message().embeds[0]["description"]
    assert "Embargoed budget figures" in text and "embargoed" in text
    reader_view = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "search", {"query": "embargoed budget"}
    )
    assert "Embargoed budget figures" not in json.dumps(reader_view.final_message().embeds)


async def test_briefing_with_mentions_pings_nobody(bot_world: BotWorld):
    """A briefing containing @everyone or a role mention would ping the whole server."""
    body = "Officials said @everyone should prepare. <@&123456789012345678> was briefed.\n\nMore text follows here."
    await add_via_modal(bot_world, bot_world.publisher, title="@everyone alert: drills planned", body=body)
    result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, "latest")
    message = result.final_message()
    assert message.pings() == {"everyone": False, "users": [], "roles": []}
    assert message.allowed_mentions == {"parse": []}


async def test_huge_briefing_fits_discord_limits(bot_world: BotWorld):
    """A very long briefing would make Discord reject the card, so readers would see an error."""
    long_sentence = "The committee reviewed the long appendix on regional grid investment in great detail. "
    body = "\n\n".join(long_sentence * 12 for _ in range(3))
    await add_via_modal(bot_world, bot_world.publisher, title="T" * 250, body=body[:3990])
    for command, options in (("latest", {"count": 5}), ("summary", {"length": "detailed"})):
        result = await bot_world.fake.slash(bot_world.reader, bot_world.channel, command, options)
        embeds = result.final_message().embeds
        total = 0
        for embed in embeds:
            assert len(embed.get("title", "")) <= 256
            assert len(embed.get("description", "")) <= 4096
            assert all(len(f["value"]) <= 1024 for f in embed.get("fields", []))
            total += (
                len(embed.get("title", ""))
                + len(embed.get("description", ""))
                + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
                + len(embed.get("footer", {}).get("text", ""))
                + len(embed.get("author", {}).get("name", ""))
            )
        assert total <= 6000


async def test_error_after_thinking_replaces_the_placeholder(bot_world: BotWorld, monkeypatch):
    """A failure after 'thinking…' would leave the spinner forever and the error as a stray message."""
    from bot.errors import UserFacingError

    async def refuse(*args, **kwargs):
        raise UserFacingError("The archive is busy; try again in a minute.")

    monkeypatch.setattr(bot_world.bot.newsroom, "import_document", refuse)
    attachment = bot_world.fake.add_attachment("one.txt", "Title\n\nBody text here.")
    result = await bot_world.fake.slash(
        bot_world.publisher, bot_world.channel, "article import", {"file": attachment}
    )
    message = await result.wait_final()
    assert message.content == "The archive is busy; try again in a minute."
    assert message.ephemeral and result.record.followup_ids == []
