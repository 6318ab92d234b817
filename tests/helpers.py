"""What the tests share: builders of drafts and analyses, the command line as a user runs it,
the publisher's form, and the delivery engine's world without Discord."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.delivery.engine import DeliveryEngine
from bot.delivery.sender import MessageGone
from bot.models import Analysis, Draft, Quote, ScheduleKind, Subscription, Summaries
from storage.transfer import TABLE, as_transfer
from tests.storage_fixtures import ContractStorage, open_contract_storage

if TYPE_CHECKING:
    from tests.conftest import BotWorld


def draft(
    title: str = "Council agrees grid-security package",
    body: str = 'Ministers agreed a package on Tuesday.\n\n"We moved faster than expected," said Minister Olena Marchuk.',
    *,
    published: datetime | None = None,
    url: str | None = "https://example.org/grid",
    tags: tuple[str, ...] = ("energy",),
    language: str = "en",
) -> Draft:
    return Draft(
        title=title,
        body=body,
        published_at=published or datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        source_url=url,
        tags=tags,
        language=language,
    )


def analysis(
    *quotes: tuple[str, str | None, str | None, float], summary: str = "Ministers agreed a package."
) -> Analysis:
    return Analysis(
        Summaries(summary, summary, summary),
        tuple(Quote(text, speaker, role, 0, len(text), score) for text, speaker, role, score in quotes),
    )


async def embargoed_among_others(
    storage: Any, title: str, body: str, url: str, *, others: int, now: datetime, embargo: timedelta
) -> int:
    """Store a briefing published ``embargo`` after ``now`` (hidden from readers until then),
    then ``others`` visible ones about something else; the first one's id. The archive the
    "follows edits" tests of a derived index start from."""
    added = await storage.add_briefing(
        draft(title=title, body=body, url=url, published=now + embargo), analysis(), now=now
    )
    for i in range(others):
        await storage.add_briefing(
            draft(title=f"Grain exports note {i}", body=f"Grain {i}.", url=f"https://example.org/g{i}"),
            analysis(),
            now=now,
        )
    return int(added.briefing_id)


def cached_guild(client: discord.Client, guild_id: int) -> discord.Guild:
    """The guild in ``client``'s cache, which the caller relies on being there."""
    guild = client.get_guild(guild_id)
    assert guild is not None, f"guild {guild_id} is not in the client's cache"
    return guild


# -- the command line ---------------------------------------------------------------

WIRE = """\
09:40 03.03.2026

Parliament approves emergency grid fund

Parliament approves emergency grid fund

Lawmakers on Tuesday approved a fund for emergency repairs to the power grid.

"This fund buys transformers before the winter, not after it," Energy Minister Taras Melnyk told reporters.

Melnyk said the first tenders would open in April.
"""

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"


def run(tmp_path: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BRIEFBOT_DB")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "cli.db"), *args],
        input=stdin,
        capture_output=True,
        check=False,
        text=True,
        cwd=tmp_path,
        env=full_env,
        timeout=60,
    )


# -- the publisher form --------------------------------------------------------------

NEW_BODY = (
    "The transport ministry published its winter road-maintenance plan on Monday.\n\n"
    '"Every regional depot now has salt reserves for six weeks," Deputy Transport Minister Halyna Orlenko said.\n\n'
    "The plan covers 14 regions and adds 120 gritting vehicles."
)


async def count(world: BotWorld) -> int:
    storage = await open_contract_storage(world.db_path)
    try:
        return await storage.count_briefings()
    finally:
        await storage.close()


def modal_values(
    title: str = "Winter road plan published", body: str = NEW_BODY, **extra: str
) -> dict[str, str]:
    return {
        "title": title,
        "body": body,
        "source_url": extra.get("source_url", ""),
        "published": extra.get("published", ""),
        "tags": extra.get("tags", "transport, winter"),
    }


async def add_via_modal(world: BotWorld, member, **values: str):
    opened = await world.fake.slash(member, world.channel, "article add")
    assert opened.type == 9, opened
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    fields = modal_values(**values)
    submitted = await opened.submit_modal(dict(zip(custom_ids, fields.values(), strict=True)))
    if submitted.type == 5:  # deferred while storing: wait for the real answer
        await submitted.wait_final()
    return submitted


# -- the delivery engine without Discord --------------------------------------------

GUILD = 1000
ALERTS = 555


class CrashError(Exception):
    """The process died right after Discord accepted the message."""


@dataclass
class Posted:
    id: int
    content: str | None
    embeds: list[discord.Embed]
    nonce: str
    allowed_mentions: discord.AllowedMentions
    at: float


