"""Coordination between the processes sharing one PostgreSQL database.

- **Leadership** (``PostgresLeadership``): a role only one process may hold (the
  dispatcher) is a session-level advisory lock, keyed by the role and the schema, taken
  with ``pg_try_advisory_lock`` on a connection of its own, outside the pool: a pooled
  connection is shared by calls and may be closed or replaced by the pool, and the lock
  must live exactly as long as the one session that took it. When the process dies or
  that connection drops, the server ends the session and releases the lock; the other
  processes, trying every few seconds, take it over.

  The connection asks the server to notice a silent client quickly (TCP keepalives
  after 3 s idle, 1 s apart, 3 probes; unacknowledged data given up after 5 s), so a
  machine that vanishes from the network frees the lock in about 6 s. The holder itself
  finds out sooner: ``confirm`` is a round trip with a 2 s timeout, and a connection
  that closes calls back at once (asyncpg's termination listener).
- **Messages to a role** (``announce``): ``NOTIFY`` on a channel named after the role and
  the schema; the holder ``LISTEN``s on its lock connection while it holds the lock.
- **IDENTIFY slots** (``claim_identify_slot``): one ``gateway_identify`` row per gateway
  rate-limit bucket holding the time of its last claim by the server's clock (one clock
  for every process, whatever their machines' clocks say); a claim is one upsert that
  only succeeds when that time is old enough, so two processes never claim the same slot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import asyncpg

from bot.models import BotProcess
from storage import constants
from storage.errors import StorageError
from storage.postgres._connection import PostgresConnection, faults_reported
from storage.postgres._target import Target

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
CONFIRM_TIMEOUT_SECONDS = 2.0
CLOSE_TIMEOUT_SECONDS = 5.0
# Server settings of a lock connection, unless the URL's query sets them.
LOCK_SETTINGS = {
    "tcp_keepalives_idle": "3",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "5000",
}
_KEY = "hashtextextended('briefbot.role:' || $1 || ':' || coalesce(current_schema(), ''), 0)"
_CHANNEL_SQL = "'briefbot.' || $1 || '.' || left(md5(coalesce(current_schema(), '')), 16)"
# A bigint advisory lock shows in pg_locks as its two halves: classid high, objid low.
_HELD_SQL = f"""
SELECT EXISTS (
    SELECT 1 FROM pg_locks, (SELECT {_KEY} AS key) AS k
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::bigint = (k.key >> 32) & 4294967295 AND objid::bigint = k.key & 4294967295
)
"""
_BEAT_SQL = """
INSERT INTO processes (key, host, pid, shards, started_at, dispatcher, invalid_requests)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (key) DO UPDATE SET shards = excluded.shards, seen_at = now(), dispatcher = excluded.dispatcher,
    invalid_requests = excluded.invalid_requests
"""

_CLAIM_SQL = """
INSERT INTO gateway_identify (bucket, claimed_at) VALUES ($1, clock_timestamp())
ON CONFLICT (bucket) DO UPDATE SET claimed_at = excluded.claimed_at
WHERE gateway_identify.claimed_at <= excluded.claimed_at - make_interval(secs => $2)
RETURNING claimed_at
"""
_WAIT_SQL = (
    "SELECT extract(epoch FROM claimed_at + make_interval(secs => $2) - clock_timestamp())::double precision "
    "FROM gateway_identify WHERE bucket = $1"
)


class PostgresLeadership:
    """``storage.Leadership`` as a session-level advisory lock on a connection of its own."""

    def __init__(self, target: Target, role: str) -> None:
        self._target = target
        self._role = role
        self._conn: asyncpg.Connection[Any] | None = None
        self._key = 0
        self._channel = ""
        self._held = False
        self._lost = asyncio.Event()
        self._lost.set()
        self._op = asyncio.Lock()  # one statement at a time on the connection
        self._callbacks: list[Callable[[str], None]] = []

    @property
    def held(self) -> bool:
        return self._held

    def listen(self, callback: Callable[[str], None]) -> None:
        self._callbacks.append(callback)

    async def acquire(self) -> bool:
        async with self._op:
            if self._held:
                return True
            try:
                with faults_reported(self._target):
                    conn = await self._connection()
                    got = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._key))
                    if got:
                        await conn.add_listener(self._channel, self._heard)
            except BaseException:
                self._drop()
                raise
            if got:
                self._held = True
                self._lost.clear()
                log.info("holding the %s role on %s", self._role, self._target.location)
            return got

    async def confirm(self) -> bool:
        if not self._held or self._conn is None:
            return False
        conn = self._conn
        try:
            async with asyncio.timeout(CONFIRM_TIMEOUT_SECONDS), self._op:
                await conn.fetchval("SELECT 1")
        except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            self._lose(f"its connection did not answer ({type(exc).__name__})")
            return False
        return self._held

    async def wait_lost(self) -> None:
        await self._lost.wait()

    async def release(self) -> None:
        async with self._op:
            conn, self._conn = self._conn, None
            was_held = self._held
            self._held = False
            self._lost.set()
            if conn is None or conn.is_closed():
                return
            try:
                # Ending the session releases the lock with it.
                await asyncio.wait_for(conn.close(), CLOSE_TIMEOUT_SECONDS)
            except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                conn.terminate()
            if was_held:
                log.info("released the %s role", self._role)

    # -- the connection ------------------------------------------------------------

    async def _connection(self) -> asyncpg.Connection[Any]:
        if self._conn is not None and not self._conn.is_closed():
            return self._conn
        given = {key for key, _ in parse_qsl(urlsplit(self._target.url).query)}
        settings = {"application_name": f"briefbot-{self._role}", **LOCK_SETTINGS}
        conn: asyncpg.Connection[Any] = await asyncpg.connect(
            self._target.url,
            timeout=CONNECT_TIMEOUT_SECONDS,
            server_settings={k: v for k, v in settings.items() if k not in given},
        )
        try:
            self._key = int(await conn.fetchval(f"SELECT {_KEY}", self._role))
            self._channel = str(await conn.fetchval(f"SELECT {_CHANNEL_SQL}", self._role))
        except BaseException:
            conn.terminate()
            raise
        conn.add_termination_listener(self._terminated)
        self._conn = conn
        return conn

    def _terminated(self, conn: object) -> None:
        """asyncpg's callback when a connection closes, whoever closed it."""
        if conn is self._conn:
            self._conn = None
            self._lose("its connection closed")

    def _lose(self, why: str) -> None:
        if self._held:
            log.warning("lost the %s role on %s: %s", self._role, self._target.location, why)
        self._held = False
        self._lost.set()
        self._drop()

    def _drop(self) -> None:
        """Close the connection at once (the server then releases whatever it held)."""
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            conn.terminate()

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        if not self._held:
            return
        for callback in self._callbacks:
            try:
                callback(str(payload))
            except Exception:
                log.exception("a listener of the %s role failed", self._role)


