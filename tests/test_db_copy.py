"""Moving an archive between backends: ``briefbot db copy`` and ``storage.transfer``."""

from __future__ import annotations

import asyncio
import getpass
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.delivery.sender import TransientError
from bot.models import (
    ChannelWebhook,
    CorrectionKind,
    EntryRecord,
    EntryState,
    QuoteCorrection,
    ScheduleKind,
    SearchHit,
    Secret,
    Source,
    SourceMode,
)
from storage import StorageError
from storage.transfer import TABLES, Transfer, TransferConflictError, as_transfer, copy_archive
from tests.helpers import FakeSender, World, analysis, draft
from tests.storage_fixtures import BACKENDS, ContractStorage, open_backend, open_contract_storage

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


async def populate(store: ContractStorage) -> None:
    """An archive with something in every table: briefings (English, Ukrainian, Russian)
    with quotes and corrections, subscriptions with filters and pings, sent and pending
    deliveries, a source with entries and a waiting draft, and schedule state."""
    clock = ManualClock(NOW)
    sender = FakeSender(clock)
    world = World(store, clock, sender, None, [])  # type: ignore[arg-type]
    world.engine = world.new_engine()
    await store.add_briefing(
        draft(),
        analysis(
            ("We moved faster than expected,", "Olena Marchuk", "Minister", 0.9),
            ("The grid held,", None, None, 0.4),
        ),
        now=NOW,
    )
    ua = await store.add_briefing(
        draft(
            "Уряд схвалив план відновлення енергосистеми",
            "Кабмін схвалив план у вівторок.\n\n«Ми встигнемо до зими», — сказав міністр Тарас Мельник.",
            url="https://example.org/ua",
            tags=("енергетика", "energy"),
            language="uk",
        ),
        analysis(("Ми встигнемо до зими", "Тарас Мельник", "міністр", 0.8)),
        now=NOW,
    )
    await store.add_briefing(
        draft(
            "Правительство утвердило бюджет",
            "Депутаты приняли бюджет.\n\n«Бюджет сбалансирован», — заявил министр Иван Петров.",
            url=None,
            tags=("бюджет",),
            language="ru",
            published=NOW + timedelta(days=30),  # under embargo
        ),
        analysis(("Бюджет сбалансирован", "Иван Петров", "министр", 0.7)),
        now=NOW,
    )
    await store.set_quote_correction(
        ua.briefing_id,
        QuoteCorrection(CorrectionKind.SPEAKER, "Ми встигнемо до зими", "Тарас Мельник", "прем'єр"),
        editor_id=7,
        now=NOW,
    )
    await store.set_quote_correction(
        ua.briefing_id, QuoteCorrection(CorrectionKind.KEY, "Ми встигнемо до зими"), editor_id=None, now=NOW
    )
    await world.subscribe(
        101,
        topics=("energy",),
        keywords=("grid",),
        exclude_topics=("sport",),
        exclude_keywords=("football",),
        topic_roles=(("energy", 555), ("енергетика", 556)),
        role_id=444,
        alerts_channel_id=999,
        max_per_hour=3,
        timezone="Europe/Kyiv",
    )
    await world.subscribe(102, ScheduleKind.DAILY)
    await world.subscribe(103)
    await store.put_webhook(  # a branded webhook, token and all: the copy must carry it
        ChannelWebhook(103, 9001, Secret("fixture-webhook-token"), "Energy Desk", "https://example.org/a.png")
    )
    sender.always[103] = TransientError("Discord is down")
    clock.advance(60)
    await world.add("Grid operator reports stable supply", tags=("energy",))
    await world.add("Футбольний матч перенесли", tags=("sport",))
    await world.engine.run_instant()  # 101 posted, 103 left pending
    await store.set_pause(102, "holiday", now=clock.now())
    await store.move_subscription(102, 104)
    added = await store.add_source(
        Source(
            id=0,
            url="https://ministry.example/feed.xml",
            name="Міністерство",
            topics=("energy",),
            mode=SourceMode.REVIEW,
        ),
        now=NOW,
    )
    await store.record_entries(
        [
            EntryRecord(
                added.id, "guid-1", "https://ministry.example/1", "h1", EntryState.PUBLISHED, briefing_id=1
            ),
            EntryRecord(
                added.id,
                "guid-2",
                "https://ministry.example/2",
                "h2",
                EntryState.DRAFT,
                draft=draft("Чернетка новини", "Текст чернетки.", url="https://ministry.example/2"),
            ),
            EntryRecord(None, "guid-3", None, "h3", EntryState.REJECTED),
        ],
        now=NOW,
    )
    await store.set_meta("commands.hash", "abc123")


async def dump(store: ContractStorage) -> dict[str, list[Any]]:
    """Every table, backend-neutral, in key order."""
    transfer = as_transfer(store)
    out: dict[str, list[Any]] = {}
    async with transfer.exporting() as exporter:
        for table in TABLES:
            out[table.name] = [row async for rows in exporter.rows(table) for row in rows]
    return out


