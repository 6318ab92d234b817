"""``/quote`` queries as one function on a ``sqlite3`` connection (run on the connection's thread).

By speaker: the words typed select speakers through ``speaker_terms`` (any word of
the name, as a prefix). A surname is shared by tens of speakers, and sorting every quote
of all of them costs time in proportion to their quotes. Instead each speaker's newest
``limit`` quotes are the first entries of its range in ``quotes_speaker_recent``
(speaker_id, published_at DESC, score DESC): one reused statement per speaker, a few
index entries each, then the best ``limit`` of those, the same rows as sorting everything.
All statements of a call share one trip to the connection's thread.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import Any

# A word of a speaker's name, as ``speaker_terms`` indexes them.
NAME_WORD = re.compile(r"\w+", re.UNICODE)
# Up to this many matching speakers, one small index query each; beyond, one scan.
SPEAKER_BRANCHES = 100


def find(
    db: sqlite3.Connection,
    *,
    speaker_words: Sequence[str],
    briefing_id: int | None,
    contains_words: Sequence[str],
    text_filter: bool,
    limit: int,
    now_ts: int,
) -> list[sqlite3.Row]:
    """Rows of (text, speaker, role, start, end, score, briefing id, title, published_at,
    source_url) for ``SQLiteArchive.find_quotes``. ``text_filter``: a speaker or
    ``contains`` was given (even one without words): newest first instead of best first."""
    where = ["q.published_at <= ?"]
    params: list[Any] = [now_ts]
    if briefing_id is not None:
        where.append("q.briefing_id = ?")
        params.append(briefing_id)
    for word in contains_words:
        where.append("q.text LIKE ? ESCAPE '\\'")
        params.append("%" + _like_escape(word) + "%")
    if not (text_filter or briefing_id is not None):
        newest = db.execute(
            # EXISTS walks the newest briefings and stops at the first with a quote;
            # ``id IN (SELECT briefing_id FROM quotes)`` read every quote first.
            "SELECT id FROM briefings b WHERE published_at <= ? "
            "AND EXISTS (SELECT 1 FROM quotes q WHERE q.briefing_id = b.id) "
            "ORDER BY published_at DESC, id DESC LIMIT 1",
            (now_ts,),
        ).fetchone()
        if newest is None:
            return []
        where.append("q.briefing_id = ?")
        params.append(int(newest[0]))
    order = (
        "q.score DESC, q.position"
        if briefing_id is not None or not text_filter
        else "q.published_at DESC, q.score DESC"
    )
    if speaker_words:
        ranges = [bound for word in speaker_words for bound in (word, word + "\U0010ffff")]
        speaker_ids = [
            int(r[0])
            for r in db.execute(
                " INTERSECT ".join(
                    ["SELECT DISTINCT speaker_id FROM speaker_terms WHERE term >= ? AND term < ?"]
                    * len(speaker_words)
                ),
                ranges,
            )
        ]
        if not speaker_ids:
            return []
        if briefing_id is None and len(speaker_ids) <= SPEAKER_BRANCHES:
            quote_ids = newest_quote_ids(db, speaker_ids, where, params, limit)
            if not quote_ids:
                return []
            where = [f"q.id IN ({','.join('?' * len(quote_ids))})"]
            params = list(quote_ids)
        else:
            for start in range(0, len(ranges), 2):
                where.append(
                    "q.speaker_id IN (SELECT speaker_id FROM speaker_terms WHERE term >= ? AND term < ?)"
                )
                params += ranges[start : start + 2]
    return db.execute(
        'SELECT q.text, s.name, q.speaker_role, q.start, q."end", q.score, '
        "b.id, b.title, b.published_at, b.source_url, q.confidence "
        "FROM quotes q JOIN briefings b ON b.id = q.briefing_id "
        "LEFT JOIN speakers s ON s.id = q.speaker_id "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        [*params, limit],
    ).fetchall()


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


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
