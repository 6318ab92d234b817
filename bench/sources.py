"""7. Sources: one poll cycle of N feeds (1,000 at full size) on a loopback server.

The feed server runs in a process of its own, pinned to another core than the bot, so the
bot's CPU is measured alone. It serves N RSS feeds spread over ``N / FEEDS_PER_HOST`` host
names (each resolving to 127.0.0.1 through the benchmark's resolver, and allowed as
127.0.0.1/32, as an intranet would be), of mixed sizes (5 to 40 entries, bodies of 300 to
2,800 characters), with ETags, and counts how many requests each host has at once.

The bot side is the real ``SourcePoller`` (fetch, parse, dedupe, store through the
``PublishingDesk`` with its analysis, no Discord) over SQLite, pinned to one core:

1. **first** cycle: every source is new; each imports its newest ``first_poll_entries``
   (5) and remembers the rest as skipped.
2. **steady** cycle (the goal's figure): 30% of the feeds answer 304 Not Modified to the
   conditional GET; the other 70% changed and list one new entry on top of the ones seen.

Reported per cycle: wall time, CPU per source, briefings added, the most requests any
one host saw at once (the politeness rule says 1), and the process's peak RSS.
Goals: the steady cycle of 1,000 sources under 60 s on one core, memory under 200 MB,
never two requests at once on one host.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import random
import resource
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import Size
from bot.config import Config, SourcesConfig, StorageConfig
from bot.delivery.status import CopyReport
from bot.newsroom import Newsroom
from bot.publishing import PublishingDesk
from bot.sources import build_sources
from storage import open_storage

FEEDS_PER_HOST = 10
UNCHANGED_SHARE = 0.3
GOAL_SECONDS = 60.0
GOAL_MB = 200.0
WORDS = (
    "council ministry regional budget water grid tariff district plan repairs schools hospitals roads "
    "agency permit deputy minister said statement tuesday report annual review public consultation "
    "funding contract season winter spring households farmers energy heating transport rail port"
).split()


def _text(seed: int, chars: int) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    length = 0
    while length < chars:
        words.append(rng.choice(WORDS))
        length += len(words[-1]) + 1
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return " ".join(sentences)


@functools.cache
def _feed(source: int, version: int) -> bytes:
    """Feed ``source`` at ``version``: its base entries, and one more per version on top."""
    base = 5 + (source * 7) % 36
    items = []
    for j in range(base + version - 1, -1, -1):
        body = _text(source * 1000 + j, 300 + (source * 37 + j * 11) % 2500)
        items.append(
            f"<item><title>Notice {j} of body {source}: {_text(j, 40)}</title>"
            f'<link>https://body{source}.example/notices/{j}</link><guid isPermaLink="false">n-{source}-{j}</guid>'
            f"<pubDate>{_date(j)}</pubDate><description>&lt;p&gt;{body}&lt;/p&gt;</description></item>"
        )
    return (
        f'<rss version="2.0"><channel><title>Body {source}</title>{"".join(items)}</channel></rss>'.encode()
    )


def _date(j: int) -> str:
    day = 1 + j % 28
    return f"{day:02d} Feb 2026 {j % 24:02d}:00:00 +0000"


def _serve(port_out: Any, sources: int, core: int | None) -> None:
    """The feed server's process: /feed/<n>, /cycle (next version), /stats. Each feed is
    made once per version (``_feed`` is cached), so the server's own CPU stays small."""
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    from aiohttp import web

    state = {"cycle": 0, "active": {}, "most": {}, "requests": 0, "not_modified": 0}

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        host = (request.host or "").split(":")[0]
        active: dict[str, int] = state["active"]  # type: ignore[assignment]
        most: dict[str, int] = state["most"]  # type: ignore[assignment]
        active[host] = active.get(host, 0) + 1
        most[host] = max(most.get(host, 0), active[host])
        state["requests"] += 1  # type: ignore[operator]
        try:
            await asyncio.sleep(0.002)  # a little server time, so overlapping requests would show
            changed = random.Random(n).random() >= UNCHANGED_SHARE
            version = 1 + (state["cycle"] if changed else 0)  # type: ignore[operator]
            etag = f'"{n}-{version}"'
            if request.headers.get("If-None-Match") == etag:
                state["not_modified"] += 1  # type: ignore[operator]
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(
                body=_feed(n, version), content_type="application/rss+xml", headers={"ETag": etag}
            )
        finally:
            active[host] -= 1

    async def cycle(request: web.Request) -> web.Response:
        state["cycle"] += 1  # type: ignore[operator]
        state["most"] = {}
        state["requests"] = 0
        state["not_modified"] = 0
        return web.json_response({"cycle": state["cycle"]})

    async def stats(request: web.Request) -> web.Response:
        most: dict[str, int] = state["most"]  # type: ignore[assignment]
        return web.json_response(
            {
                "max_per_host": max(most.values(), default=0),
                "requests": state["requests"],
                "not_modified": state["not_modified"],
            }
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        app.router.add_post("/cycle", cycle)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        port_out.put(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


class _NoCopies:
    async def correct(self, briefing_id: int) -> CopyReport:
        return CopyReport()

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport()


class _NoWakeup:
    async def briefing_added(self) -> None:
        return None


async def _resolve(host: str, port: int) -> list[str]:
    if host.endswith(".bench.test"):
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, host)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _cycle(desk: Any, count: int) -> dict[str, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    reports = []
    while True:  # poll_due takes a batch at a time; a cycle is until none is due
        batch = await desk.poll_due()
        if not batch:
            break
        reports += batch
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    added = sum(1 for r in reports for i in r.items if i.outcome.value == "added")
    return {
        "sources_polled": len(reports),
        "wall_s": round(wall, 2),
        "cpu_ms_per_source": round(cpu / max(count, 1) * 1000, 2),
        "added": added,
        "not_modified": sum(1 for r in reports if r.not_modified),
        "errors": [r.error for r in reports if r.error][:3],
        "peak_rss_mb": round(_peak_mb(), 1),
    }


async def _http(port: int, method: str, path: str) -> dict[str, Any]:
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"http://127.0.0.1:{port}{path}") as r,
    ):
        data: dict[str, Any] = await r.json()
        return data


