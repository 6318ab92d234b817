"""4. Fan-out: one new briefing to every subscribed channel, against Discord's limits.

The fake Discord holds ``guilds`` servers with the channels spread over them and (full
size) enforces Discord's limits: 50 requests/s globally (a fixed one-second window) and
5 messages per 5 s per channel, answering 429 with Discord's headers. The bot side is the
real ``DeliveryEngine`` (plan, outbox, send, mark sent) over a fresh copy of a small
archive with one instant subscription per channel; one briefing is then imported through
the newsroom and ``run_instant()`` delivers it. Messages go out through discord.py's own
``HTTPClient`` (which handles 429s itself) through the bot's own ``DiscordSender``,
paced by the engine's default ``RateLimiter``.

Reported, with the trigger being the call to ``run_instant()`` (the instant poll that
finds the new briefing; the import before it is not counted), and "has it" meaning the
fake Discord created the message (its ``created_at``, not when the bot heard back):

- ``seconds_to_last``: trigger until the last channel had its message;
  ``seconds_to_first``: trigger until the first one did (planning and the first send);
- ``messages_per_s``: channels reached / ``seconds_to_last``, and ``fraction_of_limit``
  of 50/s: the goal's figure, planning included;
- ``steady_messages_per_s`` / ``steady_fraction``: (channels - 1) / (last - first), the
  pace once sending runs;
- ``max_in_any_second``: the most messages the fake created in any one-second span;
- ``seconds_run``: until ``run_instant()`` returned (the last outbox rows recorded);
- 429s by kind, duplicates (channels with more than one copy), losses (channels with none).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from discord.http import HTTPClient

from bench import fanout_follow
from bench._archive import add_subscriptions, archive
from bench._common import Size
from bench._corpus import Corpus
from bot.clock import SystemClock
from bot.config import Config, ScheduleConfig, StorageConfig
from bot.delivery.engine import DeliveryEngine
from bot.discord_sender import DiscordSender
from bot.newsroom import Newsroom
from storage import open_storage
from tests.fakediscord import FakeDiscord

DISCORD_GLOBAL = 50.0
GOAL_FRACTION = 0.95


def _world(channels: int, guilds: int) -> tuple[FakeDiscord, list[tuple[int, int]]]:
    fake = FakeDiscord()
    owner = fake.add_user("owner-of-all")
    made = [fake.add_guild(name=f"Server {g}", owner=owner) for g in range(guilds)]
    pairs = []
    for c in range(channels):
        guild = made[c % guilds]
        pairs.append((guild.id, fake.add_channel(guild, name=f"briefings-{c}").id))
    return fake, pairs


async def one_case(channels: int, guilds: int, limits: bool) -> dict[str, Any]:
    source = await archive(1_000)
    fake, pairs = _world(channels, guilds)
    if limits:
        fake.ratelimits.configure(enabled=True)
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="briefbot-fanout-") as tmp:
        db = Path(tmp) / "fanout.db"
        shutil.copyfile(source, db)
        storage = await open_storage(db)
        add_subscriptions(db, pairs, since_id=await storage.max_briefing_id())
        http = HTTPClient(asyncio.get_running_loop())
        try:
            with fake.patch_discord():
                await http.static_login(fake.token)
                sender = DiscordSender(SimpleNamespace(http=http))  # type: ignore[arg-type]
                engine = DeliveryEngine(storage, sender, ScheduleConfig(), SystemClock())
                doc = Corpus(seed=9).doc(1, words=600)
                newsroom = Newsroom(storage, Config(storage=StorageConfig(path=str(db))))
                await newsroom.import_document(doc.text.encode(), "new.md")
                fake.ratelimits.hits.clear()
                start_wall = time.time()  # the fake stamps messages with time.time()
                start = time.perf_counter()
                report = await engine.run_instant()
                elapsed = time.perf_counter() - start
        finally:
            await http.close()
            await storage.close()
            await fake.stop()
    posts = sorted((m.created_at, m.channel_id) for m in fake.messages.values() if m.source == "channel")
    per_channel = Counter(c for _, c in posts)
    wanted = {c for _, c in pairs}
    received = len([c for c in wanted if per_channel.get(c)])
    first_copy: dict[int, float] = {}
    for at, channel_id in posts:
        first_copy.setdefault(channel_id, at)
    arrived = sorted(first_copy[c] - start_wall for c in wanted if c in first_copy)
    to_first = arrived[0] if arrived else 0.0
    to_last = arrived[-1] if arrived else 0.0
    rate = received / to_last if to_last > 0 else 0.0
    span = to_last - to_first
    steady = (received - 1) / span if span > 0 else 0.0
    stamps = [at for at, _ in posts]
    busiest = 0
    low = 0
    for high, at in enumerate(stamps):
        while stamps[low] <= at - 1.0:
            low += 1
        busiest = max(busiest, high - low + 1)
    return {
        "channels": channels,
        "guilds": guilds,
        "limits": limits,
        "seconds_to_last": round(to_last, 3),
        "seconds_to_first": round(to_first, 3),
        "seconds_run": round(elapsed, 3),
        "messages_per_s": round(rate, 2),
        "fraction_of_limit": round(rate / DISCORD_GLOBAL, 4),
        "steady_messages_per_s": round(steady, 2),
        "steady_fraction": round(steady / DISCORD_GLOBAL, 4),
        "max_in_any_second": busiest,
        "http_429": dict(fake.ratelimits.hits),
        "duplicates": sum(1 for n in per_channel.values() if n > 1),
        "lost": len(wanted) - received,
        "engine": {"sent": report.sent, "failed": report.failed, "deferred": report.deferred},
    }


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("discord").setLevel(logging.ERROR)
    cases = []
    for channels in size.fanout_channels:
        r = await one_case(channels, min(size.fanout_guilds, channels), size.fanout_limits)
        cases.append(r)
        print(
            f"    {channels:>6,} channels / {r['guilds']:,} servers: "
            f"{r['messages_per_s']:6.2f} msg/s = {r['fraction_of_limit']:.1%} of 50/s from the trigger, "
            f"{r['steady_messages_per_s']:.2f} = {r['steady_fraction']:.1%} from the first send; "
            f"first after {r['seconds_to_first']:.2f} s, last after {r['seconds_to_last']:.1f} s, "
            f"max {r['max_in_any_second']} in any second, 429s {r['http_429'] or 0}, "
            f"dup {r['duplicates']}, lost {r['lost']}" + ("" if size.fanout_limits else "  (limits off)")
        )
    # Follow mode: the same briefing reaching channels through Discord's Channel Following.
    follow = await fanout_follow.run(size)
    return {"cases": cases, "goal_fraction": GOAL_FRACTION, "follow": follow}
