"""Whole-archive export and import over SQLite (``storage.transfer``'s ``Transfer``).

The export is one read transaction on the connection (WAL: a snapshot that other
processes' writes do not disturb), the import one ``BEGIN IMMEDIATE`` transaction; each
spans several calls on the worker thread, so nothing else may use this store while
either is open (``briefbot db copy`` opens its stores for the copy alone). The import
writes the full-text rows (titles and the search shards) of the briefings it inserted
at the end, from the rows copied.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from storage.errors import StorageError
from storage.sqlite import _search
from storage.sqlite._connection import SQLiteConnection
from storage.transfer import TABLE, TABLES, Row, Table, TransferConflictError, meta_copied

# Tables SQLite derives from the copied ones (rebuilt by the import), or keeps for itself.
_DERIVED_PREFIXES = ("sqlite_", "titles_fts", "briefings_fts")
_DERIVED_TABLES = ("search_shards", "processes", "server_languages")
_FTS_CHUNK = 500


def _column(table: Table, name: str) -> str:
    if table.name == "quote_corrections" and name == "id":
        return "rowid"
    return f'"{name}"'


def _select(table: Table) -> str:
    columns = ", ".join(_column(table, n) for n in table.names)
    order = ", ".join(_column(table, k) for k in table.key)
    return f"SELECT {columns} FROM {table.name} ORDER BY {order}"


def _neutral(table: Table, row: Sequence[Any]) -> Row:
    out: list[Any] = []
    for (_, kind), value in zip(table.columns, row, strict=True):
        if value is None:
            out.append(None)
        elif kind in ("int", "time"):
            out.append(int(value))
        elif kind == "real":
            out.append(float(value))
        elif kind == "bool":
            out.append(bool(value))
        elif kind == "texts":
            out.append([str(v) for v in json.loads(value)])
        elif kind == "ints":
            out.append([int(v) for v in json.loads(value) if v is not None])
        elif kind == "pairs":
            out.append([[str(t), int(r)] for t, r in json.loads(value)])
        else:
            out.append(value)
    return tuple(out)


def _stored(table: Table, row: Row) -> tuple[Any, ...]:
    out: list[Any] = []
    for (_, kind), value in zip(table.columns, row, strict=True):
        if value is None:
            out.append(None)
        elif kind in ("texts", "ints", "pairs"):
            out.append(json.dumps(value, ensure_ascii=False))
        elif kind == "bool":
            out.append(int(value))
        else:
            out.append(value)
    return tuple(out)


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in TABLES:
        if table.name == "meta":
            counts["meta"] = sum(1 for (key,) in db.execute("SELECT key FROM meta") if meta_copied(key))
        else:
            counts[table.name] = int(db.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0])
    return counts


class _Exporter:
    def __init__(self, store: SQLiteTransfer) -> None:
        self._store = store

    async def counts(self) -> dict[str, int]:
        return await self._store._call(_counts)

    async def rows(self, table: Table, batch: int = 2000) -> AsyncIterator[list[Row]]:
        cursor = await self._store._call(lambda db: db.execute(_select(table)))
        try:
            while True:
                fetched = await self._store._call(lambda db: cursor.fetchmany(batch))
                if not fetched:
                    return
                rows = [_neutral(table, r) for r in fetched]
                if table.name == "meta":
                    rows = [r for r in rows if meta_copied(r[0])]
                if rows:
                    yield rows
        finally:
            await self._store._call(lambda db: cursor.close())


class _Importer:
    def __init__(self, store: SQLiteTransfer) -> None:
        self._store = store
        self.briefings: list[int] = []

    async def counts(self) -> dict[str, int]:
        return await self._store._call(_counts)

    async def load(self, table: Table, rows: list[Row], *, merge: bool) -> tuple[int, int]:
        return await self._store._call(lambda db: self._load(db, table, rows, merge))

    def _load(self, db: sqlite3.Connection, table: Table, rows: list[Row], merge: bool) -> tuple[int, int]:
        columns = ", ".join(_column(table, n) for n in table.names)
        insert = f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(table.names))})"
        if not merge:
            try:
                db.executemany(insert, [_stored(table, r) for r in rows])
            except sqlite3.IntegrityError as exc:
                raise StorageError(
                    f"{table.name}: the target refused a row ({exc}); nothing was copied"
                ) from exc
            if table.name == "briefings":
                self.briefings += [int(r[0]) for r in rows]
            return len(rows), 0
        where = " AND ".join(f"{_column(table, k)} = ?" for k in table.key)
        lookup = f"{_select(table).partition(' ORDER BY ')[0]} WHERE {where}"
        inserted = skipped = 0
        for row in rows:
            key = table.key_of(row)
            stored = _stored(table, row)
            found = db.execute(lookup, [stored[table.names.index(k)] for k in table.key]).fetchone()
            if found is not None:
                if _neutral(table, found) != row:
                    raise TransferConflictError(
                        f"{table.name} {key!r} differs between the source and the target; nothing was copied"
                    )
                skipped += 1
                continue
            try:
                db.execute(insert, stored)
            except sqlite3.IntegrityError as exc:
                raise TransferConflictError(
                    f"{table.name} {key!r} collides with another row of the target ({exc}); nothing was copied"
                ) from exc
            inserted += 1
            if table.name == "briefings":
                self.briefings.append(int(row[0]))
        return inserted, skipped

    def finish(self, db: sqlite3.Connection) -> None:
        """The full-text rows of the briefings inserted, as ``_writes.insert`` writes them."""
        ids = sorted(self.briefings)
        for start in range(0, len(ids), _FTS_CHUNK):
            chunk = ids[start : start + _FTS_CHUNK]
            marks = ",".join("?" * len(chunk))
            quotes: dict[int, list[str]] = {}
            for briefing_id, speaker, text in db.execute(
                "SELECT q.briefing_id, s.name, q.text FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
                f"WHERE q.briefing_id IN ({marks}) ORDER BY q.briefing_id, q.position",
                chunk,
            ):
                quotes.setdefault(int(briefing_id), []).append(f"{speaker or ''}: {text}")
            rows = db.execute(
                "SELECT id, title, summary_detailed, body, tags, published_at FROM briefings "
                f"WHERE id IN ({marks}) ORDER BY id",
                chunk,
            ).fetchall()
            db.executemany(
                "INSERT INTO titles_fts (rowid, title, published_at) VALUES (?, ?, ?)",
                [(r[0], r[1], r[5]) for r in rows],
            )
            for r in rows:
                fts = _search.table_for_write(db, int(r[0]))
                db.execute(
                    f"INSERT INTO {fts} (rowid, title, summary, quotes, body, tags) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        r[0],
                        r[1],
                        r[2],
                        "\n".join(quotes.get(int(r[0]), [])),
                        r[3],
                        " ".join(json.loads(r[4])),
                    ),
                )


class SQLiteTransfer(SQLiteConnection):
    """``storage.transfer.Transfer`` over SQLite."""

    async def transfer_gaps(self) -> list[str]:
        def gaps(db: sqlite3.Connection) -> list[str]:
            found: list[str] = []
            known = {t.name: t for t in TABLES}
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for name in names:
                if name in _DERIVED_TABLES or name.startswith(_DERIVED_PREFIXES):
                    continue
                if name not in known:
                    found.append(f"table {name}")
            for table in TABLES:
                if table.name not in names:
                    found.append(f"no table {table.name}")
                    continue
                have = {r[1] for r in db.execute(f"PRAGMA table_info({table.name})")}
                want = {n for n in table.names if _column(table, n) != "rowid"}
                found += [f"column {table.name}.{c}" for c in sorted(have - want)]
                found += [f"no column {table.name}.{c}" for c in sorted(want - have)]
            return found

        return await self._call(gaps)

    async def dump_table(self, name: str) -> list[Row]:
        """Every row of one table of ``TABLES``, neutral, in key order, in one call (for
        checks and tests; a copy reads through ``exporting``)."""
        table = TABLE[name]
        rows = await self._call(lambda db: db.execute(_select(table)).fetchall())
        return [r for r in (_neutral(table, row) for row in rows) if name != "meta" or meta_copied(r[0])]

    @asynccontextmanager
    async def exporting(self) -> AsyncIterator[_Exporter]:
        await self._call(lambda db: db.execute("BEGIN"))
        try:
            yield _Exporter(self)
        finally:
            await self._call(lambda db: db.execute("ROLLBACK") if db.in_transaction else None)

    @asynccontextmanager
    async def importing(self) -> AsyncIterator[_Importer]:
        await self._call(lambda db: db.execute("BEGIN IMMEDIATE"))
        importer = _Importer(self)
        try:
            yield importer

            def commit(db: sqlite3.Connection) -> None:
                importer.finish(db)
                db.execute("COMMIT")

            await self._call(commit)
        except BaseException:
            await self._call(lambda db: db.execute("ROLLBACK") if db.in_transaction else None)
            raise
