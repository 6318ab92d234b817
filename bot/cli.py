"""The ``briefbot`` command line: run the bot, manage the archive, try it offline.

Exit status follows the convention: 0 success, 1 the operation failed (nothing
found, some items rejected, the database refused), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot import __version__
from bot.config import Config, ConfigError, load_config, token_problem
from bot.corrections import QuoteReview
from bot.delivery.status import CopyReport
from bot.errors import UserFacingError
from bot.ingest import format_when
from bot.models import Briefing, SummaryLength
from bot.publishing import QUOTE_ACTIONS, PublishingDesk
from storage import StorageError, open_storage

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
ADD_BATCH = 100  # files per transaction in `briefbot add`


class CommandFailedError(Exception):
    """Ends a command with exit status 1 and this message on stderr."""


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # discord.py logs every gateway event at DEBUG; keep it at INFO unless asked.
    if level != "DEBUG":
        logging.getLogger("discord").setLevel(logging.INFO)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def briefing_json(b: Briefing) -> dict[str, Any]:
    return {
        "id": b.id,
        "title": b.title,
        "published_at": b.published_at.isoformat(),
        "source_url": b.source_url,
        "tags": list(b.tags),
        "language": b.language,
        "body": b.body,
        "summary": {
            "short": b.summaries.short,
            "standard": b.summaries.standard,
            "detailed": b.summaries.detailed,
        },
        "quotes": [asdict(q) for q in b.quotes],
        "created_at": b.created_at.isoformat(),
        "updated_at": b.updated_at.isoformat(),
        "corrected_at": b.corrected_at.isoformat() if b.corrected_at else None,
    }


async def _with_newsroom(config: Config, job: Callable[[Any], Awaitable[int]]) -> int:
    from bot.newsroom import Newsroom

    storage = await open_storage(config.storage.path)
    try:
        return await job(Newsroom(storage, config))
    finally:
        await storage.close()


def _show(reply: Any) -> None:
    from bot.terminal import format_message

    print(format_message(reply.content, reply.embeds))


# -- commands -----------------------------------------------------------------


async def cmd_add(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        failed = 0
        # ADD_BATCH files per transaction: a commit per file cost as much as parsing
        # and analysing it.
        for start in range(0, len(args.paths), ADD_BATCH):
            files: list[tuple[bytes, str]] = []
            for name in args.paths[start : start + ADD_BATCH]:
                try:
                    files.append((sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes(), name))
                except OSError as exc:
                    print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
                    failed += 1
            for report in await newsroom.import_documents(files):
                for item in report.items:
                    if item.outcome == "failed":
                        print(f"failed     {item.reason}", file=sys.stderr)
                    else:
                        print(f"{item.outcome:<10} #{item.briefing_id} {item.title}")
                failed += report.failed
        return EXIT_FAIL if failed else EXIT_OK

    return await _with_newsroom(config, job)


def briefing_id(text: str) -> int:
    """An id as ``list`` prints it: ``12`` or ``#12``."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not a briefing id: {text!r} (expected a number such as 12 or #12)")
    return int(digits)


