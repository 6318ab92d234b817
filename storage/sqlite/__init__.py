"""The SQLite backend: the only code that speaks SQL.

One long-lived ``sqlite3`` connection on its own worker thread serves the whole bot
(``_connection``); every write is one transaction in one call there. The query classes
are split by concern (``_archive``, ``_subscriptions``, ``_outbox``) and combined into
``SQLiteStorage`` (``_storage``), which opens the file and migrates it (``migrate``,
``migrations/``). Full-text search is FTS5, split into shards by id (``_search``, ``fts``).
"""

from storage.sqlite._storage import SQLiteStorage

__all__ = ["SQLiteStorage"]
