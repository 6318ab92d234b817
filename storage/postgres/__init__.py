"""The PostgreSQL backend, for an archive several processes share.

An asyncpg pool serves the bot (``_connection``); every write is one transaction that
first takes the database's write lock (a transaction-scoped advisory lock), so writes
never interleave, as on SQLite, across tasks and processes alike. The query classes are
split by concern (``_archive``, ``_subscriptions``, ``_outbox``) and combined into
``PostgresStorage`` (``_storage``), which connects and migrates (``migrate``,
``migrations/``).

Full-text search behaves as SQLite's: the terms are computed here (``_tokens``: FTS5's
word cutting and folding, its Porter stemmer) and stored as ``tsvector`` under the
``simple`` configuration with GIN indexes, queries become ``tsquery`` (``_query``), and
snippets are cut as FTS5 cuts them (``_snippet``). PostgreSQL has no Ukrainian
dictionary; this way it needs none.
"""

from storage.postgres._storage import DEFAULT_POOL_SIZE, PostgresStorage

__all__ = ["DEFAULT_POOL_SIZE", "PostgresStorage"]
