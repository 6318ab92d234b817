"""Persistence. Everything above this package talks to the ``Storage`` protocol in
dataclasses (``storage.interface``); only the backend behind it speaks SQL.
``open_storage`` picks the backend from the target: SQLite (``storage.sqlite``) for a
file path or ``sqlite:///`` URL, PostgreSQL (``storage.postgres``, imported only when
asked for, so SQLite users never load asyncpg) for a ``postgresql://`` URL."""

from storage._open import open_storage
from storage.constants import META_INSTANT_LAST_RUN, SEARCH_WINDOW, SNIPPET_END, SNIPPET_START
from storage.errors import NotFoundError, SchemaTooNewError, StorageError
from storage.interface import (
    Admin,
    Archive,
    Coordination,
    Leadership,
    Outbox,
    Sources,
    Storage,
    Subscriptions,
)
from storage.sqlite import SQLiteStorage

__all__ = [
    "META_INSTANT_LAST_RUN",
    "SEARCH_WINDOW",
    "SNIPPET_END",
    "SNIPPET_START",
    "Admin",
    "Archive",
    "Coordination",
    "Leadership",
    "NotFoundError",
    "Outbox",
    "SQLiteStorage",
    "SchemaTooNewError",
    "Sources",
    "Storage",
    "StorageError",
    "Subscriptions",
    "open_storage",
]
