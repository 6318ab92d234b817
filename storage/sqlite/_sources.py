"""Sources, their entries and review drafts in SQLite (``storage.interface.Sources``).

Each method is one call on the connection's thread; writes are one transaction, so a
poll's entries are recorded all or nothing and two pollers never interleave.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from bot.models import (
    Draft,
    EntryRecord,
    EntryState,
    SeenEntry,
    Source,
    SourceMode,
    SourceStatus,
    WaitingDraft,
    fingerprint,
)
from storage._drafts import draft_from_json, draft_json
from storage.errors import NotFoundError, StorageError
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, now_ts, to_ts

# Values bound in one IN (...) list: well under SQLite's limit of 32,766 parameters.
_CHUNK = 500
_DRAFT_COLUMNS = "e.*, s.name AS source_name"


class SQLiteSources(SQLiteConnection):
    """``storage.interface.Sources`` over SQLite."""

    async def add_source(self, source: Source, *, now: datetime | None = None) -> Source:
        stamp = now_ts(now)
        first = to_ts(source.next_poll_at) if source.next_poll_at else stamp

        def work(db: sqlite3.Connection) -> Source:
            clash = db.execute("SELECT id, name FROM sources WHERE url = ?", (source.url,)).fetchone()
            if clash is not None:
                raise StorageError(f"source #{clash[0]} ({clash[1]}) already follows {source.url}")
            cursor = db.execute(
                "INSERT INTO sources (url, name, topics, language, timezone, interval_minutes, mode, full_text, "
                "status, next_poll_at, created_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
                (
                    source.url,
                    source.name,
                    json.dumps(list(source.topics), ensure_ascii=False),
                    source.language,
                    source.timezone,
                    source.interval_minutes,
                    source.mode.value,
                    int(source.full_text),
                    first,
                    stamp,
                    source.added_by,
                ),
            )
            return _source(db.execute("SELECT * FROM sources WHERE id = ?", (cursor.lastrowid,)).fetchone())

        return await self._atomic(work)

    async def get_source(self, source_id: int) -> Source | None:
        row = await self._fetchone("SELECT * FROM sources WHERE id = ?", (source_id,))
        return _source(row) if row else None

    async def list_sources(self) -> list[Source]:
        return [_source(r) for r in await self._fetchall("SELECT * FROM sources ORDER BY id")]

    async def set_source_status(
        self,
        source_id: int,
        status: SourceStatus,
        reason: str | None,
        *,
        next_poll_at: datetime | None = None,
    ) -> Source:
        due = to_ts(next_poll_at) if next_poll_at else None

        def work(db: sqlite3.Connection) -> Source:
            changed = db.execute(
                "UPDATE sources SET status = ?, status_reason = ?, failures = 0, "
                "next_poll_at = coalesce(?, next_poll_at) WHERE id = ?",
                (status.value, reason, due, source_id),
            ).rowcount
            if not changed:
                raise NotFoundError(f"no source with id {source_id}")
            return _source(db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone())

        return await self._atomic(work)

    async def remove_source(self, source_id: int) -> Source:
        def work(db: sqlite3.Connection) -> Source:
            row = db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no source with id {source_id}")
            db.execute("DELETE FROM source_entries WHERE source_id = ? AND state = 'draft'", (source_id,))
            db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            return _source(row)

        return await self._atomic(work)

    async def claim_due_sources(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Source]:
        stamp, lease = to_ts(now), to_ts(lease_until)

        def work(db: sqlite3.Connection) -> list[Source]:
            ids = [
                int(r[0])
                for r in db.execute(
                    "SELECT id FROM sources WHERE status <> 'paused' AND next_poll_at <= ? "
                    "ORDER BY next_poll_at, id LIMIT ?",
                    (stamp, limit),
                )
            ]
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            db.execute(f"UPDATE sources SET next_poll_at = ? WHERE id IN ({marks})", (lease, *ids))
            rows = db.execute(f"SELECT * FROM sources WHERE id IN ({marks})", ids).fetchall()
            order = {source_id: i for i, source_id in enumerate(ids)}
            return sorted((_source(r) for r in rows), key=lambda s: order[s.id])

        return await self._atomic(work)

    async def record_poll(
        self,
        source_id: int,
        *,
        now: datetime,
        next_poll_at: datetime,
        error: str | None,
        counts: bool = True,
        etag: str | None = None,
        last_modified: str | None = None,
        failure_threshold: int,
    ) -> Source | None:
        stamp, due = to_ts(now), to_ts(next_poll_at)

        def work(db: sqlite3.Connection) -> Source | None:
            row = db.execute("SELECT status, failures FROM sources WHERE id = ?", (source_id,)).fetchone()
            if row is None:
                return None
            if error is None:
                db.execute(
                    "UPDATE sources SET failures = 0, etag = ?, last_modified = ?, last_polled_at = ?, "
                    "last_success_at = ?, next_poll_at = ?, "
                    "status = CASE WHEN status = 'paused' THEN status ELSE 'active' END, "
                    "status_reason = CASE WHEN status = 'paused' THEN status_reason ELSE NULL END WHERE id = ?",
                    (etag, last_modified, stamp, stamp, due, source_id),
                )
            else:
                failures = int(row["failures"]) + (1 if counts else 0)
                status = row["status"]
                if status != SourceStatus.PAUSED and counts and failures >= failure_threshold:
                    status = SourceStatus.FAILING.value
                db.execute(
                    "UPDATE sources SET failures = ?, status = ?, "
                    "status_reason = CASE WHEN ? = 'failing' THEN ? ELSE status_reason END, "
                    "last_polled_at = ?, next_poll_at = ? WHERE id = ?",
                    (failures, status, status, error, stamp, due, source_id),
                )
            return _source(db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone())

        return await self._atomic(work)

    # -- entries -------------------------------------------------------------------

    async def find_entries(self, keys: Sequence[str], links: Sequence[str]) -> list[SeenEntry]:
        def work(db: sqlite3.Connection) -> list[SeenEntry]:
            found: dict[int, SeenEntry] = {}
            for column, values in (("key", list(dict.fromkeys(keys))), ("link", list(dict.fromkeys(links)))):
                for start in range(0, len(values), _CHUNK):
                    chunk = values[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for row in db.execute(f"SELECT * FROM source_entries WHERE {column} IN ({marks})", chunk):
                        found.setdefault(int(row["id"]), _entry(row))
            return list(found.values())

        return await self._call(work)

    async def record_entries(
        self, records: Sequence[EntryRecord], *, now: datetime | None = None
    ) -> list[SeenEntry]:
        stamp = now_ts(now)
        pending = list(records)
        return await self._atomic(lambda db: [_record(db, r, stamp) for r in pending])

    async def stale_entries(self) -> list[SeenEntry]:
        rows = await self._fetchall("SELECT * FROM source_entries WHERE copies_stale = 1 ORDER BY id")
        return [_entry(r) for r in rows]

    async def mark_copies_corrected(self, entry_id: int) -> None:
        await self._write("UPDATE source_entries SET copies_stale = 0 WHERE id = ?", (entry_id,))

    # -- drafts --------------------------------------------------------------------

    async def drafts(self, *, limit: int = 100) -> list[WaitingDraft]:
        rows = await self._fetchall(
            f"SELECT {_DRAFT_COLUMNS} FROM source_entries e LEFT JOIN sources s ON s.id = e.source_id "
            "WHERE e.state = 'draft' ORDER BY e.id LIMIT ?",
            (limit,),
        )
        return [_draft(r) for r in rows]

    async def get_draft(self, draft_id: int) -> WaitingDraft | None:
        row = await self._fetchone(
            f"SELECT {_DRAFT_COLUMNS} FROM source_entries e LEFT JOIN sources s ON s.id = e.source_id "
            "WHERE e.id = ? AND e.state = 'draft'",
            (draft_id,),
        )
        return _draft(row) if row else None

    async def update_draft(self, draft_id: int, draft: Draft, *, now: datetime | None = None) -> WaitingDraft:
        changed = await self._write(
            "UPDATE source_entries SET draft = ?, updated_at = ? WHERE id = ? AND state = 'draft'",
            (draft_json(draft), now_ts(now), draft_id),
        )
        found = await self.get_draft(draft_id) if changed else None
        if found is None:
            raise NotFoundError(f"no draft #{draft_id} is waiting")
        return found

    async def resolve_draft(
        self, draft_id: int, *, briefing_id: int | None, now: datetime | None = None
    ) -> bool:
        state = EntryState.REJECTED if briefing_id is None else EntryState.PUBLISHED
        changed = await self._write(
            "UPDATE source_entries SET state = ?, briefing_id = ?, draft = NULL, updated_at = ? "
            "WHERE id = ? AND state = 'draft'",
            (state.value, briefing_id, now_ts(now), draft_id),
        )
        return changed > 0


def _record(db: sqlite3.Connection, record: EntryRecord, stamp: int) -> SeenEntry:
    """Insert or update one entry (on the connection's thread, inside the caller's transaction).

    An update never brings a rejected entry back, nor turns a published one into a draft
    again: an editor's decision made while a poll was running stands."""
    state, briefing_id, fp, draft = record.state, record.briefing_id, record.fingerprint, record.draft
    if state is EntryState.DRAFT and draft is not None:
        stored = db.execute(
            "SELECT id, fingerprint FROM briefings WHERE fingerprint = ? OR source_url = ? LIMIT 1",
            (fingerprint(draft.title, draft.body), draft.source_url),
        ).fetchone()
        if stored is not None:
            state, briefing_id, fp, draft = EntryState.PUBLISHED, int(stored[0]), stored[1], None
    existing = db.execute("SELECT state FROM source_entries WHERE key = ?", (record.key,)).fetchone()
    if existing is not None:
        kept = EntryState(existing[0])
        if kept is EntryState.REJECTED or (kept is EntryState.PUBLISHED and state is EntryState.DRAFT):
            db.execute(
                "UPDATE source_entries SET entry_hash = ?, updated_at = ? WHERE key = ?",
                (record.entry_hash, stamp, record.key),
            )
        else:
            db.execute(
                "UPDATE source_entries SET source_id = coalesce(?, source_id), link = ?, entry_hash = ?, "
                "state = ?, fingerprint = ?, briefing_id = ?, draft = ?, copies_stale = ?, updated_at = ? "
                "WHERE key = ?",
                (
                    record.source_id,
                    record.link,
                    record.entry_hash,
                    state.value,
                    fp,
                    briefing_id,
                    draft_json(draft) if state is EntryState.DRAFT and draft is not None else None,
                    int(record.copies_stale),
                    stamp,
                    record.key,
                ),
            )
    else:
        db.execute(
            "INSERT INTO source_entries (source_id, key, link, entry_hash, state, fingerprint, briefing_id, "
            "draft, copies_stale, seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.source_id,
                record.key,
                record.link,
                record.entry_hash,
                state.value,
                fp,
                briefing_id,
                draft_json(draft) if state is EntryState.DRAFT and draft is not None else None,
                int(record.copies_stale),
                stamp,
                stamp,
            ),
        )
    return _entry(db.execute("SELECT * FROM source_entries WHERE key = ?", (record.key,)).fetchone())


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=int(row["id"]),
        url=row["url"],
        name=row["name"],
        topics=tuple(json.loads(row["topics"])),
        language=row["language"],
        timezone=row["timezone"],
        interval_minutes=int(row["interval_minutes"]),
        mode=SourceMode(row["mode"]),
        full_text=bool(row["full_text"]),
        status=SourceStatus(row["status"]),
        status_reason=row["status_reason"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        failures=int(row["failures"]),
        next_poll_at=from_ts(row["next_poll_at"]),
        last_polled_at=from_ts(row["last_polled_at"]),
        last_success_at=from_ts(row["last_success_at"]),
        created_at=from_ts(row["created_at"]),
        added_by=row["added_by"],
    )


def _entry(row: sqlite3.Row) -> SeenEntry:
    return SeenEntry(
        id=int(row["id"]),
        source_id=row["source_id"],
        key=row["key"],
        link=row["link"],
        entry_hash=row["entry_hash"],
        state=EntryState(row["state"]),
        fingerprint=row["fingerprint"],
        briefing_id=row["briefing_id"],
        copies_stale=bool(row["copies_stale"]),
        seen_at=from_ts(int(row["seen_at"])),
        updated_at=from_ts(int(row["updated_at"])),
    )


def _draft(row: sqlite3.Row) -> WaitingDraft:
    return WaitingDraft(
        id=int(row["id"]),
        source_id=row["source_id"],
        source_name=row["source_name"],
        draft=draft_from_json(row["draft"]),
        fingerprint=row["fingerprint"],
        seen_at=from_ts(int(row["seen_at"])),
        updated_at=from_ts(int(row["updated_at"])),
    )
