"""The newest quotes of several speakers, merged (``/quote speaker:Surname``).

Runs on aiosqlite's thread. A surname is shared by tens of speakers; sorting every
quote of all of them took 100+ ms at 100k. Instead each speaker's newest ``limit``
quotes are the first entries of its range in ``quotes_speaker_recent`` (speaker_id,
published_at DESC, score DESC): one reused statement per speaker, a few index entries
each, then the best ``limit`` of those. The same rows as sorting everything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def newest_quote_ids(
    db: sqlite3.Connection,
    speaker_ids: Sequence[int],
    where: Sequence[str],
    params: Sequence[Any],
    limit: int,
) -> list[int]:
    """Ids of the ``limit`` newest (then best-scored) quotes by any of ``speaker_ids``
    that also satisfy ``where`` (conditions on ``q``, with ``params``)."""
    sql = (
        "SELECT q.id, q.published_at, q.score FROM quotes q INDEXED BY quotes_speaker_recent "
        f"WHERE q.speaker_id = ? AND {' AND '.join(where)} ORDER BY q.published_at DESC, q.score DESC LIMIT ?"
    )
    found: list[tuple[int, float, int]] = []
    for speaker_id in speaker_ids:
        found += [(r[1], r[2], r[0]) for r in db.execute(sql, (speaker_id, *params, limit))]
    found.sort(key=lambda row: (-row[0], -row[1]))
    return [row[2] for row in found[:limit]]
