"""Numbered migrations applied above ``PRAGMA user_version``, on the connection's thread.

Each file ``NNNN_name.sql`` runs in its own transaction together with the bump of
``user_version``, so a crash mid-migration leaves the previous version intact.
A migration that SQL alone cannot express (one table per id range, say) is a module
``NNNN_name.py`` with ``apply(db, settings)``, run the same way. An applied migration is
never edited: add a new file instead.
"""

from __future__ import annotations

import importlib
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from storage.errors import SchemaTooNewError
from storage.sqlite._connection import run_atomically

log = logging.getLogger(__name__)

_PACKAGE = "storage.sqlite.migrations"
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
    for entry in resources.files(_PACKAGE).iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        step = None
        if match.group(2) == "py":
            step = importlib.import_module(f"{_PACKAGE}.{entry.name[:-3]}").apply
        found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8"), step))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration numbering has a gap at {migration.name}")
    return found


LATEST_VERSION = len(load_migrations())


def current_version(db: sqlite3.Connection) -> int:
    row = db.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0


def check_not_newer(db: sqlite3.Connection, path: str) -> int:
    version = current_version(db)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"database {path} has schema version {version}, but this briefbot only knows up to "
            f"{LATEST_VERSION}; upgrade briefbot (the database was left untouched)"
        )
    return version


def apply_migrations(db: sqlite3.Connection, path: str, settings: Settings) -> list[int]:
    """Apply every pending migration; return the versions applied."""
    version = check_not_newer(db, path)
    applied: list[int] = []
    for migration in load_migrations():
        if migration.version <= version:
            continue
        log.info("applying migration %s to %s", migration.name, path)
        _apply(db, migration, settings)
        applied.append(migration.version)
    return applied


def _apply(db: sqlite3.Connection, migration: Migration, settings: Settings) -> None:
    """One migration and the version bump, in one transaction."""
    step = migration.step
    if step is not None:

        def work(db: sqlite3.Connection) -> None:
            step(db, settings)
            db.execute(f"PRAGMA user_version = {migration.version}")

        run_atomically(db, work)
        return
    # executescript commits any open transaction first; BEGIN/COMMIT inside the
    # script make the migration and the version bump one atomic unit.
    try:
        db.executescript(
            f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        )
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
