"""Search over a full-text index split into shards by id range, with shards of four
briefings so a few dozen cross many boundaries.

The search tests run on every backend (``storage``; SQLite's shards are then small);
those that look inside the shards, or break a write, run on SQLite's own class."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storage import SQLiteStorage, open_storage
from storage.sqlite.migrate import LATEST_VERSION, load_migrations
from tests.helpers import analysis, draft

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
SIZE = 4  # briefings per shard: ids 1-3 in shard 0, 4-7 in shard 1, ...


@pytest.fixture
def storage_options():
    return {"search_shard_size": SIZE}


def item(i: int, body: str, *, title: str | None = None, published: datetime | None = None):
    return (
        draft(
            title=title or f"Story {i}",
            body=body,
            url=f"https://example.org/s{i}",
            published=published or NOW - timedelta(hours=100 - i),
        ),
        analysis(),
    )


def shard_rows(path) -> dict[int, list[int]]:
    """Rowids in each shard table, read straight from the file."""
    with sqlite3.connect(path) as conn:
        shards = [r[0] for r in conn.execute("SELECT shard FROM search_shards ORDER BY shard")]
        return {
            k: [r[0] for r in conn.execute(f"SELECT rowid FROM briefings_fts_{k} ORDER BY rowid")]
            for k in shards
        }


def writes_per_shard(path) -> dict[int, int]:
    """How many segments FTS5 has written into each shard (the structure record's write counter)."""

    def varint(data: bytes, i: int) -> tuple[int, int]:
        value = 0
        for _ in range(9):
            byte = data[i]
            i += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        return value, i

    out = {}
    with sqlite3.connect(path) as conn:
        for (k,) in conn.execute("SELECT shard FROM search_shards"):
            block = conn.execute(f"SELECT block FROM briefings_fts_{k}_data WHERE id = 10").fetchone()[0]
            _levels, i = varint(block, 4)
            _segments, i = varint(block, i)
            out[k], _ = varint(block, i)
    return out


async def test_pages_cover_every_match_once_across_shards(storage):
    """Paging through /search would repeat or skip briefings where the index changes shard."""
    await storage.add_briefings(
        [item(i, f"The harbour report number {i}." + " More words here." * (i % 5)) for i in range(1, 31)],
        now=NOW,
    )
    if isinstance(storage, SQLiteStorage):  # the thirty span eight shards
        assert sorted(shard_rows(storage.path)) == list(range(8))
    everything, total = await storage.search("harbour", limit=30, now=NOW)
    assert total == 30
    assert len({h.briefing.id for h in everything}) == 30
    keys = [(h.rank, -h.briefing.id) for h in everything]
    assert keys == sorted(keys)  # best score first, then newest
    paged = []
    for offset in range(0, 30, 4):
        hits, page_total = await storage.search("harbour", limit=4, offset=offset, now=NOW)
        assert page_total == 30
        paged += hits
    assert [h.briefing.id for h in paged] == [h.briefing.id for h in everything]


async def test_a_strong_match_in_an_old_shard_ranks_first(storage):
    """The briefing titled with the searched word would be buried under newer passing mentions."""
    await storage.add_briefings(
        [
            item(i, f"Ferry timetable {i}, with a passing word on tariffs.", title=f"Ferry news {i}")
            for i in range(1, 21)
        ],
        now=NOW,
    )
    await storage.update_briefing(
        2,
        draft(title="Tariffs on tariffs", body="Tariffs, tariffs and tariffs.", url="https://e.org/t"),
        analysis(),
        now=NOW,
    )
    hits, total = await storage.search("tariffs", now=NOW)
    assert total == 20
    assert hits[0].briefing.id == 2
    assert "\ue000tariffs\ue001" in hits[0].snippet.casefold()
    assert all("\ue000tariffs\ue001" in h.snippet.casefold() for h in hits)


async def test_window_counts_only_visible_matches_across_shards(storage, monkeypatch):
    """An embargoed briefing would show in results, or count towards the total, before its publish time."""
    from storage import constants

    monkeypatch.setattr(constants, "SEARCH_WINDOW", 10)
    embargoed = {17, 20, 9}
    await storage.add_briefings(
        [
            item(i, f"Grid note {i}.", published=NOW + timedelta(days=1) if i in embargoed else None)
            for i in range(1, 21)
        ],
        now=NOW,
    )
    hits, total = await storage.search("grid", limit=20, now=NOW)
    assert total == 10  # the newest ten visible: 19, 18, 16, 15, 14, 13, 12, 11, 10, 8
    assert {h.briefing.id for h in hits} == {19, 18, 16, 15, 14, 13, 12, 11, 10, 8}
    monkeypatch.setattr(constants, "SEARCH_WINDOW", 1000)
    hits, total = await storage.search("grid", limit=20, now=NOW)
    assert total == 17
    assert embargoed.isdisjoint(h.briefing.id for h in hits)
    later = NOW + timedelta(days=2)
    assert (await storage.search("grid", limit=20, now=later))[1] == 20


async def test_phrases_and_exclusions_work_in_every_shard(storage):
    """Quoted phrases and -words would misbehave once matches sit in more than one shard."""
    bodies = [
        "Grid security talks.",
        "Security of the grid and nuclear plants.",
        "Grid security and nuclear.",
    ]
    await storage.add_briefings([item(i, bodies[i % 3]) for i in range(1, 16)], now=NOW)
    phrase, total = await storage.search('"grid security"', limit=20, now=NOW)
    assert total == 10
    assert {h.briefing.id % 3 for h in phrase} == {0, 2}
    excluded, total = await storage.search("security -nuclear", limit=20, now=NOW)
    assert total == 5
    assert {h.briefing.id % 3 for h in excluded} == {0}


async def test_edits_and_removals_reach_the_right_shard(sqlite_storage):
    """An edited or removed briefing in an old shard would still be found by its old words."""
    await sqlite_storage.add_briefings([item(i, f"Customs update {i}.") for i in range(1, 13)], now=NOW)
    await sqlite_storage.update_briefing(
        5, draft(title="Port fees", body="Hydrogen port fees.", url="https://e.org/5"), analysis(), now=NOW
    )
    await sqlite_storage.remove_briefing(10)
    rows = shard_rows(sqlite_storage.path)
    assert rows[1] == [4, 5, 6, 7] and rows[2] == [8, 9, 11]
    assert [h.briefing.id for h in (await sqlite_storage.search("hydrogen", now=NOW))[0]] == [5]
    customs, total = await sqlite_storage.search("customs", limit=20, now=NOW)
    assert total == 10
    assert {h.briefing.id for h in customs}.isdisjoint({5, 10})


async def test_a_new_shard_is_created_with_its_first_briefing(sqlite_storage):
    """Briefings past a shard boundary would not be searchable, or a failed import would leave an empty shard."""
    import storage.sqlite._writes as writes

    await sqlite_storage.add_briefings([item(i, f"Rail note {i}.") for i in range(1, 4)], now=NOW)
    assert list(shard_rows(sqlite_storage.path)) == [0]
    original = writes.write_children

    def failing_second(db, briefing_id, d, a):
        if briefing_id == 5:
            raise RuntimeError("disk went away")
        original(db, briefing_id, d, a)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writes, "write_children", failing_second)
        with pytest.raises(RuntimeError):
            await sqlite_storage.add_briefings([item(4, "Rail note 4."), item(5, "Rail note 5.")], now=NOW)
    with sqlite3.connect(sqlite_storage.path) as conn:
        assert (
            conn.execute("SELECT name FROM sqlite_master WHERE name = 'briefings_fts_1'").fetchone() is None
        )
    assert list(shard_rows(sqlite_storage.path)) == [0]
    await sqlite_storage.add_briefings([item(4, "Rail note 4."), item(5, "Rail note 5.")], now=NOW)
    assert shard_rows(sqlite_storage.path) == {0: [1, 2, 3], 1: [4, 5]}
    assert (await sqlite_storage.search("rail", now=NOW))[1] == 5


