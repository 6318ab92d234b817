"""Briefings in SQLite: writes, reads, title autocomplete, full-text search, quotes.

Reader queries hide briefings whose publish time is still in the future (embargo).
Each method is one call on the connection's thread: writes through ``_writes`` in one
transaction, searches and quote look-ups through ``_search`` and ``_quotes``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.models import (
    AddOutcome,
    Analysis,
    Briefing,
    BriefingRef,
    CorrectionKind,
    Draft,
    Quote,
    QuoteCorrection,
    QuoteHit,
    SearchHit,
    Summaries,
    fingerprint,
)
from storage import constants
from storage.errors import NotFoundError, StorageError
from storage.sqlite import _quotes, _search, _writes
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, now_ts
from storage.sqlite.fts import build_match

_BRIEFING_COLUMNS = (
    "id, title, body, published_at, source_url, language, tags, summary_short, summary_standard, "
    "summary_detailed, created_at, updated_at, corrected_at"
)
# The newest title matches read before sorting by publish time, at most: keeps
# autocomplete's cost bounded by this window, not by how many titles share a prefix.
AUTOCOMPLETE_WINDOW = 100


class SQLiteArchive(SQLiteConnection):
    """``storage.interface.Archive`` over SQLite."""

    # -- writes -----------------------------------------------------------------

    async def add_briefings(
        self, items: Iterable[tuple[Draft, Analysis]], *, now: datetime | None = None
    ) -> list[AddOutcome]:
        """Store each draft once; a repeat (same source URL or same normalised
        title and body) is reported as a duplicate of the stored id.

        The batch is one transaction: a crash stores all or nothing.
        """
        stamp = now_ts(now)
        pairs = list(items)
        return await self._atomic(lambda db: [_writes.insert(db, d, a, stamp) for d, a in pairs])

    async def add_briefing(
        self, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> AddOutcome:
        return (await self.add_briefings([(draft, analysis)], now=now))[0]

    async def update_briefing(
        self, briefing_id: int, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> Briefing:
        """Replace a briefing's text and analysis, keeping its id.

        If copies were already posted, ``corrected_at`` is set so readers see the
        record was corrected.
        """
        stamp = now_ts(now)
        fp = fingerprint(draft.title, draft.body)

        def work(db: sqlite3.Connection) -> None:
            if db.execute("SELECT id FROM briefings WHERE id = ?", (briefing_id,)).fetchone() is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            clash = _writes.find_duplicate(db, draft, fp, exclude_id=briefing_id)
            if clash is not None:
                raise StorageError(f"briefing #{clash[0]} ({clash[1]!r}) already has this source URL or text")
            posted = db.execute(
                "SELECT 1 FROM deliveries WHERE briefing_id = ? AND state = 'sent' LIMIT 1", (briefing_id,)
            ).fetchone()
            db.execute(
                "UPDATE briefings SET title = ?, body = ?, published_at = ?, source_url = ?, fingerprint = ?, "
                "language = ?, tags = ?, summary_short = ?, summary_standard = ?, summary_detailed = ?, "
                "updated_at = ?, corrected_at = CASE WHEN ? THEN ? ELSE corrected_at END WHERE id = ?",
                (
                    *_writes.content_columns(draft, analysis, fp),
                    stamp,
                    posted is not None,
                    stamp,
                    briefing_id,
                ),
            )
            _writes.delete_children(db, briefing_id)
            _writes.write_children(
                db, briefing_id, draft, _writes.corrected(db, briefing_id, draft, analysis)
            )

        await self._atomic(work)
        briefing = await self.get_briefing(briefing_id, include_embargoed=True)
        assert briefing is not None
        return briefing

    async def quote_corrections(self, briefing_id: int) -> list[QuoteCorrection]:
        return await self._call(lambda db: _writes.corrections(db, briefing_id))

    async def set_quote_correction(
        self,
        briefing_id: int,
        correction: QuoteCorrection,
        *,
        editor_id: int | None,
        now: datetime | None = None,
    ) -> None:
        stamp = now_ts(now)

        def work(db: sqlite3.Connection) -> None:
            if db.execute("SELECT 1 FROM briefings WHERE id = ?", (briefing_id,)).fetchone() is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            if correction.kind is CorrectionKind.KEY:
                db.execute(
                    "DELETE FROM quote_corrections WHERE briefing_id = ? AND kind = 'key'", (briefing_id,)
                )
            db.execute(
                "INSERT OR REPLACE INTO quote_corrections "
                "(briefing_id, quote_text, kind, speaker, speaker_role, editor_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    briefing_id,
                    correction.quote_text,
                    correction.kind.value,
                    correction.speaker,
                    correction.speaker_role,
                    editor_id,
                    stamp,
                ),
            )

        await self._atomic(work)

    async def remove_quote_corrections(self, briefing_id: int, quote_text: str) -> int:
        return await self._write(
            "DELETE FROM quote_corrections WHERE briefing_id = ? AND quote_text = ?",
            (briefing_id, quote_text),
        )

    async def remove_briefing(self, briefing_id: int) -> list[tuple[int, int]]:
        """Delete a briefing; return the (channel_id, message_id) of its posted copies
        so the caller can offer to delete them."""

        def work(db: sqlite3.Connection) -> list[tuple[int, int]]:
            if db.execute("SELECT id FROM briefings WHERE id = ?", (briefing_id,)).fetchone() is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            posted = db.execute(
                "SELECT channel_id, message_id FROM deliveries "
                "WHERE briefing_id = ? AND state = 'sent' AND message_id IS NOT NULL",
                (briefing_id,),
            ).fetchall()
            _writes.delete_children(db, briefing_id)
            db.execute("DELETE FROM speakers WHERE quote_count <= 0")
            db.execute("DELETE FROM briefings WHERE id = ?", (briefing_id,))
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                "max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                (constants.META_HIGHEST_REMOVED_ID, str(briefing_id)),
            )
            # Pending deliveries of a removed briefing must never be sent.
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'briefing removed' "
                "WHERE briefing_id = ? AND state = 'pending'",
                (briefing_id,),
            )
            return [(int(r[0]), int(r[1])) for r in posted]

        return await self._atomic(work)

    # -- reads ------------------------------------------------------------------

    async def _briefings(self, sql: str, params: Sequence[Any]) -> list[Briefing]:
        """The briefings ``sql`` selects (``_BRIEFING_COLUMNS``) with their quotes, both
        statements in one call on the connection's thread."""
        return await self._call(lambda db: _hydrate(db, db.execute(sql, params).fetchall()))

    async def get_briefing(
        self, briefing_id: int, *, include_embargoed: bool = False, now: datetime | None = None
    ) -> Briefing | None:
        sql = f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE id = ?"
        params: list[Any] = [briefing_id]
        if not include_embargoed:
            sql += " AND published_at <= ?"
            params.append(now_ts(now))
        found = await self._briefings(sql, params)
        return found[0] if found else None

    async def get_briefings(self, ids: Sequence[int]) -> list[Briefing]:
        """Briefings by id, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = await self._briefings(f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE id IN ({marks})", ids)
        by_id = {b.id: b for b in found}
        return [by_id[i] for i in ids if i in by_id]

    async def latest(
        self, count: int = 1, *, topic: str | None = None, now: datetime | None = None
    ) -> list[Briefing]:
        """The newest published briefings, optionally only those tagged ``topic``."""
        stamp = now_ts(now)
        if topic:
            return await self._briefings(
                f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE id IN ("
                "SELECT briefing_id FROM briefing_tags WHERE tag = ? AND published_at <= ? "
                "ORDER BY published_at DESC, briefing_id DESC LIMIT ?) "
                "ORDER BY published_at DESC, id DESC",
                (topic.strip().casefold(), stamp, count),
            )
        return await self._briefings(
            f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE published_at <= ? "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (stamp, count),
        )

    async def list_briefings(
        self, *, limit: int = 20, offset: int = 0, include_embargoed: bool = True, now: datetime | None = None
    ) -> list[BriefingRef]:
        sql = "SELECT id, title, published_at FROM briefings"
        params: list[Any] = []
        if not include_embargoed:
            sql += " WHERE published_at <= ?"
            params.append(now_ts(now))
        sql += " ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?"
        params += [limit, offset]
        return [_ref(r) for r in await self._fetchall(sql, params)]

    async def count_briefings(self) -> int:
        """How many briefings are stored (for tests; not part of ``Storage``)."""
        row = await self._fetchone("SELECT count(*) FROM briefings")
        return int(row[0]) if row else 0

    async def max_briefing_id(self) -> int:
        row = await self._fetchone("SELECT coalesce(max(id), 0) FROM briefings")
        return int(row[0]) if row else 0

    async def titles_matching(
        self, text: str, *, limit: int = 25, include_embargoed: bool = False, now: datetime | None = None
    ) -> list[BriefingRef]:
        """Autocomplete by title: newest first, any typed word (prefix) may match."""
        limit = min(limit, 25)
        stamp = now_ts(now) if not include_embargoed else 2**62
        match = build_match(text)
        if match is None:
            rows = await self._fetchall(
                "SELECT id, title, published_at FROM briefings WHERE published_at <= ? "
                "ORDER BY published_at DESC, id DESC LIMIT ?",
                (stamp, limit),
            )
        else:
            # The newest matches by id (FTS5 walks its doclist backwards and stops), then
            # newest by publish time among them: cost bounded by the window, not by how
            # many titles share a short prefix. titles_fts holds each title and publish
            # time itself (0005), so the window never reads the briefings table. The
            # window keeps 4x slack over the choices asked for (newer ids with older
            # publish times are backdated imports): 100 for autocomplete's 25, 25 for
            # /summary's one.
            window = min(AUTOCOMPLETE_WINDOW, max(25, 4 * limit))
            rows = await self._fetchall(
                "SELECT id, title, published_at FROM (SELECT rowid AS id, title, published_at "
                "FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC LIMIT ?) "
                "WHERE published_at <= ? ORDER BY published_at DESC, id DESC LIMIT ?",
                (match, window, stamp, limit),
            )
        return [_ref(r) for r in rows]

    async def search(
        self, query: str, *, limit: int = 5, offset: int = 0, now: datetime | None = None
    ) -> tuple[list[SearchHit], int]:
        """Ranked full-text search with a highlighted snippet; returns (page, total).

        A query matching more than ``SEARCH_WINDOW`` briefings ranks only the newest
        ``SEARCH_WINDOW`` of them and reports that many as the total.
        """
        match = build_match(query, prefix_last=False)
        if match is None:
            return [], 0
        stamp = now_ts(now)
        window = constants.SEARCH_WINDOW
        found, total = await self._call(
            lambda db: _search.search(db, match, now_ts=stamp, limit=limit, offset=offset, window=window)
        )
        hits = [
            SearchHit(BriefingRef(h.id, h.title, from_ts(h.published_at)), h.source_url, h.snippet, h.score)
            for h in found
        ]
        return hits, total

    # -- quotes and speakers -------------------------------------------------------

    async def speakers_matching(self, text: str, *, limit: int = 25) -> list[tuple[str, str | None]]:
        """Speakers whose name has a word starting with what was typed, most quoted first."""
        limit = min(limit, 25)
        term = text.strip().casefold()
        if not term:
            rows = await self._fetchall(
                "SELECT name, role FROM speakers WHERE quote_count > 0 "
                "ORDER BY quote_count DESC, name LIMIT ?",
                (limit,),
            )
        else:
            rows = await self._fetchall(
                "SELECT s.name, s.role FROM speakers s WHERE s.quote_count > 0 AND s.id IN "
                "(SELECT speaker_id FROM speaker_terms WHERE term >= ? AND term < ?) "
                "ORDER BY s.quote_count DESC, s.name LIMIT ?",
                (term, term + "\U0010ffff", limit),
            )
        return [(r["name"], r["role"]) for r in rows]

    async def find_quotes(
        self,
        *,
        speaker: str | None = None,
        briefing_id: int | None = None,
        contains: str | None = None,
        limit: int = 3,
        now: datetime | None = None,
    ) -> list[QuoteHit]:
        """Key quotes, best first: by speaker (any part of the name), by briefing,
        and/or containing some words. No filter: the top quote of the newest briefing."""
        stamp = now_ts(now)
        speaker_words: list[str] = []
        if speaker and speaker.strip():
            speaker_words = [w.casefold() for w in _quotes.NAME_WORD.findall(speaker)] or [
                speaker.strip().casefold()
            ]
        contains_words = _quotes.NAME_WORD.findall(contains) if contains and contains.strip() else []
        rows = await self._call(
            lambda db: _quotes.find(
                db,
                speaker_words=speaker_words,
                briefing_id=briefing_id,
                contains_words=contains_words,
                text_filter=bool(speaker or contains),
                limit=limit,
                now_ts=stamp,
            )
        )
        return [
            QuoteHit(
                Quote(r[0], r[1], r[2], r[3], r[4], r[5], r[10]),
                BriefingRef(int(r[6]), r[7], from_ts(int(r[8]))),
                r[9],
            )
            for r in rows
        ]


def _hydrate(db: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Briefing]:
    """Briefing rows with their quotes (on the connection's thread)."""
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    marks = ",".join("?" * len(ids))
    quote_rows = db.execute(
        f'SELECT q.briefing_id, q.text, s.name, q.speaker_role, q.start, q."end", q.score, q.confidence '
        f"FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
        f"WHERE q.briefing_id IN ({marks}) ORDER BY q.briefing_id, q.position",
        ids,
    ).fetchall()
    quotes: dict[int, list[Quote]] = {i: [] for i in ids}
    for q in quote_rows:
        quotes[int(q[0])].append(Quote(q[1], q[2], q[3], q[4], q[5], q[6], q[7]))
    return [
        Briefing(
            id=int(r["id"]),
            title=r["title"],
            body=r["body"],
            published_at=from_ts(int(r["published_at"])),
            source_url=r["source_url"],
            tags=tuple(json.loads(r["tags"])),
            language=r["language"],
            summaries=Summaries(r["summary_short"], r["summary_standard"], r["summary_detailed"]),
            quotes=tuple(quotes[int(r["id"])]),
            created_at=from_ts(int(r["created_at"])),
            updated_at=from_ts(int(r["updated_at"])),
            corrected_at=from_ts(r["corrected_at"]),
        )
        for r in rows
    ]


def _ref(row: sqlite3.Row) -> BriefingRef:
    return BriefingRef(int(row["id"]), row["title"], from_ts(int(row["published_at"])))