@dataclass
class FakeSender:
    """Behaves like Discord: nonce deduplication, per-channel scripted failures."""

    clock: ManualClock
    channels: dict[int, list[Posted]] = field(default_factory=dict)
    failures: dict[int, list[Exception]] = field(default_factory=dict)
    always: dict[int, Exception] = field(default_factory=dict)
    crash_after_send: set[int] = field(default_factory=set)
    edits: list[tuple[int, int, list[discord.Embed]]] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)
    attempts: dict[int, int] = field(default_factory=dict)
    next_id: int = 1

    def _maybe_fail(self, channel_id: int) -> None:
        self.attempts[channel_id] = self.attempts.get(channel_id, 0) + 1
        if channel_id in self.always:
            raise self.always[channel_id]
        queue = self.failures.get(channel_id)
        if queue:
            raise queue.pop(0)

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
        assert len(nonce) <= 25
        self._maybe_fail(channel_id)
        posted = self.channels.setdefault(channel_id, [])
        for message in posted:
            if message.nonce == nonce:
                return message.id
        message = Posted(self.next_id, content, list(embeds), nonce, allowed_mentions, self.clock.monotonic())
        self.next_id += 1
        posted.append(message)
        if channel_id in self.crash_after_send:
            raise CrashError("killed after send")
        return message.id

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        embeds: Sequence[discord.Embed],
        view: discord.ui.LayoutView | None = None,
    ) -> None:
        self._maybe_fail(channel_id)
        for message in self.channels.get(channel_id, []):
            if message.id == message_id:
                message.embeds = list(embeds)
                self.edits.append((channel_id, message_id, list(embeds)))
                return
        raise MessageGone("unknown message")

    async def delete(self, channel_id: int, message_id: int) -> None:
        self._maybe_fail(channel_id)
        posted = self.channels.get(channel_id, [])
        for message in posted:
            if message.id == message_id:
                posted.remove(message)
                self.deleted.append((channel_id, message_id))
                return
        raise MessageGone("unknown message")

    def titles(self, channel_id: int) -> list[str]:
        return [e.title or "" for m in self.channels.get(channel_id, []) for e in m.embeds]


@dataclass
class World:
    storage: ContractStorage
    clock: ManualClock
    sender: FakeSender
    engine: DeliveryEngine
    notices: list[tuple[int, int | None, str]]

    async def add(
        self,
        title: str,
        *,
        body: str | None = None,
        tags: tuple[str, ...] = (),
        published: datetime | None = None,
    ) -> int:
        text = body or f"{title}. The ministry said more today about {title.lower()}."
        draft = Draft(title=title, body=text, published_at=published or self.clock.now(), tags=tags)
        outcome = await self.storage.add_briefing(
            draft, Analysis(Summaries(text, text, text), ()), now=self.clock.now()
        )
        return outcome.briefing_id

    async def subscribe(
        self, channel_id: int, schedule: ScheduleKind = ScheduleKind.INSTANT, **kw
    ) -> Subscription:
        since = await self.storage.max_briefing_id()
        sub = Subscription(
            channel_id=channel_id,
            guild_id=GUILD,
            schedule=schedule,
            time="09:00" if schedule in (ScheduleKind.DAILY, ScheduleKind.WEEKLY) else None,
            weekday=0 if schedule is ScheduleKind.WEEKLY else None,
            since_briefing_id=since,
            created_at=self.clock.now(),
            **kw,
        )
        return await self.storage.upsert_subscription(sub)

    def new_engine(self, config: ScheduleConfig | None = None) -> DeliveryEngine:
        async def notify(guild_id: int, channel_id: int | None, text: str) -> None:
            self.notices.append((guild_id, channel_id, text))

        return DeliveryEngine(
            self.storage,
            self.sender,
            config or ScheduleConfig(),
            self.clock,
            notify=notify,
            cards="embed",  # its tests read embed posts
            backoff_seconds=0.5,
        )

    async def states(self, channel_id: int) -> dict[str, int]:
        """How many of the channel's outbox rows are in each state."""
        return dict(
            Counter(r["state"] for r in await outbox_rows(self.storage) if r["channel_id"] == channel_id)
        )


async def outbox_rows(storage: object) -> list[dict[str, Any]]:
    """Every outbox row as a dict of its columns, read through the storage layer's export
    (``dump_table``), so the same check runs on every backend."""
    table = TABLE["deliveries"]
    return [
        dict(zip(table.names, row, strict=True)) for row in await as_transfer(storage).dump_table(table.name)
    ]
