"""Persistence. Everything above this package talks to ``Storage`` in dataclasses;
only modules here speak SQL, so a second backend can sit behind the same methods."""

from storage.errors import NotFoundError, SchemaTooNewError, StorageError
from storage.sqlite import SQLiteStorage

Storage = SQLiteStorage

__all__ = ["NotFoundError", "SQLiteStorage", "SchemaTooNewError", "Storage", "StorageError"]
