"""Soak: a simulated week of scheduled posting on an accelerated clock.

Subscriptions on mixed schedules (instant, hourly, daily, weekly; several time zones;
some with topic filters) and a new briefing every ``briefing_every`` simulated minutes.
The real ``DeliveryEngine``, outbox and schedule maths run against a real SQLite file;
time is a controllable clock that jumps a minute at a time (the instant poll), and each
digest runs when ``bot.timetable.next_run`` says it is due. Discord is an in-memory sender
that deduplicates nonces like Discord does.

Checked afterwards, independently of the engine: every (channel, briefing) pair that the
channel's filters admit arrived exactly once, and nothing else arrived. Printed: messages,
pairs, duplicates, missing, unexpected, and RSS at start and end (memory must not grow
with simulated time).
"""

from __future__ import annotations

import gc
import itertools
import random
import re
import sqlite3
import tempfile
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import psutil

from bench._common import Size
from bot.clock import ManualClock
from bot.config import ScheduleConfig
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ratelimit import RateLimiter
from bot.models import Analysis, Draft, ScheduleKind, Subscription, Summaries
from bot.timetable import next_run, previous_run
from storage import Storage, open_storage

START = datetime(2026, 3, 23, 0, 0, tzinfo=UTC)  # a Monday, the week of Europe's DST change
ZONES = ("UTC", "Europe/Kyiv", "America/New_York", "Asia/Tokyo")
TOPICS = ("energy", "defence", "health", "trade")
TITLE = re.compile(r"Soak briefing (\d+)")
NONCE_MEMORY = 5_000
FIRST_CHANNEL = 10_000


class CountingDiscord:
    """Records which briefing titles each channel received; a repeated nonce returns
    the first message, as Discord does."""

    def __init__(self, channels: int, briefings: int) -> None:
        self._ids = itertools.count(1)
        # Discord remembers nonces for minutes, not forever; so does this fake (a bounded
        # memory, so the soak's RSS measures the bot rather than the harness).
        self._nonces: OrderedDict[tuple[int, str], int] = OrderedDict()
        # How often each (channel, briefing) arrived, one byte each, allocated up front so
        # the harness's own memory stays constant while the bot's is measured.
        self._width = briefings + 1
        self._counts = bytearray(channels * self._width)
        self.messages = 0

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
        key = (channel_id, nonce)
        if key in self._nonces:
            return self._nonces[key]
        self.messages += 1
        text = " ".join((e.title or "") + " " + (e.description or "") for e in embeds)
        for number in {int(n) for n in TITLE.findall(text)}:
            slot = (channel_id - FIRST_CHANNEL) * self._width + number
            self._counts[slot] = min(self._counts[slot] + 1, 255)
        message_id = self._nonces[key] = next(self._ids)
        if len(self._nonces) > NONCE_MEMORY:
            self._nonces.popitem(last=False)
        return message_id

    def received(self) -> dict[tuple[int, int], int]:
        return {
            (FIRST_CHANNEL + slot // self._width, slot % self._width): count
            for slot, count in enumerate(self._counts)
            if count
        }

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        embeds: Sequence[discord.Embed],
        view: discord.ui.LayoutView | None = None,
    ) -> None:
        return None

    async def delete(self, channel_id: int, message_id: int) -> None:
        return None


def _subscriptions(count: int, rng: random.Random) -> list[Subscription]:
    kinds = (
        [ScheduleKind.INSTANT] * 4
        + [ScheduleKind.HOURLY] * 3
        + [ScheduleKind.DAILY] * 2
        + [ScheduleKind.WEEKLY]
    )
    subs = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        subs.append(
            Subscription(
                channel_id=FIRST_CHANNEL + i,
                guild_id=1 + i // 4,
                schedule=kind,
                time=f"{rng.randrange(24):02d}:{rng.choice((0, 15, 30, 45)):02d}"
                if kind in (ScheduleKind.DAILY, ScheduleKind.WEEKLY)
                else None,
                weekday=rng.randrange(7) if kind is ScheduleKind.WEEKLY else None,
                timezone=rng.choice(ZONES),
                topics=(rng.choice(TOPICS),) if i % 5 == 0 else (),
                created_at=START,
            )
        )
    return subs


