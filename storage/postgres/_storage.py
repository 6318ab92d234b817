"""``PostgresStorage``: the query classes combined, and opening, checking and keeping the database."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import asyncpg

from storage.errors import StorageError
from storage.postgres import _backup, migrate
from storage.postgres._archive import PostgresArchive
from storage.postgres._card_looks import PostgresCardLooks
from storage.postgres._connection import Pool, PooledConnection, fault, reset_after_use
from storage.postgres._coordination import PostgresCoordination
from storage.postgres._follows import PostgresFollows
from storage.postgres._outbox import PostgresOutbox
from storage.postgres._publish_digests import PostgresPublishDigests
from storage.postgres._replies import PostgresReplies
from storage.postgres._sources import PostgresSources
from storage.postgres._subscriptions import PostgresSubscriptions
from storage.postgres._target import Target, parse_target
from storage.postgres._transfer import PostgresTransfer
from storage.postgres._webhooks import PostgresWebhooks

log = logging.getLogger(__name__)

# Connections the pool may open. SQLite serves everything over one; a few let readers
# (autocomplete, searches) run while a write or a fan-out holds one.
DEFAULT_POOL_SIZE = 5
# How long to wait for the server to accept a connection before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 10
# Server settings of every connection, unless the URL's query sets them: a write waits this
# long for another process's write lock (SQLite's busy timeout is 5 s), then fails with a
# StorageError rather than hanging. Every statement is planned for its own parameters
# (``force_custom_plan``): asyncpg prepares and caches each statement, and after five runs
# PostgreSQL may switch to a generic plan that cannot see how many briefings a search's
# words match (a two-word search then walked the whole table: 1 ms became 55-110 ms).
# No JIT: our statements are short, and compiling one costs more than running it.
DEFAULT_SETTINGS = {
    "application_name": "briefbot",
    "lock_timeout": "30s",
    "plan_cache_mode": "force_custom_plan",
    "jit": "off",
}
_WRITE_LOCK_SQL = "SELECT hashtextextended('briefbot.write:' || coalesce(current_schema(), ''), 0)"


class PostgresStorage(
    PostgresArchive,
    PostgresSubscriptions,
    PostgresFollows,
    PostgresWebhooks,
    PostgresOutbox,
    PostgresReplies,
    PostgresPublishDigests,
    PostgresCardLooks,
    PostgresCoordination,
    PostgresSources,
    PostgresTransfer,
):
    """Typed async access to the briefbot database (``storage.Storage`` over PostgreSQL)."""

    @classmethod
    async def open(
        cls, url: str, *, migrate_schema: bool = True, pool_size: int = DEFAULT_POOL_SIZE
    ) -> PostgresStorage:
        """Connect to the database ``url`` names, check its schema and migrate it.

        ``migrate_schema=False`` still refuses a database newer than this code. The pool
        opens one connection now and up to ``pool_size`` as calls need them. A server
        that cannot be reached, or refuses the login, is a ``StorageError`` naming the
        host and database (never the password) and what to check.
        """
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, not {pool_size}")
        target = parse_target(url)
        pool = await _connect(target, pool_size)
        try:
            async with pool.acquire() as db:
                if migrate_schema:
                    await migrate.apply_migrations(db, target)
                else:
                    await migrate.check_not_newer(db, target)
                write_lock = int(await db.fetchval(_WRITE_LOCK_SQL))
        except BaseException as exc:
            await pool.close()
            error = fault(target, exc)
            if error is not None:
                raise StorageError(f"cannot use {error}") from exc
            raise
        log.info("opened %s", target.location)
        return cls(pool, target, write_lock)

    # -- administration -----------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._reading() as db:
            return await migrate.current_version(db)

    async def upgrade(self) -> list[int]:
        """Apply every pending migration; return the versions applied."""
        self._check_open()
        async with self._pool.acquire() as db:
            return await migrate.apply_migrations(db, self._target)

    async def integrity_check(self) -> list[str]:
        """What the server can tell cheaply: an unfinished upgrade, indexes left invalid
        (by a failed ``CREATE INDEX CONCURRENTLY``, say). Data pages are checksummed by the
        server itself, when the cluster was created with checksums."""
        problems: list[str] = []
        async with self._reading() as db:
            version = await migrate.current_version(db)
            if version < migrate.LATEST_VERSION:
                problems.append(
                    f"schema version {version} is older than this briefbot's {migrate.LATEST_VERSION}: "
                    "run `briefbot db upgrade`"
                )
            invalid = await db.fetch(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace ORDER BY 1"
            )
        problems += [f"index {r[0]} is invalid: run REINDEX INDEX {r[0]}" for r in invalid]
        return problems or ["ok"]

    async def backup(self, target: str | Path) -> None:
        """A consistent copy of the database at ``target`` (``pg_dump``'s custom format,
        restored with ``pg_restore``), written beside it and renamed into place."""
        self._check_open()
        await _backup.dump(self._target, Path(target))

    async def get_meta(self, key: str) -> str | None:
        value = await self._fetchval("SELECT value FROM meta WHERE key = $1", key)
        return None if value is None else str(value)

    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value,
        )


async def _connect(target: Target, pool_size: int) -> Pool:
    """The pool, with one connection open; ``StorageError`` if none can be made."""
    given = {key for key, _ in parse_qsl(urlsplit(target.url).query)}
    settings = {k: v for k, v in DEFAULT_SETTINGS.items() if k not in given}
    try:
        return await asyncpg.create_pool(
            target.url,
            min_size=1,
            max_size=pool_size,
            timeout=CONNECT_TIMEOUT_SECONDS,
            server_settings=settings,
            connection_class=PooledConnection,
            reset=reset_after_use,
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError, ValueError) as exc:
        error = fault(target, exc)
        if error is None:
            if isinstance(exc, asyncpg.InterfaceError | ValueError):
                # asyncpg's complaint about the URL itself may quote it: say only what it is.
                raise StorageError(
                    f"cannot open {target.named}: the URL is not one asyncpg accepts "
                    f"({type(exc).__name__}); write postgresql://user:password@host:port/database"
                ) from None
            raise
        raise StorageError(f"cannot open {error}") from exc