async def test_a_batch_writes_one_segment_per_shard(sqlite_storage):
    """A batch import would write each briefing's index data separately (slow imports, a fragmented index)."""
    await sqlite_storage.add_briefings([item(i, f"Water report {i}.") for i in range(1, 11)], now=NOW)
    assert writes_per_shard(sqlite_storage.path) == {0: 1, 1: 1, 2: 1}
    await sqlite_storage.add_briefings([item(i, f"Water report {i}.") for i in range(11, 14)], now=NOW)
    assert writes_per_shard(sqlite_storage.path) == {0: 1, 1: 1, 2: 2, 3: 1}


async def test_shard_size_is_fixed_when_the_database_is_created(tmp_path):
    """Reopening with another shard size would file new briefings where search never looks."""
    path = tmp_path / "fixed.db"
    first = await open_storage(path, search_shard_size=SIZE)
    try:
        await first.add_briefings([item(i, f"Pension note {i}.") for i in range(1, 6)], now=NOW)
    finally:
        await first.close()
    again = await open_storage(path, search_shard_size=1000)
    try:
        await again.add_briefings([item(i, f"Pension note {i}.") for i in range(6, 10)], now=NOW)
        assert (await again.search("pension", limit=20, now=NOW))[1] == 9
    finally:
        await again.close()
    assert shard_rows(path) == {0: [1, 2, 3], 1: [4, 5, 6, 7], 2: [8, 9]}


