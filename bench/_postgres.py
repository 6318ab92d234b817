"""PostgreSQL for the benchmarks: the server, scratch databases, and archives on it.

The server is ``BRIEFBOT_BENCH_POSTGRES`` or the tests' ``BRIEFBOT_TEST_POSTGRES`` (default
``postgresql://127.0.0.1:5432/test``). An archive of N briefings on PostgreSQL is the
SQLite archive of N (``bench._archive``) moved with ``briefbot db copy``'s code
(``storage.transfer.copy_archive``): the same rows and ids, so both backends answer the
same inputs over the same data. It is kept in a database of its own named after the
archive (``briefbot_bench_v<version>_s<seed>_<n>``), built under a temporary name and
renamed when complete; later runs reuse it. ``BRIEFBOT_BENCH_DATABASE`` names a database
to measure instead (a copy made with ``CREATE DATABASE ... TEMPLATE``, to try a schema
change on the same data without touching the kept archive). Each run first brings it to
the state a server with autovacuum on (PostgreSQL's default) keeps a table in
(``settle``): the copy writes each briefing twice (its search documents are computed after
the rows are in), and a server with autovacuum off, as the one this benchmark was first
run on, would otherwise leave a dead version of every briefing for every later query to
step over.
"""

from __future__ import annotations

import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench._archive import VERSION, archive
from storage import open_storage
from storage.transfer import as_transfer, copy_archive

CONNECT_TIMEOUT_SECONDS = 5


def admin_url() -> str:
    return (
        os.environ.get("BRIEFBOT_BENCH_POSTGRES")
        or os.environ.get("BRIEFBOT_TEST_POSTGRES")
        or "postgresql://127.0.0.1:5432/test"
    )


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


async def _admin() -> asyncpg.Connection | None:
    try:
        return await asyncpg.connect(admin_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        print(f"    PostgreSQL not reachable ({type(exc).__name__}): its figures are not measured")
        return None


async def scratch_database() -> str | None:
    """A new, empty database (its URL), or None if the server cannot be reached."""
    admin = await _admin()
    if admin is None:
        return None
    name = f"briefbot_bench_{uuid.uuid4().hex[:8]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return with_database(admin_url(), name)


async def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(admin_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def pg_archive(n: int, *, seed: int = 1) -> str | None:
    """The URL of the PostgreSQL archive of ``n`` briefings, copying it there on first use;
    None if the server cannot be reached."""
    admin = await _admin()
    if admin is None:
        return None
    name = os.environ.get("BRIEFBOT_BENCH_DATABASE") or f"briefbot_bench_v{VERSION}_s{seed}_{n}"
    partial = f"{name}_partial"
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await settle(with_database(admin_url(), name))
            return with_database(admin_url(), name)
        source_path = await archive(n, seed=seed)
        await admin.execute(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{partial}"')
        print(f"  copying the archive of {n:,} briefings to PostgreSQL ({name}) ...", flush=True)
        started = time.perf_counter()
        source = await open_storage(source_path)
        target = await open_storage(with_database(admin_url(), partial))
        try:
            report = await copy_archive(as_transfer(source), as_transfer(target))
        finally:
            await source.close()
            await target.close()
        await settle(with_database(admin_url(), partial))
        await admin.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
        seconds = time.perf_counter() - started
        print(
            f"  copied {report.rows:,} rows in {seconds:.1f} s ({report.rows / seconds:,.0f} rows/s)",
            flush=True,
        )
        return with_database(admin_url(), name)
    finally:
        await admin.close()


async def settle(url: str) -> None:
    """``VACUUM ANALYZE`` the database: dead row versions removed, the visibility map and
    the planner's statistics current. Quick when there is nothing to do."""
    db = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        started = time.perf_counter()
        await db.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        if seconds > 5:
            print(f"  VACUUM ANALYZE of {urlsplit(url).path.lstrip('/')} took {seconds:.1f} s", flush=True)
    finally:
        await db.close()
