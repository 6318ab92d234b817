"""Full-text search on one connection, inside the caller's read transaction.

The shape is SQLite's, on PostgreSQL's machinery:

1. The window: the newest ``window`` visible briefings whose ``search`` document matches
   the query (GIN index on ``search``), newest id first; their count is the total.
2. Ranking: ``ts_rank`` over the window with the column weights (title A, summary and
   tags B, quotes C, body D), divided by the log of the document's length, as bm25
   favours the shorter of two otherwise equal briefings; negated so that, as with bm25,
   lower is better. Best first, then newest.
3. Snippets only for the page (``_snippet``): cutting a body into words costs time in
   proportion to its length, so it is done for the briefings shown, never the window.

Ranking differs from SQLite's in degree, not in kind: ``ts_rank`` has no idea of how
rare a word is in the archive (bm25's IDF), so in a search of several words a rare one
weighs no more than a common one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from storage.constants import SNIPPET_END, SNIPPET_START
from storage.postgres._connection import Db
from storage.postgres._query import Query
from storage.postgres._snippet import snippet

# ts_rank's weights for D (body), C (quotes), B (summary, tags) and A (title): SQLite's
# bm25 weights 1, 3, 4-5 and 10, scaled to at most 1.
WEIGHTS = [0.1, 0.3, 0.45, 1.0]
# ts_rank normalisation 1: divide by 1 + log(document length).
NORMALISATION = 1
SNIPPET_TOKENS = 24


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of the page: briefing columns, its snippet and its rank (lower is better)."""

    id: int
    title: str
    published_at: datetime
    source_url: str | None
    snippet: str
    rank: float


async def search(
    db: Db, query: Query, tsquery: str, *, now: datetime, limit: int, offset: int, window: int
) -> tuple[list[Hit], int]:
    """The page ``offset:offset+limit`` of the best-ranked among the newest ``window``
    visible matches, and how many visible matches that window holds."""
    ranked = await db.fetch(
        # Ranked from the window's own rows: reading each document again costs as much as ranking it.
        "SELECT w.id, -ts_rank($4::float4[], w.search, $1::text::tsquery, $5) AS rank "
        "FROM (SELECT id, search FROM briefings WHERE search @@ $1::text::tsquery AND published_at <= $2 "
        "ORDER BY id DESC LIMIT $3) AS w",
        tsquery,
        now,
        window,
        WEIGHTS,
        NORMALISATION,
    )
    total = len(ranked)
    order = sorted((float(r["rank"]), -int(r["id"])) for r in ranked)
    page = order[offset : offset + limit]
    if not page:
        return [], total
    rows = await db.fetch(
        "SELECT id, title, published_at, source_url, body FROM briefings WHERE id = ANY($1::bigint[])",
        [-negated for _, negated in page],
    )
    by_id = {int(r["id"]): r for r in rows}
    phrases = query.phrases()
    snippets = await asyncio.to_thread(
        lambda: {
            i: snippet(
                r["body"], phrases, start=SNIPPET_START, end=SNIPPET_END, ellipsis="…", size=SNIPPET_TOKENS
            )
            for i, r in by_id.items()
        }
    )
    return [
        Hit(
            -negated,
            by_id[-negated]["title"],
            by_id[-negated]["published_at"],
            by_id[-negated]["source_url"],
            snippets[-negated],
            rank,
        )
        for rank, negated in page
        if -negated in by_id
    ], total
