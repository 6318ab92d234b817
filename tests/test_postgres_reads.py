"""Reader queries whose PostgreSQL statement takes one of two ways to the same rows (a
title search of several words walks the newest briefings or reads the index; a surname
shared by many speakers reads each one's newest quotes or scans them all): both ways
give what SQLite gives, on every backend through the ``storage`` fixture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from storage.postgres import PostgresStorage, _archive, _quotes
from tests.helpers import analysis, draft, embargoed_among_others
from tests.storage_fixtures import open_backend

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("walk", [3, 1000])
async def test_title_words_choose_from_the_newest_matches_only(storage, monkeypatch, walk):
    """/summary by title words would pick a briefing outside the newest matches, or miss one, when the matches lie beyond the newest few."""
    monkeypatch.setattr(_archive, "TITLE_WALK", walk)
    start = NOW - timedelta(days=60)
    for i in range(1, 32):
        # Matches rise in publish time with their id, except the first: the newest of all
        # by publish time, but the oldest by id, so outside the window of the newest 25.
        published = NOW - timedelta(hours=1) if i == 1 else start + timedelta(days=i)
        await storage.add_briefing(
            draft(
                title=f"Harbour tariffs review {i}",
                body=f"Body {i}.",
                url=f"https://example.org/h{i}",
                published=published,
            ),
            analysis(),
            now=NOW,
        )
    for i in range(5):
        await storage.add_briefing(
            draft(title=f"Grain exports note {i}", body=f"Other {i}.", url=f"https://example.org/g{i}"),
            analysis(),
            now=NOW,
        )
    found = await storage.titles_matching("harbour tarif", limit=5, now=NOW)
    assert [ref.title for ref in found] == [f"Harbour tariffs review {i}" for i in (31, 30, 29, 28, 27)]
    assert await storage.titles_matching("harbour grain", limit=5, now=NOW) == []


async def test_title_words_found_only_in_old_briefings(storage, monkeypatch):
    """/summary by two title words would answer nothing when the only matches are older than the newest briefings."""
    monkeypatch.setattr(_archive, "TITLE_WALK", 3)
    old = await storage.add_briefing(
        draft(
            title="Ferry timetable change",
            body="Old.",
            url="https://example.org/f",
            published=NOW - timedelta(days=9),
        ),
        analysis(),
        now=NOW,
    )
    for i in range(6):
        await storage.add_briefing(
            draft(title=f"Ferry note {i}", body=f"New {i}.", url=f"https://example.org/n{i}"),
            analysis(),
            now=NOW,
        )
    found = await storage.titles_matching("ferry timetable", limit=1, now=NOW)
    assert [ref.id for ref in found] == [old.briefing_id]


@pytest.mark.parametrize("branches", [1, 100])
async def test_many_speakers_of_one_name_give_the_newest_quotes(storage, monkeypatch, branches):
    """/quote speaker:Koval would show older quotes, or another name's, when more speakers share the name than are read one by one."""
    monkeypatch.setattr(_quotes, "SPEAKER_BRANCHES", branches)
    people = ["Anna Koval", "Petro Koval", "Iryna Koval", "Olena Marchuk"]
    for day, person in enumerate(people * 2):
        await storage.add_briefing(
            draft(
                title=f"Story {day}",
                body=f"Body {day}.",
                url=f"https://example.org/s{day}",
                published=NOW - timedelta(days=10 - day),
            ),
            analysis((f"Quote {day} low", person, None, 0.2), (f"Quote {day} high", person, None, 0.9)),
            now=NOW,
        )
    hits = await storage.find_quotes(speaker="koval", limit=3, now=NOW)
    assert [h.quote.text for h in hits] == ["Quote 6 high", "Quote 6 low", "Quote 5 high"]
    hits = await storage.find_quotes(speaker="anna koval", limit=5, now=NOW)
    assert [h.quote.text for h in hits] == ["Quote 4 high", "Quote 4 low", "Quote 0 high", "Quote 0 low"]
    assert await storage.find_quotes(speaker="koval", now=NOW - timedelta(days=20)) == []


async def test_a_page_past_the_last_result_still_counts_the_matches(storage):
    """/search's next page after the last would say nothing matches instead of showing the total."""
    for i in range(3):
        await storage.add_briefing(
            draft(
                title=f"Dam inspection {i}",
                body=f"Inspectors visited dam {i}.",
                url=f"https://example.org/d{i}",
            ),
            analysis(),
            now=NOW,
        )
    hits, total = await storage.search("dam", limit=5, offset=5, now=NOW)
    assert (hits, total) == ([], 3)
    hits, total = await storage.search("dam", limit=2, offset=2, now=NOW)
    assert (len(hits), total) == (1, 3)


async def test_a_session_change_never_reaches_the_next_reader(tmp_path):
    """A setting one call changed on a pooled connection would silently apply to the next command that borrows it."""
    store = cast(PostgresStorage, await open_backend("postgresql", tmp_path, pool_size=1))
    try:
        default = await store._fetchval("SHOW statement_timeout")
        async with store._reading() as db:
            await db.execute("SET statement_timeout = '1234ms'")
            assert await db.fetchval("SHOW statement_timeout") == "1234ms"
        for _ in range(2):  # the same, only connection each time
            assert await store._fetchval("SHOW statement_timeout") == default
    finally:
        await store.close()


@pytest.mark.parametrize("walk", [3, 1000])
async def test_title_lookup_follows_edits_publish_times_and_removals(storage, monkeypatch, walk):
    """/summary by title words and title autocomplete would offer an old title, hide a briefing
    whose embargo was lifted, or offer a removed briefing, if the titles they read lagged behind."""
    monkeypatch.setattr(_archive, "TITLE_WALK", walk)
    added = await embargoed_among_others(
        storage,
        "Ferry timetable change",
        "Ferries.",
        "https://example.org/ferry",
        others=4,
        now=NOW,
        embargo=timedelta(days=2),
    )
    assert await storage.titles_matching("ferry timetable", now=NOW) == []  # embargoed
    await storage.update_briefing(
        added,
        draft(title="Bridge tolls review", body="Tolls.", url="https://example.org/ferry", published=NOW),
        analysis(),
        now=NOW,
    )
    assert await storage.titles_matching("ferry timetable", now=NOW) == []
    [found] = await storage.titles_matching("bridge tolls", now=NOW)
    assert (found.id, found.title, found.published_at) == (added, "Bridge tolls review", NOW)
    await storage.remove_briefing(added)
    assert await storage.titles_matching("bridge tolls", now=NOW) == []
    assert await storage.titles_matching("bridge", now=NOW) == []
