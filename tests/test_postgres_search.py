"""Search on PostgreSQL behaves as on SQLite because the terms, the query and the snippet
are computed the same way: checked here against SQLite's FTS5 itself, term by term and
snippet by snippet, and then end to end on both backends over the same archive."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.ingest import sample_paths
from bot.models import Draft
from storage import constants, open_storage
from storage.postgres._query import parse
from storage.postgres._snippet import snippet
from storage.postgres._tokens import terms
from storage.postgres.migrate import LATEST_VERSION
from storage.sqlite.fts import build_match
from tests.helpers import analysis, draft, embargoed_among_others
from tests.storage_fixtures import ContractStorage, open_backend, postgres_server

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
TEXTS = [
    "Ministers agreed a package on Tuesday; the sanctions package targets shipping insurers.",
    "Électricité: the café's naïve résumé — ﬁne “quotes”, don't split_words 2026-03-05 v2.1",
    "Уряд спростить експорт зерна через дунайські порти. Київ, Києва, дев'ять, її, ґанок.",
    "Мэрия утвердила план ремонта теплосетей; ёлка и ЁЛКА, объём.",
    "electrifying generalizations, conditionally hopeful; sky skies flying flies agreed feed",
    "İstanbul Straße ǅemal ſtrong ΣΊΣΥΦΟΣ µ ½ ² ④ x\u0301y a\u0308b \ue000private\ue001",
]


def _fts5_terms(texts: list[str], tokenize: str) -> list[list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '{tokenize}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", list(enumerate(texts, 1)))
    found: dict[int, dict[int, str]] = {}
    for term, doc, _col, offset in db.execute("SELECT term, doc, col, offset FROM v"):
        found.setdefault(doc, {})[offset] = term
    return [[found.get(i, {})[k] for k in sorted(found.get(i, {}))] for i in range(1, len(texts) + 1)]


def _sample_texts() -> list[str]:
    return [path.read_text("utf-8") for path in sample_paths()]


@pytest.mark.parametrize(
    ("tokenize", "stemmed"),
    [("porter unicode61 remove_diacritics 2", True), ("unicode61 remove_diacritics 2", False)],
)
def test_terms_are_the_ones_sqlite_indexes(tokenize, stemmed):
    """A word would be found on one backend and missed on the other (a stem, an accent, a Ukrainian letter)."""
    texts = TEXTS + _sample_texts()
    assert [terms(t, stemmed=stemmed) for t in texts] == _fts5_terms(texts, tokenize)


def test_stems_are_the_ones_sqlite_computes():
    """An English word form would stem differently on PostgreSQL and be missed by /search."""
    rng = random.Random(17)
    suffixes = ["", "s", "es", "ies", "sses", "ed", "eed", "ing", "ational", "tional", "izer", "ization"]
    suffixes += [
        "ness",
        "iveness",
        "fulness",
        "alize",
        "ement",
        "ment",
        "ion",
        "ate",
        "iti",
        "ous",
        "ll",
        "y",
    ]
    words = [
        "".join(rng.choice("abcdefghilmnoprstuvyz") for _ in range(rng.randint(0, 7))) + rng.choice(suffixes)
        for _ in range(20000)
    ]
    words = [w for w in words if w]
    text = " ".join(words)
    assert terms(text, stemmed=True) == _fts5_terms([text], "porter unicode61 remove_diacritics 2")[0]


def test_snippets_are_the_ones_sqlite_cuts():
    """Search results would show another passage, or mark other words, than on SQLite."""
    rng = random.Random(5)
    vocab = ["grid", "security", "talks", "nuclear", "sanctions", "sanctioned", "contract", "contracts"]
    vocab += ["the", "of", "and", "зерно", "зерна", "Київ", "Києва", "tariffs", "tariff"]
    seps = [" ", " ", ", ", ". ", ": ", "\n\n", " - ", "; ", '"']
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')")
    compared = 0
    for _ in range(600):
        body = "".join(
            rng.choice(vocab) + rng.choice(seps) for _ in range(rng.choice([0, 3, 23, 24, 25, 60]))
        )
        words = [rng.choice(vocab) for _ in range(rng.randint(1, 3))]
        query = " ".join(f'"{w} {rng.choice(vocab)}"' if rng.random() < 0.2 else w for w in words)
        match = build_match(query, prefix_last=False)
        parsed = parse(query, stemmed=True, prefix_last=False)
        assert (match is None) == (parsed is None)
        if match is None or parsed is None:
            continue
        db.execute("DELETE FROM t")
        db.execute("INSERT INTO t (rowid, body) VALUES (1, ?)", (body,))
        row = db.execute(
            "SELECT snippet(t, 0, '[', ']', '…', 24) FROM t WHERE t MATCH ?", (match,)
        ).fetchone()
        if row is None:
            continue
        assert snippet(body, parsed.phrases(), start="[", end="]", ellipsis="…", size=24) == row[0], (
            query,
            body,
        )
        compared += 1
    assert compared > 200


QUERIES = [
    "sanctions",
    "sanction",
    "grid",
    "power grid",
    '"power grid"',
    "grid -winter",
    "shipping insurance",
    "contracts",
    "electricity",
    "school",
    "Київ",
    "зерно",
    "shelters",
    "water -security",
    '"single window"',
    "customs",
    "minister",
    "the",
    "_",
    '"',
    "nonexistentword",
]


def _archive() -> list[Draft]:
    """The bundled samples and some made-up briefings, with a few embargoed."""
    from bot.ingest import parse_document

    drafts: list[Draft] = []
    for path in sample_paths():
        result = parse_document(path.read_bytes(), path.name, tz=UTC_ZONE, now=NOW)
        drafts += result.drafts
    rng = random.Random(3)
    words = "grid power winter sanctions shipping insurance Київ зерно порти school water security minister"
    for i in range(40):
        body = " ".join(rng.choice(words.split()) for _ in range(rng.randint(5, 40))) + "."
        published = NOW - timedelta(hours=i) if i % 7 else NOW + timedelta(days=1)
        drafts.append(
            draft(title=f"Note {i} on {rng.choice(words.split())}", body=body, url=None, published=published)
        )
    return drafts


@pytest.fixture
async def both(tmp_path) -> AsyncIterator[list[ContractStorage]]:
    stores = [await open_backend("sqlite", tmp_path), await open_backend("postgresql", tmp_path)]
    yield stores
    for store in stores:
        await store.close()


async def test_both_backends_find_the_same_briefings(both):
    """Moving the archive to PostgreSQL would change what /search, autocomplete and /quote find."""
    drafts = _archive()
    speakers = ["Taras Melnyk", "Olena Marchuk", "Anna Koval", "Petro Koval", None]
    items = [
        (
            d,
            analysis(
                (f"Quote {i} on {d.title}", speakers[i % 5], "Minister" if i % 2 else None, (i % 10) / 10)
            ),
        )
        for i, d in enumerate(drafts)
    ]
    for store in both:
        await store.add_briefings(items, now=NOW)
    sqlite_store, postgres_store = both
    for query in QUERIES:
        hits_s, total_s = await sqlite_store.search(query, limit=100, now=NOW)
        hits_p, total_p = await postgres_store.search(query, limit=100, now=NOW)
        assert total_s == total_p, query
        assert {h.briefing.id: h.snippet for h in hits_s} == {h.briefing.id: h.snippet for h in hits_p}, query
        for typed in (query, query[:3]):
            assert await sqlite_store.titles_matching(typed, now=NOW) == await postgres_store.titles_matching(
                typed, now=NOW
            ), typed
    for speaker in ("", "melnyk", "koval", "o"):
        assert await sqlite_store.speakers_matching(speaker) == await postgres_store.speakers_matching(
            speaker
        )
        for contains in (None, "quote", "NOTE 3"):
            found = [
                await store.find_quotes(speaker=speaker or None, contains=contains, limit=5, now=NOW)
                for store in both
            ]
            assert found[0] == found[1], (speaker, contains)


async def test_a_strong_title_match_ranks_first_on_both(both):
    """The briefing about the searched subject would sink below passing mentions on one backend."""
    for store in both:
        await store.add_briefings(
            [
                (draft(title=f"Ferry news {i}", body=f"Ferry {i}, a word on tariffs.", url=None), analysis())
                for i in range(9)
            ]
            + [(draft(title="Tariffs on tariffs", body="Tariffs and tariffs.", url=None), analysis())],
            now=NOW,
        )
        hits, total = await store.search("tariffs", now=NOW)
        assert total == 10 and hits[0].briefing.title == "Tariffs on tariffs"


async def test_search_follows_edits_publish_times_and_removals(storage):
    """/search would show an embargoed briefing, find a briefing by words it no longer has, or
    find a removed one, if the search documents it reads lagged behind the briefings."""
    added = await embargoed_among_others(
        storage,
        "Ferry timetable",
        "Ferries sail twice.",
        "https://example.org/f",
        others=3,
        now=NOW,
        embargo=timedelta(days=2),
    )
    assert await storage.search("ferries", now=NOW) == ([], 0)  # embargoed
    await storage.update_briefing(
        added,
        draft(title="Bridge tolls", body="Tolls rise.", url="https://example.org/f", published=NOW),
        analysis(),
        now=NOW,
    )
    assert await storage.search("ferries", now=NOW) == ([], 0)
    hits, total = await storage.search("tolls", now=NOW)
    assert total == 1 and [h.briefing.id for h in hits] == [added]
    await storage.remove_briefing(added)
    assert await storage.search("tolls", now=NOW) == ([], 0)


async def test_search_walks_the_buckets_newest_first(monkeypatch):
    """/search on PostgreSQL would rank other briefings than the newest matches, or count them
    wrongly, when its window spans buckets of ids, skips an empty one or meets an embargo."""
    url = await postgres_server().store_url()
    store = await open_storage(url)
    db = await asyncpg.connect(url)
    try:
        added: list[int] = []
        # ids 9,998 to 10,002 (buckets 0 and 1) and 29,999 to 30,002 (buckets 2 and 3); bucket 2
        # holds one briefing, the newest is embargoed, and one in between does not match.
        for start, count in ((9_998, 5), (29_999, 4)):
            await db.execute(f"ALTER TABLE briefings ALTER COLUMN id RESTART WITH {start}")
            for i in range(count):
                published = NOW + timedelta(days=1) if start + i == 30_002 else NOW - timedelta(hours=i)
                words = "ferry tolls" if start + i != 10_001 else "grain"
                outcome = await store.add_briefing(
                    draft(title=f"Note {start + i}", body=f"{words} {i}.", url=None, published=published),
                    analysis(),
                    now=NOW,
                )
                added.append(outcome.briefing_id)
        assert added == [*range(9_998, 10_003), *range(29_999, 30_003)]
        visible = [30_001, 30_000, 29_999, 10_002, 10_000, 9_999, 9_998]
        for window in (1, 2, 3, 4, 6, 100):
            monkeypatch.setattr(constants, "SEARCH_WINDOW", window)
            hits, total = await store.search("ferry", limit=100, now=NOW)
            assert total == min(window, len(visible)), window
            assert sorted(h.briefing.id for h in hits) == sorted(visible[:window]), window
    finally:
        await db.close()
        await store.close()


async def test_upgrading_to_the_search_table_keeps_search_results():
    """Upgrading a PostgreSQL archive made before migration 0015 would change what /search finds,
    how it ranks it or what snippet it shows, or leave the documents stored twice."""
    url = await postgres_server().store_url()
    store = await open_storage(url)
    try:
        await store.add_briefings([(d, analysis()) for d in _archive()], now=NOW)
        before = [await store.search(q, limit=100, now=NOW) for q in QUERIES]
    finally:
        await store.close()
    db = await asyncpg.connect(url)
    try:
        # Back to the schema of 0014: the document in `briefings.search` with its GIN index.
        await db.execute(
            "ALTER TABLE briefings ADD COLUMN search tsvector; "
            "UPDATE briefings b SET search = s.search FROM briefing_search s WHERE s.id = b.id; "
            "ALTER TABLE briefings ALTER COLUMN search SET NOT NULL; "
            "CREATE INDEX briefings_search ON briefings USING gin (search); "
            "DROP TABLE briefing_search; "
            # and of what came after it, so that the upgrade runs 0015 again.
            "ALTER TABLE processes DROP COLUMN invalid_requests; "
            "DELETE FROM schema_version WHERE version >= 15"
        )
    finally:
        await db.close()
    store = await open_storage(url)  # migrates from 14 again
    try:
        assert [await store.search(q, limit=100, now=NOW) for q in QUERIES] == before
        assert any(total for _, total in before)
        db = await asyncpg.connect(url)
        try:
            assert await db.fetchval("SELECT max(version) FROM schema_version") == LATEST_VERSION
            columns = await db.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'briefings'"
            )
            assert "search" not in {r[0] for r in columns}
        finally:
            await db.close()
    finally:
        await store.close()
