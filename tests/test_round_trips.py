"""Every value the bot shows that a user may submit or paste back parses to the same thing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.ingest import format_when
from bot.ingest._text import parse_when
from bot.models import ScheduleKind, Subscription
from bot.terminal import plain
from bot.timetable import WEEKDAYS, describe, parse_schedule_options
from storage import open_storage
from tests.conftest import BotWorld
from tests.helpers import WIRE, run

KYIV = ZoneInfo("Europe/Kyiv")

moments = st.datetimes(
    min_value=datetime(1901, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda m: m.replace(microsecond=0))


@given(moments)
def test_a_shown_publish_time_parses_back_to_the_same_instant(moment: datetime):
    """An editor who leaves the prefilled publish time alone would move the briefing in time."""
    assert parse_when(format_when(moment), KYIV) == moment


@given(moments)
def test_a_time_on_a_terminal_card_parses_back(moment: datetime):
    """A time copied from `briefbot show` into a file's date would be refused or read in the wrong zone."""
    shown = plain(f"<t:{int(moment.timestamp())}:f>")
    assert parse_when(shown, KYIV) == moment.replace(second=0)


@given(
    st.sampled_from([ScheduleKind.DAILY, ScheduleKind.WEEKLY]),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 6),
    st.sampled_from(["UTC", "Europe/Kyiv", "America/St_Johns", "Asia/Kathmandu"]),
)
def test_a_schedule_as_listed_resubscribes_to_the_same_schedule(
    kind: ScheduleKind, hour: int, minute: int, weekday: int, zone: str
):
    """A manager who types back what /subscriptions shows would get a different schedule."""
    sub = Subscription(
        channel_id=1,
        guild_id=2,
        schedule=kind,
        time=f"{hour:02d}:{minute:02d}",
        weekday=weekday if kind is ScheduleKind.WEEKLY else None,
        timezone=zone,
    )
    shown = describe(sub)
    match = re.fullmatch(r"(daily|weekly)(?: on (\w+))? at (\d\d:\d\d) \((.+)\)", shown)
    assert match, shown
    schedule, day, time, timezone = match.groups()
    options = parse_schedule_options(schedule, time, timezone, day, "UTC")
    assert (options.schedule, options.time, options.weekday, options.timezone) == (
        sub.schedule,
        sub.time,
        sub.weekday,
        sub.timezone,
    )
    assert day is None or day.casefold() in WEEKDAYS


async def test_a_title_choice_typed_back_finds_the_same_briefing(bot_world: BotWorld):
    """A reader who types the suggested 'Title (07 Dec 2026)' instead of picking it got another briefing."""
    storage = await open_storage(bot_world.db_path)
    try:
        refs = await storage.list_briefings(limit=50)
    finally:
        await storage.close()
    target = refs[-1]  # the oldest: the newest briefing sharing any word must not win
    word = max(target.title.split(), key=len).strip(",.:;")
    suggested = await bot_world.fake.autocomplete(
        bot_world.reader, bot_world.channel, "summary", {"briefing": word}, focused="briefing"
    )
    [choice] = [c for c in suggested.choices if c["value"] == str(target.id)]
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "summary", {"briefing": choice["name"]}
    )
    [embed] = result.final_message().embeds
    assert target.title in json.dumps(embed, ensure_ascii=False).replace("\\\\", "")


async def test_a_speaker_choice_typed_back_finds_their_quotes(bot_world: BotWorld):
    """A reader who types the suggested 'Name — Role' instead of picking it was told there are no quotes."""
    suggested = await bot_world.fake.autocomplete(
        bot_world.reader, bot_world.channel, "quote", {"speaker": ""}, focused="speaker"
    )
    [choice] = [c for c in suggested.choices if " — " in c["name"]][:1]
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "quote", {"speaker": choice["name"]}
    )
    embeds = result.final_message().embeds
    assert embeds and embeds[0]["author"]["name"] == choice["value"]


def test_cli_ids_and_times_from_list_are_accepted_back(tmp_path: Path):
    """`briefbot show #1`, with the id as `list` prints it, failed; a time copied from `list` moved by the ingest zone."""
    wire = tmp_path / "grid.txt"
    wire.write_text(WIRE, encoding="utf-8")
    assert run(tmp_path, "add", str(wire)).returncode == 0
    listed = run(tmp_path, "list").stdout.splitlines()[0]
    match = re.match(r"(#\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)? UTC)\s+", listed)
    assert match, listed
    shown = json.loads(run(tmp_path, "show", match.group(1), "--json").stdout)
    copy = tmp_path / "copy.json"
    copy.write_text(
        json.dumps({"title": "Same time, new item", "body": "Body.", "published_at": match.group(2)})
    )
    assert run(tmp_path, "add", str(copy)).returncode == 0
    again = json.loads(run(tmp_path, "show", "#2", "--json").stdout)
    assert again["published_at"] == shown["published_at"]


def test_cli_show_json_fed_to_add_gives_the_same_briefing(tmp_path: Path):
    """Moving a briefing with `show --json` then `add` would change its text, time, link or topics."""
    wire = tmp_path / "grid.txt"
    wire.write_text(WIRE + "\nURL: https://example.org/grid-fund\nTags: energy, grid\n", encoding="utf-8")
    source = tmp_path / "a"
    source.mkdir()
    assert run(source, "add", str(wire)).returncode == 0
    exported = run(source, "show", "1", "--json").stdout
    dest = tmp_path / "b"
    dest.mkdir()
    (dest / "moved.json").write_text(exported, encoding="utf-8")
    assert run(dest, "add", "moved.json").returncode == 0
    before, after = json.loads(exported), json.loads(run(dest, "show", "1", "--json").stdout)
    fields = ("title", "body", "published_at", "source_url", "tags", "language")
    assert {k: after[k] for k in fields} == {k: before[k] for k in fields}
    assert before["source_url"] and before["tags"] == ["energy", "grid"]
    assert after["quotes"] == before["quotes"]