async def test_upgrade_splits_the_single_index_into_shards(tmp_path):
    """Upgrading would lose search over every briefing stored before sharding."""
    path = tmp_path / "v6.db"
    with sqlite3.connect(path) as conn:
        for migration in load_migrations()[:6]:
            conn.executescript(migration.sql)
        conn.execute("PRAGMA user_version = 6")
        for i in [*range(1, 10), 17, 18]:  # shards 0-2 and 4; none for ids 12-15
            conn.execute(
                "INSERT INTO briefings (id, title, body, published_at, fingerprint, language, summary_short, "
                "summary_standard, summary_detailed, created_at, updated_at) "
                "VALUES (?, ?, ?, 1, ?, 'en', 's', 's', 's', 1, 1)",
                (i, f"Old story {i}", f"Old budget body {i}.", f"fp{i}"),
            )
            conn.execute(
                "INSERT INTO briefings_fts (rowid, title, summary, quotes, body, tags) VALUES (?, ?, 's', '', ?, '')",
                (i, f"Old story {i}", f"Old budget body {i}."),
            )
    s = await open_storage(path, search_shard_size=SIZE)
    try:
        assert await s.schema_version() == LATEST_VERSION
        hits, total = await s.search("budget", limit=20, now=NOW)
        assert total == 11
        assert sorted(h.briefing.id for h in hits) == [*range(1, 10), 17, 18]
        assert "\ue000budget\ue001" in hits[0].snippet
        assert (await s.search("budgets", limit=20, now=NOW))[1] == 11  # re-indexed with stemming (0008)
    finally:
        await s.close()
    assert shard_rows(path) == {0: [1, 2, 3], 1: [4, 5, 6, 7], 2: [8, 9], 4: [17, 18]}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'briefings_fts'").fetchone() is None
        assert conn.execute("SELECT value FROM meta WHERE key = 'search_shard_size'").fetchone() == (
            str(SIZE),
        )


async def test_search_finds_other_forms_of_a_word(storage):
    """A reader searching "contracts" or "зерно" would miss the briefing that says "contract" or "зерна"."""
    await storage.add_briefings(
        [
            item(1, "The council signed a contract to electrify the berths."),
            item(2, "Уряд спростить експорт зерна через дунайські порти."),
            item(3, "Мэрия утвердила план ремонта теплосетей."),
            item(4, "Зерновий термінал і зерно нового врожаю."),
        ],
        now=NOW,
    )

    async def found(query: str) -> list[int]:
        return sorted(h.briefing.id for h in (await storage.search(query, limit=20, now=NOW))[0])

    assert await found("contracts") == [1]
    assert await found("electrifying berth") == [1]
    assert await found("зерно") == [2, 4]
    assert await found("теплосеть") == [3]
    assert await found('"зерно"') == [4]  # a quoted word matches as written
    assert await found("зерна -термінал") == [2]


async def test_cyrillic_search_keeps_to_the_words_own_forms(storage):
    """'Київ' would miss 'Києва', or 'контракти' would also list briefings about a 'контрактник'."""
    await storage.add_briefings(
        [
            item(1, "Перший рейс з Києва до Варшави вирушив уранці."),
            item(2, "Міністерство оборони уклало нові контракти на постачання."),
            item(3, "Контрактник звільнився зі служби після дев'яти років."),
            item(4, "Кий для більярду продали на аукціоні."),
        ],
        now=NOW,
    )

    async def found(query: str) -> list[int]:
        return sorted(h.briefing.id for h in (await storage.search(query, limit=20, now=NOW))[0])

    assert await found("Київ") == [1]
    assert await found("контракти") == [2]
    assert await found("контрактів постачання") == [2]
