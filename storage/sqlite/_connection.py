"""One ``sqlite3`` connection on its own worker thread, and the calls that run work there.

The whole bot shares one long-lived connection. Its worker thread runs one call at a
time, in the order the calls were made, so the event loop never waits on SQLite and
nothing else runs in the middle of a call. A call is a plain function of the
``sqlite3`` connection:

- ``_call(work)`` runs it as it is (a query of several statements, a pragma);
- ``_atomic(work)`` runs it inside ``BEGIN IMMEDIATE … COMMIT``, rolled back on any error:
  every write. A transaction never spans two calls, so no lock is needed, and a task
  cancelled mid-write leaves either the whole write or none of it (a call still queued
  when its task is cancelled never runs).

One call per query or write rather than one per statement: each call is a round trip to
the worker thread (a queue put, a thread switch, a future resolved on the event loop),
and storing a briefing takes about a dozen statements.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from storage.errors import StorageError

log = logging.getLogger(__name__)
T = TypeVar("T")


def run_atomically(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """On the connection's thread: ``work(db)`` in one IMMEDIATE transaction."""
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


class SQLiteConnection:
    """The worker thread and connection under ``SQLiteStorage``, with fault reporting.

    The query classes (``SQLiteArchive``, ``SQLiteSubscriptions``, ``SQLiteOutbox``)
    build on this; ``SQLiteStorage`` combines them and opens the connection.
    """

    def __init__(self, worker: ThreadPoolExecutor, db: sqlite3.Connection, path: str) -> None:
        self._worker = worker  # one thread: the only one that touches ``_db``
        self._db = db
        self._closed = False
        self.path = path

    @property
    def location(self) -> str:
        """The database file (``Storage.location``)."""
        return self.path

    async def close(self) -> None:
        """Close the connection once every call made before has run."""
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._worker, self._db.close)
        finally:
            self._worker.shutdown(wait=False)

    async def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(db)`` on the connection's thread, after every call made before it."""
        if self._closed:
            raise StorageError(f"database {self.path} is closed")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, work, self._db)
        except sqlite3.DatabaseError as exc:
            if is_fault(exc):
                raise fault(self.path, exc) from exc
            raise

    async def _atomic(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(db)`` in one transaction on the connection's thread."""
        return await self._call(lambda db: run_atomically(db, work))

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; returns how many rows it changed."""
        return await self._atomic(lambda db: db.execute(sql, params).rowcount)

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self._call(lambda db: db.execute(sql, params).fetchall())

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = await self._call(lambda db: db.execute(sql, params).fetchone())
        return row


def is_fault(exc: BaseException) -> bool:
    """An operational problem with the database (locked, read-only, full, corrupt),
    as opposed to a bug such as a constraint violation."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def fault(path: str, exc: sqlite3.Error) -> StorageError:
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
