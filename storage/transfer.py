"""Moving a whole archive between stores, whatever their backends (``briefbot db copy``).

Every table that holds what the bot knows is described here once, backend-neutrally:
its columns with a neutral kind each, and its key. A backend reads its rows in that
form (``Exporter.rows``) and writes them (``Importer.load``), converting to and from its
own types (SQLite's integer seconds and JSON text, PostgreSQL's timestamptz, arrays and
jsonb). What a backend derives from those rows (SQLite's FTS5 tables and search shards,
PostgreSQL's title terms and ``briefing_search`` documents, PostgreSQL 0014 and 0015, and
speakers' ``name_key``) is not copied but rebuilt by the
target when the import finishes, and PostgreSQL's id sequences are moved past the ids
copied. Neutral values: ``int``, ``str``, ``float``, ``bool``, ``None``, times as whole
Unix seconds, lists for arrays (``topic_roles`` as ``[topic, role_id]`` pairs).

``copy_archive`` reads the source inside one snapshot and writes the target inside one
transaction, which holds the target's write lock: a failure at any point leaves the
target as it was. Without ``merge`` it refuses a target that holds anything. With
``merge``, a row whose key the target already has is skipped when it is identical and
is a conflict otherwise; so is a row that collides with another of the target's unique
keys (a briefing with the same source URL or text under another id, say). A conflict
refuses the whole copy, with nothing written. Before committing, the target's count of
every table is checked against what it held before plus what was inserted, and the
source's counts against the rows read.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

from storage import constants
from storage.errors import StorageError

Kind = Literal["int", "text", "real", "time", "bool", "texts", "ints", "pairs"]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One table as both backends hold it: ``columns`` as ``(name, kind)``, ``key`` the
    column names that identify a row (its primary key)."""

    name: str
    columns: tuple[tuple[str, Kind], ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def key_of(self, row: Row) -> Row:
        names = self.names
        return tuple(row[names.index(k)] for k in self.key)


def _t(name: str, key: tuple[str, ...], *columns: tuple[str, Kind]) -> Table:
    return Table(name, columns, key)


# In the order they are written: a table after those its rows refer to.
TABLES: tuple[Table, ...] = (
    _t(
        "briefings",
        ("id",),
        ("id", "int"),
        ("title", "text"),
        ("body", "text"),
        ("published_at", "time"),
        ("source_url", "text"),
        ("fingerprint", "text"),
        ("language", "text"),
        ("tags", "texts"),
        ("summary_short", "text"),
        ("summary_standard", "text"),
        ("summary_detailed", "text"),
        ("created_at", "time"),
        ("updated_at", "time"),
        ("corrected_at", "time"),
    ),
    _t(
        "briefing_tags",
        ("tag", "published_at", "briefing_id"),
        ("tag", "text"),
        ("briefing_id", "int"),
        ("published_at", "time"),
    ),
    _t("speakers", ("id",), ("id", "int"), ("name", "text"), ("role", "text"), ("quote_count", "int")),
    _t("speaker_terms", ("term", "speaker_id"), ("term", "text"), ("speaker_id", "int")),
    _t(
        "quotes",
        ("id",),
        ("id", "int"),
        ("briefing_id", "int"),
        ("position", "int"),
        ("text", "text"),
        ("speaker_id", "int"),
        ("speaker_role", "text"),
        ("start", "int"),
        ("end", "int"),
        ("score", "real"),
        ("published_at", "time"),
        ("confidence", "real"),
    ),
    _t(
        "quote_corrections",
        ("id",),
        ("id", "int"),  # SQLite's rowid: the order the corrections were made in
        ("briefing_id", "int"),
        ("quote_text", "text"),
        ("kind", "text"),
        ("speaker", "text"),
        ("speaker_role", "text"),
        ("editor_id", "int"),
        ("created_at", "time"),
    ),
    _t(
        "subscriptions",
        ("channel_id",),
        ("channel_id", "int"),
        ("guild_id", "int"),
        ("schedule", "text"),
        ("time", "text"),
        ("weekday", "int"),
        ("timezone", "text"),
        ("topics", "texts"),
        ("keywords", "texts"),
        ("role_id", "int"),
        ("alerts_channel_id", "int"),
        ("since_briefing_id", "int"),
        ("created_at", "time"),
        ("paused_reason", "text"),
        ("failures", "int"),
        ("last_run_at", "time"),
        ("last_delivery_at", "time"),
        ("cursor_id", "int"),
        ("exclude_topics", "texts"),
        ("exclude_keywords", "texts"),
        ("topic_roles", "pairs"),
        ("max_per_hour", "int"),
        ("thread_archive_minutes", "int"),  # SQLite 0012, PostgreSQL 0005 (#15)
        ("publish", "bool"),  # SQLite 0012, PostgreSQL 0005 (#15)
        ("forum", "bool"),  # SQLite 0012, PostgreSQL 0005 (#15)
        ("webhook", "bool"),  # SQLite 0014, PostgreSQL 0007 (#15)
        ("card_style", "text"),  # SQLite 0016, PostgreSQL 0009 (#15)
        ("create_tags", "bool"),  # SQLite 0020, PostgreSQL 0013 (#15)
        ("paused_by_hand", "bool"),
        ("paused_at", "time"),
        ("moved_from", "ints"),
    ),
    _t(  # SQLite 0014, PostgreSQL 0007 (#15); the token is copied as it is: the target needs it
        "channel_webhooks",
        ("channel_id",),
        ("channel_id", "int"),
        ("webhook_id", "int"),
        ("token", "text"),
        ("name", "text"),
        ("avatar_url", "text"),
        ("lost", "int"),
        ("created_at", "time"),
    ),
    _t(  # SQLite 0015, PostgreSQL 0008 (#15)
        "follows",
        ("channel_id",),
        ("channel_id", "int"),
        ("guild_id", "int"),
        ("home_channel_id", "int"),
        ("topic", "text"),
        ("webhook_id", "int"),
        ("created_at", "time"),
    ),
    _t(
        "deliveries",
        ("id",),
        ("id", "int"),
        ("channel_id", "int"),
        ("briefing_id", "int"),
        ("nonce", "text"),
        ("state", "text"),
        ("message_id", "int"),
        ("attempts", "int"),
        ("last_error", "text"),
        ("created_at", "time"),
        ("sent_at", "time"),
        ("kind", "text"),
        ("position", "int"),
        ("content", "text"),
        ("ping_role_id", "int"),
        ("edited_at", "time"),
        ("retracted_at", "time"),
        ("ping_role_ids", "ints"),
        ("hold_until", "time"),
        ("started_at", "time"),  # SQLite 0012, PostgreSQL 0005 (#15)
        ("published_at", "time"),  # SQLite 0012, PostgreSQL 0005 (#15)
        ("reply_id", "int"),  # SQLite 0013, PostgreSQL 0006 (#15)
        ("reply_started_at", "time"),  # SQLite 0013, PostgreSQL 0006 (#15)
        ("refresh_due_at", "time"),  # SQLite 0019, PostgreSQL 0012 (#17)
        ("as_card", "bool"),  # SQLite 0016, PostgreSQL 0009 (#15)
        ("publish_nonce", "text"),  # SQLite 0020, PostgreSQL 0013 (#15)
        ("followups_started_at", "time"),  # SQLite 0020, PostgreSQL 0013 (#15)
    ),
    _t(  # SQLite 0020, PostgreSQL 0013 (#15)
        "publish_digests",
        ("channel_id", "nonce"),
        ("channel_id", "int"),
        ("nonce", "text"),
        ("state", "text"),
        ("message_id", "int"),
        ("created_at", "time"),
        ("sent_at", "time"),
        ("published_at", "time"),
        ("last_error", "text"),
    ),
    _t(
        "sources",
        ("id",),
        ("id", "int"),
        ("url", "text"),
        ("name", "text"),
        ("topics", "texts"),
        ("language", "text"),
        ("timezone", "text"),
        ("interval_minutes", "int"),
        ("mode", "text"),
        ("full_text", "bool"),
        ("status", "text"),
        ("status_reason", "text"),
        ("etag", "text"),
        ("last_modified", "text"),
        ("failures", "int"),
        ("next_poll_at", "time"),
        ("last_polled_at", "time"),
        ("last_success_at", "time"),
        ("created_at", "time"),
        ("added_by", "int"),
    ),
    _t(
        "source_entries",
        ("id",),
        ("id", "int"),
        ("source_id", "int"),
        ("key", "text"),
        ("link", "text"),
        ("entry_hash", "text"),
        ("state", "text"),
        ("fingerprint", "text"),
        ("briefing_id", "int"),
        ("draft", "text"),
        ("copies_stale", "bool"),
        ("seen_at", "time"),
        ("updated_at", "time"),
    ),
    _t("meta", ("key",), ("key", "text"), ("value", "text")),
)
TABLE = {t.name: t for t in TABLES}

# Meta keys that belong to one store and are not copied: SQLite's search shard size (set
# when its schema is made), IDENTIFY turns (seconds-long leases of one deployment) and the
# sending process's invalid-request count (of the last ten minutes).
META_NOT_COPIED_EXACT = ("search_shard_size", constants.META_INVALID_REQUESTS)
META_NOT_COPIED_PREFIX = "gateway.identify."

BATCH_ROWS = 2000


def meta_copied(key: str) -> bool:
    return key not in META_NOT_COPIED_EXACT and not key.startswith(META_NOT_COPIED_PREFIX)


class TransferConflictError(StorageError):
    """A row of the source that the target holds differently (with ``merge``)."""


class Exporter(Protocol):
    """The source's side, inside one read snapshot."""

    async def counts(self) -> dict[str, int]:
        """Rows of every table of ``TABLES`` (meta: those copied)."""
        ...

    def rows(self, table: Table, batch: int = BATCH_ROWS) -> AsyncIterator[list[Row]]:
        """Every row of ``table`` in key order, neutral, ``batch`` at a time."""
        ...


class Importer(Protocol):
    """The target's side, inside one write transaction."""

    async def counts(self) -> dict[str, int]: ...

    async def load(self, table: Table, rows: list[Row], *, merge: bool) -> tuple[int, int]:
        """Insert neutral rows; return ``(inserted, skipped as identical)``. With ``merge``
        a row whose key exists is compared; ``TransferConflictError`` if it differs, or if
        a row collides with another unique key of the target."""
        ...


class Transfer(Protocol):
    """What a backend offers ``copy_archive``."""

    @property
    def location(self) -> str: ...

    async def transfer_gaps(self) -> list[str]:
        """Columns and tables of this store that ``TABLES`` does not describe and the
        backend does not derive, and columns ``TABLES`` names that the store lacks: a
        copy would lose or miss them, so it refuses while there are any."""
        ...

    async def dump_table(self, name: str) -> list[Row]:
        """Every row of one table, neutral, in key order, in one call."""
        ...

    def exporting(self) -> AbstractAsyncContextManager[Exporter]:
        """A read snapshot of the whole store."""
        ...

    def importing(self) -> AbstractAsyncContextManager[Importer]:
        """One write transaction, holding the write lock, committed when the block ends
        without an error (after the search indexes and id sequences are brought up to date)
        and rolled back otherwise. Nothing else may use this store meanwhile."""
        ...


@dataclass
class TableReport:
    name: str
    source: int = 0
    inserted: int = 0
    skipped: int = 0
    target_before: int = 0
    target_after: int = 0


@dataclass
class CopyReport:
    tables: list[TableReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.source for t in self.tables)


# (table, rows done in it, its rows, rows done in all, rows in all)
Progress = Callable[[str, int, int, int, int], None]


async def copy_archive(
    source: Transfer, target: Transfer, *, merge: bool = False, progress: Progress | None = None
) -> CopyReport:
    """Copy every table of ``source`` into ``target`` (see the module's docstring)."""
    if source.location == target.location:
        raise StorageError(f"{source.location} is both the source and the target of the copy")
    for store, side in ((source, "source"), (target, "target")):
        gaps = await store.transfer_gaps()
        if gaps:
            raise StorageError(
                f"the {side} {store.location} has what this copy does not know how to move "
                f"({'; '.join(gaps)}): is one of them migrated to another briefbot version? "
                "run `briefbot db upgrade` on both"
            )
    started = time.monotonic()
    report = CopyReport()
    async with source.exporting() as exporter, target.importing() as importer:
        source_counts = await exporter.counts()
        before = await importer.counts()
        if not merge and any(before.values()):
            held = ", ".join(f"{n} {name}" for name, n in before.items() if n)
            raise StorageError(
                f"the target {target.location} is not empty ({held}): copy into an empty database, "
                "or give --merge to add only the rows it lacks"
            )
        total = sum(source_counts.values())
        done = 0
        for table in TABLES:
            entry = TableReport(table.name, source_counts[table.name], target_before=before[table.name])
            report.tables.append(entry)
            read = 0
            if progress is not None:
                progress(table.name, 0, entry.source, done, total)
            async for rows in exporter.rows(table):
                inserted, skipped = await importer.load(table, rows, merge=merge)
                entry.inserted += inserted
                entry.skipped += skipped
                read += len(rows)
                done += len(rows)
                if progress is not None:
                    progress(table.name, read, entry.source, done, total)
            if read != entry.source:
                raise StorageError(
                    f"read {read} rows of {table.name} from {source.location}, which counted {entry.source}"
                )
        after = await importer.counts()
        for entry in report.tables:
            entry.target_after = after[entry.name]
            expected = entry.target_before + entry.inserted
            if entry.target_after != expected:
                raise StorageError(
                    f"{entry.name}: the target would hold {entry.target_after} rows, not the "
                    f"{expected} expected; nothing was copied"
                )
    report.seconds = time.monotonic() - started
    return report


def as_transfer(store: object) -> Transfer:
    """``store`` as a ``Transfer``; ``StorageError`` for a backend that cannot copy."""
    for name in ("transfer_gaps", "dump_table", "exporting", "importing"):
        if not hasattr(store, name):
            raise StorageError(f"{type(store).__name__} cannot copy archives")
    return cast(Transfer, store)
