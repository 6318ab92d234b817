"""Coordination on SQLite: one process owns the file, so it holds every role.

``SQLiteStorage`` is opened by one bot process (the CLI beside it only reads and writes
rows), so the dispatcher's claim is always held here and messages to a role go straight
to this process's listeners. IDENTIFY slots are still kept in ``meta``, by this
machine's clock, so the contract is the same as PostgreSQL's.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from bot.models import BotProcess
from storage import constants
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, to_ts

log = logging.getLogger(__name__)


class LocalLeadership:
    """``storage.Leadership`` of a process alone with its store: always held until released."""

    def __init__(self, role: str, listeners: dict[str, list[Callable[[str], None]]]) -> None:
        self._role = role
        self._listeners = listeners
        self._held = False
        self._lost = asyncio.Event()
        self._lost.set()

    @property
    def held(self) -> bool:
        return self._held

    async def acquire(self) -> bool:
        self._held = True
        self._lost.clear()
        return True

    async def confirm(self) -> bool:
        return self._held

    async def wait_lost(self) -> None:
        await self._lost.wait()

    def listen(self, callback: Callable[[str], None]) -> None:
        self._listeners.setdefault(self._role, []).append(callback)

    async def release(self) -> None:
        self._held = False
        self._lost.set()
        self._listeners.pop(self._role, None)


class SQLiteCoordination(SQLiteConnection):
    """``storage.Coordination`` for the one process that owns the SQLite file."""

    def __init__(self, worker: ThreadPoolExecutor, db: sqlite3.Connection, path: str) -> None:
        super().__init__(worker, db, path)
        self._listeners: dict[str, list[Callable[[str], None]]] = {}

    @property
    def shared(self) -> bool:
        return False

    def leadership(self, role: str) -> LocalLeadership:
        return LocalLeadership(role, self._listeners)

    async def announce(self, role: str, message: str) -> None:
        for callback in self._listeners.get(role, []):
            asyncio.get_running_loop().call_soon(callback, message)

    async def role_held(self, role: str) -> bool | None:
        return None

    async def claim_identify_slot(self, bucket: int, *, spacing: float) -> float:
        key = constants.META_IDENTIFY_SLOT.format(bucket=bucket)

        def claim(db: sqlite3.Connection) -> float:
            now = time.time()
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row is not None:
                wait = float(row[0]) + spacing - now
                if wait > 0:
                    return wait
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, repr(now)),
            )
            return 0.0

        return await self._atomic(claim)

    async def beat(self, process: BotProcess) -> None:
        def beat(db: sqlite3.Connection) -> None:
            now = time.time()
            db.execute(
                "INSERT INTO processes (key, host, pid, shards, started_at, seen_at, dispatcher, "
                "invalid_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "shards = excluded.shards, seen_at = excluded.seen_at, dispatcher = excluded.dispatcher, "
                "invalid_requests = excluded.invalid_requests",
                (
                    process.key,
                    process.host,
                    process.pid,
                    process.shards,
                    to_ts(process.started_at),
                    int(now),
                    int(process.dispatcher),
                    process.invalid_requests,
                ),
            )
            db.execute(
                "DELETE FROM processes WHERE seen_at < ?", (int(now) - constants.PROCESS_FORGOTTEN_SECONDS,)
            )

        await self._atomic(beat)

    async def processes(self) -> list[BotProcess]:
        rows = await self._fetchall(
            "SELECT key, host, pid, shards, started_at, seen_at, dispatcher, invalid_requests FROM processes "
            "WHERE seen_at >= ? ORDER BY started_at DESC, key",
            (int(time.time()) - constants.PROCESS_FORGOTTEN_SECONDS,),
        )
        now = time.time()
        return [
            BotProcess(
                key=r["key"],
                host=r["host"],
                pid=r["pid"],
                shards=r["shards"],
                started_at=from_ts(r["started_at"]),
                dispatcher=bool(r["dispatcher"]),
                invalid_requests=r["invalid_requests"],
                silent_seconds=max(now - r["seen_at"], 0.0),
            )
            for r in rows
        ]

    async def forget_process(self, key: str) -> None:
        await self._write("DELETE FROM processes WHERE key = ?", (key,))

    async def record_server_languages(self, locales: Mapping[int, str]) -> None:
        if not locales:
            return

        def record(db: sqlite3.Connection) -> None:
            now = int(time.time())
            db.executemany(
                "INSERT INTO server_languages (guild_id, locale, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at",
                [(guild_id, locale, now) for guild_id, locale in locales.items()],
            )

        await self._atomic(record)

    async def server_languages(self) -> tuple[dict[int, str], dict[int, str]]:
        def read(db: sqlite3.Connection) -> tuple[dict[int, str], dict[int, str]]:
            guilds = {r[0]: r[1] for r in db.execute("SELECT guild_id, locale FROM server_languages")}
            channels = {
                r[0]: r[1]
                for r in db.execute(
                    "SELECT s.channel_id, l.locale FROM subscriptions s "
                    "JOIN server_languages l ON l.guild_id = s.guild_id"
                )
            }
            return guilds, channels

        return await self._call(read)
