"""Numbered migrations applied above ``PRAGMA user_version``.

Each file ``NNNN_name.sql`` runs in its own transaction together with the bump of
``user_version``, so a crash mid-migration leaves the previous version intact.
A migration that SQL alone cannot express (one table per id range, say) is a module
``NNNN_name.py`` with ``apply(db, settings)``, run the same way on the connection's
thread. An applied migration is never edited: add a new file instead.
"""

from __future__ import annotations

import importlib
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from storage.errors import SchemaTooNewError

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")


@dataclass(frozen=True, slots=True)
class Settings:
    """What a new database is created with; a migration that needs one stores it."""

    search_shard_size: int


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str  # a .py migration's source, for reference
    step: Callable[[sqlite3.Connection, Settings], None] | None = None  # a .py migration's apply()


def load_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        step = None
        if match.group(2) == "py":
            step = importlib.import_module(f"storage.migrations.{entry.name[:-3]}").apply
        found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8"), step))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration numbering has a gap at {migration.name}")
    return found


LATEST_VERSION = len(load_migrations())


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def check_not_newer(conn: aiosqlite.Connection, path: str) -> int:
    version = await current_version(conn)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"database {path} has schema version {version}, but this briefbot only knows up to "
            f"{LATEST_VERSION}; upgrade briefbot (the database was left untouched)"
        )
    return version


async def apply_migrations(conn: aiosqlite.Connection, path: str, settings: Settings) -> list[int]:
    """Apply every pending migration; return the versions applied."""
    version = await check_not_newer(conn, path)
    applied: list[int] = []
    for migration in load_migrations():
        if migration.version <= version:
            continue
        log.info("applying migration %s to %s", migration.name, path)
        if migration.step is not None:
            await conn._execute(_run_step, conn._conn, migration, settings)
            applied.append(migration.version)
            continue
        # executescript commits any open transaction first; BEGIN/COMMIT inside the
        # script make the migration and the version bump one atomic unit.
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        applied.append(migration.version)
    return applied


def _run_step(db: sqlite3.Connection, migration: Migration, settings: Settings) -> None:
    """On the connection's thread: a .py migration and the version bump in one transaction."""
    assert migration.step is not None
    db.execute("BEGIN IMMEDIATE")
    try:
        migration.step(db, settings)
        db.execute(f"PRAGMA user_version = {migration.version}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