async def cmd_list(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        refs = await newsroom.storage.list_briefings(limit=args.limit, offset=args.offset)
        if args.json:
            _print_json(
                [{"id": r.id, "title": r.title, "published_at": r.published_at.isoformat()} for r in refs]
            )
        else:
            for r in refs:
                print(f"#{r.id:<6} {format_when(r.published_at)}  {r.title}")
            if not refs:
                print("No briefings yet. Add some with: briefbot add FILE")
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_show(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        b = await newsroom.storage.get_briefing(args.id, include_embargoed=True)
        if b is None:
            raise CommandFailedError(f"no briefing #{args.id}")
        if args.json:
            _print_json(briefing_json(b))
            return EXIT_OK
        from bot import replies

        _show(replies.post(b))
        print("\nQuotes:")
        for q in sorted(b.quotes, key=lambda q: -q.score):
            who = q.speaker or "unattributed"
            role = f", {q.speaker_role}" if q.speaker_role else ""
            print(f"  [{q.score:.2f}] “{q.text}” — {who}{role}")
        return EXIT_OK

    return await _with_newsroom(config, job)


class _NoPostedCopies:
    """The command line does not talk to Discord: posted copies keep their old quotes until
    the bot corrects them (an edit or quote correction made in Discord)."""

    async def correct(self, briefing_id: int) -> CopyReport:
        return CopyReport()

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport()

    async def briefing_added(self) -> None:
        return None


def _review_json(review: QuoteReview) -> dict[str, Any]:
    return {
        "briefing_id": review.briefing.id,
        "quotes": [
            {
                "number": r.number,
                **asdict(r.quote),
                "dropped": r.dropped,
                "corrected": r.corrected,
                "added": r.added,
                "key": r.key,
            }
            for r in review.quotes
        ],
        "stale_corrections": [asdict(c) for c in review.stale],
    }


async def cmd_quotes(args: argparse.Namespace, config: Config) -> int:
    action = next((a for a in QUOTE_ACTIONS if getattr(args, a) is not None), None)

    async def job(newsroom: Any) -> int:
        offline = _NoPostedCopies()
        desk = PublishingDesk(newsroom, offline, offline)
        reference = str(args.id)
        if action is None:
            review = await desk.review_quotes(reference)
        else:
            value = getattr(args, action)
            review = await desk.correct_quote(
                reference,
                action,
                number=value if action != "add" else None,
                text=value if action == "add" else None,
                speaker=args.speaker_name,
                role=args.role,
            )
        if args.json:
            _print_json(_review_json(review))
            return EXIT_OK
        if action is not None:
            print(f"saved ({action}); posted copies are corrected from Discord (/article quotes or edit)")
        for r in review.quotes:
            q = r.quote
            who = q.speaker or (q.speaker_role or "unattributed")
            role = f", {q.speaker_role}" if q.speaker and q.speaker_role else ""
            marks = [
                m
                for m, on in (
                    ("dropped", r.dropped),
                    ("added", r.added),
                    ("corrected", r.corrected),
                    ("key", r.key),
                )
                if on
            ]
            note = f"  [{', '.join(marks)}]" if marks else ""
            print(f"{r.number:>3}. “{q.text}” — {who}{role} (confidence {q.confidence:.2f}){note}")
        for c in review.stale:
            print(f"  stale {c.kind} correction: “{c.quote_text[:60]}” is no longer in the text")
        if not review.quotes:
            print("no quotes; add one with --add 'exact words' --speaker NAME")
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_latest(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            _print_json([briefing_json(b) for b in await newsroom.latest(args.count, args.topic)])
        else:
            _show(await replies.latest(newsroom, args.count, args.topic))
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_summary(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        _show(await replies.summary(newsroom, args.briefing, SummaryLength(args.length)))
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_quote(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            hits = await newsroom.quotes(speaker=args.speaker, briefing=args.briefing, contains=args.contains)
            _print_json(
                [
                    {
                        **asdict(h.quote),
                        "briefing_id": h.briefing.id,
                        "briefing_title": h.briefing.title,
                        "source_url": h.source_url,
                    }
                    for h in hits
                ]
            )
        else:
            _show(
                await replies.quote(
                    newsroom, speaker=args.speaker, briefing=args.briefing, contains=args.contains
                )
            )
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_search(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            hits, total = await newsroom.search(args.query, limit=args.limit)
            _print_json(
                {
                    "total": total,
                    "hits": [
                        {
                            "id": h.briefing.id,
                            "title": h.briefing.title,
                            "source_url": h.source_url,
                            "snippet": h.snippet.replace("\ue000", "").replace("\ue001", ""),
                            "rank": h.rank,
                        }
                        for h in hits
                    ],
                }
            )
        else:
            _show(await replies.search(newsroom, args.query, limit=args.limit))
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_remove(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        posted = await newsroom.remove(args.id)
        print(f"removed #{args.id}" + (f" ({len(posted)} posted copies remain in Discord)" if posted else ""))
        return EXIT_OK

    return await _with_newsroom(config, job)


async def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from bot.delivery.status import read_status

    storage = await open_storage(config.storage.path)
    try:
        status = await read_status(storage, now=datetime.now(UTC))
    finally:
        await storage.close()
    if args.json:
        _print_json(asdict(status))
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
    storage = await open_storage(config.storage.path, migrate_schema=False)
    try:
        applied = await storage.upgrade()
        version = await storage.schema_version()
    finally:
        await storage.close()
    if applied:
        print(
            f"{config.storage.path}: applied migrations {', '.join(map(str, applied))}; now at version {version}"
        )
    else:
        print(f"{config.storage.path}: already at version {version}")
    return EXIT_OK


async def cmd_db_check(args: argparse.Namespace, config: Config) -> int:
    storage = await open_storage(config.storage.path, migrate_schema=False)
    try:
        problems = [p for p in await storage.integrity_check() if p != "ok"]
    finally:
        await storage.close()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        raise CommandFailedError(f"{config.storage.path}: integrity check found {len(problems)} problem(s)")
    print(f"{config.storage.path}: ok")
    return EXIT_OK


async def cmd_db_backup(args: argparse.Namespace, config: Config) -> int:
    storage = await open_storage(config.storage.path, migrate_schema=False)
    try:
        await storage.backup(args.path)
    finally:
        await storage.close()
    print(f"backed up {config.storage.path} to {args.path}")
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
    print(f"database: {config.storage.path}")
    print(f"ingest time zone: {config.ingest.timezone}; size limit {config.ingest.max_bytes} bytes")
    print(f"token: {'set' if config.discord.token else 'not set'}")
    problem = token_problem(config.discord.token)
    if problem:
        print(f"note: {problem} (needed for 'briefbot run')")
    for warning in config.warnings:
        print(f"warning: {warning}")
    print("config ok")
    return EXIT_OK


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
    p.set_defaults(func=cmd_status)

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


if __name__ == "__main__":
    sys.exit(main())
