"""The SQLite backend: the only module that speaks SQL.

One long-lived aiosqlite connection (one worker thread) serves the whole bot; every
write that belongs together runs in one ``transaction()``. Reader queries hide
briefings whose publish time is still in the future (embargo).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.models import (
    AddOutcome,
    Analysis,
    Briefing,
    BriefingRef,
    Draft,
    Quote,
    QuoteHit,
    ScheduleKind,
    SearchHit,
    Subscription,
    Summaries,
    fingerprint,
)
from storage import _quotes, _search, _writes, migrate
from storage._writes import to_ts
from storage.errors import NotFoundError, StorageError
from storage.fts import build_match
from storage.outbox import OutboxMixin

log = logging.getLogger(__name__)
T = TypeVar("T")

_BRIEFING_COLUMNS = (
    "id, title, body, published_at, source_url, language, tags, summary_short, summary_standard, "
    "summary_detailed, created_at, updated_at, corrected_at"
)
_NAME_TERM = re.compile(r"\w+", re.UNICODE)
# Bounds that keep a command's cost independent of the archive's size.
AUTOCOMPLETE_WINDOW = 100
WAL_AUTOCHECKPOINT_PAGES = 4000
SEARCH_WINDOW = 1000
# Prepared statements kept by the connection (Python's default is 128). A search prepares
# two or three per search shard it reaches, and a rare word reaches every shard (100 at
# 1M briefings): with 128 they evicted each other and each search re-prepared them all.
# Re-preparing a shard's walk costs ~65 us more than running it (37 us).
STATEMENT_CACHE = 1024


def _run_atomically(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """On the connection's thread: ``work`` in one IMMEDIATE transaction."""
    db.execute("BEGIN IMMEDIATE")  # waits up to busy_timeout for another process's write lock
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")
        raise
    return result


def from_ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _now() -> datetime:
    return datetime.now(UTC)


