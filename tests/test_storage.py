"""The storage contract (idempotent ingest, search, quotes, subscriptions) on every backend
through the ``storage`` fixture; SQLite's migrations, URLs and write internals on real files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import ScheduleKind, Subscription
from storage import SchemaTooNewError, StorageError, open_storage
from storage.sqlite.migrate import LATEST_VERSION
from tests.helpers import analysis, draft

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


async def test_fresh_database_is_migrated_to_latest(tmp_path):
    """A new install gets the whole schema; the bot would fail on first command otherwise."""
    s = await open_storage(tmp_path / "new.db")
    try:
        assert await s.schema_version() == LATEST_VERSION
    finally:
        await s.close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
        assert {"briefings", "quotes", "speakers", "subscriptions", "deliveries", "search_shards"} <= tables
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_upgrade_from_version_1_keeps_data(tmp_path):
    """An operator upgrading briefbot keeps every stored briefing and subscription."""
    from storage.sqlite.migrate import load_migrations

    path = tmp_path / "old.db"
    first = load_migrations()[0]
    with sqlite3.connect(path) as conn:
        conn.executescript(first.sql + "\nPRAGMA user_version = 1;")
        conn.execute(
            "INSERT INTO briefings (title, body, published_at, fingerprint, language, summary_short, "
            "summary_standard, summary_detailed, created_at, updated_at) "
            "VALUES ('Old story', 'Old body.', 1, 'fp', 'en', 's', 's', 's', 1, 1)"
        )
        conn.execute(
            "INSERT INTO subscriptions (channel_id, guild_id, schedule, timezone, created_at) "
            "VALUES (5, 6, 'instant', 'UTC', 1)"
        )
    s = await open_storage(path, migrate_schema=False)
    try:
        assert await s.schema_version() == 1
        assert await s.upgrade() == list(range(2, LATEST_VERSION + 1))
        assert await s.schema_version() == LATEST_VERSION
        [old] = await s.list_briefings()
        assert old.title == "Old story"
        sub = await s.get_subscription(5)
        assert sub is not None
        assert sub.guild_id == 6
        assert await s.upgrade() == []
    finally:
        await s.close()


async def test_database_from_a_newer_briefbot_is_refused_untouched(tmp_path):
    """A downgrade never corrupts a newer database: it is refused with a clear message."""
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
        conn.execute("CREATE TABLE marker (x)")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match=r"newer|only knows"):
        await open_storage(path)
    assert path.read_bytes() == before


async def test_missing_folder_gives_a_clear_error(tmp_path):
    """A typo in the database path names the missing folder instead of a SQLite traceback."""
    with pytest.raises(StorageError, match="does not exist"):
        await open_storage(tmp_path / "nope" / "x.db")


async def test_same_briefing_twice_is_stored_once(storage):
    """Pasting the same story twice never creates a second briefing."""
    first = await storage.add_briefing(draft(), analysis(), now=NOW)
    again = await storage.add_briefing(draft(), analysis(), now=NOW)
    assert not first.duplicate and again.duplicate
    assert again.briefing_id == first.briefing_id
    assert await storage.count_briefings() == 1


async def test_same_url_or_same_text_with_other_spacing_is_a_duplicate(storage):
    """A re-sent wire (same URL) or re-pasted text with other spacing and case is recognised."""
    first = await storage.add_briefing(draft(), analysis(), now=NOW)
    same_url = await storage.add_briefing(
        draft(title="Different headline", body="Other text."), analysis(), now=NOW
    )
    same_text = await storage.add_briefing(
        draft(
            title="COUNCIL  agrees grid-security package",
            url=None,
            body='Ministers agreed a package on Tuesday.\n\n"We moved faster than expected,"   said Minister Olena Marchuk.',
        ),
        analysis(),
        now=NOW,
    )
    assert same_url.duplicate and same_text.duplicate
    assert same_url.briefing_id == same_text.briefing_id == first.briefing_id


async def test_edit_keeps_the_id_and_reindexes(storage):
    """Correcting a briefing keeps its id, and search finds the new words, not the old."""
    added = await storage.add_briefing(
        draft(), analysis(("We moved faster", "Olena Marchuk", "Minister", 0.9)), now=NOW
    )
    edited = await storage.update_briefing(
        added.briefing_id,
        draft(
            title="Council agrees revised grid package", body="The package was revised to include hydrogen."
        ),
        analysis(),
        now=NOW,
    )
    assert edited.id == added.briefing_id
    assert edited.title == "Council agrees revised grid package"
    assert (await storage.search("hydrogen", now=NOW))[1] == 1
    assert (await storage.search("faster", now=NOW))[1] == 0
    assert await storage.find_quotes(speaker="Marchuk", now=NOW) == []


async def test_remove_deletes_everything_about_a_briefing(storage):
    """A removed briefing disappears from latest, search, quotes and speaker suggestions."""
    added = await storage.add_briefing(
        draft(), analysis(("We moved faster", "Olena Marchuk", "Minister", 0.9)), now=NOW
    )
    assert await storage.remove_briefing(added.briefing_id) == []
    assert await storage.latest(5, now=NOW) == []
    assert (await storage.search("package", now=NOW))[1] == 0
    assert await storage.speakers_matching("mar") == []


async def test_latest_is_newest_first_and_filters_by_topic(storage):
    """/latest shows the newest briefing first, and a topic narrows it."""
    for day, tags in ((1, ("energy",)), (3, ("defence",)), (2, ("energy", "eu"))):
        await storage.add_briefing(
            draft(
                title=f"Day {day} story",
                body=f"Body of day {day}.",
                url=f"https://example.org/{day}",
                published=NOW - timedelta(days=10 - day),
                tags=tags,
            ),
            analysis(),
            now=NOW,
        )
    assert [b.title for b in await storage.latest(3, now=NOW)] == [
        "Day 3 story",
        "Day 2 story",
        "Day 1 story",
    ]
    assert [b.title for b in await storage.latest(3, topic="Energy", now=NOW)] == [
        "Day 2 story",
        "Day 1 story",
    ]


async def test_embargoed_briefing_is_hidden_until_its_time(storage):
    """A briefing with a future publish time is invisible to readers until then."""
    await storage.add_briefing(
        draft(published=NOW + timedelta(hours=2)), analysis(("x y z", "A B", None, 1.0)), now=NOW
    )
    assert await storage.latest(1, now=NOW) == []
    assert (await storage.search("package", now=NOW))[1] == 0
    assert await storage.find_quotes(now=NOW) == []
    later = NOW + timedelta(hours=3)
    assert len(await storage.latest(1, now=later)) == 1


async def test_search_ranks_title_matches_first_and_highlights(storage):
    """The briefing about the searched subject comes first, with the words highlighted."""
    await storage.add_briefing(
        draft(
            title="Budget talks stall",
            body="Grid operators mentioned sanctions once in passing.",
            url="https://example.org/1",
        ),
        analysis(),
        now=NOW,
    )
    await storage.add_briefing(
        draft(
            title="New sanctions package on shipping",
            body="The sanctions package targets shipping insurers.",
            url="https://example.org/2",
        ),
        analysis(),
        now=NOW,
    )
    hits, total = await storage.search("sanctions", now=NOW)
    assert total == 2
    assert hits[0].briefing.title == "New sanctions package on shipping"
    assert "\ue000sanctions\ue001" in hits[0].snippet.casefold()


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b", "*", "-", "title:x", "a OR", "((", "'", "^foo", '"unbalanced phrase', "AND", "\u200b"],
)
async def test_search_never_fails_on_fts_syntax(storage, query):
    """Whatever a reader types into /search, they get results or none, never an error."""
    await storage.add_briefing(draft(), analysis(), now=NOW)
    hits, total = await storage.search(query, now=NOW)
    assert total == len(hits) or total > len(hits)


async def test_search_supports_phrases_and_exclusion(storage):
    """Readers can search an exact phrase and exclude a word."""
    await storage.add_briefing(
        draft(title="Grid security", body="Grid security talks.", url="https://example.org/a"),
        analysis(),
        now=NOW,
    )
    await storage.add_briefing(
        draft(
            title="Security of grid",
            body="Security of the grid and nuclear plants.",
            url="https://example.org/b",
        ),
        analysis(),
        now=NOW,
    )
    assert (await storage.search('"grid security"', now=NOW))[1] == 1
    assert (await storage.search("security -nuclear", now=NOW))[1] == 1


async def test_surname_finds_the_speakers_quotes(storage):
    """/quote speaker:Marchuk finds quotes stored under 'Olena Marchuk' with her role."""
    await storage.add_briefing(
        draft(),
        analysis(("We moved faster than expected,", "Olena Marchuk", "Deputy Foreign Minister", 0.8)),
        now=NOW,
    )
    hits = await storage.find_quotes(speaker="marchuk", now=NOW)
    assert [(h.quote.speaker, h.quote.speaker_role) for h in hits] == [
        ("Olena Marchuk", "Deputy Foreign Minister")
    ]
    assert hits[0].source_url == "https://example.org/grid"
    assert await storage.speakers_matching("Mar") == [("Olena Marchuk", "Deputy Foreign Minister")]
    assert await storage.find_quotes(speaker="Blinken", now=NOW) == []


async def test_quote_without_options_is_the_top_quote_of_the_newest_briefing(storage):
    """Plain /quote shows the best quote of the newest briefing."""
    await storage.add_briefing(
        draft(title="Old", body="Old body.", url="https://example.org/o", published=NOW - timedelta(days=5)),
        analysis(("Old words here", "A Person", None, 0.99)),
        now=NOW,
    )
    await storage.add_briefing(
        draft(),
        analysis(("Weak fragment", "B Person", None, 0.2), ("Strong statement", "C Person", None, 0.9)),
        now=NOW,
    )
    hits = await storage.find_quotes(limit=1, now=NOW)
    assert hits[0].quote.text == "Strong statement"


async def test_quote_contains_is_literal_not_a_pattern(storage):
    """Typing % or _ in /quote contains: matches those characters, not everything."""
    await storage.add_briefing(
        draft(),
        analysis(("Growth of 5% is expected", "A B", None, 0.5), ("Nothing here", "A B", None, 0.5)),
        now=NOW,
    )
    hits = await storage.find_quotes(contains="5%", now=NOW)
    assert [h.quote.text for h in hits] == ["Growth of 5% is expected"]


async def test_title_autocomplete_matches_any_word_prefix(storage):
    """Typing part of any word in a title suggests the briefing."""
    await storage.add_briefing(draft(title="Council agrees grid-security package"), analysis(), now=NOW)
    assert [r.title for r in await storage.titles_matching("secur", now=NOW)] == [
        "Council agrees grid-security package"
    ]
    assert await storage.titles_matching("zzz", now=NOW) == []


async def test_subscription_roundtrip_and_resubscribe_clears_pause(storage):
    """A paused channel resumes when a manager subscribes it again."""
    sub = Subscription(
        channel_id=10,
        guild_id=1,
        schedule=ScheduleKind.DAILY,
        time="08:00",
        timezone="Europe/Kyiv",
        topics=("energy",),
    )
    await storage.upsert_subscription(sub)
    await storage.pause_subscription(10, "Missing Access")
    assert (await storage.get_subscription(10)).paused_reason == "Missing Access"
    again = await storage.upsert_subscription(sub)
    assert again.paused_reason is None and again.topics == ("energy",)
    assert [s.channel_id for s in await storage.subscriptions(guild_id=1)] == [10]
    assert await storage.delete_subscription(10)
    assert await storage.get_subscription(10) is None


async def test_failed_batch_leaves_nothing_half_written(sqlite_storage, monkeypatch):
    """If storing a batch fails midway, none of it is stored (no half-imported file)."""
    import storage.sqlite._writes as writes

    good = (draft(title="One", body="Body one.", url="https://example.org/1"), analysis())
    bad = (draft(title="Two", body="Body two.", url="https://example.org/2"), analysis())
    calls = 0
    original = writes.write_children

    def flaky(db, briefing_id, d, a):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk went away")
        original(db, briefing_id, d, a)

    monkeypatch.setattr(writes, "write_children", flaky)
    with pytest.raises(RuntimeError):
        await sqlite_storage.add_briefings([good, bad], now=NOW)
    assert await sqlite_storage.count_briefings() == 0
    assert (await sqlite_storage.search("body", now=NOW))[1] == 0
    monkeypatch.undo()
    assert [o.duplicate for o in await sqlite_storage.add_briefings([good, bad], now=NOW)] == [False, False]


async def test_broad_search_is_bounded_and_says_so(storage, monkeypatch):
    """A search for a very common word would rank the whole archive (slow) or claim an exact count."""
    from storage import constants

    monkeypatch.setattr(constants, "SEARCH_WINDOW", 5)
    for i in range(8):
        await storage.add_briefing(
            draft(
                title=f"Budget story {i}", body=f"Budget text number {i}.", url=f"https://example.org/b{i}"
            ),
            analysis(),
            now=NOW,
        )
    hits, total = await storage.search("budget", limit=10, now=NOW)
    assert total == 5  # "5+": only the newest window is ranked
    assert {h.briefing.title for h in hits} == {f"Budget story {i}" for i in range(3, 8)}


async def test_title_autocomplete_follows_edits_and_removals(storage):
    """Autocomplete would suggest a briefing's old title after an edit, or a removed briefing."""
    added = await storage.add_briefing(draft(title="Harbour tariffs frozen"), analysis(), now=NOW)
    await storage.update_briefing(added.briefing_id, draft(title="Harbour fees frozen"), analysis(), now=NOW)
    assert await storage.titles_matching("tarif", now=NOW) == []
    assert [r.title for r in await storage.titles_matching("fee", now=NOW)] == ["Harbour fees frozen"]
    await storage.remove_briefing(added.briefing_id)
    assert await storage.titles_matching("harb", now=NOW) == []


