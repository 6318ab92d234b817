"""What every command shares: exit codes, errors, JSON output, opening the archive."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from bot.config import Config
from bot.models import Briefing
from bot.shards import ShardPlan, parse_shards
from storage import open_storage

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


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
    # At DEBUG these two log request URLs and bodies, which carry webhook tokens (a secret).
    for name in ("discord.http", "discord.webhook"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))


def print_json(data: Any) -> None:
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


async def with_newsroom(config: Config, job: Callable[[Any], Awaitable[int]]) -> int:
    from bot.newsroom import Newsroom

    storage = await open_storage(config.storage.path, pool_size=config.storage.pool_size)
    try:
        return await job(Newsroom(storage, config))
    finally:
        await storage.close()


def show_reply(reply: Any) -> None:
    from bot.terminal import format_message

    print(format_message(reply.content, reply.embeds))


# -- commands -----------------------------------------------------------------


def briefing_id(text: str) -> int:
    """An id as ``list`` prints it: ``12`` or ``#12``."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not a briefing id: {text!r} (expected a number such as 12 or #12)")
    return int(digits)


def shard_plan(text: str) -> ShardPlan:
    """``--shards 0-3/8``: shards 0 to 3 of 8."""
    try:
        return parse_shards(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
