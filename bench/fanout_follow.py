"""4b. Fan-out in follow mode: one new briefing to channels that follow the home channels.

The operator's home server holds announcement channels ``all``, the briefing's first topic,
and a topic the briefing does not carry (``[follow] channels``); ``channels`` text channels
spread over ``guilds`` servers follow ``all`` or the briefing's topic, half each, through
the fake Discord's Channel Following (set up in the fake directly: following is a one-off
``/subscribe`` per channel, not what a briefing costs). The bot side is the real code:
``FollowDesk.ensure_home_subscriptions`` subscribes the home channels from the config,
the real ``DeliveryEngine`` posts through the bot's own ``DiscordSender`` over discord.py's
``HTTPClient`` and publishes each post; the fake then copies it into every following
channel, as Discord does, without a request of the bot's. Rate limits are on at full size
(50 requests/s globally, 5 messages per 5 s per channel, 10 publishes an hour per channel).

Reported, from the call to ``run_instant()`` (the import before it is not counted):
``seconds_to_last`` until the last following channel had its copy (the fake's
``created_at``), the requests the bot made in all and per home channel, the 429s, and
duplicates and losses among the following channels.

``python -m bench.fanout_follow [--size smoke|full]`` runs this part alone (it also runs
inside ``python -m bench --only fanout``); alone, it writes
``bench/results/fanout_follow-<size>.json`` and leaves the RESULTS tables as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from discord.http import HTTPClient

from bench._archive import archive
from bench._common import SIZES, Size, calibration_ms, save
from bench._corpus import TOPICS, Corpus
from bot.clock import SystemClock
from bot.config import FOLLOW_ALL, Config, FollowConfig, ScheduleConfig, StorageConfig
from bot.delivery.engine import DeliveryEngine
from bot.discord_follower import DiscordFollower
from bot.discord_sender import DiscordSender
from bot.following import FollowDesk
from bot.newsroom import Newsroom
from storage import open_storage
from tests.fakediscord import FakeDiscord
from tests.fakediscord.model import Channel

GOAL_SECONDS = 5.0
GOAL_REQUESTS_PER_HOME = 4


def _world(
    channels: int, guilds: int, topic: str, other: str
) -> tuple[FakeDiscord, FollowConfig, dict[str, Channel], list[Channel]]:
    fake = FakeDiscord()
    owner = fake.add_user("owner-of-all")
    home = fake.add_guild(name="Briefing Home", owner=owner)
    homes = {
        key: fake.add_channel(home, name=f"{key}-briefings", type="announcement")
        for key in (FOLLOW_ALL, topic, other)
    }
    config = FollowConfig(home_guild=home.id, channels=tuple((key, c.id) for key, c in homes.items()))
    made = [fake.add_guild(name=f"Server {g}", owner=owner) for g in range(guilds)]
    followers = []
    for c in range(channels):
        target = fake.add_channel(made[c % guilds], name=f"briefings-{c}")
        fake.followers.add(homes[FOLLOW_ALL] if c % 2 == 0 else homes[topic], target)
        followers.append(target)
    return fake, config, homes, followers


async def follow_case(channels: int, guilds: int, limits: bool) -> dict[str, Any]:
    source = await archive(1_000)
    doc = Corpus(seed=9).doc(1, words=600)
    topic = doc.tags[0]
    other = next(t for t in TOPICS if t not in doc.tags)
    fake, follow_config, homes, followers = _world(channels, guilds, topic, other)
    if limits:
        fake.ratelimits.configure(enabled=True)
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="briefbot-follow-") as tmp:
        db = Path(tmp) / "follow.db"
        shutil.copyfile(source, db)
        storage = await open_storage(db)
        http = HTTPClient(asyncio.get_running_loop())
        try:
            with fake.patch_discord():
                await http.static_login(fake.token)
                clock = SystemClock()
                desk = FollowDesk(storage, DiscordFollower(http), follow_config, clock)
                await desk.ensure_home_subscriptions()
                sender = DiscordSender(SimpleNamespace(http=http))  # type: ignore[arg-type]
                engine = DeliveryEngine(storage, sender, ScheduleConfig(), clock, forums=sender)
                newsroom = Newsroom(storage, Config(storage=StorageConfig(path=str(db))))
                await newsroom.import_document(doc.text.encode(), "new.md")
                fake.ratelimits.hits.clear()
                first_request = len(fake.requests)
                start_wall = time.time()  # the fake stamps messages with time.time()
                start = time.perf_counter()
                report = await engine.run_instant()
                elapsed = time.perf_counter() - start
        finally:
            await http.close()
            await storage.close()
            await fake.stop()
    made = fake.requests[first_request:]
    copies = [m for m in fake.messages.values() if m.source == "crosspost"]
    per_channel = Counter(m.channel_id for m in copies)
    wanted = {c.id for c in followers}
    received = sum(1 for c in wanted if per_channel.get(c))
    to_last = max((m.created_at for m in copies), default=start_wall) - start_wall
    per_home = {key: sum(1 for r in made if r.channel_id == c.id) for key, c in homes.items()}
    return {
        "channels": channels,
        "guilds": guilds,
        "limits": limits,
        "home_channels": {"all": FOLLOW_ALL, "topic": topic, "other": other},
        "seconds_to_last": round(to_last, 3),
        "seconds_run": round(elapsed, 3),
        "bot_requests": len(made),
        "requests_per_home": per_home,
        "http_429": dict(fake.ratelimits.hits),
        "duplicates": sum(1 for n in per_channel.values() if n > 1),
        "lost": len(wanted) - received,
        "engine": {"sent": report.sent, "failed": report.failed, "deferred": report.deferred},
    }


def describe(r: dict[str, Any]) -> str:
    per_home = ", ".join(f"{k} {v}" for k, v in r["requests_per_home"].items())
    return (
        f"    follow mode: {r['channels']:,} following channels / {r['guilds']:,} servers: last copy after "
        f"{r['seconds_to_last']:.2f} s, {r['bot_requests']} bot requests ({per_home} per home channel), "
        f"429s {r['http_429'] or 0}, dup {r['duplicates']}, lost {r['lost']}"
        + ("" if r["limits"] else "  (limits off)")
        + f"  [goal: < {GOAL_SECONDS:g} s, <= {GOAL_REQUESTS_PER_HOME} requests per home channel, no 429]"
    )


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("discord").setLevel(logging.ERROR)
    r = await follow_case(
        size.follow_channels, min(size.follow_guilds, size.follow_channels), size.fanout_limits
    )
    print(describe(r), flush=True)
    return {**r, "goal_seconds": GOAL_SECONDS, "goal_requests_per_home": GOAL_REQUESTS_PER_HOME}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout_follow", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="smoke")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(f"machine check: a fixed pure-Python loop took {calibration_ms():.2f} ms (lower is a quieter core)")
    t0 = time.perf_counter()
    result = asyncio.run(run(SIZES[args.size]))
    path = save("fanout_follow", args.size, {"elapsed_s": round(time.perf_counter() - t0, 1), **result})
    print(f"   -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
