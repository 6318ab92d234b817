"""Sources and review drafts from the terminal: source add|list|remove|pause|resume|test|poll,
drafts, approve, reject.

The CLI has no Discord connection: briefings it imports are posted by the running bot's
next instant poll, and posted copies of a briefing it corrects are corrected by the bot's
next source poll (the entry is marked until then).
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.cli._common import EXIT_FAIL, EXIT_OK, print_json
from bot.config import Config
from bot.delivery.status import CopyReport
from bot.ingest import format_when
from bot.models import Source, WaitingDraft
from storage import open_storage

if TYPE_CHECKING:
    from bot.sources import PollReport, SourceDesk


class _NoCopies:
    """Posted copies are not within the CLI's reach (no Discord connection)."""

    async def correct(self, briefing_id: int) -> CopyReport:
        return CopyReport()

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport()


class _NoWakeup:
    """The running bot's instant poll finds new briefings by itself."""

    async def briefing_added(self) -> None:
        return None


async def with_sources(config: Config, job: Callable[[SourceDesk], Awaitable[int]]) -> int:
    # Here, not at the top: the other commands need neither feedparser nor the HTTP client.
    from bot.newsroom import Newsroom
    from bot.publishing import PublishingDesk
    from bot.sources import build_sources

    storage = await open_storage(config.storage.path, pool_size=config.storage.pool_size)
    desk = build_sources(
        storage, PublishingDesk(Newsroom(storage, config), _NoCopies(), _NoWakeup()), config, copies=None
    )
    try:
        return await job(desk)
    finally:
        await desk.close()
        await storage.close()


def _when(moment: datetime | None) -> str:
    return format_when(moment) if moment else "never"


def source_json(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "url": s.url,
        "name": s.name,
        "topics": list(s.topics),
        "language": s.language,
        "timezone": s.timezone,
        "interval_minutes": s.interval_minutes,
        "mode": s.mode.value,
        "full_text": s.full_text,
        "status": s.status.value,
        "status_reason": s.status_reason,
        "failures": s.failures,
        "next_poll_at": s.next_poll_at.isoformat() if s.next_poll_at else None,
        "last_polled_at": s.last_polled_at.isoformat() if s.last_polled_at else None,
        "last_success_at": s.last_success_at.isoformat() if s.last_success_at else None,
    }


def source_line(s: Source) -> str:
    state = s.status.value + (f": {s.status_reason}" if s.status_reason else "")
    flags = f"{s.mode.value}, every {s.interval_minutes} min" + (", full text" if s.full_text else "")
    return f"#{s.id:<4} {s.name}  {s.url}\n      {flags}; {state}; last read {_when(s.last_success_at)}"


def report_json(r: PollReport) -> dict[str, Any]:
    return {
        "source_id": r.source_id,
        "name": r.name,
        "url": r.url,
        "kind": r.kind,
        "error": r.error,
        "not_modified": r.not_modified,
        "status": r.status.value if r.status else None,
        "items": [
            {
                "outcome": i.outcome.value,
                "title": i.title,
                "link": i.link,
                "briefing_id": i.briefing_id,
                "draft_id": i.draft_id,
                "reason": i.reason,
            }
            for i in r.items
        ],
    }


def print_report(r: PollReport) -> None:
    head = f"source #{r.source_id} ({r.name})" if r.source_id else r.url
    if r.error:
        print(f"{head}: failed: {r.error}")
        return
    if r.not_modified:
        print(f"{head}: not modified since the last poll")
        return
    print(f"{head}: {len(r.items)} entries ({r.kind})")
    for i in r.items:
        ref = f"#{i.briefing_id} " if i.briefing_id else f"draft {i.draft_id} " if i.draft_id else ""
        note = f"  ({i.reason})" if i.reason else ""
        print(f"  {i.outcome.value:<14} {ref}{i.title}{note}")


def draft_line(d: WaitingDraft) -> str:
    edited = " (edited)" if d.edited else ""
    return f"draft {d.id:<5} {format_when(d.draft.published_at)}  {d.draft.title}{edited}  [{d.source_name or 'removed source'}]"


# -- commands ----------------------------------------------------------------------------


