"""Reading and changing the archive: add, list, show, latest, summary, quote, search, remove."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.cli._common import (
    EXIT_FAIL,
    EXIT_OK,
    CommandFailedError,
    briefing_json,
    print_json,
    show_reply,
    with_newsroom,
)
from bot.config import Config
from bot.ingest import format_when
from bot.models import SummaryLength

ADD_BATCH = 100  # files per transaction in `briefbot add`


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

    return await with_newsroom(config, job)


async def cmd_list(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        refs = await newsroom.storage.list_briefings(limit=args.limit, offset=args.offset)
        if args.json:
            print_json(
                [{"id": r.id, "title": r.title, "published_at": r.published_at.isoformat()} for r in refs]
            )
        else:
            for r in refs:
                print(f"#{r.id:<6} {format_when(r.published_at)}  {r.title}")
            if not refs:
                print("No briefings yet. Add some with: briefbot add FILE")
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_show(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        b = await newsroom.storage.get_briefing(args.id, include_embargoed=True)
        if b is None:
            raise CommandFailedError(f"no briefing #{args.id}")
        if args.json:
            print_json(briefing_json(b))
            return EXIT_OK
        from bot import replies

        show_reply(replies.post(b))
        print("\nQuotes:")
        for q in sorted(b.quotes, key=lambda q: -q.score):
            who = q.speaker or "unattributed"
            role = f", {q.speaker_role}" if q.speaker_role else ""
            print(f"  [{q.score:.2f}] “{q.text}” — {who}{role}")
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_latest(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            print_json([briefing_json(b) for b in await newsroom.latest(args.count, args.topic)])
        else:
            show_reply(await replies.latest(newsroom, args.count, args.topic))
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_summary(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        show_reply(await replies.summary(newsroom, args.briefing, SummaryLength(args.length)))
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_quote(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            hits = await newsroom.quotes(speaker=args.speaker, briefing=args.briefing, contains=args.contains)
            print_json(
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
            show_reply(
                await replies.quote(
                    newsroom, speaker=args.speaker, briefing=args.briefing, contains=args.contains
                )
            )
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_search(args: argparse.Namespace, config: Config) -> int:
    from bot import replies

    async def job(newsroom: Any) -> int:
        if args.json:
            hits, total = await newsroom.search(args.query, limit=args.limit)
            print_json(
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
            show_reply(await replies.search(newsroom, args.query, limit=args.limit))
        return EXIT_OK

    return await with_newsroom(config, job)


async def cmd_remove(args: argparse.Namespace, config: Config) -> int:
    async def job(newsroom: Any) -> int:
        posted = await newsroom.remove(args.id)
        print(f"removed #{args.id}" + (f" ({len(posted)} posted copies remain in Discord)" if posted else ""))
        return EXIT_OK

    return await with_newsroom(config, job)
