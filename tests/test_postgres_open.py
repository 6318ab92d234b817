"""PostgreSQL's own side of storage: connecting, migrating, and what an operator sees when
it goes wrong. The storage contract itself runs on PostgreSQL through the ``storage``
fixture (tests/storage_fixtures.py); these need a server too and skip without one."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from storage import SchemaTooNewError, StorageError, open_storage
from storage.postgres import DEFAULT_POOL_SIZE, PostgresStorage
from storage.postgres.migrate import LATEST_VERSION, load_migrations
from tests.helpers import WIRE, analysis, draft
from tests.storage_fixtures import postgres_server

ROOT = Path(__file__).resolve().parent.parent


async def _fresh_url() -> str:
    return await postgres_server().store_url()


async def _versions(url: str) -> list[int]:
    db = await asyncpg.connect(url)
    try:
        return [r[0] for r in await db.fetch("SELECT version FROM schema_version ORDER BY version")]
    finally:
        await db.close()


async def test_an_empty_database_is_migrated_to_the_newest_schema():
    """A new PostgreSQL install would fail on its first command without the whole schema."""
    url = await _fresh_url()
    storage = await open_storage(url)
    try:
        assert await storage.schema_version() == LATEST_VERSION
        assert await storage.upgrade() == []
        assert await storage.integrity_check() == ["ok"]
        assert await storage.max_briefing_id() == 0
    finally:
        await storage.close()
    assert await _versions(url) == [m.version for m in load_migrations()]


async def test_a_database_from_a_newer_briefbot_is_refused_untouched():
    """An older briefbot would write into a schema it does not understand and corrupt the archive."""
    url = await _fresh_url()
    storage = await open_storage(url)
    added = await storage.add_briefing(draft(), analysis())
    await storage.close()
    db = await asyncpg.connect(url)
    try:
        await db.execute("INSERT INTO schema_version (version, name) VALUES ($1, 'from the future')", 99)
    finally:
        await db.close()
    for migrate_schema in (True, False):
        with pytest.raises(SchemaTooNewError, match="schema version 99") as info:
            await open_storage(url, migrate_schema=migrate_schema)
        assert "upgrade briefbot" in str(info.value)
    assert await _versions(url) == [*range(1, LATEST_VERSION + 1), 99]
    db = await asyncpg.connect(url)
    try:
        assert await db.fetchval("SELECT count(*) FROM briefings WHERE id = $1", added.briefing_id) == 1
    finally:
        await db.close()


async def test_bot_and_cli_opening_together_migrate_once():
    """Two processes starting at once on a new database would both create the tables and one would crash."""
    url = await _fresh_url()
    opened = await asyncio.gather(*(PostgresStorage.open(url) for _ in range(4)))
    for storage in opened:
        assert await storage.schema_version() == LATEST_VERSION
        await storage.close()
    assert await _versions(url) == list(range(1, LATEST_VERSION + 1))


async def test_two_processes_opening_a_new_database_migrate_once():
    """A restart of two bot processes would race to create the schema."""
    url = await _fresh_url()
    code = (
        "import asyncio, sys\n"
        "from storage import open_storage\n"
        "async def main():\n"
        "    s = await open_storage(sys.argv[1])\n"
        "    print(await s.schema_version())\n"
        "    await s.close()\n"
        "asyncio.run(main())\n"
    )
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, url, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [await p.communicate() for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
        assert out.decode().strip() == str(LATEST_VERSION)
    assert await _versions(url) == list(range(1, LATEST_VERSION + 1))


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_an_unreachable_server_is_named_without_the_password(scheme):
    """A wrong host in the config would crash start-up with a traceback, or print the database password."""
    with pytest.raises(StorageError) as info:
        await open_storage(f"{scheme}://briefbot:s3cret-pw@127.0.0.1:1/briefbot")
    message = str(info.value)
    assert "the PostgreSQL database briefbot on 127.0.0.1:1" in message
    assert "cannot be reached" in message
    assert "s3cret" not in message and "s3cret" not in repr(info.value.__cause__)


async def test_a_missing_database_is_named_with_what_to_do():
    """A typo in the database name would give the operator a driver traceback instead of the fix."""
    server = postgres_server()
    await server.new_schema()  # skips without a server
    missing = server.url().rsplit("/", 1)[0] + "/briefbot_no_such_database"
    with pytest.raises(StorageError, match=r"briefbot_no_such_database.*does not exist"):
        await open_storage(missing)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://briefbot:s3cret-pw@db.example.org:port/briefbot",
        "postgresql://briefbot:s3cret-pw@[::1/briefbot",
    ],
)
async def test_a_malformed_url_is_refused_without_echoing_it(url):
    """A malformed URL would be quoted whole in the error, password and all."""
    with pytest.raises(StorageError, match="URL") as info:
        await open_storage(url)
    assert "s3cret" not in str(info.value)


async def test_location_shows_the_url_without_its_password():
    """The start-up log line naming the database would show its password."""
    url = await _fresh_url()
    assert "@" not in url  # the test server's URL carries no user
    with_password = url.replace("://", "://root:s3cret-pw@", 1)
    storage = await open_storage(with_password)
    try:
        assert "s3cret" not in storage.location
        assert storage.location.startswith("postgresql://root@")
    finally:
        await storage.close()


async def test_two_stores_writing_the_same_briefing_store_it_once():
    """Two processes importing the same file at once would both store it, or one would crash on the unique key."""
    url = await _fresh_url()
    first, second = await PostgresStorage.open(url), await PostgresStorage.open(url)
    try:
        items = [(draft(title=f"Story {i}", url=f"https://example.org/{i}"), analysis()) for i in range(20)]
        outcomes = await asyncio.gather(first.add_briefings(items), second.add_briefings(items))
        assert sorted(o.duplicate for batch in outcomes for o in batch) == [False] * 20 + [True] * 20
        assert await first.count_briefings() == 20
    finally:
        await first.close()
        await second.close()


async def test_a_write_cancelled_while_waiting_for_the_lock_leaves_nothing():
    """A command cancelled while another process writes would leave half a write, or the lock held for good."""
    url = await _fresh_url()
    storage = await PostgresStorage.open(url)
    holder = await asyncpg.connect(url)
    try:
        key = storage._write_lock
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT pg_advisory_xact_lock($1)", key)
        task = asyncio.create_task(storage.set_meta("cancelled", "x"))
        await asyncio.sleep(0.2)
        assert not task.done()  # waiting for the other writer
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await transaction.rollback()
        await asyncio.wait_for(storage.set_meta("k", "v"), 5)
        assert await storage.get_meta("k") == "v"
        assert await storage.get_meta("cancelled") is None
    finally:
        await holder.close()
        await storage.close()


async def _backed_up(tmp_path: Path) -> tuple[str, Path]:
    """A fresh store with one briefing, backed up by ``Storage.backup``: its URL and the dump."""
    url = await _fresh_url()
    storage = await open_storage(url)
    try:
        await storage.add_briefing(draft(), analysis())
        target = tmp_path / "briefbot.dump"
        await storage.backup(target)
    finally:
        await storage.close()
    return url, target


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
async def test_backup_is_a_pg_dump_archive(tmp_path):
    """`briefbot db backup` on PostgreSQL would fail, or leave a half-written file under the name."""
    _, target = await _backed_up(tmp_path)
    restore = await asyncio.create_subprocess_exec(
        "pg_restore", "--list", str(target), stdout=subprocess.PIPE, env=os.environ
    )
    listing = (await restore.communicate())[0].decode()
    assert restore.returncode == 0
    assert "TABLE DATA" in listing and "briefings" in listing
    assert not (tmp_path / "briefbot.dump.partial").exists()


@pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="pg_dump and pg_restore are not installed",
)
async def test_a_backup_restores_into_a_fresh_database_and_searches(tmp_path):
    """A backup would be no backup if restoring it into a new database failed (an index
    needing an extension the one-schema dump leaves out) or its search found nothing."""
    url, target = await _backed_up(tmp_path)
    schema = url.rpartition("search_path=")[2]
    server = postgres_server()
    fresh = f"{server.database}_restored"
    admin = await asyncpg.connect(server.admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{fresh}"')
        restored_url = server.url(search_path=schema).replace(f"/{server.database}?", f"/{fresh}?")
        restore = await asyncio.create_subprocess_exec(
            "pg_restore",
            "--exit-on-error",
            "--no-owner",
            f"--dbname={restored_url.partition('?')[0]}",
            str(target),
            stderr=subprocess.PIPE,
            env=os.environ,
        )
        errors = (await restore.communicate())[1].decode()
        assert restore.returncode == 0, errors
        restored = await open_storage(restored_url)
        try:
            hits, total = await restored.search("grid security", now=datetime(2026, 4, 1, tzinfo=UTC))
            assert total == 1 and hits[0].briefing.title == draft().title
        finally:
            await restored.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        await admin.close()


async def test_a_lost_connection_is_a_storage_error_and_the_next_call_reconnects():
    """A database restart would crash the command that was running with a driver traceback, or for good."""
    url = await _fresh_url()
    storage = await PostgresStorage.open(url)
    admin = await asyncpg.connect(url)
    terminate = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'briefbot' AND datname = current_database() AND pid <> pg_backend_pid()"
    )
    try:
        await storage.set_meta("k", "v")
        running = asyncio.create_task(storage._fetchval("SELECT pg_sleep(10)"))
        await asyncio.sleep(0.3)
        await admin.execute(terminate)
        with pytest.raises(StorageError, match=r"the PostgreSQL database .*: the (connection|server)"):
            await asyncio.wait_for(running, 5)
        # Connections the server ended while they sat idle in the pool fail one call each
        # (with a StorageError, never a driver exception), then are replaced.
        for _ in range(DEFAULT_POOL_SIZE + 1):
            try:
                assert await storage.get_meta("k") == "v"
                break
            except StorageError as exc:
                assert "the PostgreSQL database" in str(exc)
        else:
            pytest.fail("the pool never reconnected")
    finally:
        await admin.close()
        await storage.close()


async def test_a_missing_schema_is_named_with_what_to_do():
    """A search_path naming a schema nobody created would fail start-up with a driver traceback."""
    url = await _fresh_url()
    missing = url.rsplit("=", 1)[0] + "=no_such_schema"
    with pytest.raises(StorageError, match="search_path does not exist"):
        await open_storage(missing)


async def test_the_cli_works_on_postgresql_and_never_prints_the_password(tmp_path):
    """`briefbot --db postgresql://...` would open a file of that name, or print the URL's
    password in what it reports."""
    url = await postgres_server().store_url() + "&password=s3cret-pw"
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BRIEFBOT_DB")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "--db", url, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )

    (tmp_path / "wire.txt").write_text(WIRE, "utf-8")
    for args in (("db", "upgrade"), ("add", "wire.txt"), ("list",), ("config", "check"), ("status",)):
        done = cli(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert "s3cret-pw" not in done.stdout + done.stderr, args
    assert "search_path=" in cli("config", "check").stdout  # the database it names, minus the password
    assert not list(tmp_path.glob("postgresql*")), "a SQLite file named after the URL was made"
