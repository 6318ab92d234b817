"""The connection pool under ``PostgresStorage``, transactions, and fault reporting.

Reads and writes borrow a connection from an asyncpg pool for one call:

- ``_reading()``: one ``REPEATABLE READ READ ONLY`` transaction, so the statements of a
  call that needs several see one snapshot, as SQLite's single connection gives them;
- ``_writing()``: one transaction that first takes the database's write lock, a
  transaction-scoped advisory lock. SQLite lets one writer in at a time and the storage
  contract relies on it ("writes from concurrent tasks never interleave"): a duplicate
  check and the insert it guards, a failure count and the pause it triggers. The lock
  gives every write the same isolation, across tasks and across processes sharing the
  database, and it is released by COMMIT or ROLLBACK, so a cancelled task or a dropped
  connection never leaves it held. Reads never wait for it.

A single statement that reads runs on the pool directly, without a transaction: one
round trip instead of three (BEGIN, the statement, COMMIT). The reader commands
(``/latest``, ``/summary``, ``/quote``, ``/search``, autocomplete) are each one statement
for that reason, each a snapshot of its own.
An operational fault (server unreachable, connection lost, disk full, read-only,
out of connections, a lock wait that timed out) becomes a ``StorageError`` naming the
database and what to do; a bug (a constraint violated, bad SQL) is raised as it is.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from storage.errors import StorageError
from storage.postgres._target import Target, redact

log = logging.getLogger(__name__)

# asyncpg's classes are generic in its type stubs only.
if TYPE_CHECKING:
    Db: TypeAlias = PoolConnectionProxy[asyncpg.Record]
    Pool: TypeAlias = asyncpg.Pool[asyncpg.Record]
else:
    Db = PoolConnectionProxy
    Pool = asyncpg.Pool

# SQLSTATEs (or their two-character classes) that are the operator's to fix, with why.
_FAULTS: dict[str, str] = {
    "08": "the connection to the server failed (is PostgreSQL running and reachable?)",
    "28": "the server refused the login (check the user and password in the URL)",
    "3D000": "the database does not exist (create it, or fix the name in the URL)",
    "3F000": "the schema in the URL's search_path does not exist (create it first)",
    "42P01": "a table is missing (was the database migrated? run `briefbot db upgrade`)",
    "42501": "the user lacks a privilege it needs (grant it on the database and schema)",
    "25006": "the server or session is read-only (is this a standby? point the URL at the primary)",
    "53100": "the server's disk is full (free some space; nothing of this change was saved)",
    "53200": "the server is out of memory",
    "53300": "the server has no connections left (raise max_connections or lower [storage] pool_size)",
    "53": "the server is short of resources",
    "55P03": "a lock wait timed out: another process holds the database's write lock too long",
    "57014": "the statement was cancelled (a statement_timeout, or an administrator)",
    "57": "the server is shutting down or starting up (try again shortly)",
    "58": "the server had an I/O error (check its logs)",
    "XX001": "the server found corrupt data (restore from a backup; check its logs)",
    "XX002": "the server found a corrupt index (REINDEX it; check the server's logs)",
    "22021": "the text holds a NUL character, which PostgreSQL cannot store (nothing was saved)",
    "40001": "a transaction conflicted with another (try again)",
    "40P01": "a transaction deadlocked with another (try again)",
}


def _why(exc: BaseException) -> str | None:
    """Why ``exc`` is an operational fault, or None for a bug that must surface as it is."""
    if isinstance(exc, asyncpg.PostgresError):
        state = str(getattr(exc, "sqlstate", "") or "")
        return _FAULTS.get(state) or _FAULTS.get(state[:2])
    if isinstance(exc, OSError | TimeoutError):
        return "the server cannot be reached (is PostgreSQL running, and are the host and port right?)"
    if isinstance(exc, asyncpg.InterfaceError) and "pool is clos" in str(exc):
        return "the storage was closed"
    if isinstance(exc, asyncpg.exceptions.InternalClientError):
        # What asyncpg raises on a pooled connection the server ended while it sat idle
        # (MagicStack/asyncpg#1069); the pool replaces the connection.
        return "the connection to the server failed (did the server restart?)"
    return None


def fault(target: Target, exc: BaseException) -> StorageError | None:
    """A ``StorageError`` for an operational fault (the database named, never the
    password), or None if ``exc`` is not one."""
    why = _why(exc)
    if why is None:
        return None
    cause = redact(target, str(exc) or type(exc).__name__)
    return StorageError(f"{target.named}: {why} ({cause})")


@contextmanager
def faults_reported(target: Target) -> Iterator[None]:
    """Turn an operational fault raised inside into a ``StorageError``."""
    try:
        yield
    except (
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.InternalClientError,
        OSError,
        TimeoutError,
    ) as exc:
        error = fault(target, exc)
        if error is None:
            raise
        raise error from exc


class PooledConnection(asyncpg.Connection):
    """A connection of the pool that knows whether its borrower left anything in the session.

    asyncpg resets every connection handed back to the pool (``Connection.reset``: a round
    trip running ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``). A borrow
    for one statement of ``_fetch``, ``_fetchrow`` or ``_fetchval`` (a SELECT, a NOTIFY)
    leaves nothing to reset, and for those reads the reset was every second round trip,
    so ``reset_after_use`` skips it; any other borrow (a transaction, a migration holding
    its session lock) is reset as asyncpg would."""

    plain = False  # this borrow ran only single statements that leave no session state

    def borrowed_for_one_statement(self) -> None:
        self.plain = True


async def reset_after_use(con: asyncpg.Connection) -> None:
    """The pool's ``reset``: asyncpg's own reset query, unless ``PooledConnection.plain``.
    (The pool has already rolled back a transaction left open, either way.)"""
    if isinstance(con, PooledConnection) and con.plain:
        con.plain = False
        return
    query = con.get_reset_query()
    if query:
        await con.execute(query)


class PostgresConnection:
    """The pool and transactions under ``PostgresStorage``; the query classes
    (``PostgresArchive``, ``PostgresSubscriptions``, ``PostgresOutbox``) build on this."""

    def __init__(self, pool: Pool, target: Target, write_lock: int) -> None:
        self._pool = pool
        self._target = target
        self._write_lock = write_lock  # the advisory lock key of this database and schema
        self._closed = False

    @property
    def location(self) -> str:
        """The URL without its password (``Storage.location``)."""
        return self._target.location

    async def close(self) -> None:
        """Close every connection once the calls under way have finished."""
        if self._closed:
            return
        self._closed = True
        await self._pool.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"{self._target.named} is closed")

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[Db]:
        """A connection in a read-only transaction over one snapshot."""
        self._check_open()
        with faults_reported(self._target):
            async with self._pool.acquire() as db, db.transaction(isolation="repeatable_read", readonly=True):
                yield db

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[Db]:
        """A connection in a transaction holding the database's write lock."""
        self._check_open()
        with faults_reported(self._target):
            async with self._pool.acquire() as db, db.transaction():
                await db.execute("SELECT pg_advisory_xact_lock($1)", self._write_lock)
                yield db

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[Db]:
        """A connection for one statement that leaves nothing behind in the session (no
        SET, LISTEN or session lock), returned to the pool without a reset."""
        self._check_open()
        with faults_reported(self._target):
            async with self._pool.acquire() as db:
                # The proxy passes the call on to the pool's ``PooledConnection``.
                cast(PooledConnection, db).borrowed_for_one_statement()
                yield db

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """The rows of one read-only statement."""
        async with self._statement() as db:
            return await db.fetch(sql, *args)

    async def _fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self._statement() as db:
            return await db.fetchrow(sql, *args)

    async def _fetchval(self, sql: str, *args: Any) -> Any:
        async with self._statement() as db:
            return await db.fetchval(sql, *args)

    async def _write(self, sql: str, *args: Any) -> int:
        """One statement in its own write transaction; how many rows it changed."""
        async with self._writing() as db:
            return affected(await db.execute(sql, *args))


def affected(status: str) -> int:
    """The row count of a command status ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    tail = status.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else 0