def _briefing(number: int, at: datetime, rng: random.Random) -> tuple[Draft, Analysis]:
    body = f"Soak briefing {number} body: ministers met and agreed a plan on item {number}."
    title = f"Soak briefing {number}"
    summaries = Summaries(body, body, body)
    draft = Draft(title=title, body=body, published_at=at, tags=(rng.choice(TOPICS),))
    return draft, Analysis(summaries, ())


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


async def run(size: Size) -> dict[str, Any]:
    days = size.soak_days
    subscriptions = size.soak_subscriptions
    every = size.soak_briefing_every
    rng = random.Random(11)
    subs = _subscriptions(subscriptions, rng)
    clock = ManualClock(START)
    sender = CountingDiscord(subscriptions, days * 24 * 60 // every)
    limiter = RateLimiter(clock, per_second=10**9, per_channel=10**9)
    expected: set[tuple[int, int]] = set()
    tags: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="briefbot-soak-") as tmp:
        storage = await open_storage(Path(tmp) / "soak.db")
        try:
            for sub in subs:
                await storage.upsert_subscription(sub)
            engine = DeliveryEngine(storage, sender, ScheduleConfig(), clock, limiter=limiter)
            due = {s.channel_id: next_run(s, START) for s in subs if s.schedule is not ScheduleKind.INSTANT}
            by_channel = {s.channel_id: s for s in subs}
            gc.collect()
            rss_start = _rss_mb()
            wall = time.perf_counter()
            number = 0
            minutes = days * 24 * 60
            for minute in range(1, minutes + 1):
                now = START + timedelta(minutes=minute)
                clock.set(now)
                if minute % every == 0:
                    number += 1
                    draft, analysis = _briefing(number, now, rng)
                    tags[number] = draft.tags[0]
                    await storage.add_briefing(draft, analysis, now=now)
                await engine.run_instant()
                for channel_id in [c for c, at in due.items() if at <= now]:
                    await engine.run_digest(channel_id)
                    due[channel_id] = next_run(by_channel[channel_id], now)
                if minute == minutes // 2:
                    gc.collect()
                    rss_half = _rss_mb()
            elapsed = time.perf_counter() - wall
            gc.collect()
            rss_end = _rss_mb()
            # Briefings after a digest channel's latest slot wait for its next one.
            cutoff = {c: await _last_before(storage, by_channel[c], clock.now()) for c in due}
            sent = set(_sent_pairs(Path(tmp) / "soak.db"))
        finally:
            await storage.close()
    for sub in subs:
        limit = cutoff.get(sub.channel_id, number)
        for n in range(1, limit + 1):
            if not sub.topics or tags[n] in sub.topics:
                expected.add((sub.channel_id, n))
    received = sender.received()
    got = set(received) | sent
    duplicates = sum(1 for c in received.values() if c > 1)
    missing = len(expected - got)
    unexpected = len(got - expected)
    print(
        f"    {days} simulated days, {subscriptions:,} subscriptions, {number:,} briefings: "
        f"{sender.messages:,} messages carrying {len(got):,} (channel, briefing) pairs in {elapsed:.1f} s"
    )
    print(
        f"    expected {len(expected):,}; duplicates {duplicates}, missing {missing}, unexpected {unexpected}"
    )
    print(
        f"    RSS: start {rss_start:.1f} MB, half-way {rss_half:.1f} MB, end {rss_end:.1f} MB "
        "(the harness's ledger is allocated before the start reading)"
    )
    return {
        "days": days,
        "subscriptions": subscriptions,
        "briefings": number,
        "messages": sender.messages,
        "pairs": len(got),
        "expected": len(expected),
        "duplicates": duplicates,
        "missing": missing,
        "unexpected": unexpected,
        "seconds": round(elapsed, 1),
        "rss_mb": {"start": round(rss_start, 1), "half": round(rss_half, 1), "end": round(rss_end, 1)},
    }


def _sent_pairs(path: Path) -> list[tuple[int, int]]:
    """What the outbox records as delivered (a digest past its compact list's room
    names the rest as "+N more", so message text alone cannot show every pair)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT channel_id, briefing_id FROM deliveries WHERE state = 'sent'").fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


async def _last_before(storage: Storage, sub: Subscription, now: datetime) -> int:
    """The newest briefing a digest channel should have by ``now``: everything
    published up to its latest scheduled run."""
    ran_at = previous_run(sub, now)
    refs = await storage.list_briefings(limit=1_000_000)
    return max((r.id for r in refs if r.published_at <= ran_at), default=0)