async def test_title_autocomplete_follows_a_changed_publish_time(storage):
    """A briefing edited to a later publish time would still be offered by autocomplete before then."""
    added = await storage.add_briefing(draft(title="Harbour tariffs frozen"), analysis(), now=NOW)
    later = draft(title="Harbour tariffs frozen", published=NOW + timedelta(days=2))
    await storage.update_briefing(added.briefing_id, later, analysis(), now=NOW)
    assert await storage.titles_matching("harbour tariffs", now=NOW) == []
    assert [r.id for r in await storage.titles_matching("harb", now=NOW + timedelta(days=3))] == [
        added.briefing_id
    ]


async def test_upgrade_to_version_5_keeps_title_autocomplete(tmp_path):
    """After upgrading, autocomplete and /summary by title words would miss every briefing stored before."""
    from storage.sqlite.migrate import load_migrations

    path = tmp_path / "v4.db"
    with sqlite3.connect(path) as conn:
        for migration in load_migrations()[:4]:
            conn.executescript(migration.sql)
        conn.execute("PRAGMA user_version = 4")
        conn.execute(
            "INSERT INTO briefings (title, body, published_at, fingerprint, language, summary_short, "
            "summary_standard, summary_detailed, created_at, updated_at) "
            "VALUES ('Coordination talks resume', 'Old body.', 1, 'fp', 'en', 's', 's', 's', 1, 1)"
        )
    s = await open_storage(path)
    try:
        assert await s.schema_version() == LATEST_VERSION
        for typed in ("c", "coordin", "coordinatio", "talks resu"):
            assert [r.title for r in await s.titles_matching(typed, now=NOW)] == ["Coordination talks resume"]
        added = await s.add_briefing(draft(title="Coordination cell opens"), analysis(), now=NOW)
        assert (await s.titles_matching("coordinati", now=NOW))[0].id == added.briefing_id
    finally:
        await s.close()


