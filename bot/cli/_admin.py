"""Serving and operating: run, sync, demo, status, database upkeep, config check."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from bot.cli._common import EXIT_OK, EXIT_USAGE, CommandFailedError, print_json
from bot.config import Config, token_problem
from bot.ingest import format_when
from storage import open_storage


async def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from bot.cli._sources import source_json
    from bot.delivery.budget import META_KEY, BudgetState, describe
    from bot.delivery.status import read_status
    from bot.dispatcher import ROLE, dispatcher_record
    from bot.heartbeat import describe_processes

    storage = await open_storage(config.storage.path, pool_size=config.storage.pool_size)
    try:
        status = await read_status(storage, now=datetime.now(UTC))
        dispatcher = await dispatcher_record(storage)
        dispatching = await storage.role_held(ROLE)
        processes = await storage.processes()
        sources = await storage.list_sources()
        budget = BudgetState.from_json(await storage.get_meta(META_KEY))
    finally:
        await storage.close()
    if args.json:
        print_json(
            {
                **asdict(status),
                "dispatcher": {**(dispatcher or {}), "held": dispatching},
                "processes": [
                    {**asdict(p), "started_at": p.started_at.isoformat(timespec="seconds")} for p in processes
                ],
                "sources": [source_json(s) for s in sources],
                "invalid_requests": json.loads(budget.to_json()) if budget else None,
            }
        )
        return EXIT_OK

    def when(moment: datetime | None) -> str:
        return format_when(moment) if moment else "never"

    print(describe_dispatcher(dispatcher, dispatching))
    for line in describe_processes(processes):
        print(line)
    print(f"deliveries: {status.pending} pending, {status.failed} failed, {status.sent} sent")
    print(describe(budget))
    print(f"instant poll last ran: {when(status.instant_last_run)}")
    print(f"subscriptions: {len(status.channels)} ({len(status.paused)} paused)")
    for c in status.channels:
        state = f"PAUSED: {c.paused_reason}" if c.paused_reason else "active"
        line = f"  channel {c.channel_id} (server {c.guild_id}): {c.schedule}; {state}; last run {when(c.last_run_at)}"
        if c.next_run_at:
            line += f"; next {when(c.next_run_at)}"
        print(line)
    troubled = [s for s in sources if s.status.value != "active"]
    print(f"sources: {len(sources)} ({len(troubled)} failing or paused)")
    for s in troubled:
        print(
            f"  source #{s.id} ({s.name}) {s.url}: {s.status.value.upper()}: {s.status_reason or ''}".rstrip(
                ": "
            )
        )
    return EXIT_OK


def describe_dispatcher(record: dict[str, Any] | None, held: bool | None) -> str:
    """The status line of the dispatcher: who it is, or that no process is dispatching."""
    if held is False:
        return "dispatcher: none (no bot process holds the dispatcher's lock: nothing is being posted)"
    if not record:
        return "dispatcher: not yet recorded"
    who = f"{record.get('host', '?')} pid {record.get('pid', '?')} (shards {record.get('shards', '?')})"
    return f"dispatcher: {who} since {record.get('since', '?')}" + ("" if held else ", while the bot runs")


async def cmd_db_upgrade(args: argparse.Namespace, config: Config) -> int:
    storage = await open_storage(
        config.storage.path, migrate_schema=False, pool_size=config.storage.pool_size
    )
    try:
        applied = await storage.upgrade()
        version = await storage.schema_version()
    finally:
        await storage.close()
    if applied:
        print(
            f"{config.storage.location}: applied migrations {', '.join(map(str, applied))}; now at version {version}"
        )
    else:
        print(f"{config.storage.location}: already at version {version}")
    return EXIT_OK


async def cmd_db_check(args: argparse.Namespace, config: Config) -> int:
    storage = await open_storage(
        config.storage.path, migrate_schema=False, pool_size=config.storage.pool_size
    )
    try:
        problems = [p for p in await storage.integrity_check() if p != "ok"]
    finally:
        await storage.close()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        raise CommandFailedError(
            f"{config.storage.location}: integrity check found {len(problems)} problem(s)"
        )
    print(f"{config.storage.location}: ok")
    return EXIT_OK


async def cmd_db_backup(args: argparse.Namespace, config: Config) -> int:
    storage = await open_storage(
        config.storage.path, migrate_schema=False, pool_size=config.storage.pool_size
    )
    try:
        await storage.backup(args.path)
    finally:
        await storage.close()
    print(f"backed up {config.storage.location} to {args.path}")
    return EXIT_OK


async def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from bot.demo import run_demo

    return await run_demo(config, db_path=args.db)


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    problem = token_problem(config.discord.token)
    if problem:
        print(f"briefbot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.shards is not None:
        plan = args.shards
        discord_cfg = replace(
            config.discord, shard_count=plan.count, shard_ids=plan.ids, any_shard=plan.any_shard
        )
        config = replace(config, discord=discord_cfg)
    from bot.client import run_bot

    return run_bot(config)


def cmd_sync(args: argparse.Namespace, config: Config) -> int:
    problem = token_problem(config.discord.token)
    if problem:
        print(f"briefbot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from bot.client import run_bot

    return run_bot(config, sync_only=True)


def cmd_config_check(args: argparse.Namespace, config: Config) -> int:
    print(f"config: {config.source}")
    print(f"database: {config.storage.location}")
    print(f"ingest time zone: {config.ingest.timezone}; size limit {config.ingest.max_bytes} bytes")
    print(f"token: {'set' if config.discord.token else 'not set'}")
    problem = token_problem(config.discord.token)
    if problem:
        print(f"note: {problem} (needed for 'briefbot run')")
    for warning in config.warnings:
        print(f"warning: {warning}")
    print("config ok")
    return EXIT_OK


async def cmd_db_copy(args: argparse.Namespace, config: Config) -> int:
    """Copy a whole archive between stores (SQLite or PostgreSQL, either way)."""
    import os

    from storage.transfer import as_transfer, copy_archive

    if "://" not in args.source and args.source != ":memory:" and not os.path.exists(args.source):
        raise CommandFailedError(f"no database at {args.source}")
    source = await open_storage(args.source, migrate_schema=False, pool_size=config.storage.pool_size)
    try:
        target = await open_storage(args.target, pool_size=config.storage.pool_size)
        try:
            progress = CopyProgress(sys.stderr)
            print(f"copying {source.location} to {target.location}", file=sys.stderr)
            report = await copy_archive(
                as_transfer(source), as_transfer(target), merge=args.merge, progress=progress
            )
            progress.close()
        finally:
            await target.close()
    finally:
        await source.close()
    for t in report.tables:
        line = f"{t.name}: {t.source} in the source, {t.target_after} in the target"
        if args.merge:
            line += f" ({t.inserted} copied, {t.skipped} already there, {t.target_before} before)"
        print(line)
    rate = report.rows / report.seconds if report.seconds > 0 else 0.0
    print(
        f"copied {sum(t.inserted for t in report.tables)} rows in {report.seconds:.1f} s ({rate:,.0f} rows/s); "
        "every table's count checked on both sides"
    )
    return EXIT_OK


class CopyProgress:
    """Progress of ``db copy`` on ``stream``: one line redrawn on a terminal (rows copied,
    rate, time left), a plain line per table otherwise."""

    INTERVAL = 0.2

    def __init__(self, stream: Any) -> None:
        import time

        self._stream = stream
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._started = time.monotonic()
        self._shown = 0.0
        self._drawn = False

    def __call__(self, table: str, read: int, rows: int, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if not self._tty:
            if read == rows:
                print(f"{table}: {rows} rows ({done}/{total})", file=self._stream, flush=True)
            return
        if now - self._shown < self.INTERVAL and read != rows:
            return
        self._shown = now
        elapsed = max(now - self._started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        text = f"{done:,}/{total:,} rows ({table}), {rate:,.0f} rows/s, about {left:.0f} s left"
        self._stream.write("\r\x1b[K" + text)
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
