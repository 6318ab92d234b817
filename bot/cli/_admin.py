"""Serving and operating: run, sync, demo, status, database upkeep, config check."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import datetime

from bot.cli._common import EXIT_OK, EXIT_USAGE, CommandFailedError, print_json
from bot.config import Config, token_problem
from bot.ingest import format_when
from storage import open_storage


async def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from bot.delivery.status import read_status

    storage = await open_storage(config.storage.path, pool_size=config.storage.pool_size)
    try:
        status = await read_status(storage, now=datetime.now(UTC))
    finally:
        await storage.close()
    if args.json:
        print_json(asdict(status))
        return EXIT_OK

    def when(moment: datetime | None) -> str:
        return format_when(moment) if moment else "never"

    print(f"deliveries: {status.pending} pending, {status.failed} failed, {status.sent} sent")
    print(f"instant poll last ran: {when(status.instant_last_run)}")
    print(f"subscriptions: {len(status.channels)} ({len(status.paused)} paused)")
    for c in status.channels:
        state = f"PAUSED: {c.paused_reason}" if c.paused_reason else "active"
        line = f"  channel {c.channel_id} (server {c.guild_id}): {c.schedule}; {state}; last run {when(c.last_run_at)}"
        if c.next_run_at:
            line += f"; next {when(c.next_run_at)}"
        print(line)
    return EXIT_OK


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
