"""Whole-archive export and import over PostgreSQL (``storage.transfer``'s ``Transfer``).

The export reads every table on one connection inside one ``REPEATABLE READ READ ONLY``
transaction (one snapshot, whatever the bot writes meanwhile), through server-side
cursors. The import is one transaction on one connection holding the database's write
lock; at its end it computes the search documents of the briefings it inserted (as
``_writes`` does for a new briefing, from the rows copied) and moves every id sequence
past the highest id, so the next briefing, quote or delivery gets a new id.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg

from storage import constants
from storage.errors import StorageError
from storage.postgres._connection import Db, PostgresConnection, faults_reported
from storage.postgres._documents import search_document, title_document
from storage.postgres._writes import nocase
from storage.transfer import TABLE, TABLES, Row, Table, TransferConflictError, meta_copied

# Tables this backend keeps for itself (migrations, IDENTIFY turns, the processes and the
# languages they saw, the title lookup its trigger fills from ``briefings``, the search
# documents the import computes), and the columns it derives from the copied ones:
# rebuilt by the import, not copied.
_OWN_TABLES = (
    "schema_version",
    "gateway_identify",
    "processes",
    "server_languages",
    "briefing_titles",
    "briefing_search",
)
_DERIVED_COLUMNS = {"briefings": ("titles",), "speakers": ("name_key",)}
# Tables whose id an identity sequence hands out.
_SEQUENCED = (
    "briefings",
    "speakers",
    "quotes",
    "quote_corrections",
    "deliveries",
    "sources",
    "source_entries",
)
_DOCUMENT_CHUNK = 500


def _select(table: Table) -> str:
    columns = ", ".join(f'"{n}"' for n in table.names)
    order = ", ".join(f'"{k}"' for k in table.key)
    return f"SELECT {columns} FROM {table.name} ORDER BY {order}"


def _neutral(table: Table, row: asyncpg.Record | Sequence[Any]) -> Row:
    out: list[Any] = []
    for (_, kind), value in zip(table.columns, tuple(row), strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            out.append(int(value.timestamp()))
        elif kind == "int":
            out.append(int(value))
        elif kind == "real":
            out.append(float(value))
        elif kind == "bool":
            out.append(bool(value))
        elif kind == "texts":
            out.append([str(v) for v in value])
        elif kind == "ints":
            out.append([int(v) for v in value])
        elif kind == "pairs":
            out.append([[str(t), int(r)] for t, r in json.loads(value)])
        else:
            out.append(value)
    return tuple(out)


def _stored(table: Table, row: Row) -> list[Any]:
    out: list[Any] = []
    for (_, kind), value in zip(table.columns, row, strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            out.append(datetime.fromtimestamp(value, UTC))
        elif kind == "pairs":
            out.append(json.dumps(value, ensure_ascii=False))
        else:
            out.append(value)
    if table.name == "speakers":
        out.append(nocase(row[table.names.index("name")]))
    elif table.name == "briefings":
        out.append("")  # titles, computed with the search document when the import finishes
    return out


def _insert(table: Table) -> str:
    names = [f'"{n}"' for n in table.names] + list(_DERIVED_COLUMNS.get(table.name, ()))
    marks = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"


async def _counts(db: Db) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in TABLES:
        if table.name == "meta":
            keys = await db.fetch("SELECT key FROM meta")
            counts["meta"] = sum(1 for r in keys if meta_copied(r[0]))
        else:
            counts[table.name] = int(await db.fetchval(f"SELECT count(*) FROM {table.name}"))
    return counts


class _Exporter:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def counts(self) -> dict[str, int]:
        return await _counts(self._db)

    async def rows(self, table: Table, batch: int = 2000) -> AsyncIterator[list[Row]]:
        rows: list[Row] = []
        async for record in self._db.cursor(_select(table), prefetch=batch):
            row = _neutral(table, record)
            if table.name == "meta" and not meta_copied(row[0]):
                continue
            rows.append(row)
            if len(rows) >= batch:
                yield rows
                rows = []
        if rows:
            yield rows


class _Importer:
    def __init__(self, db: Db) -> None:
        self._db = db
        self.briefings: list[int] = []

    async def counts(self) -> dict[str, int]:
        return await _counts(self._db)

    async def load(self, table: Table, rows: list[Row], *, merge: bool) -> tuple[int, int]:
        insert = _insert(table)
        if not merge:
            try:
                await self._db.executemany(insert, [_stored(table, r) for r in rows])
            except asyncpg.IntegrityConstraintViolationError as exc:
                raise StorageError(
                    f"{table.name}: the target refused a row ({exc}); nothing was copied"
                ) from exc
            if table.name == "briefings":
                self.briefings += [int(r[0]) for r in rows]
            return len(rows), 0
        where = " AND ".join(f'"{k}" = ${i}' for i, k in enumerate(table.key, 1))
        lookup = f"{_select(table).partition(' ORDER BY ')[0]} WHERE {where}"
        inserted = skipped = 0
        for row in rows:
            key = table.key_of(row)
            stored = _stored(table, row)
            found = await self._db.fetchrow(lookup, *[stored[table.names.index(k)] for k in table.key])
            if found is not None:
                if _neutral(table, found) != row:
                    raise TransferConflictError(
                        f"{table.name} {key!r} differs between the source and the target; nothing was copied"
                    )
                skipped += 1
                continue
            try:
                await self._db.execute(insert, *stored)
            except asyncpg.IntegrityConstraintViolationError as exc:
                raise TransferConflictError(
                    f"{table.name} {key!r} collides with another row of the target ({exc}); nothing was copied"
                ) from exc
            inserted += 1
            if table.name == "briefings":
                self.briefings.append(int(row[0]))
        return inserted, skipped

    async def finish(self) -> None:
        """Search documents of the briefings inserted (``briefing_search`` rows, title terms);
        every id sequence past its table's ids."""
        ids = sorted(self.briefings)
        for start in range(0, len(ids), _DOCUMENT_CHUNK):
            chunk = ids[start : start + _DOCUMENT_CHUNK]
            briefings = await self._db.fetch(
                "SELECT id, title, summary_detailed, body, tags FROM briefings WHERE id = ANY($1::bigint[])",
                chunk,
            )
            quotes: dict[int, list[tuple[str | None, str]]] = {}
            for r in await self._db.fetch(
                "SELECT q.briefing_id, s.name, q.text FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
                "WHERE q.briefing_id = ANY($1::bigint[]) ORDER BY q.briefing_id, q.position",
                chunk,
            ):
                quotes.setdefault(int(r[0]), []).append((r[1], r[2]))

            def documents(
                rows: list[asyncpg.Record] = briefings,
                quotes: dict[int, list[tuple[str | None, str]]] = quotes,
            ) -> list[tuple[int, str, str]]:
                return [
                    (
                        int(b["id"]),
                        search_document(
                            b["title"],
                            b["summary_detailed"],
                            quotes.get(int(b["id"]), []),
                            b["body"],
                            b["tags"],
                        ),
                        title_document(b["title"]),
                    )
                    for b in rows
                ]

            docs = await asyncio.to_thread(documents)
            await self._db.execute(
                "WITH d AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS d(id, search, titles)), "
                "b AS (UPDATE briefings b SET titles = d.titles::tsvector FROM d WHERE b.id = d.id "
                "RETURNING b.id, b.published_at) "
                "INSERT INTO briefing_search (id, published_at, search) "
                "SELECT b.id, b.published_at, d.search::tsvector FROM b JOIN d ON d.id = b.id",
                [d[0] for d in docs],
                [d[1] for d in docs],
                [d[2] for d in docs],
            )
        # Never back: past the ids copied, the ids given before (a merge), and for briefings
        # the ids of removed ones (``META_HIGHEST_REMOVED_ID``), which are never given again.
        for name in _SEQUENCED:
            sequence = await self._db.fetchval(f"SELECT pg_get_serial_sequence('{name}', 'id')")
            given = await self._db.fetchval(
                f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}"
            )
            floor = int(given or 0)
            if name == "briefings":
                removed = await self._db.fetchval(
                    "SELECT max(value::bigint) FROM meta WHERE key = $1", constants.META_HIGHEST_REMOVED_ID
                )
                floor = max(floor, int(removed or 0))
            await self._db.execute(
                f"SELECT setval('{sequence}', greatest(coalesce(max(id), 0), $1) + 1, false) FROM {name}",
                floor,
            )


