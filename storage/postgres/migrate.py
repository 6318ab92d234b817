"""Numbered migrations recorded in ``schema_version``, one transaction each.

Each file ``migrations/NNNN_name.sql`` runs in its own transaction together with its row
in ``schema_version``, so a crash mid-migration leaves the previous version intact. The
numbering is this backend's own (SQLite counts its own). An applied migration is never
edited: add a new file instead.

Several processes may open the same database at once (a restart of two bot processes,
the CLI beside the bot): a session-level advisory lock, held from reading the version to
the last migration, lets exactly one of them migrate while the others wait and then find
nothing left to do. A database newer than this code is refused before anything is written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

from storage.errors import SchemaTooNewError
from storage.postgres._connection import Db
from storage.postgres._target import Target

log = logging.getLogger(__name__)

_PACKAGE = "storage.postgres.migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# The advisory lock migrators share, per schema: two schemas of one database migrate apart.
LOCK_SQL = "hashtextextended('briefbot.migrate:' || coalesce(current_schema(), ''), 0)"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    found = []
    for entry in resources.files(_PACKAGE).iterdir():
        match = _NAME.match(entry.name)
        if match is not None:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration numbering has a gap at {migration.name}")
    return found


LATEST_VERSION = len(load_migrations())


async def current_version(db: Db) -> int:
    """The newest migration applied; 0 for an empty schema."""
    if not await db.fetchval("SELECT to_regclass('schema_version') IS NOT NULL"):
        return 0
    return int(await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))


async def check_not_newer(db: Db, target: Target) -> int:
    version = await current_version(db)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"{target.named} has schema version {version}, but this briefbot only knows up to "
            f"{LATEST_VERSION}; upgrade briefbot (the database was left untouched)"
        )
    return version


async def apply_migrations(db: Db, target: Target) -> list[int]:
    """Apply every pending migration, one migrator at a time; return the versions applied."""
    # A migration may take long on a big archive: wait for the lock as long as it takes.
    await db.execute("SET lock_timeout = 0")
    await db.execute(f"SELECT pg_advisory_lock({LOCK_SQL})")
    try:
        version = await check_not_newer(db, target)
        applied: list[int] = []
        for migration in load_migrations():
            if migration.version <= version:
                continue
            log.info("applying migration %s to %s", migration.name, target.location)
            async with db.transaction():
                await db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    "version integer PRIMARY KEY, name text NOT NULL, "
                    "applied_at timestamptz NOT NULL DEFAULT now())"
                )
                await db.execute(migration.sql)
                await db.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            applied.append(migration.version)
        return applied
    finally:
        await db.execute(f"SELECT pg_advisory_unlock({LOCK_SQL})")
        await db.execute("RESET lock_timeout")
