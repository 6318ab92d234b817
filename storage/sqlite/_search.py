"""Full-text search as one function on a ``sqlite3`` connection (run on the connection's thread).

The index is split by id into shards, like time-based indices: shard ``k`` is the FTS5
table ``briefings_fts_<k>`` and holds briefings ``k * size`` to ``(k + 1) * size - 1``.
``size`` is stored in ``meta`` when the shards are first made (migration 0007) and never
changes under a database; ``search_shards`` lists the shards that exist. A write creates
its shard inside its own transaction when an id first crosses into it.

Why shards: bm25() computes its IDF once per query by reading the whole doclist of every
query term in its table (xQueryPhrase counting rows), whatever the page asked for: in
one table that read grows with the archive, in a shard it is bounded by the shard's
size. Python's ``sqlite3`` cannot register an FTS5 auxiliary function with a cached
IDF, and a second SQLite (apsw) on the same file risks its locks.

The shape of a search, and why:

1. Walk the shards newest first, each with one backwards walk over its newest matches
   without scoring, until ``window`` visible matches are found: their count, and where
   the window ends in each shard it reaches. FTS5 stops at the window, so a common word
   costs one or two shards; a rare one visits every shard, a few tens of microseconds
   each. Embargoed briefings are left out by id (few, and indexed by publish time).
2. bm25 in each shard that contributed, over its part of the window, best first in SQL
   (forwards: FTS5 reads a doclist backwards page by page, and scoring 1,000 rows that
   way took twice as long), each shard's best ``offset + limit``; merged by score, then
   newest first. Each shard scores with its own term statistics (as Elasticsearch does
   by default): a word's weight is its rarity in that shard's stretch of the archive.
3. Snippets only for the page: ``snippet()`` tokenises a whole body, so it runs on the
   five shown, never on the window.

What stays expensive: scoring costs about 2 us per matched row (bm25 reads each row's
column sizes and positions), so ranking a full window of 1,000 costs ~2 ms on its own.
A selective query whose window spans many shards (a name with a topic, under 1,000
matches) still reads each term's doclist in every shard it reaches, which adds up to the
whole archive for a common term, plus ~0.1 ms per shard; and walking an AND with a dense
term backwards costs ~5 us per match in FTS5 itself, so sharding does little for those
searches.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.constants import SNIPPET_END, SNIPPET_START

# bm25 weights per column: title, summary, quotes, body, tags.
WEIGHTS = "10.0, 4.0, 3.0, 1.0, 5.0"
# Briefings per shard for a new database. Smaller shards make a common word's IDF read
# cheaper; more shards make a rare word's walk dearer (it visits every shard).
DEFAULT_SHARD_SIZE = 10_000
# English words are stemmed ("contracts" finds "contract"); migration 0008 made every
# existing shard use it, so all shards of a database share one tokenizer.
TOKENIZE = "porter unicode61 remove_diacritics 2"
_HIDDEN = "SELECT id FROM briefings WHERE published_at > ?"


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of the page: briefing columns, its snippet and its bm25 score (lower is better)."""

    id: int
    title: str
    published_at: int
    source_url: str | None
    snippet: str
    score: float


def table(shard: int) -> str:
    return f"briefings_fts_{shard}"


def shard_size(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'search_shard_size'").fetchone()
    if row is None:
        raise RuntimeError("the database has no search shards (schema older than version 7)")
    return int(row[0])


def create_shard(db: sqlite3.Connection, shard: int) -> None:
    """The empty FTS5 table of one shard, registered; the caller's transaction holds both."""
    db.execute(
        f"CREATE VIRTUAL TABLE {table(shard)} USING fts5 ("
        f"title, summary, quotes, body, tags, tokenize = '{TOKENIZE}')"
    )
    db.execute("INSERT INTO search_shards (shard) VALUES (?)", (shard,))


def table_for(db: sqlite3.Connection, briefing_id: int) -> str | None:
    """The FTS5 table that holds ``briefing_id``, if its shard exists."""
    shard = briefing_id // shard_size(db)
    found = db.execute("SELECT 1 FROM search_shards WHERE shard = ?", (shard,)).fetchone()
    return None if found is None else table(shard)


def table_for_write(db: sqlite3.Connection, briefing_id: int) -> str:
    """The FTS5 table for ``briefing_id``, created if this id is the first of its shard.
    Inside the caller's write transaction: a rollback takes the new shard with it."""
    found = table_for(db, briefing_id)
    if found is not None:
        return found
    shard = briefing_id // shard_size(db)
    create_shard(db, shard)
    return table(shard)


def search(
    db: sqlite3.Connection, match: str, *, now_ts: int, limit: int, offset: int, window: int
) -> tuple[list[Hit], int]:
    """The page ``offset:offset+limit`` of the best-ranked among the newest ``window``
    visible matches, and how many visible matches that window holds."""
    shards = [r[0] for r in db.execute("SELECT shard FROM search_shards ORDER BY shard DESC")]
    reached: list[tuple[int, int]] = []  # (shard, oldest id of the window in it)
    left = window
    for shard in shards:
        t = table(shard)
        count, floor = db.execute(
            f"SELECT count(*), min(rowid) FROM (SELECT rowid FROM {t} WHERE {t} MATCH ? "
            f"AND rowid NOT IN ({_HIDDEN}) ORDER BY rowid DESC LIMIT ?)",
            (match, now_ts, left),
        ).fetchone()
        if count:
            reached.append((shard, int(floor)))
            left -= int(count)
            if left <= 0:
                break
    total = window - left
    if total <= 0:
        return [], 0
    scored: list[tuple[float, int, int]] = []  # (score, -rowid, shard): sorts best, then newest
    for shard, floor in reached:
        t = table(shard)
        scored.extend(
            (float(score), -int(rowid), shard)
            for rowid, score in db.execute(
                f"SELECT rowid, bm25({t}, {WEIGHTS}) AS score FROM {t} "
                f"WHERE {t} MATCH ? AND rowid >= ? AND rowid NOT IN ({_HIDDEN}) "
                "ORDER BY score, rowid DESC LIMIT ?",
                (match, floor, now_ts, offset + limit),
            )
        )
    scored.sort()
    page = scored[offset : offset + limit]
    if not page:
        return [], total
    by_id: dict[int, tuple[str, int, str | None, str]] = {}
    for shard in dict.fromkeys(s for _, _, s in page):
        t = table(shard)
        ids = [-negated for _, negated, s in page if s == shard]
        marks = ",".join("?" * len(ids))
        for row in db.execute(
            "SELECT b.id, b.title, b.published_at, b.source_url, "
            f"snippet({t}, 3, '{SNIPPET_START}', '{SNIPPET_END}', '…', 24) "
            f"FROM {t} f JOIN briefings b ON b.id = f.rowid "
            f"WHERE {t} MATCH ? AND f.rowid IN ({marks})",
            (match, *ids),
        ):
            by_id[int(row[0])] = (row[1], int(row[2]), row[3], row[4])
    return [Hit(-negated, *by_id[-negated], score) for score, negated, _ in page if -negated in by_id], total