class SQLiteStorage(OutboxMixin):
    """Typed async access to the briefbot database."""

    def __init__(self, conn: aiosqlite.Connection, path: str, settings: migrate.Settings) -> None:
        self._conn = conn
        self.path = path
        self._settings = settings
        self._write_lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------

    @classmethod
    async def open(
        cls, path: str | Path, *, migrate_schema: bool = True, search_shard_size: int | None = None
    ) -> SQLiteStorage:
        """Open (creating if needed) the database, set pragmas and migrate.

        ``migrate_schema=False`` still refuses a database newer than this code.
        ``search_shard_size`` (briefings per full-text shard, default
        ``_search.DEFAULT_SHARD_SIZE``) applies only when the shards are created, by the
        migration to schema 7; a database keeps the size it was given then.
        """
        path = str(path)
        settings = migrate.Settings(search_shard_size or _search.DEFAULT_SHARD_SIZE)
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StorageError(f"cannot open database {path}: folder {parent} does not exist")
        try:
            conn = await aiosqlite.connect(path, isolation_level=None, cached_statements=STATEMENT_CACHE)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Refuse a newer schema before anything (even the WAL switch) writes.
            await migrate.check_not_newer(conn, path)
            if path != ":memory:":
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            # Checkpoint every ~16 MB of WAL instead of every 4 MB: pages that every
            # write touches (index roots, FTS5 structure, speakers) are copied back once
            # per 4,000 WAL frames rather than four times, and the checkpoint's fsync is
            # paid a quarter as often. One briefing per transaction stored in
            # 2.6 ms instead of 3.7 ms (one core, 800 words).
            await conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
            if migrate_schema:
                await migrate.apply_migrations(conn, path, settings)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise StorageError(f"cannot use {_fault(path, exc)}") from exc
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path, settings)

    async def close(self) -> None:
        await self._conn.close()

    async def schema_version(self) -> int:
        return await migrate.current_version(self._conn)

    async def upgrade(self) -> list[int]:
        return await migrate.apply_migrations(self._conn, self.path, self._settings)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        The whole bot shares one connection, so transactions from concurrent tasks
        (a command while a fan-out records deliveries) queue on a lock instead of
        failing with "cannot start a transaction within a transaction".
        """
        async with self._write_lock:
            try:
                # Waits up to busy_timeout (5 s) for another process's write lock.
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise _fault(self.path, exc) from exc
            except BaseException:
                # Cancelled while BEGIN was queued: it still runs on the connection's
                # thread, and an open transaction left behind would make every later
                # BEGIN fail. The rollback is queued after it.
                with contextlib.suppress(sqlite3.Error):
                    await self._conn.rollback()
                raise
            try:
                yield self._conn
            except BaseException as exc:
                try:
                    await self._conn.rollback()
                except sqlite3.Error:
                    log.exception("rollback failed on database %s", self.path)
                if _is_fault(exc):
                    raise _fault(self.path, exc) from exc  # type: ignore[arg-type]
                raise
            else:
                try:
                    await self._conn.commit()
                except sqlite3.DatabaseError as exc:
                    with contextlib.suppress(sqlite3.Error):
                        await self._conn.rollback()
                    raise _fault(self.path, exc) from exc

    async def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(db)`` as one call on the connection's thread: a query of several
        statements pays one round trip to aiosqlite's thread instead of one each."""
        try:
            return await self._conn._execute(work, self._conn._conn)
        except sqlite3.DatabaseError as exc:
            if _is_fault(exc):
                raise _fault(self.path, exc) from exc
            raise

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.DatabaseError as exc:
            if _is_fault(exc):
                raise _fault(self.path, exc) from exc
            raise

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self._fetchall(sql, params)
        for row in rows:
            return row
        return None

    # -- briefings: writes -------------------------------------------------------

    async def _atomic(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(db)`` inside ``BEGIN IMMEDIATE … COMMIT`` (rolled back on any error),
        all in one call on the connection's worker thread.

        ``transaction()`` pays a round trip to aiosqlite's thread per statement; a
        briefing's dozen statements cost more in round trips than in SQLite. Shares
        ``transaction()``'s lock and its fault reporting.
        """
        async with self._write_lock:
            try:
                return await self._conn._execute(_run_atomically, self._conn._conn, work)
            except sqlite3.DatabaseError as exc:
                if _is_fault(exc):
                    raise _fault(self.path, exc) from exc
                raise

    async def add_briefings(
        self, items: Iterable[tuple[Draft, Analysis]], *, now: datetime | None = None
    ) -> list[AddOutcome]:
        """Store each draft once; a repeat (same source URL or same normalised
        title and body) is reported as a duplicate of the stored id.

        The batch is one transaction: a crash stores all or nothing.
        """
        now_ts = to_ts(now or _now())
        pairs = list(items)
        return await self._atomic(lambda db: [_writes.insert(db, d, a, now_ts) for d, a in pairs])

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
        now_ts = to_ts(now or _now())
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
                    now_ts,
                    posted is not None,
                    now_ts,
                    briefing_id,
                ),
            )
            _writes.delete_children(db, briefing_id)
            _writes.write_children(db, briefing_id, draft, analysis)

        await self._atomic(work)
        briefing = await self.get_briefing(briefing_id, include_embargoed=True)
        assert briefing is not None
        return briefing

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
            # Pending deliveries of a removed briefing must never be sent.
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'briefing removed' "
                "WHERE briefing_id = ? AND state = 'pending'",
                (briefing_id,),
            )
            return [(int(r[0]), int(r[1])) for r in posted]

        return await self._atomic(work)

    # -- briefings: reads --------------------------------------------------------

    async def _briefings(self, sql: str, params: Sequence[Any]) -> list[Briefing]:
        """The briefings ``sql`` selects (``_BRIEFING_COLUMNS``) with their quotes, both
        statements in one call on the connection's thread."""
        return await self._read(lambda db: _hydrate(db, db.execute(sql, params).fetchall()))

    async def get_briefing(
        self, briefing_id: int, *, include_embargoed: bool = False, now: datetime | None = None
    ) -> Briefing | None:
        sql = f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE id = ?"
        params: list[Any] = [briefing_id]
        if not include_embargoed:
            sql += " AND published_at <= ?"
            params.append(to_ts(now or _now()))
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
        now_ts = to_ts(now or _now())
        if topic:
            return await self._briefings(
                f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE id IN ("
                "SELECT briefing_id FROM briefing_tags WHERE tag = ? AND published_at <= ? "
                "ORDER BY published_at DESC, briefing_id DESC LIMIT ?) "
                "ORDER BY published_at DESC, id DESC",
                (topic.strip().casefold(), now_ts, count),
            )
        return await self._briefings(
            f"SELECT {_BRIEFING_COLUMNS} FROM briefings WHERE published_at <= ? "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (now_ts, count),
        )

    async def list_briefings(
        self, *, limit: int = 20, offset: int = 0, include_embargoed: bool = True, now: datetime | None = None
    ) -> list[BriefingRef]:
        sql = "SELECT id, title, published_at FROM briefings"
        params: list[Any] = []
        if not include_embargoed:
            sql += " WHERE published_at <= ?"
            params.append(to_ts(now or _now()))
        sql += " ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?"
        params += [limit, offset]
        return [_ref(r) for r in await self._fetchall(sql, params)]

    async def count_briefings(self) -> int:
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
        now_ts = to_ts(now or _now()) if not include_embargoed else 2**62
        match = build_match(text)
        if match is None:
            rows = await self._fetchall(
                "SELECT id, title, published_at FROM briefings WHERE published_at <= ? "
                "ORDER BY published_at DESC, id DESC LIMIT ?",
                (now_ts, limit),
            )
        else:
            # The newest matches by id (FTS5 walks its doclist backwards and stops), then
            # newest by publish time among them: cost bounded by the window, not by how
            # many titles share a short prefix. titles_fts holds each title and publish
            # time itself (0005), so the window never reads the briefings table. The
            # window keeps 4x slack over the choices asked for (newer ids with older
            # publish times are backdated imports): 100 for autocomplete's 25, 25 for
            # /summary's one. At 100k, typed prefixes with 200: p50 0.73-0.92 ms, p99
            # 2.0-3.2 ms; with 100: 0.55-0.64, 0.92-1.12 ms.
            window = min(AUTOCOMPLETE_WINDOW, max(25, 4 * limit))
            rows = await self._fetchall(
                "SELECT id, title, published_at FROM (SELECT rowid AS id, title, published_at "
                "FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC LIMIT ?) "
                "WHERE published_at <= ? ORDER BY published_at DESC, id DESC LIMIT ?",
                (match, window, now_ts, limit),
            )
        return [_ref(r) for r in rows]

    async def search(
        self, query: str, *, limit: int = 5, offset: int = 0, now: datetime | None = None
    ) -> tuple[list[SearchHit], int]:
        """Ranked full-text search with a highlighted snippet; returns (page, total).

        A query matching more than ``SEARCH_WINDOW`` briefings ranks only the newest
        ``SEARCH_WINDOW`` of them and reports that many as the total (shown as
        "1,000+"): ranking every match of a common word costs time in proportion to
        the archive, and in a news archive the recent matches are the ones wanted.
        """
        match = build_match(query, prefix_last=False)
        if match is None:
            return [], 0
        now_ts = to_ts(now or _now())
        found, total = await self._read(
            lambda db: _search.search(
                db, match, now_ts=now_ts, limit=limit, offset=offset, window=SEARCH_WINDOW
            )
        )
        hits = [
            SearchHit(
                BriefingRef(h.id, h.title, from_ts(h.published_at)),  # type: ignore[arg-type]
                h.source_url,
                h.snippet,
                h.score,
            )
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
        now_ts = to_ts(now or _now())
        speaker_words: list[str] = []
        if speaker and speaker.strip():
            speaker_words = [w.casefold() for w in _NAME_TERM.findall(speaker)] or [
                speaker.strip().casefold()
            ]
        contains_words = _NAME_TERM.findall(contains) if contains and contains.strip() else []
        rows = await self._read(
            lambda db: _quotes.find(
                db,
                speaker_words=speaker_words,
                briefing_id=briefing_id,
                contains_words=contains_words,
                text_filter=bool(speaker or contains),
                limit=limit,
                now_ts=now_ts,
            )
        )
        return [
            QuoteHit(
                Quote(r[0], r[1], r[2], r[3], r[4], r[5]),
                BriefingRef(int(r[6]), r[7], from_ts(r[8])),  # type: ignore[arg-type]
                r[9],
            )
            for r in rows
        ]

    # -- subscriptions -----------------------------------------------------------

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO subscriptions (channel_id, guild_id, schedule, time, weekday, timezone, topics, "
                "keywords, role_id, alerts_channel_id, since_briefing_id, created_at, paused_reason, failures) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0) "
                "ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
                "schedule = excluded.schedule, time = excluded.time, weekday = excluded.weekday, "
                "timezone = excluded.timezone, topics = excluded.topics, keywords = excluded.keywords, "
                "role_id = excluded.role_id, alerts_channel_id = excluded.alerts_channel_id, "
                "paused_reason = NULL, failures = 0",
                (
                    sub.channel_id,
                    sub.guild_id,
                    sub.schedule.value,
                    sub.time,
                    sub.weekday,
                    sub.timezone,
                    json.dumps(list(sub.topics), ensure_ascii=False),
                    json.dumps(list(sub.keywords), ensure_ascii=False),
                    sub.role_id,
                    sub.alerts_channel_id,
                    sub.since_briefing_id,
                    to_ts(sub.created_at or _now()),
                ),
            )
        stored = await self.get_subscription(sub.channel_id)
        assert stored is not None
        return stored

    async def get_subscription(self, channel_id: int) -> Subscription | None:
        row = await self._fetchone("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return _subscription(row) if row else None

    async def subscriptions(self, *, guild_id: int | None = None) -> list[Subscription]:
        if guild_id is None:
            rows = await self._fetchall("SELECT * FROM subscriptions ORDER BY channel_id")
        else:
            rows = await self._fetchall(
                "SELECT * FROM subscriptions WHERE guild_id = ? ORDER BY channel_id", (guild_id,)
            )
        return [_subscription(r) for r in rows]

    async def delete_subscription(self, channel_id: int) -> bool:
        async with self.transaction() as conn:
            cursor = await conn.execute("DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,))
            await conn.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'unsubscribed' "
                "WHERE channel_id = ? AND state = 'pending'",
                (channel_id,),
            )
        return cursor.rowcount > 0

    async def delete_guild_subscriptions(self, guild_id: int) -> int:
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'bot left the server' "
                "WHERE state = 'pending' AND channel_id IN (SELECT channel_id FROM subscriptions WHERE guild_id = ?)",
                (guild_id,),
            )
            cursor = await conn.execute("DELETE FROM subscriptions WHERE guild_id = ?", (guild_id,))
        return cursor.rowcount

    async def pause_subscription(self, channel_id: int, reason: str) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?", (reason, channel_id)
            )

    # -- meta ----------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def backup(self, target: str | Path) -> None:
        """Copy the live database to ``target`` with SQLite's online backup API.

        Safe while the bot runs: readers and writers carry on, and the copy is a
        consistent snapshot. The copy is written beside the target and renamed into
        place, so a failed backup never leaves a half-written file under that name.
        """
        target = Path(target)
        if target.exists() and target.is_dir():
            raise StorageError(f"backup target {target} is a folder; give a file name")
        if not target.parent.is_dir():
            raise StorageError(f"backup folder {target.parent} does not exist")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            async with aiosqlite.connect(partial) as dest:
                await self._conn.backup(dest)
            partial.replace(target)
        except (sqlite3.Error, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise StorageError(f"backup to {target} failed: {exc}") from exc

    async def integrity_check(self) -> list[str]:
        rows = await self._fetchall("PRAGMA integrity_check")
        return [str(r[0]) for r in rows]


def _hydrate(db: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Briefing]:
    """Briefing rows with their quotes (on the connection's thread)."""
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    marks = ",".join("?" * len(ids))
    quote_rows = db.execute(
        f'SELECT q.briefing_id, q.text, s.name, q.speaker_role, q.start, q."end", q.score '
        f"FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
        f"WHERE q.briefing_id IN ({marks}) ORDER BY q.briefing_id, q.position",
        ids,
    ).fetchall()
    quotes: dict[int, list[Quote]] = {i: [] for i in ids}
    for q in quote_rows:
        quotes[int(q[0])].append(Quote(q[1], q[2], q[3], q[4], q[5], q[6]))
    return [
        Briefing(
            id=int(r["id"]),
            title=r["title"],
            body=r["body"],
            published_at=from_ts(r["published_at"]),  # type: ignore[arg-type]
            source_url=r["source_url"],
            tags=tuple(json.loads(r["tags"])),
            language=r["language"],
            summaries=Summaries(r["summary_short"], r["summary_standard"], r["summary_detailed"]),
            quotes=tuple(quotes[int(r["id"])]),
            created_at=from_ts(r["created_at"]),  # type: ignore[arg-type]
            updated_at=from_ts(r["updated_at"]),  # type: ignore[arg-type]
            corrected_at=from_ts(r["corrected_at"]),
        )
        for r in rows
    ]


def _is_fault(exc: BaseException) -> bool:
    """An operational problem with the database (locked, read-only, full, corrupt),
    as opposed to a bug such as a constraint violation."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _fault(path: str, exc: sqlite3.Error) -> StorageError:
    """A ``StorageError`` that names the file and says what the operator can do."""
    cause = str(exc)
    text = cause.lower()
    if "locked" in text or "busy" in text:
        why = "it is locked by another process (a second briefbot, a backup or an sqlite3 shell?)"
    elif "readonly" in text or "read-only" in text:
        why = "it is read-only (check the permissions of the file and its folder)"
    elif "full" in text:
        why = "the disk is full (free some space; nothing of this change was saved)"
    elif "malformed" in text or "not a database" in text or "corrupt" in text:
        why = "the file is corrupt (run `briefbot db check`, then restore a backup)"
    else:
        why = "SQLite failed"
    return StorageError(f"database {path}: {why} ({cause})")


def _ref(row: sqlite3.Row) -> BriefingRef:
    return BriefingRef(int(row["id"]), row["title"], from_ts(row["published_at"]))  # type: ignore[arg-type]


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        schedule=ScheduleKind(row["schedule"]),
        time=row["time"],
        weekday=row["weekday"],
        timezone=row["timezone"],
        topics=tuple(json.loads(row["topics"])),
        keywords=tuple(json.loads(row["keywords"])),
        role_id=row["role_id"],
        alerts_channel_id=row["alerts_channel_id"],
        created_at=from_ts(row["created_at"]),
        since_briefing_id=int(row["since_briefing_id"]),
        paused_reason=row["paused_reason"],
        failures=int(row["failures"]),
        last_delivery_at=from_ts(row["last_delivery_at"]),
    )