async def run(size: Size) -> dict[str, Any]:
    logging.getLogger("bot.sources").setLevel(logging.ERROR)
    count = size.sources
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    bot_core = cores[0] if cores else None
    server_core = cores[1] if len(cores) > 1 else None
    ctx = multiprocessing.get_context("spawn")
    port_queue = ctx.Queue()
    server = ctx.Process(target=_serve, args=(port_queue, count, server_core), daemon=True)
    server.start()
    before = os.sched_getaffinity(0) if cores else None
    try:
        port = port_queue.get(timeout=30)
        with tempfile.TemporaryDirectory(prefix="briefbot-sources-") as tmp:
            config = Config(
                storage=StorageConfig(path=str(Path(tmp) / "sources.db")),
                sources=SourcesConfig(allowed_private_networks=("127.0.0.1/32",), request_timeout_seconds=30),
            )
            storage = await open_storage(config.storage.path)
            publishing = PublishingDesk(Newsroom(storage, config), _NoCopies(), _NoWakeup())
            desk = build_sources(storage, publishing, config, copies=None, resolver=_resolve)
            try:
                for n in range(count):
                    host = f"h{n // FEEDS_PER_HOST}.bench.test"
                    await desk.add(f"http://{host}:{port}/feed/{n}", name=f"Body {n}")
                if bot_core is not None:
                    os.sched_setaffinity(0, {bot_core})
                first = await _cycle(desk, count)
                first.update(await _http(port, "GET", "/stats"))
                await _http(port, "POST", "/cycle")
                # Every source is due again (the scheduler would wait out each one's interval).
                for source in await storage.list_sources():
                    await storage.set_source_status(
                        source.id, source.status, None, next_poll_at=source.created_at
                    )
                steady = await _cycle(desk, count)
                steady.update(await _http(port, "GET", "/stats"))
            finally:
                if before is not None:
                    os.sched_setaffinity(0, before)
                await desk.close()
                await storage.close()
    finally:
        server.kill()
        server.join(5)
    for name, c in (("first", first), ("steady", steady)):
        print(
            f"    {name:>6} cycle, {count:,} sources: {c['wall_s']:.1f} s wall, {c['cpu_ms_per_source']:.1f} ms CPU "
            f"per source, {c['added']:,} briefings added, {c['not_modified']} not modified, "
            f"max {c['max_per_host']} request(s) at once per host, peak RSS {c['peak_rss_mb']:.0f} MB"
            + (f"; errors: {c['errors']}" if c["errors"] else "")
        )
    print(
        f"    goals: steady cycle < {GOAL_SECONDS:.0f} s at 1,000 sources, < {GOAL_MB:.0f} MB, 1 request per host at once"
    )
    return {
        "sources": count,
        "feeds_per_host": FEEDS_PER_HOST,
        "unchanged_share": UNCHANGED_SHARE,
        "core": bot_core,
        "first": first,
        "steady": steady,
        "goal_seconds": GOAL_SECONDS,
        "goal_mb": GOAL_MB,
    }
