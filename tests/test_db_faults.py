"""Database faults: read-only, locked, full and corrupt databases.

The operator gets a ``StorageError`` naming the file and the cause; the bot stays up
(a command during the fault gets an ephemeral error, and works again once the fault
clears); nothing committed is lost. Also ``briefbot db check`` and ``db backup``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot import cli
from bot.config import Config, StorageConfig
from bot.newsroom import Newsroom
from storage import SQLiteStorage, StorageError, open_storage
from tests.conftest import BotWorld, populate
from tests.helpers import analysis, draft
from tests.storage_fixtures import open_contract_storage


async def _open(path: Path) -> SQLiteStorage:
    storage = await SQLiteStorage.open(path)
    await storage.add_briefing(
        draft(), analysis(("We moved faster than expected.", "Olena Marchuk", None, 1.0))
    )
    return storage


async def _pragma(storage: SQLiteStorage, setting: str) -> None:
    """``PRAGMA setting`` on the storage's own connection: how these tests make a fault."""
    await storage._call(lambda db: db.execute(f"PRAGMA {setting}").fetchall())


def _bulky(n: int):
    body = ("A long paragraph about grid investment and regional budgets. " * 60 + "\n\n") * 3
    return draft(title=f"Bulky briefing {n}", body=body, url=f"https://example.org/bulky/{n}")


async def test_read_only_database_gives_a_clear_error_and_keeps_data(tmp_path: Path):
    """A read-only database would crash the bot with a raw sqlite3 error instead of naming the file and the cause."""
    path = tmp_path / "brief.db"
    storage = await _open(path)
    try:
        await _pragma(storage, "query_only = 1")  # what a read-only file does to writes
        with pytest.raises(StorageError) as info:
            await storage.add_briefing(draft(title="Another", url="https://example.org/2"), analysis())
        assert str(path) in str(info.value) and "read-only" in str(info.value)
        assert await storage.count_briefings() == 1  # reads still work, nothing half-written
        await _pragma(storage, "query_only = 0")
        await storage.add_briefing(draft(title="Another", url="https://example.org/2"), analysis())
        assert await storage.count_briefings() == 2
    finally:
        await storage.close()


async def test_locked_database_waits_then_gives_a_clear_error(tmp_path: Path):
    """A write while another process holds the lock would fail with a raw 'database is locked' or hang forever."""
    path = tmp_path / "brief.db"
    storage = await _open(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        await _pragma(storage, "busy_timeout = 50")  # the real 5 s wait, shortened
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageError) as info:
            await storage.set_meta("k", "v")
        assert str(path) in str(info.value) and "locked" in str(info.value)
        other.execute("ROLLBACK")
        await storage.set_meta("k", "v")  # the lock is gone: writes work again
        assert await storage.get_meta("k") == "v"
    finally:
        other.close()
        await storage.close()