def unranked(found: tuple[list[SearchHit], int]) -> tuple[list[SearchHit], int]:
    hits, total = found
    return [replace(h, rank=0.0) for h in hits], total


async def public_view(store: ContractStorage) -> dict[str, Any]:
    """What readers, managers and the engine see through the storage interface."""
    later = NOW + timedelta(days=60)
    return {
        "latest": await store.latest(10, now=later),
        "latest_now": await store.latest(10, now=NOW + timedelta(hours=1)),
        # Ranks are each backend's own measure: the hits, their order and snippets must agree.
        "search_en": unranked(await store.search("grid", now=later)),
        "search_uk": unranked(await store.search("енергосистема", now=later)),
        "search_ru": unranked(await store.search("бюджета", now=later)),
        "titles": await store.titles_matching("уря", now=later),
        "quotes": await store.find_quotes(speaker="Мельник", now=later),
        "quotes_any": await store.find_quotes(now=later),
        "speakers": await store.speakers_matching("", limit=25),
        "corrections": [await store.quote_corrections(i) for i in range(1, 6)],
        "subscriptions": await store.subscriptions(),
        "states": await store.all_subscription_states(),
        "pending": {
            c: await store.pending_messages(c, now=later) for c in await store.channels_with_pending()
        },
        "copies": [await store.posted_copies(i) for i in range(1, 6)],
        "counts": await store.outbox_counts(),
        "sources": await store.list_sources(),
        "drafts": await store.drafts(),
        "entries": await store.find_entries(["guid-1", "guid-2", "guid-3"], []),
        "meta": await store.get_meta("commands.hash"),
        "max_id": await store.max_briefing_id(),
    }


