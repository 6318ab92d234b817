"""``open_storage``: the backend a target names, opened and migrated."""

from __future__ import annotations

import os

from storage.errors import StorageError
from storage.interface import Storage
from storage.sqlite import SQLiteStorage

_POSTGRES_SCHEMES = ("postgresql", "postgres")


async def open_storage(
    target: str | os.PathLike[str], *, migrate_schema: bool = True, search_shard_size: int | None = None
) -> Storage:
    """Open the storage ``target`` names, creating and migrating it as needed.

    A file path (or ``:memory:``) or a ``sqlite:///`` URL opens SQLite; the URL takes
    the path after its third slash, as SQLAlchemy does (``sqlite:///briefbot.db`` is
    relative, ``sqlite:////var/lib/briefbot.db`` absolute). A ``postgresql://`` URL
    raises ``StorageError``: that backend is not available yet.

    ``migrate_schema=False`` opens without migrating (and still refuses a schema newer
    than this code). ``search_shard_size`` is the number of briefings per full-text
    shard of a new SQLite database (see ``SQLiteStorage.open``).
    """
    return await SQLiteStorage.open(
        _sqlite_path(target), migrate_schema=migrate_schema, search_shard_size=search_shard_size
    )


def _sqlite_path(target: str | os.PathLike[str]) -> str:
    """The SQLite file ``target`` names; ``StorageError`` if it names another backend."""
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
    if scheme in _POSTGRES_SCHEMES:
        raise StorageError(
            "the PostgreSQL storage backend is not available yet: give a SQLite file path or a sqlite:/// URL"
        )
    raise StorageError(f"unknown storage {scheme}://: give a SQLite file path or a sqlite:/// URL")