class PostgresTransfer(PostgresConnection):
    """``storage.transfer.Transfer`` over PostgreSQL."""

    async def transfer_gaps(self) -> list[str]:
        found: list[str] = []
        known = {t.name: t for t in TABLES}
        async with self._reading() as db:
            names = [
                r[0]
                for r in await db.fetch(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            ]
            found += [f"table {n}" for n in names if n not in known and n not in _OWN_TABLES]
            for table in TABLES:
                if table.name not in names:
                    found.append(f"no table {table.name}")
                    continue
                have = {
                    r[0]
                    for r in await db.fetch(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = $1",
                        table.name,
                    )
                }
                want = set(table.names)
                have -= set(_DERIVED_COLUMNS.get(table.name, ()))
                found += [f"column {table.name}.{c}" for c in sorted(have - want)]
                found += [f"no column {table.name}.{c}" for c in sorted(want - have)]
        return found

    async def dump_table(self, name: str) -> list[Row]:
        """Every row of one table of ``TABLES``, neutral, in key order, in one call (for
        checks and tests; a copy reads through ``exporting``)."""
        table = TABLE[name]
        rows = await self._fetch(_select(table))
        return [r for r in (_neutral(table, row) for row in rows) if name != "meta" or meta_copied(r[0])]

    @asynccontextmanager
    async def exporting(self) -> AsyncIterator[_Exporter]:
        async with self._reading() as db:
            yield _Exporter(db)

    @asynccontextmanager
    async def importing(self) -> AsyncIterator[_Importer]:
        async with self._writing() as db:
            importer = _Importer(db)
            yield importer
            with faults_reported(self._target):
                await importer.finish()
