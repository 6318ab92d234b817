"""``open_storage``: the backend a target names, opened and migrated."""

from __future__ import annotations

import os

from storage.errors import StorageError
from storage.interface import Storage
from storage.sqlite import SQLiteStorage


async def open_storage(
    target: str | os.PathLike[str],
    *,
    migrate_schema: bool = True,
    search_shard_size: int | None = None,
    pool_size: int | None = None,
) -> Storage:
    """Open the storage ``target`` names, creating and migrating it as needed.

    A file path (or ``:memory:``) or a ``sqlite:///`` URL opens SQLite; the URL takes
    the path after its third slash, as SQLAlchemy does (``sqlite:///briefbot.db`` is
    relative, ``sqlite:////var/lib/briefbot.db`` absolute). A ``postgresql://`` or
    ``postgres://`` URL opens PostgreSQL (the database must exist; its tables are made).

    ``migrate_schema=False`` opens without migrating (and still refuses a schema newer
    than this code). ``search_shard_size`` is the number of briefings per full-text
    shard of a new SQLite database (see ``SQLiteStorage.open``); PostgreSQL has no
    shards and ignores it. ``pool_size`` is how many connections PostgreSQL's pool may
    open (``storage.postgres.DEFAULT_POOL_SIZE`` when None); SQLite has one.
    """
    if isinstance(target, str) and _scheme(target) in ("postgresql", "postgres"):
        # Imported here: SQLite users never load asyncpg.
        from storage.postgres import DEFAULT_POOL_SIZE, PostgresStorage

        return await PostgresStorage.open(
            target, migrate_schema=migrate_schema, pool_size=pool_size or DEFAULT_POOL_SIZE
        )
    return await SQLiteStorage.open(
        _sqlite_path(target), migrate_schema=migrate_schema, search_shard_size=search_shard_size
    )


def _scheme(target: str) -> str | None:
    scheme, sep, _ = target.partition("://")
    return scheme.lower() if sep else None


def _sqlite_path(target: str | os.PathLike[str]) -> str:
    """The SQLite file ``target`` names; ``StorageError`` if it names no backend."""
    if not isinstance(target, str):
        return os.fspath(target)
    scheme, sep, rest = target.partition("://")
    if not sep:
        return target
    scheme = scheme.lower()
    if scheme == "sqlite":
        host, slash, path = rest.partition("/")
        if host or not slash or not path:
            raise StorageError(
                f"cannot open {target}: a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path"
            )
        return path
    # The URL itself is not repeated: it may carry a password.
    raise StorageError(
        f"unknown storage {scheme}://: give a SQLite file path, a sqlite:/// URL or a postgresql:// URL"
    )
