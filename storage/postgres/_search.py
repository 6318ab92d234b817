"""Full-text search, in one statement.

The shape is SQLite's, on PostgreSQL's machinery:

1. The window: the newest ``window`` visible briefings whose search document matches
   the query, newest id first; their count is the total. The documents live in
   ``briefing_search`` (migration 0015) in buckets of ``BUCKET`` ids, as SQLite's index
   lives in shards: the buckets are walked newest first until the window is full. In a
   bucket the planner either reads the matches from the GIN index on (document, bucket)
   or walks the bucket's ids down testing each document, whichever it estimates cheaper
   for the words. A common word costs a bucket or two; a rare one visits every bucket,
   one index probe each.
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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from storage.constants import SNIPPET_END, SNIPPET_START
from storage.postgres._query import Query
from storage.postgres._snippet import snippet

# ts_rank's weights for D (body), C (quotes), B (summary, tags) and A (title): SQLite's
# bm25 weights 1, 3, 4-5 and 10, scaled to at most 1.
WEIGHTS = [0.1, 0.3, 0.45, 1.0]
# ts_rank normalisation 1: divide by 1 + log(document length).
NORMALISATION = 1
SNIPPET_TOKENS = 24

# Runs one read-only statement and returns its rows (``PostgresConnection._fetch``).
Reader = Callable[..., Awaitable[list[asyncpg.Record]]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of the page: briefing columns, its snippet and its rank (lower is better)."""

    id: int
    title: str
    published_at: datetime
    source_url: str | None
    snippet: str
    rank: float


# Briefings per bucket of ``briefing_search``: its ``bucket`` column is ``ARRAY[id / BUCKET]``
# (migration 0015; an array so that GIN indexes it without the btree_gin extension).
BUCKET = 10_000

# The page of the best-ranked among the newest ``window`` visible matches, with how many
# matches that window holds, in one statement: $1 the tsquery, $2 the publish time
# readers may see up to, $3 the window, $4 and $5 the rank's weights and normalisation,
# $6 and $7 the page's limit and offset. One row with a NULL id when the page is empty,
# so that the total still arrives.
#
# ``matches`` walks the buckets from the newest id's down to 0; each lateral read takes
# one bucket's matches, newest first; the nested loop hands them on in that order, and the
# outer LIMIT stops the walk once the window is full, so older buckets are never read.
# Only ids and row addresses (``ctid``, read again within the same snapshot) pass the
# sorts: a document is kept in its row, and thousands of them would outgrow the sort's
# memory. Each document of the window is then ranked from its row, fetched by its address.
_STATEMENT = (
    "WITH matches AS MATERIALIZED (SELECT w.id, w.row_at "
    f"FROM generate_series(((SELECT coalesce(max(id), 0) FROM briefing_search) / {BUCKET})::int, 0, -1) AS b(k) "
    "CROSS JOIN LATERAL (SELECT id, ctid AS row_at FROM briefing_search "
    "WHERE bucket = ARRAY[b.k] AND search @@ $1::text::tsquery AND published_at <= $2 "
    "ORDER BY id DESC LIMIT $3) AS w LIMIT $3) "
    "SELECT t.total, p.id, p.rank, b.title, b.published_at, b.source_url, b.body "
    "FROM (SELECT count(*) AS total FROM matches) AS t "
    "LEFT JOIN (SELECT m.id, -ts_rank($4::float4[], s.search, $1::text::tsquery, $5) AS rank "
    "FROM matches m JOIN briefing_search s ON s.ctid = m.row_at "
    "ORDER BY rank, m.id DESC LIMIT $6 OFFSET $7) AS p ON true "
    "LEFT JOIN briefings b ON b.id = p.id "
    "ORDER BY p.rank, p.id DESC"
)


async def search(
    db: Reader, query: Query, tsquery: str, *, now: datetime, limit: int, offset: int, window: int
) -> tuple[list[Hit], int]:
    """The page ``offset:offset+limit`` of the best-ranked among the newest ``window``
    visible matches, and how many visible matches that window holds."""
    rows = await db(_STATEMENT, tsquery, now, window, WEIGHTS, NORMALISATION, limit, offset)
    total = int(rows[0]["total"]) if rows else 0
    page = [r for r in rows if r["id"] is not None]
    if not page:
        return [], total
    phrases = query.phrases()
    snippets = await asyncio.to_thread(
        lambda: [
            snippet(
                r["body"], phrases, start=SNIPPET_START, end=SNIPPET_END, ellipsis="…", size=SNIPPET_TOKENS
            )
            for r in page
        ]
    )
    return [
        Hit(int(r["id"]), r["title"], r["published_at"], r["source_url"], text, float(r["rank"]))
        for r, text in zip(page, snippets, strict=True)
    ], total
