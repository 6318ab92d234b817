"""Sources, their entries and review drafts in PostgreSQL (``storage.interface.Sources``).

Writes hold the database's write lock (``_writing``), as every write here does, so two
processes polling the same store never interleave a claim, a poll record or an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

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
from storage.postgres._connection import Db, PostgresConnection
from storage.postgres._rows import now_stamp, stamp

_DRAFT_SELECT = (
    "SELECT e.*, s.name AS source_name FROM source_entries e LEFT JOIN sources s ON s.id = e.source_id "
)


class PostgresSources(PostgresConnection):
    """``storage.interface.Sources`` over PostgreSQL."""

    async def add_source(self, source: Source, *, now: datetime | None = None) -> Source:
        created = now_stamp(now)
        first = stamp(source.next_poll_at) if source.next_poll_at else created
        async with self._writing() as db:
            clash = await db.fetchrow("SELECT id, name FROM sources WHERE url = $1", source.url)
            if clash is not None:
                raise StorageError(f"source #{clash[0]} ({clash[1]}) already follows {source.url}")
            row = await db.fetchrow(
                "INSERT INTO sources (url, name, topics, language, timezone, interval_minutes, mode, full_text, "
                "status, next_poll_at, created_at, added_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11) RETURNING *",
                source.url,
                source.name,
                list(source.topics),
                source.language,
                source.timezone,
                source.interval_minutes,
                source.mode.value,
                source.full_text,
                first,
                created,
                source.added_by,
            )
        assert row is not None
        return _source(row)

    async def get_source(self, source_id: int) -> Source | None:
        row = await self._fetchrow("SELECT * FROM sources WHERE id = $1", source_id)
        return _source(row) if row else None

    async def list_sources(self) -> list[Source]:
        return [_source(r) for r in await self._fetch("SELECT * FROM sources ORDER BY id")]

    async def set_source_status(
        self,
        source_id: int,
        status: SourceStatus,
        reason: str | None,
        *,
        next_poll_at: datetime | None = None,
    ) -> Source:
        due = stamp(next_poll_at) if next_poll_at else None
        async with self._writing() as db:
            row = await db.fetchrow(
                "UPDATE sources SET status = $1, status_reason = $2, failures = 0, "
                "next_poll_at = coalesce($3, next_poll_at) WHERE id = $4 RETURNING *",
                status.value,
                reason,
                due,
                source_id,
            )
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return _source(row)

    async def remove_source(self, source_id: int) -> Source:
        async with self._writing() as db:
            row = await db.fetchrow("SELECT * FROM sources WHERE id = $1", source_id)
            if row is None:
                raise NotFoundError(f"no source with id {source_id}")
            await db.execute("DELETE FROM source_entries WHERE source_id = $1 AND state = 'draft'", source_id)
            await db.execute("DELETE FROM sources WHERE id = $1", source_id)
        return _source(row)

    async def claim_due_sources(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Source]:
        async with self._writing() as db:
            rows = await db.fetch(
                "WITH due AS (SELECT id, next_poll_at AS was FROM sources WHERE status <> 'paused' "
                "AND next_poll_at <= $1 ORDER BY next_poll_at, id LIMIT $2) "
                "UPDATE sources s SET next_poll_at = $3 FROM due WHERE s.id = due.id RETURNING s.*, due.was",
                stamp(now),
                limit,
                stamp(lease_until),
            )
        return [_source(r) for r in sorted(rows, key=lambda r: (r["was"], r["id"]))]

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
        at, due = stamp(now), stamp(next_poll_at)
        async with self._writing() as db:
            row = await db.fetchrow("SELECT status, failures FROM sources WHERE id = $1", source_id)
            if row is None:
                return None
            if error is None:
                updated = await db.fetchrow(
                    "UPDATE sources SET failures = 0, etag = $1, last_modified = $2, last_polled_at = $3, "
                    "last_success_at = $3, next_poll_at = $4, "
                    "status = CASE WHEN status = 'paused' THEN status ELSE 'active' END, "
                    "status_reason = CASE WHEN status = 'paused' THEN status_reason ELSE NULL END "
                    "WHERE id = $5 RETURNING *",
                    etag,
                    last_modified,
                    at,
                    due,
                    source_id,
                )
            else:
                failures = int(row["failures"]) + (1 if counts else 0)
                status = str(row["status"])
                if status != SourceStatus.PAUSED and counts and failures >= failure_threshold:
                    status = SourceStatus.FAILING.value
                updated = await db.fetchrow(
                    "UPDATE sources SET failures = $1, status = $2, "
                    "status_reason = CASE WHEN $2 = 'failing' THEN $3 ELSE status_reason END, "
                    "last_polled_at = $4, next_poll_at = $5 WHERE id = $6 RETURNING *",
                    failures,
                    status,
                    error,
                    at,
                    due,
                    source_id,
                )
        return _source(updated) if updated else None

    # -- entries -------------------------------------------------------------------

    async def find_entries(self, keys: Sequence[str], links: Sequence[str]) -> list[SeenEntry]:
        if not keys and not links:
            return []
        rows = await self._fetch(
            "SELECT * FROM source_entries WHERE key = ANY($1::text[]) OR link = ANY($2::text[]) ORDER BY id",
            list(dict.fromkeys(keys)),
            list(dict.fromkeys(links)),
        )
        return [_entry(r) for r in rows]

    async def record_entries(
        self, records: Sequence[EntryRecord], *, now: datetime | None = None
    ) -> list[SeenEntry]:
        at = now_stamp(now)
        async with self._writing() as db:
            return [await _record(db, r, at) for r in records]

    async def stale_entries(self) -> list[SeenEntry]:
        rows = await self._fetch("SELECT * FROM source_entries WHERE copies_stale ORDER BY id")
        return [_entry(r) for r in rows]

    async def mark_copies_corrected(self, entry_id: int) -> None:
        await self._write("UPDATE source_entries SET copies_stale = false WHERE id = $1", entry_id)

    # -- drafts --------------------------------------------------------------------

    async def drafts(self, *, limit: int = 100) -> list[WaitingDraft]:
        rows = await self._fetch(_DRAFT_SELECT + "WHERE e.state = 'draft' ORDER BY e.id LIMIT $1", limit)
        return [_draft(r) for r in rows]

    async def get_draft(self, draft_id: int) -> WaitingDraft | None:
        row = await self._fetchrow(_DRAFT_SELECT + "WHERE e.id = $1 AND e.state = 'draft'", draft_id)
        return _draft(row) if row else None

    async def update_draft(self, draft_id: int, draft: Draft, *, now: datetime | None = None) -> WaitingDraft:
        changed = await self._write(
            "UPDATE source_entries SET draft = $1, updated_at = $2 WHERE id = $3 AND state = 'draft'",
            draft_json(draft),
            now_stamp(now),
            draft_id,
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
            "UPDATE source_entries SET state = $1, briefing_id = $2, draft = NULL, updated_at = $3 "
            "WHERE id = $4 AND state = 'draft'",
            state.value,
            briefing_id,
            now_stamp(now),
            draft_id,
        )
        return changed > 0


async def _record(db: Db, record: EntryRecord, at: datetime) -> SeenEntry:
    """Insert or update one entry inside the caller's write transaction.

    An update never brings a rejected entry back, nor turns a published one into a draft
    again: an editor's decision made while a poll was running stands."""
    state, briefing_id, fp, draft = record.state, record.briefing_id, record.fingerprint, record.draft
    if state is EntryState.DRAFT and draft is not None:
        stored = await db.fetchrow(
            "SELECT id, fingerprint FROM briefings WHERE fingerprint = $1 OR source_url = $2 LIMIT 1",
            fingerprint(draft.title, draft.body),
            draft.source_url,
        )
        if stored is not None:
            state, briefing_id, fp, draft = EntryState.PUBLISHED, int(stored[0]), stored[1], None
    text = draft_json(draft) if state is EntryState.DRAFT and draft is not None else None
    existing = await db.fetchval("SELECT state FROM source_entries WHERE key = $1", record.key)
    if existing is not None:
        kept = EntryState(existing)
        if kept is EntryState.REJECTED or (kept is EntryState.PUBLISHED and state is EntryState.DRAFT):
            row = await db.fetchrow(
                "UPDATE source_entries SET entry_hash = $1, updated_at = $2 WHERE key = $3 RETURNING *",
                record.entry_hash,
                at,
                record.key,
            )
        else:
            row = await db.fetchrow(
                "UPDATE source_entries SET source_id = coalesce($1, source_id), link = $2, entry_hash = $3, "
                "state = $4, fingerprint = $5, briefing_id = $6, draft = $7, copies_stale = $8, updated_at = $9 "
                "WHERE key = $10 RETURNING *",
                record.source_id,
                record.link,
                record.entry_hash,
                state.value,
                fp,
                briefing_id,
                text,
                record.copies_stale,
                at,
                record.key,
            )
    else:
        row = await db.fetchrow(
            "INSERT INTO source_entries (source_id, key, link, entry_hash, state, fingerprint, briefing_id, "
            "draft, copies_stale, seen_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) "
            "RETURNING *",
            record.source_id,
            record.key,
            record.link,
            record.entry_hash,
            state.value,
            fp,
            briefing_id,
            text,
            record.copies_stale,
            at,
        )
    assert row is not None
    return _entry(row)


def _source(row: asyncpg.Record) -> Source:
    return Source(
        id=int(row["id"]),
        url=row["url"],
        name=row["name"],
        topics=tuple(row["topics"]),
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
        next_poll_at=row["next_poll_at"],
        last_polled_at=row["last_polled_at"],
        last_success_at=row["last_success_at"],
        created_at=row["created_at"],
        added_by=row["added_by"],
    )


def _entry(row: asyncpg.Record) -> SeenEntry:
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
        seen_at=row["seen_at"],
        updated_at=row["updated_at"],
    )


def _draft(row: asyncpg.Record) -> WaitingDraft:
    return WaitingDraft(
        id=int(row["id"]),
        source_id=row["source_id"],
        source_name=row["source_name"],
        draft=draft_from_json(row["draft"]),
        fingerprint=row["fingerprint"],
        seen_at=row["seen_at"],
        updated_at=row["updated_at"],
    )