async def test_a_write_waits_for_a_lock_that_is_released(tmp_path: Path):
    """A write that meets a short lock (a backup, the CLI) would fail instead of waiting its turn."""
    path = tmp_path / "brief.db"
    storage = await _open(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN EXCLUSIVE")
        write = asyncio.create_task(storage.set_meta("k", "v"))
        await asyncio.to_thread(other.execute, "COMMIT")  # released while (or before) the write waits
        await write
        assert await storage.get_meta("k") == "v"
    finally:
        other.close()
        await storage.close()


async def test_full_disk_rolls_back_the_batch_and_recovers(tmp_path: Path):
    """A full disk would half-write an import, or leave the bot broken after space is freed."""
    path = tmp_path / "brief.db"
    storage = await _open(path)
    try:
        row = await storage._fetchone("PRAGMA page_count")
        assert row is not None
        pages = row[0]
        await _pragma(storage, f"max_page_count = {pages + 2}")
        with pytest.raises(StorageError) as info:
            await storage.add_briefings([(_bulky(n), analysis()) for n in range(20)])
        assert str(path) in str(info.value) and "full" in str(info.value)
        assert await storage.count_briefings() == 1  # the batch is all or nothing
        await _pragma(storage, "max_page_count = 1073741823")
        await storage.add_briefings([(_bulky(n), analysis()) for n in range(20)])
        assert await storage.count_briefings() == 21
    finally:
        await storage.close()


async def test_garbage_file_is_refused_with_the_file_named(tmp_path: Path):
    """Pointing the bot at a file that is not a database would crash with a traceback or overwrite it."""
    path = tmp_path / "brief.db"
    garbage = b"this is not a database at all\x00" * 200
    path.write_bytes(garbage)
    with pytest.raises(StorageError) as info:
        await open_storage(path)
    assert str(path) in str(info.value) and "not a database" in str(info.value)
    assert path.read_bytes() == garbage  # untouched


async def _corrupt_copy(tmp_path: Path) -> Path:
    """A populated database whose pages past the first were overwritten with garbage."""
    path = tmp_path / "brief.db"
    config = Config(storage=StorageConfig(path=str(path)))
    await populate(path, config)
    storage = await SQLiteStorage.open(path)
    await _pragma(storage, "wal_checkpoint(TRUNCATE)")
    await storage.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(len(data) // page // 2 * page, len(data), page * 2):
        data[start : start + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    return path


async def test_corrupt_database_reads_give_a_clear_error(tmp_path: Path):
    """A damaged database file would show readers a raw sqlite3 traceback instead of telling the operator."""
    path = await _corrupt_copy(tmp_path)
    try:
        storage = await open_storage(path, migrate_schema=False)
    except StorageError as exc:
        assert str(path) in str(exc)
        return
    try:
        newsroom = Newsroom(storage, Config())
        with pytest.raises(StorageError) as info:
            for query in ("grid", "energy", "minister", "budget", "water"):
                await newsroom.search(query)
            await storage.list_briefings(limit=1000)
            await storage.integrity_check()
            pytest.fail("no read hit a corrupt page")
        assert str(path) in str(info.value) and "corrupt" in str(info.value)
    finally:
        await storage.close()


def test_db_check_reports_corruption_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`briefbot db check` would say 'ok' (or crash) on a damaged database, so the operator trusts a broken archive."""
    path = asyncio.run(_corrupt_copy(tmp_path))
    assert cli.main(["--db", str(path), "db", "check"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and ("integrity check found" in err or "the file is corrupt" in err), err


def test_db_check_says_ok_for_a_healthy_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`briefbot db check` would report a healthy database as damaged."""
    path = tmp_path / "brief.db"
    asyncio.run(populate(path, Config(storage=StorageConfig(path=str(path)))))
    assert cli.main(["--db", str(path), "db", "check"]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: ok"


# -- the running bot ---------------------------------------------------------------


async def _add(world: BotWorld, title: str):
    """Submit /article add as the publisher; return (text, ephemeral) of the answer."""
    opened = await world.fake.slash(world.publisher, world.channel, "article add")
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    body = "The ministry published the plan on Monday.\n\nIt covers every region."
    values = [title, body, "", "", ""]
    submitted = await opened.submit_modal(dict(zip(custom_ids, values, strict=True)))
    message = await world.fake.wait_until(
        lambda: (
            (world.fake.messages[submitted.record.followup_ids[0]] if submitted.record.followup_ids else None)
            or (m if (m := submitted.original) is not None and not m.deferred else None)
        ),
        what="an answer to the form",
    )
    return message.content or "", message.ephemeral


async def _import(world: BotWorld):
    """/article import of a batch big enough to need new pages; return (text, ephemeral)."""
    paragraph = "Regional budgets for grid repairs were agreed after long talks. " * 50
    items = [
        {"title": f"Imported {n}", "body": f"{paragraph}\n\n{paragraph}\n\n{paragraph}"} for n in range(8)
    ]
    attachment = world.fake.add_attachment("batch.json", json.dumps(items))
    result = await world.fake.slash(world.publisher, world.channel, "article import", {"file": attachment})
    message = await world.fake.wait_until(
        lambda: (
            (world.fake.messages[result.record.followup_ids[0]] if result.record.followup_ids else None)
            or (m if (m := result.original) is not None and not m.deferred else None)
        ),
        what="an answer to the import",
    )
    return (message.content or "") + "".join(
        e.get("description", "") for e in message.embeds
    ), message.ephemeral


async def _titles(world: BotWorld) -> list[str]:
    storage = await open_storage(world.db_path)
    try:
        return [r.title for r in await storage.list_briefings(limit=100)]
    finally:
        await storage.close()


@pytest.mark.parametrize("fault", ["read-only", "locked", "full"])
async def test_the_bot_stays_up_through_a_database_fault(
    bot_world: BotWorld, fault: str, caplog: pytest.LogCaptureFixture
):
    """During a database fault the bot would crash, hang, or show a traceback; afterwards it would stay broken or lose data."""
    world = bot_world
    bot_storage = world.bot.storage
    assert isinstance(bot_storage, SQLiteStorage)  # the faults are made on its own connection
    other = sqlite3.connect(world.db_path, isolation_level=None, check_same_thread=False)
    before = await _titles(world)
    try:
        if fault == "read-only":
            await _pragma(bot_storage, "query_only = 1")
        elif fault == "locked":
            await _pragma(bot_storage, "busy_timeout = 50")
            other.execute("BEGIN EXCLUSIVE")
        else:
            row = await bot_storage._fetchone("PRAGMA page_count")
            assert row is not None
            pages = row[0]
            await _pragma(bot_storage, f"max_page_count = {pages}")
        with caplog.at_level(logging.ERROR, logger="bot.client"):
            if fault != "full":  # a small briefing may still fit in the file's free pages
                text, ephemeral = await _add(world, "Written during the fault")
                assert ephemeral and "Something went wrong on our side (reference" in text, text
            text, ephemeral = await _import(world)
            assert ephemeral and "Something went wrong on our side (reference" in text, text
        assert str(world.db_path) in caplog.text  # the operator's log names the file and the cause
        reading = await world.fake.slash(world.reader, world.channel, "latest")
        assert reading.final_message().embeds  # readers are served meanwhile
    finally:
        if fault == "read-only":
            await _pragma(bot_storage, "query_only = 0")
        elif fault == "locked":
            other.execute("ROLLBACK")
            await _pragma(bot_storage, "busy_timeout = 5000")
        else:
            await _pragma(bot_storage, "max_page_count = 1073741823")
        other.close()
    assert await _titles(world) == before  # nothing half-written, nothing lost
    text, _ = await _add(world, "Written after the fault")
    assert text.startswith("Added briefing #"), text
    assert await _titles(world) == ["Written after the fault", *before]


async def test_backup_while_the_bot_writes_is_consistent_and_starts(bot_world: BotWorld, tmp_path: Path):
    """A backup taken while the bot is busy would be torn or unusable when the operator restores it."""
    world = bot_world
    writer = await open_storage(world.db_path)  # another connection, writing meanwhile
    try:
        writes = asyncio.create_task(writer.add_briefings([(_bulky(n), analysis()) for n in range(30)]))
        target = tmp_path / "backup.db"
        code = await asyncio.to_thread(cli.main, ["--db", str(world.db_path), "db", "backup", str(target)])
        await writes
    finally:
        await writer.close()
    assert code == 0
    assert await asyncio.to_thread(cli.main, ["--db", str(target), "db", "check"]) == 0
    restored = await open_contract_storage(target)
    try:
        count = await restored.count_briefings()
        # The snapshot holds the whole batch or none of it, never part.
        base = len(await _titles(world)) - 30
        assert count in (base, base + 30)
        assert await restored.search("grid")
    finally:
        await restored.close()
