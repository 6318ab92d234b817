"""``/quote`` queries, each one statement.

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


def statement(
    *,
    speaker_words: Sequence[str],
    briefing_id: int | None,
    contains_words: Sequence[str],
    text_filter: bool,
    limit: int,
    now: datetime,
) -> tuple[str, list[Any]]:
    """The one statement (and its parameters) whose rows are (text, speaker, role, start,
    end, score, briefing id, title, published_at, source_url, confidence) for
    ``PostgresArchive.find_quotes``. ``text_filter``: a speaker or ``contains`` was given
    (even one without words): newest first instead of best first.

    One statement, not one per step (the newest quoted briefing, the matching speakers,
    their quotes): it reads one snapshot without a transaction around it, in one round
    trip."""
    p = _Params()
    where = [f"q.published_at <= {p(now)}"]
    if briefing_id is not None:
        where.append(f"q.briefing_id = {p(briefing_id)}")
    for word in contains_words:
        where.append(f"{_ASCII_FOLD} LIKE {p('%' + _like_escape(_ascii_lower(word)) + '%')} ESCAPE '\\'")
    if not (text_filter or briefing_id is not None):
        # EXISTS walks the newest briefings and stops at the first with a quote; none: no rows.
        where.append(
            "q.briefing_id = (SELECT b.id FROM briefings b WHERE b.published_at <= "
            f"{p(now)} AND EXISTS (SELECT 1 FROM quotes e WHERE e.briefing_id = b.id) "
            "ORDER BY b.published_at DESC, b.id DESC LIMIT 1)"
        )
    order = (
        "q.score DESC, q.position, q.id"
        if briefing_id is not None or not text_filter
        else "q.published_at DESC, q.score DESC, q.id"
    )
    prelude = ""
    if speaker_words:
        # The speakers with a name word starting with each word typed.
        prelude = (
            "WITH speaker AS MATERIALIZED ("
            + " INTERSECT ".join(
                f"SELECT DISTINCT speaker_id AS id FROM speaker_terms WHERE term >= {p(word)} AND term < {p(word + _LAST_CHAR)}"
                for word in speaker_words
            )
            + ") "
        )
        if briefing_id is not None:
            where.append("q.speaker_id IN (SELECT id FROM speaker)")
        else:
            # Up to SPEAKER_BRANCHES speakers: each one's newest quotes from the front of its
            # index range, then the best of them; more: one scan of the newest quotes. Each
            # branch is gated by a one-time filter, so only one of them runs.
            conditions = " AND ".join(where)
            newest = "ORDER BY {0}published_at DESC, {0}score DESC, {0}id LIMIT " + p(limit)
            where.append(
                "q.id IN ((SELECT newest.id FROM speaker CROSS JOIN LATERAL ("
                "SELECT q.id, q.published_at, q.score FROM quotes q WHERE q.speaker_id = speaker.id AND "
                f"{conditions} {newest.format('q.')}) AS newest "
                f"WHERE (SELECT count(*) FROM speaker) <= {SPEAKER_BRANCHES} {newest.format('newest.')}) "
                "UNION ALL (SELECT q.id FROM quotes q WHERE q.speaker_id IN (SELECT id FROM speaker) AND "
                f"{conditions} AND (SELECT count(*) FROM speaker) > {SPEAKER_BRANCHES} {newest.format('q.')}))"
            )
    sql = (
        f'{prelude}SELECT q.text, s.name, q.speaker_role, q.start, q."end", q.score, '
        "b.id, b.title, b.published_at, b.source_url, q.confidence "
        "FROM quotes q JOIN briefings b ON b.id = q.briefing_id "
        "LEFT JOIN speakers s ON s.id = q.speaker_id "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT {p(limit)}"
    )
    return sql, p.values


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