async def test_shared_surname_gives_the_newest_quotes_across_speakers(storage):
    """/quote speaker:Koval would show an older quote, or only one Koval's, when several share the name."""
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
    assert {h.quote.speaker for h in hits} == {"Iryna Koval", "Petro Koval"}
    hits = await storage.find_quotes(speaker="Koval", contains="low", limit=2, now=NOW)
    assert [h.quote.text for h in hits] == ["Quote 6 low", "Quote 5 low"]
    assert await storage.find_quotes(speaker="koval", now=NOW - timedelta(days=20)) == []


async def test_a_write_cancelled_while_starting_leaves_no_transaction_open(sqlite_storage):
    """A command or fan-out cancelled at the wrong moment would leave half a write, or the database refusing every later write."""
    import asyncio
    import threading

    release = threading.Event()
    busy = asyncio.create_task(sqlite_storage._call(lambda db: release.wait(10)))
    task = asyncio.create_task(sqlite_storage.set_meta("cancelled", "x"))
    await asyncio.sleep(0)  # the write now waits its turn on the connection's thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    await busy
    await sqlite_storage.set_meta("k", "v")
    assert await sqlite_storage.get_meta("k") == "v"
    assert await sqlite_storage.get_meta("cancelled") is None


@pytest.mark.parametrize("target", ["{dir}/url.db", "sqlite:///{dir}/url.db"])
async def test_a_path_or_a_sqlite_url_opens_sqlite(tmp_path, target):
    """An operator writing the database as a sqlite:/// URL, or as a plain path, would get another file or an error."""
    opened = await open_storage(target.format(dir=tmp_path))
    try:
        assert opened.location == f"{tmp_path}/url.db"
        assert await opened.max_briefing_id() == 0
    finally:
        await opened.close()
    assert (tmp_path / "url.db").is_file()


async def test_a_relative_sqlite_url_is_relative(tmp_path, monkeypatch):
    """sqlite:///name.db would open a file in the root folder instead of beside the bot."""
    monkeypatch.chdir(tmp_path)
    opened = await open_storage("sqlite:///relative.db")
    await opened.close()
    assert (tmp_path / "relative.db").is_file()


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("mysql://briefbot:secret@db.example.org/briefbot", "unknown storage mysql://"),
        ("sqlite://host/briefbot.db", "sqlite:///relative/path"),
    ],
)
async def test_a_target_no_backend_serves_gives_a_clear_error(target, says):
    """A URL no backend serves would crash start-up with a traceback, or print its password
    (PostgreSQL URLs: tests/test_postgres_open.py)."""
    with pytest.raises(StorageError, match=says) as info:
        await open_storage(target)
    assert "secret" not in str(info.value)
