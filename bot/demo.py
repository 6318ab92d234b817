"""``briefbot demo``: the bot's main job, offline, on the bundled sample briefings.

It runs the real pipeline — ingest, analysis, SQLite storage, the delivery engine
posting to a subscribed channel, and the reader commands — with a terminal standing
in for Discord, so a newcomer sees exactly what a server would get.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import discord

from bot import replies
from bot.config import Config
from bot.delivery.engine import DeliveryEngine
from bot.ingest import sample_paths
from bot.models import ScheduleKind, Subscription, SummaryLength
from bot.newsroom import Newsroom
from bot.terminal import format_card, format_message
from storage import open_storage

log = logging.getLogger(__name__)

DEMO_GUILD, DEMO_CHANNEL = 1, 2


def _heading(text: str) -> None:
    print()
    print(f"━━ {text} " + "━" * max(0, 84 - len(text)))


def _show(reply: replies.Reply) -> None:
    print(format_card(reply.view) if reply.view is not None else format_message(reply.content, reply.embeds))


async def run_demo(config: Config, *, db_path: str | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="briefbot-demo-") as tmp:
        path = db_path or str(Path(tmp) / "demo.db")
        config = replace(config, storage=replace(config.storage, path=path))
        storage = await open_storage(path)
        try:
            return await _demo(Newsroom(storage, config))
        finally:
            await storage.close()


class TerminalSender:
    """A ``Sender`` that prints each message instead of posting it to Discord."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._seen: dict[str, int] = {}

    async def send(
        self,
        channel_id: int,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        nonce: str,
        allowed_mentions: discord.AllowedMentions,
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        if nonce in self._seen:  # Discord's nonce dedup, as the engine relies on it
            return self._seen[nonce]
        message_id = self._seen[nonce] = next(self._ids)
        print(format_card(view) if view is not None else format_message(content, embeds))
        return message_id

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        embeds: Sequence[discord.Embed],
        view: discord.ui.LayoutView | None = None,
    ) -> None:
        print(f"(message {message_id} edited)")
        print(format_card(view) if view is not None else format_message(None, embeds))

    async def delete(self, channel_id: int, message_id: int) -> None:
        print(f"(message {message_id} deleted)")


async def _demo(newsroom: Newsroom) -> int:
    _heading(f"A fresh database at {newsroom.storage.location}")
    await newsroom.storage.upsert_subscription(
        Subscription(
            channel_id=DEMO_CHANNEL,
            guild_id=DEMO_GUILD,
            schedule=ScheduleKind.INSTANT,
            timezone=newsroom.config.schedule.default_timezone,
            since_briefing_id=await newsroom.storage.max_briefing_id(),
        )
    )
    print("#policy-briefings is subscribed: instant posts, every topic.")

    _heading("An editor adds the sample briefings")
    for path in sample_paths():
        report = await newsroom.import_document(path.read_bytes(), path.name)
        for item in report.items:
            if item.outcome == "failed":
                print(f"  failed     {item.reason}")
            else:
                print(f"  {item.outcome:<10} #{item.briefing_id} {item.title}")

    _heading("What the bot posts to #policy-briefings")
    # As a new server gets them: in the operator's style (cards unless the config keeps embeds).
    cards = newsroom.config.discord.cards
    engine = DeliveryEngine(newsroom.storage, TerminalSender(), newsroom.config.schedule, cards=cards)
    delivered = await engine.run_instant()
    log.info("demo delivery: %s", delivered)

    latest = await newsroom.latest(1)
    _heading("/latest count:2")
    _show(await replies.latest(newsroom, 2, style=cards))

    _heading(f"/summary briefing:{latest[0].id} length:short")
    _show(await replies.summary(newsroom, str(latest[0].id), SummaryLength.SHORT))

    _heading("/quote")
    _show(await replies.quote(newsroom))

    speakers = await newsroom.speaker_choices("")
    if speakers:
        surname = speakers[0][0].split()[-1]
        _heading(f"/quote speaker:{surname}")
        _show(await replies.quote(newsroom, speaker=surname))

    word = next((w for w in latest[0].title.split() if len(w) > 5), latest[0].title.split()[0])
    _heading(f"/search query:{word}")
    _show(await replies.search(newsroom, word))
    print()
    print("That was the real pipeline on SQLite. Run it on Discord with: DISCORD_TOKEN=… briefbot run")
    return 0