async def cmd_source_add(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        s = await desk.add(
            args.url,
            name=args.name,
            topics=args.topics,
            mode=args.mode,
            interval=args.interval,
            full_text=args.full_text,
            language=args.language,
            timezone=args.timezone,
        )
        print(
            f"added source #{s.id} ({s.name}): {s.mode.value}, every {s.interval_minutes} min; first poll now"
        )
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_source_list(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        found = await desk.sources()
        if args.json:
            print_json([source_json(s) for s in found])
        elif not found:
            print("No sources yet. Follow one with: briefbot source add URL")
        else:
            for s in found:
                print(source_line(s))
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_source_remove(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        s = await desk.remove(args.id)
        print(f"removed source #{s.id} ({s.name}); the briefings it imported stay")
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_source_pause(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        s = await (desk.pause(args.id) if args.source_command == "pause" else desk.resume(args.id))
        print(f"source #{s.id} ({s.name}): {s.status.value}")
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_source_test(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        report = await desk.test(args.url, full_text=args.full_text)
        if args.json:
            print_json(report_json(report))
        else:
            print_report(report)
        return EXIT_FAIL if report.error else EXIT_OK

    return await with_sources(config, job)


async def cmd_source_poll(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        reports = await desk.poll(args.id)
        if args.json:
            print_json([report_json(r) for r in reports])
        else:
            for r in reports:
                print_report(r)
            if not reports:
                print("No sources to poll.")
        failed = any(r.error or any(i.outcome.value == "failed" for i in r.items) for r in reports)
        return EXIT_FAIL if failed else EXIT_OK

    return await with_sources(config, job)


async def cmd_drafts(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        found = await desk.drafts()
        if args.json:
            print_json(
                [
                    {
                        "id": d.id,
                        "source_id": d.source_id,
                        "source": d.source_name,
                        "title": d.draft.title,
                        "body": d.draft.body,
                        "published_at": d.draft.published_at.isoformat(),
                        "source_url": d.draft.source_url,
                        "tags": list(d.draft.tags),
                        "language": d.draft.language,
                        "edited": d.edited,
                    }
                    for d in found
                ]
            )
        elif not found:
            print("No drafts waiting.")
        else:
            for d in found:
                print(draft_line(d))
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_approve(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        done = await desk.approve(args.id)
        if done.duplicate:
            print(f"draft {done.draft_id} was already stored as #{done.briefing_id}: nothing new published")
        else:
            print(f"published draft {done.draft_id} as briefing #{done.briefing_id}: {done.title}")
        return EXIT_OK

    return await with_sources(config, job)


async def cmd_reject(args: argparse.Namespace, config: Config) -> int:
    async def job(desk: SourceDesk) -> int:
        dropped = await desk.reject(args.id)
        print(f"rejected draft {dropped.id}: {dropped.draft.title} (it will not be imported again)")
        return EXIT_OK

    return await with_sources(config, job)


def draft_id(text: str) -> int:
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not an id: {text!r} (expected a number such as 12)")
    return int(digits)


def add_parsers(sub: Any) -> None:
    """``source …``, ``drafts``, ``approve`` and ``reject`` on the main parser."""
    source = sub.add_parser("source", help="feeds and pages briefings arrive from").add_subparsers(
        dest="source_command", metavar="ACTION", required=True
    )
    p = source.add_parser("add", help="follow a feed (RSS, Atom, JSON Feed) or a page")
    p.add_argument("url", metavar="URL")
    p.add_argument("--name", help="what to call it (default: its host name)")
    p.add_argument("--topics", metavar="A,B", help="tags every briefing from it gets")
    p.add_argument(
        "--mode", choices=["publish", "review"], default="publish", help="publish at once, or hold as drafts"
    )
    p.add_argument(
        "--interval", type=int, metavar="MIN", help="minutes between polls (default 10, at least 2)"
    )
    p.add_argument("--full-text", action="store_true", help="fetch each teaser's page for the article's text")
    p.add_argument(
        "--language", choices=["en", "uk", "ru"], help="the language of its entries (default: detect)"
    )
    p.add_argument("--timezone", metavar="ZONE", help="zone of dates given without an offset (IANA name)")
    p.set_defaults(func=cmd_source_add)
    p = source.add_parser("list", help="every source with its status")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_source_list)
    p = source.add_parser("remove", help="stop following a source (what it imported stays)")
    p.add_argument("id", type=draft_id, metavar="ID")
    p.set_defaults(func=cmd_source_remove)
    for action, text in (
        ("pause", "stop polling a source for now"),
        ("resume", "poll a paused or failing source again"),
    ):
        p = source.add_parser(action, help=text)
        p.add_argument("id", type=draft_id, metavar="ID")
        p.set_defaults(func=cmd_source_pause)
    p = source.add_parser(
        "test", help="fetch a URL now and show what following it would import (imports nothing)"
    )
    p.add_argument("url", metavar="URL")
    p.add_argument("--full-text", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_source_test)
    p = source.add_parser(
        "poll", help="poll one source (or all not paused) now, once, and say what happened per item"
    )
    p.add_argument("id", type=draft_id, metavar="ID", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_source_poll)

    p = sub.add_parser("drafts", help="drafts from review-mode sources waiting for approval")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_drafts)
    p = sub.add_parser("approve", help="publish a waiting draft")
    p.add_argument("id", type=draft_id, metavar="ID")
    p.set_defaults(func=cmd_approve)
    p = sub.add_parser("reject", help="drop a waiting draft; it is never imported again")
    p.add_argument("id", type=draft_id, metavar="ID")
    p.set_defaults(func=cmd_reject)
