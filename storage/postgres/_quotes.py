"""``/quote`` queries on one connection, inside the caller's read transaction.

By speaker: the words typed select speakers through ``speaker_terms`` (any word of the
name, as a prefix; the column sorts byte-wise, so a range is a prefix). A surname is
shared by tens of speakers, and sorting every quote of all of them costs time in
proportion to their quotes; instead each speaker's newest ``limit`` quotes are read from
the front of its range of ``quotes_speaker_recent`` (one ``LATERAL`` subquery a
speaker, in the same statement), and the best ``limit`` of those are the answer: the same
rows as sorting everything.

``contains`` matches literally and, like SQLite's ``LIKE``, ignores the case of ASCII
letters only.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from storage.postgres._connection import Db

# A word of a speaker's name, as ``speaker_terms`` indexes them.
NAME_WORD = re.compile(r"\w+", re.UNICODE)
# Up to this many matching speakers, their newest quotes each; beyond, one scan.
SPEAKER_BRANCHES = 100
_ASCII_FOLD = f"translate(q.text, '{string.ascii_uppercase}', '{string.ascii_lowercase}')"
_LAST_CHAR = "\U0010ffff"


class _Params:
    """Bound parameters, numbered as they are added."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


async def find(
    db: Db,
    *,
    speaker_words: Sequence[str],
    briefing_id: int | None,
    contains_words: Sequence[str],
    text_filter: bool,
    limit: int,
    now: datetime,
) -> list[asyncpg.Record]:
    """Rows of (text, speaker, role, start, end, score, briefing id, title, published_at,
    source_url, confidence) for ``PostgresArchive.find_quotes``. ``text_filter``: a
    speaker or ``contains`` was given (even one without words): newest first instead of
    best first."""
    p = _Params()
    where = [f"q.published_at <= {p(now)}"]
    if briefing_id is not None:
        where.append(f"q.briefing_id = {p(briefing_id)}")
    for word in contains_words:
        where.append(f"{_ASCII_FOLD} LIKE {p('%' + _like_escape(_ascii_lower(word)) + '%')} ESCAPE '\\'")
    if not (text_filter or briefing_id is not None):
        newest = await db.fetchval(
            # EXISTS walks the newest briefings and stops at the first with a quote.
            "SELECT id FROM briefings b WHERE published_at <= $1 "
            "AND EXISTS (SELECT 1 FROM quotes q WHERE q.briefing_id = b.id) "
            "ORDER BY published_at DESC, id DESC LIMIT 1",
            now,
        )
        if newest is None:
            return []
        where.append(f"q.briefing_id = {p(int(newest))}")
    order = (
        "q.score DESC, q.position, q.id"
        if briefing_id is not None or not text_filter
        else "q.published_at DESC, q.score DESC, q.id"
    )
    if speaker_words:
        ranges = [(word, word + _LAST_CHAR) for word in speaker_words]
        speaker_ids = [
            int(r[0])
            for r in await db.fetch(
                " INTERSECT ".join(
                    f"SELECT DISTINCT speaker_id FROM speaker_terms WHERE term >= ${2 * i + 1} AND term < ${2 * i + 2}"
                    for i in range(len(ranges))
                ),
                *[bound for pair in ranges for bound in pair],
            )
        ]
        if not speaker_ids:
            return []
        if briefing_id is None and len(speaker_ids) <= SPEAKER_BRANCHES:
            # Each speaker's newest quotes from the front of its index range, then the best of them.
            where.append(
                "q.id IN (SELECT newest.id FROM unnest("
                f"{p(sorted(speaker_ids))}::bigint[]) AS speaker(id) CROSS JOIN LATERAL ("
                "SELECT q.id, q.published_at, q.score FROM quotes q WHERE q.speaker_id = speaker.id AND "
                f"{' AND '.join(where)} ORDER BY q.published_at DESC, q.score DESC, q.id LIMIT {p(limit)}"
                f") AS newest ORDER BY newest.published_at DESC, newest.score DESC, newest.id LIMIT {p(limit)})"
            )
        else:
            for low, high in ranges:
                where.append(
                    "q.speaker_id IN (SELECT speaker_id FROM speaker_terms "
                    f"WHERE term >= {p(low)} AND term < {p(high)})"
                )
    return await db.fetch(
        'SELECT q.text, s.name, q.speaker_role, q.start, q."end", q.score, '
        "b.id, b.title, b.published_at, b.source_url, q.confidence "
        "FROM quotes q JOIN briefings b ON b.id = q.briefing_id "
        "LEFT JOIN speakers s ON s.id = q.speaker_id "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT {p(limit)}",
        *p.values,
    )


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
