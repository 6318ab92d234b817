"""0007: split briefings_fts into shards by id range (``briefings_fts_<k>`` holds ids
``k * size`` to ``(k + 1) * size - 1``), listed in ``search_shards``, with ``size`` in
``meta``.

bm25() reads the whole doclist of every query term in its table for its IDF, once per
query: 5 ms for a common word at 100k briefings, 52 ms at 1M, growing with the archive.
A search ranks only the newest 1,000 matches, which for a common word lie in one or two
shards, so in shards that read is bounded by the shard's size. See storage/sqlite/_search.py.

A Python migration because SQL cannot create one table per id range. Each shard is
filled with one INSERT … SELECT (its own segments) and optimised, then the single table
is dropped, all in the migration's one transaction. Re-indexing costs about a quarter of
a millisecond per briefing (~25 s per 100k on one core).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.sqlite.migrate import Settings

log = logging.getLogger(__name__)


def apply(db: sqlite3.Connection, settings: Settings) -> None:
    size = settings.search_shard_size
    if size < 1:
        raise ValueError(f"search shard size must be positive, not {size}")
    db.execute("CREATE TABLE search_shards (shard INTEGER PRIMARY KEY)")
    db.execute("INSERT INTO meta (key, value) VALUES ('search_shard_size', ?)", (str(size),))
    # The content shadow table is keyed by rowid: its ends and ranges are index look-ups.
    low, high = db.execute("SELECT min(id), max(id) FROM briefings_fts_content").fetchone()
    shards = range(0) if low is None else range(low // size, high // size + 1)
    if shards:
        log.info("splitting the full-text index into shards of %d briefings", size)
    for shard in shards:
        lo, hi = shard * size, (shard + 1) * size
        exists = "SELECT EXISTS (SELECT 1 FROM briefings_fts_content WHERE id >= ? AND id < ?)"
        if not db.execute(exists, (lo, hi)).fetchone()[0]:
            continue
        name = f"briefings_fts_{shard}"
        db.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5 ("
            "title, summary, quotes, body, tags, tokenize = 'unicode61 remove_diacritics 2')"
        )
        db.execute("INSERT INTO search_shards (shard) VALUES (?)", (shard,))
        db.execute(
            f"INSERT INTO {name} (rowid, title, summary, quotes, body, tags) "
            "SELECT rowid, title, summary, quotes, body, tags FROM briefings_fts "
            "WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
            (lo, hi),
        )
        db.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")
    db.execute("DROP TABLE briefings_fts")
