"""The argument parser and the entry point."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli._admin import (
    cmd_config_check,
    cmd_db_backup,
    cmd_db_check,
    cmd_db_copy,
    cmd_db_upgrade,
    cmd_demo,
    cmd_run,
    cmd_sync,
)
from bot.cli._archive import (
    cmd_add,
    cmd_latest,
    cmd_list,
    cmd_quote,
    cmd_remove,
    cmd_search,
    cmd_show,
    cmd_summary,
)
from bot.cli._common import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailedError,
    briefing_id,
    setup_logging,
    shard_plan,
)
from bot.cli._delivery import cmd_status_or_channel
from bot.cli._quotes import cmd_quotes
from bot.cli._sources import add_parsers as add_source_parsers
from bot.config import ConfigError, load_config
from bot.errors import UserFacingError
from bot.models import SummaryLength
from storage import StorageError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="A Discord bot for policy briefings: summaries, attributed key quotes, scheduled posts.",
    )
    parser.add_argument("--version", action="version", version=f"briefbot {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: ./briefbot.toml)")
    parser.add_argument("--db", metavar="PATH", help="database file (overrides config and BRIEFBOT_DB)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("demo", help="run the whole pipeline offline on the bundled sample briefings")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="connect to Discord and serve (token from DISCORD_TOKEN)")
    p.add_argument(
        "--shards",
        type=shard_plan,
        metavar="IDS/COUNT",
        help="serve only these gateway shards, e.g. 0-3/8 (shards 0 to 3 of 8), or any/8: one of 8 that "
        "no other process serves, standing by as a spare while all are served; overrides [discord] "
        "shard_ids and shard_count",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("sync", help="connect to Discord, push the slash commands now, and exit")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "add", help="add briefings from files (wire text, Markdown, JSON, plain); - reads stdin"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="list stored briefings, newest first")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show one briefing with its summary and quotes")
    p.add_argument("id", type=briefing_id, help="a briefing id as list prints it (12 or #12)")
    p.add_argument("--json", action="store_true", help="machine-readable output (all summaries, all quotes)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("latest", help="what /latest answers")
    p.add_argument("--count", type=int, default=1, choices=range(1, 6), metavar="1-5")
    p.add_argument("--topic")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_latest)

    p = sub.add_parser("summary", help="what /summary answers")
    p.add_argument("briefing", nargs="?", help="id or words of the title (default: newest)")
    p.add_argument("--length", choices=[s.value for s in SummaryLength], default="standard")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("quote", help="what /quote answers")
    p.add_argument("--speaker")
    p.add_argument("--briefing")
    p.add_argument("--contains")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quote)

    p = sub.add_parser("search", help="what /search answers")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=5, choices=range(1, 11), metavar="1-10")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("status", help="pending deliveries, paused subscriptions, last run of each schedule")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--channel",
        type=int,
        metavar="ID",
        help="one subscribed channel: its last deliveries (the delivery log)",
    )
    p.add_argument(
        "--briefing",
        type=briefing_id,
        metavar="ID",
        help="with --channel: why this briefing was or was not delivered there",
    )
    p.set_defaults(func=cmd_status_or_channel)

    p = sub.add_parser("quotes", help="review a briefing's quotes and correct them")
    p.add_argument("id", type=briefing_id, help="a briefing id as list prints it (12 or #12)")
    fix = p.add_mutually_exclusive_group()
    fix.add_argument("--fix", dest="speaker", metavar="N", type=int, help="set quote N's speaker/role")
    fix.add_argument("--drop", metavar="N", type=int, help="quote N is not a quote")
    fix.add_argument("--key", metavar="N", type=int, help="quote N is the key quote")
    fix.add_argument("--undo", metavar="N", type=int, help="forget the corrections of quote N")
    fix.add_argument("--add", metavar="TEXT", help="these exact words of the briefing are a quote")
    p.add_argument("--name", dest="speaker_name", metavar="NAME", help="the speaker (with --fix or --add)")
    p.add_argument("--role", help="the speaker's role (with --fix or --add)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser("remove", help="delete a briefing")
    p.add_argument("id", type=briefing_id, help="a briefing id as list prints it (12 or #12)")
    p.set_defaults(func=cmd_remove)

    add_source_parsers(sub)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    p = db.add_parser("upgrade", help="apply pending schema migrations")
    p.set_defaults(func=cmd_db_upgrade)
    p = db.add_parser("check", help="run SQLite's integrity check")
    p.set_defaults(func=cmd_db_check)
    p = db.add_parser("backup", help="copy the database to PATH (safe while the bot runs)")
    p.add_argument("path", metavar="PATH")
    p.set_defaults(func=cmd_db_backup)
    p = db.add_parser(
        "copy",
        help="copy everything from one database to another (SQLite or PostgreSQL, either way)",
        description="Copy every briefing, analysis, quote correction, subscription, outbox row, "
        "source and setting, keeping their ids, into an empty target in one transaction, and check "
        "every table's count on both sides. Stop the bot first: what it writes during the copy is "
        "not copied. --merge copies into a non-empty target: rows the target already has "
        "identically are skipped, and any row it holds differently (or that collides with one of "
        "its rows) refuses the whole copy, with nothing written.",
    )
    p.add_argument("--from", dest="source", metavar="PATH_OR_URL", required=True, help="the database to copy")
    p.add_argument("--to", dest="target", metavar="PATH_OR_URL", required=True, help="where to copy it")
    p.add_argument("--merge", action="store_true", help="add to a non-empty target (see above)")
    p.set_defaults(func=cmd_db_copy)

    cfg = sub.add_parser("config", help="configuration").add_subparsers(
        dest="config_command", metavar="ACTION", required=True
    )
    p = cfg.add_parser("check", help="validate the config and say what is set")
    p.set_defaults(func=cmd_config_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"briefbot: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.db:
        from dataclasses import replace

        config = replace(config, storage=replace(config.storage, path=args.db))
    setup_logging(config.logging.level if args.command == "run" else "WARNING")
    for warning in config.warnings:
        log.warning("%s", warning)
    try:
        result = args.func(args, config)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result)
    except (UserFacingError, CommandFailedError, StorageError) as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
