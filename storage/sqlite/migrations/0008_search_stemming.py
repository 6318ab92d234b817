"""0008: every search shard re-indexed with the Porter stemmer in front of ``unicode61``.

A reader who searches "contracts" or "electrifying" expects the briefing that says
"contract" or "electrified"; without stemming FTS5 matched only the exact word. Porter
stems English words and leaves other scripts alone (Ukrainian and Russian endings are
handled on the query side, in ``storage.sqlite.fts``). The tokenizer is written out here, not
imported: a migration is a snapshot of the schema it produces.

Each shard is copied into a new table with the stemming tokenizer, the old one dropped and
the new one renamed, all in the migration's one transaction. About the cost of 0007.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.sqlite.migrate import Settings

log = logging.getLogger(__name__)

TOKENIZE = "porter unicode61 remove_diacritics 2"


def apply(db: sqlite3.Connection, settings: Settings) -> None:
    shards = [row[0] for row in db.execute("SELECT shard FROM search_shards ORDER BY shard")]
    if shards:
        log.info("re-indexing %d search shards with stemming", len(shards))
    for shard in shards:
        name = f"briefings_fts_{shard}"
        stemmed = f"{name}_stemmed"
        db.execute(
            f"CREATE VIRTUAL TABLE {stemmed} USING fts5 ("
            f"title, summary, quotes, body, tags, tokenize = '{TOKENIZE}')"
        )
        db.execute(
            f"INSERT INTO {stemmed} (rowid, title, summary, quotes, body, tags) "
            f"SELECT rowid, title, summary, quotes, body, tags FROM {name} ORDER BY rowid"
        )
        db.execute(f"DROP TABLE {name}")
        db.execute(f"ALTER TABLE {stemmed} RENAME TO {name}")
        db.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")