async def fresh(backend: str, folder: Path) -> ContractStorage:
    """A fresh store on ``backend``, its SQLite file (if any) in ``folder``."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    return await open_backend(backend, folder)


async def copy(source: ContractStorage, target: ContractStorage, **options: Any):
    return await copy_archive(as_transfer(source), as_transfer(target), **options)


async def test_every_table_survives_sqlite_to_postgresql_and_back(tmp_path: Path):
    """Moving an archive to PostgreSQL and back would lose or change briefings, quotes,
    corrections, subscriptions, pending posts, sources or drafts, or break search."""
    original = await fresh("sqlite", tmp_path / "a")
    await populate(original)
    middle = await fresh("postgresql", tmp_path / "b")
    back = await open_contract_storage(tmp_path / "back.db")
    try:
        report = await copy(original, middle)
        assert all(t.source == t.target_after == t.inserted for t in report.tables)
        assert report.rows > 30
        await copy(middle, back)
        rows = await dump(original)
        assert all(
            rows[t] for t in ("briefings", "quotes", "quote_corrections", "deliveries", "source_entries")
        )
        assert await dump(middle) == rows
        assert await dump(back) == rows
        view = await public_view(original)
        assert view["pending"] and view["search_uk"][0] and view["drafts"] and view["quotes"]
        assert await public_view(middle) == view
        assert await public_view(back) == view
    finally:
        for store in (original, middle, back):
            await store.close()


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_a_copied_archive_carries_on_with_new_ids(tmp_path: Path, backend: str):
    """After a copy, a new briefing, quote or delivery would reuse a copied id and fail."""
    original = await fresh("sqlite", tmp_path / "a")
    await populate(original)
    target = await fresh(backend, tmp_path / "b")
    try:
        newest = await original.max_briefing_id()
        await original.remove_briefing(newest)  # its id is never given again, here or there
        await copy(original, target)
        before = newest
        outcome = await target.add_briefing(
            draft("Zeppelin story after the copy", "It has a quote.", url="https://example.org/new"),
            analysis(("It has a quote.", "Olena Marchuk", None, 0.9)),
            now=NOW,
        )
        assert outcome.briefing_id == before + 1 and not outcome.duplicate
        hits, _ = await target.search("zeppelin", now=NOW + timedelta(days=1))
        assert [h.briefing.id for h in hits] == [outcome.briefing_id]
        await target.add_source(Source(id=0, url="https://other.example/feed", name="Other"), now=NOW)
    finally:
        await original.close()
        await target.close()


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_a_non_empty_target_is_refused_untouched(tmp_path: Path, backend: str):
    """A copy into a database in use would mix two archives or overwrite one."""
    source = await fresh("sqlite", tmp_path / "a")
    await populate(source)
    target = await fresh(backend, tmp_path / "b")
    try:
        await target.add_briefing(
            draft("Already here", "Body.", url="https://x.example/1"), analysis(), now=NOW
        )
        before = await dump(target)
        with pytest.raises(StorageError, match="not empty"):
            await copy(source, target)
        assert await dump(target) == before
    finally:
        await source.close()
        await target.close()


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_merge_adds_what_is_missing_and_refuses_conflicts(tmp_path: Path, backend: str):
    """--merge would duplicate rows, overwrite differing ones, or half-write on a conflict."""
    source = await fresh("sqlite", tmp_path / "a")
    await populate(source)
    target = await fresh(backend, tmp_path / "b")
    try:
        await copy(source, target)
        report = await copy(source, target, merge=True)
        assert all(t.inserted == 0 and t.skipped == t.source for t in report.tables)
        extra = await source.add_briefing(
            draft("One more story", "More text.", url="https://example.org/more"), analysis(), now=NOW
        )
        report = await copy(source, target, merge=True)
        assert {t.name: t.inserted for t in report.tables if t.inserted} == {
            "briefings": 1,
            "briefing_tags": 1,
        }
        assert (await target.get_briefing(extra.briefing_id, now=NOW)) is not None
        snapshot = await dump(target)
        await source.set_meta("commands.hash", "changed")
        await source.add_briefing(
            draft("Yet another", "Text.", url="https://example.org/yet"), analysis(), now=NOW
        )
        with pytest.raises(TransferConflictError, match="meta"):
            await copy(source, target, merge=True)
        assert await dump(target) == snapshot
    finally:
        await source.close()
        await target.close()


async def test_sqlite_to_sqlite_copies_everything(tmp_path: Path):
    """A copy to another SQLite file would lose something or break its search."""
    source = await fresh("sqlite", tmp_path / "a")
    await populate(source)
    target = await open_contract_storage(tmp_path / "copy.db", search_shard_size=2)
    try:
        await copy(source, target)
        assert await dump(target) == await dump(source)
        assert await public_view(target) == await public_view(source)
    finally:
        await source.close()
        await target.close()


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_every_column_of_the_schema_is_copied(tmp_path: Path, backend: str):
    """A table or column added by a migration would be silently left behind by db copy."""
    store = await open_backend(backend, tmp_path)
    try:
        transfer: Transfer = as_transfer(store)
        assert await transfer.transfer_gaps() == []
    finally:
        await store.close()


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BRIEFBOT_DB")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def _with_password(url: str, password: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://briefbot_user:{password}@{rest}" if "@" not in rest else url


async def test_the_command_copies_checks_counts_and_never_prints_the_password(tmp_path: Path):
    """db copy would print the database password, skip the count check, or write into a
    non-empty target."""
    source = await open_backend("sqlite", tmp_path)
    await populate(source)
    await source.close()
    pg_url = await BACKENDS["postgresql"](tmp_path)
    url = _with_password(pg_url, "s3cret-pass").replace("briefbot_user", getpass.getuser())
    done = _cli(tmp_path, "db", "copy", "--from", str(tmp_path / "briefbot.db"), "--to", url)
    assert done.returncode == 0, done.stderr
    assert "s3cret-pass" not in done.stdout + done.stderr
    assert "briefings: 5 in the source, 5 in the target" in done.stdout
    assert "count checked on both sides" in done.stdout
    assert "briefings: 5 rows" in done.stderr  # not a terminal: plain progress lines
    again = _cli(tmp_path, "db", "copy", "--from", str(tmp_path / "briefbot.db"), "--to", url)
    assert again.returncode == 1
    assert "not empty" in again.stderr and "s3cret-pass" not in again.stdout + again.stderr
    back = _cli(tmp_path, "db", "copy", "--from", url, "--to", str(tmp_path / "back.db"))
    assert back.returncode == 0, back.stderr
    missing = _cli(
        tmp_path, "db", "copy", "--from", str(tmp_path / "nothing.db"), "--to", str(tmp_path / "x.db")
    )
    assert missing.returncode == 1 and "no database" in missing.stderr


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_a_copy_that_fails_midway_leaves_the_target_empty(tmp_path: Path, backend: str):
    """A copy interrupted after some tables would leave a half-filled target that the bot
    then starts on."""
    source = await fresh("sqlite", tmp_path / "a")
    await populate(source)
    target = await fresh(backend, tmp_path / "b")

    def interrupt(table: str, read: int, rows: int, done: int, total: int) -> None:
        if table == "subscriptions":
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            await copy(source, target, progress=interrupt)
        assert all(not rows for rows in (await dump(target)).values())
        await copy(source, target)  # and it can be run again from the start
        assert await dump(target) == await dump(source)
    finally:
        await source.close()
        await target.close()


def test_progress_on_a_terminal_shows_rows_rate_and_time_left():
    """On a terminal the copy would show nothing for minutes, or flood it with lines."""
    import io

    from bot.cli._admin import CopyProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = CopyProgress(screen)
    progress("briefings", 0, 1000, 0, 4000)
    progress("briefings", 1000, 1000, 1000, 4000)
    progress.close()
    text = screen.getvalue()
    assert "\r" in text and "1,000/4,000 rows (briefings)" in text
    assert "rows/s" in text and "s left" in text and text.endswith("\n")
    assert text.count("\n") == 1
