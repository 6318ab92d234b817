"""Full-text search as one function on a ``sqlite3`` connection (run on aiosqlite's thread).

The shape, and why:

1. One backwards walk over the newest ``window`` matches, without scoring, gives the
   window's oldest id and how many of its matches are visible. FTS5 stops at the
   window, so the cost is bounded by it, not by how many briefings share a common
   word. (Before: one walk for the oldest id and another to count.)
2. bm25 over ``rowid >= oldest``, best page first, in SQL. Forwards: FTS5 iterates a
   doclist backwards page by page, and scoring 1,000 rows that way took twice as long
   (8.9 vs 4.5 ms for "budget" at 100k); handing 1,000 scores to Python to sort cost
   another millisecond. Embargoed briefings are excluded by id (few, and indexed by
   publish time) instead of joining every match to its row.
3. Snippets only for the page: ``snippet()`` tokenises a whole body, so it runs on the
   five shown, never on the window.

What stays expensive is inside bm25 itself: for its IDF it counts, once per query, every
briefing containing each term, by reading the term's whole doclist (about 5 ms for a
word in most briefings at 100k, growing with the archive). FTS5 gives per-row term
positions only to auxiliary functions, which Python's ``sqlite3`` cannot register, so a
cheaper ranking with a cached IDF would need a C extension.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# bm25 weights per column: title, summary, quotes, body, tags.
WEIGHTS = "10.0, 4.0, 3.0, 1.0, 5.0"
# Snippet markers: private-use characters no article contains, turned into Markdown
# bold by the renderer after the snippet text has been escaped.
SNIPPET_START = "\ue000"
SNIPPET_END = "\ue001"


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of the page: briefing columns, its snippet and its bm25 score (lower is better)."""

    id: int
    title: str
    published_at: int
    source_url: str | None
    snippet: str
    score: float


def search(
    db: sqlite3.Connection, match: str, *, now_ts: int, limit: int, offset: int, window: int
) -> tuple[list[Hit], int]:
    """The page ``offset:offset+limit`` of the best-ranked visible matches among the newest
    ``window``, and how many visible matches that window holds."""
    count, floor, hidden = db.execute(
        "SELECT count(*), min(rowid), total(rowid IN (SELECT id FROM briefings WHERE published_at > ?)) "
        "FROM (SELECT rowid FROM briefings_fts WHERE briefings_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (now_ts, match, window),
    ).fetchone()
    total = int(count) - int(hidden)
    if total <= 0:
        return [], 0
    page = db.execute(
        f"SELECT rowid, bm25(briefings_fts, {WEIGHTS}) AS score FROM briefings_fts "
        "WHERE briefings_fts MATCH ? AND rowid >= ? "
        "AND rowid NOT IN (SELECT id FROM briefings WHERE published_at > ?) "
        "ORDER BY score, rowid DESC LIMIT ? OFFSET ?",
        (match, floor, now_ts, limit, offset),
    ).fetchall()
    if not page:
        return [], total
    marks = ",".join("?" * len(page))
    rows = db.execute(
        "SELECT b.id, b.title, b.published_at, b.source_url, "
        f"snippet(briefings_fts, 3, '{SNIPPET_START}', '{SNIPPET_END}', '…', 24) "
        "FROM briefings_fts f JOIN briefings b ON b.id = f.rowid "
        f"WHERE briefings_fts MATCH ? AND f.rowid IN ({marks})",
        (match, *(r[0] for r in page)),
    ).fetchall()
    by_id = {int(r[0]): r for r in rows}
    hits = [
        Hit(rowid, by_id[rowid][1], by_id[rowid][2], by_id[rowid][3], by_id[rowid][4], float(score))
        for rowid, score in page
        if rowid in by_id
    ]
    return hits, total
