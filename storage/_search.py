"""Full-text search as one function on a ``sqlite3`` connection (run on aiosqlite's thread).

The shape, and why:

1. One pass over the newest ``window`` matches, newest first, with their bm25 scores.
   FTS5 walks its doclists backwards and stops at the window, so the cost is bounded
   by the window, not by how many briefings share a common word. (Before: one pass to
   find the window's oldest id, one to count, one to rank: the same walk three times.)
2. Embargoed briefings are dropped by id (few, and indexed by publish time) instead of
   joining every match to its row; the rest are sorted in Python, which for a thousand
   (score, id) pairs costs far less than a statement.
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
    scored = db.execute(
        f"SELECT rowid, bm25(briefings_fts, {WEIGHTS}) FROM briefings_fts WHERE briefings_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?",
        (match, window),
    ).fetchall()
    if not scored:
        return [], 0
    hidden = {
        r[0]
        for r in db.execute(
            "SELECT id FROM briefings WHERE published_at > ? AND id >= ?", (now_ts, scored[-1][0])
        )
    }
    visible = [(float(score), int(rowid)) for rowid, score in scored if rowid not in hidden]
    visible.sort(key=lambda pair: (pair[0], -pair[1]))
    page = visible[offset : offset + limit]
    if not page:
        return [], len(visible)
    marks = ",".join("?" * len(page))
    rows = db.execute(
        "SELECT b.id, b.title, b.published_at, b.source_url, "
        f"snippet(briefings_fts, 3, '{SNIPPET_START}', '{SNIPPET_END}', '…', 24) "
        "FROM briefings_fts f JOIN briefings b ON b.id = f.rowid "
        f"WHERE briefings_fts MATCH ? AND f.rowid IN ({marks})",
        (match, *(rowid for _, rowid in page)),
    ).fetchall()
    by_id = {int(r[0]): r for r in rows}
    hits = [
        Hit(rowid, by_id[rowid][1], by_id[rowid][2], by_id[rowid][3], by_id[rowid][4], score)
        for score, rowid in page
        if rowid in by_id
    ]
    return hits, len(visible)