class PostgresCoordination(PostgresConnection):
    """``storage.Coordination`` over the database the processes share."""

    @property
    def shared(self) -> bool:
        return True

    def leadership(self, role: str) -> PostgresLeadership:
        return PostgresLeadership(self._target, role)

    async def announce(self, role: str, message: str) -> None:
        await self._fetchval(f"SELECT pg_notify({_CHANNEL_SQL}, $2)", role, message)

    async def role_held(self, role: str) -> bool | None:
        return bool(await self._fetchval(_HELD_SQL, role))

    async def claim_identify_slot(self, bucket: int, *, spacing: float) -> float:
        self._check_open()
        with faults_reported(self._target):
            async with self._pool.acquire() as db:
                if await db.fetchval(_CLAIM_SQL, bucket, float(spacing)) is not None:
                    return 0.0
                wait = await db.fetchval(_WAIT_SQL, bucket, float(spacing))
        if wait is None:  # pragma: no cover - the row exists once the upsert ran
            raise StorageError(f"{self._target.named}: the IDENTIFY slot {bucket} vanished")
        return max(float(wait), 0.001)

    async def beat(self, process: BotProcess) -> None:
        async with self._writing() as db:
            await db.execute(
                _BEAT_SQL,
                process.key,
                process.host,
                process.pid,
                process.shards,
                process.started_at,
                process.dispatcher,
                process.invalid_requests,
            )
            await db.execute(
                "DELETE FROM processes WHERE seen_at < now() - make_interval(secs => $1)",
                float(constants.PROCESS_FORGOTTEN_SECONDS),
            )

    async def processes(self) -> list[BotProcess]:
        rows = await self._fetch(
            "SELECT key, host, pid, shards, started_at, dispatcher, invalid_requests, "
            "greatest(extract(epoch FROM now() - seen_at), 0)::float8 AS silent FROM processes "
            "WHERE seen_at >= now() - make_interval(secs => $1) ORDER BY started_at DESC, key",
            float(constants.PROCESS_FORGOTTEN_SECONDS),
        )
        return [
            BotProcess(
                key=r["key"],
                host=r["host"],
                pid=r["pid"],
                shards=r["shards"],
                started_at=r["started_at"],
                dispatcher=r["dispatcher"],
                invalid_requests=r["invalid_requests"],
                silent_seconds=r["silent"],
            )
            for r in rows
        ]

    async def forget_process(self, key: str) -> None:
        await self._write("DELETE FROM processes WHERE key = $1", key)

    async def record_server_languages(self, locales: Mapping[int, str]) -> None:
        if not locales:
            return
        async with self._writing() as db:
            await db.executemany(
                "INSERT INTO server_languages (guild_id, locale) VALUES ($1, $2) "
                "ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale, updated_at = now()",
                list(locales.items()),
            )

    async def server_languages(self) -> tuple[dict[int, str], dict[int, str]]:
        async with self._reading() as db:
            guilds = {r[0]: r[1] for r in await db.fetch("SELECT guild_id, locale FROM server_languages")}
            channels = {
                r[0]: r[1]
                for r in await db.fetch(
                    "SELECT s.channel_id, l.locale FROM subscriptions s "
                    "JOIN server_languages l ON l.guild_id = s.guild_id"
                )
            }
        return guilds, channels
