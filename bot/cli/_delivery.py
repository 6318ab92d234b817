"""``briefbot status --channel ID [--briefing ID]``: one subscription's delivery log, and why a
briefing was or was not delivered there (what ``/subscriptions log`` shows on Discord)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from bot.cli._admin import cmd_status
from bot.cli._common import EXIT_OK, EXIT_USAGE, CommandFailedError, print_json
from bot.config import Config
from bot.ingest import format_when
from storage import open_storage


async def cmd_status_or_channel(args: argparse.Namespace, config: Config) -> int:
    """``status``, or with ``--channel`` the channel's delivery log."""
    if args.channel is not None:
        return await cmd_channel_status(args, config)
    if args.briefing is not None:
        print("briefbot: status: --briefing needs --channel (the channel to explain it for)", file=sys.stderr)
        return EXIT_USAGE
    return await cmd_status(args, config)


async def cmd_channel_status(args: argparse.Namespace, config: Config) -> int:
    from bot.delivery.explain import explanation_text  # loads discord.py: only when asked
    from bot.delivery.status import read_channel_log

    storage = await open_storage(config.storage.path, pool_size=config.storage.pool_size)
    try:
        found = await read_channel_log(
            storage, args.channel, now=datetime.now(UTC), briefing_id=args.briefing
        )
    finally:
        await storage.close()
    if found is None:
        raise CommandFailedError(f"channel {args.channel} has no subscription")
    if args.briefing is not None and found.briefing is None:
        raise CommandFailedError(f"no briefing #{args.briefing}")
    why = None
    if found.explanation is not None:
        why = explanation_text(
            found.explanation,
            when=format_when,
            channel=lambda c: f"channel {c}",
            poll_seconds=config.schedule.poll_seconds,
        )
    if args.json:
        print_json(
            {
                "subscription": asdict(found.subscription),
                "deliveries": [asdict(e) for e in found.entries],
                "briefing": found.briefing.id if found.briefing else None,
                "explanation": asdict(found.explanation) if found.explanation else None,
                "why": why,
            }
        )
        return EXIT_OK
    sub = found.subscription
    state = f"PAUSED: {sub.paused_reason}" if sub.paused_reason else "active"
    print(f"channel {sub.channel_id} (server {sub.guild_id}): {state}")
    if sub.moved_from:
        print(f"moved from: {', '.join(f'channel {c}' for c in sub.moved_from)}")
    if found.briefing is not None and why is not None:
        print(f"briefing #{found.briefing.id} {found.briefing.title}: {why}")
    print(f"last {len(found.entries)} deliveries:")
    for e in found.entries:
        line = f"  {format_when(e.sent_at or e.created_at)}  #{e.briefing_id} "
        line += f"{e.title if e.title is not None else '(removed)'}: {e.state}"
        if e.hold_until is not None and e.state == "pending":
            line += f", held until {format_when(e.hold_until)}"
        if e.last_error:
            line += f" ({e.last_error})"
        if e.message_id:
            line += f", message {e.message_id}"
        if e.channel_id != sub.channel_id:
            line += f", in channel {e.channel_id}"
        print(line)
    return EXIT_OK
