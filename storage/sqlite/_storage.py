"""``SQLiteStorage``: the query classes combined, and opening, checking and keeping the file."""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage.errors import StorageError
from storage.sqlite import _search, migrate
from storage.sqlite._archive import SQLiteArchive
from storage.sqlite._card_looks import SQLiteCardLooks
from storage.sqlite._connection import fault
from storage.sqlite._coordination import SQLiteCoordination
from storage.sqlite._follows import SQLiteFollows
from storage.sqlite._outbox import SQLiteOutbox
from storage.sqlite._publish_digests import SQLitePublishDigests
from storage.sqlite._replies import SQLiteReplies
from storage.sqlite._sources import SQLiteSources
from storage.sqlite._subscriptions import SQLiteSubscriptions
from storage.sqlite._transfer import SQLiteTransfer
from storage.sqlite._webhooks import SQLiteWebhooks

# Checkpoint every ~16 MB of WAL instead of every 4 MB: pages that every write touches
# (index roots, FTS5 structure, speakers) are copied back once per 4,000 WAL frames
# rather than four times, and the checkpoint's fsync is paid a quarter as often.
WAL_AUTOCHECKPOINT_PAGES = 4000
# Prepared statements kept by the connection (Python's default is 128). A search prepares
# two or three per search shard it reaches, and a rare word reaches every shard (100 at
# 1M briefings): fewer slots than that and they evict each other, so each search
# re-prepares them all, which costs more than running them.
STATEMENT_CACHE = 1024


class SQLiteStorage(
    SQLiteArchive,
    SQLiteSubscriptions,
    SQLiteFollows,
    SQLiteWebhooks,
    SQLiteOutbox,
    SQLiteReplies,
    SQLitePublishDigests,
    SQLiteCardLooks,
    SQLiteCoordination,
    SQLiteSources,
    SQLiteTransfer,
):
    """Typed async access to the briefbot database (``storage.Storage`` over SQLite)."""

    def __init__(
        self, worker: ThreadPoolExecutor, db: sqlite3.Connection, path: str, settings: migrate.Settings
    ) -> None:
        super().__init__(worker, db, path)
        self._settings = settings

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
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefbot-sqlite")
        try:
            db = await asyncio.get_running_loop().run_in_executor(
                worker, _connect, path, migrate_schema, settings
            )
        except BaseException:
            worker.shutdown(wait=False)
            raise
        return cls(worker, db, path, settings)

    # -- administration -----------------------------------------------------------

    async def schema_version(self) -> int:
        return await self._call(migrate.current_version)

    async def upgrade(self) -> list[int]:
        """Apply every pending migration; return the versions applied."""
        return await self._call(lambda db: migrate.apply_migrations(db, self.path, self._settings))

    async def integrity_check(self) -> list[str]:
        rows = await self._fetchall("PRAGMA integrity_check")
        return [str(r[0]) for r in rows]

    async def backup(self, target: str | Path) -> None:
        """Copy the live database to ``target`` with SQLite's online backup API.

        The copy is a consistent snapshot, taken on the connection's thread between two
        calls; other processes' readers and writers carry on. It is written beside the
        target and renamed into place, so a failed backup never leaves a half-written
        file under that name.
        """
        destination = Path(target)
        await self._call(lambda db: _backup(db, destination))

    async def get_meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _connect(path: str, migrate_schema: bool, settings: migrate.Settings) -> sqlite3.Connection:
    """On the worker thread: the connection, its pragmas, and the schema checked or migrated."""
    if path != ":memory:":
        parent = Path(path).expanduser().resolve().parent
        if not parent.is_dir():
            raise StorageError(f"cannot open database {path}: folder {parent} does not exist")
    try:
        db = sqlite3.connect(path, isolation_level=None, cached_statements=STATEMENT_CACHE)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA foreign_keys = ON")
        # Refuse a newer schema before anything (even the WAL switch) writes.
        migrate.check_not_newer(db, path)
        if path != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        if migrate_schema:
            migrate.apply_migrations(db, path, settings)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StorageError(f"cannot use {fault(path, exc)}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _backup(db: sqlite3.Connection, target: Path) -> None:
    """On the worker thread: ``db`` copied to ``target`` through a partial file."""
    if target.exists() and target.is_dir():
        raise StorageError(f"backup target {target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise StorageError(f"backup folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(partial)
        try:
            db.backup(dest)
        finally:
            dest.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup to {target} failed: {exc}") from exc
