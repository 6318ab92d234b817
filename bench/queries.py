"""1. Command data path: what each reader command and autocomplete asks of storage.

Times the ``Newsroom`` calls the cogs make (storage queries, hydration into dataclasses;
no rendering, no Discord) on archives of each size, with varied, seeded inputs:

- ``latest``: ``/latest`` with count 1-5, a topic 30 % of the time;
- ``summary``: ``/summary`` with an id (what autocomplete sends) 70 %, title words 15 %,
  nothing (the newest) 15 %;
- ``quote``: ``/quote`` with no filter (the newest briefing's best quote) or a briefing id;
- ``quote_speaker``: ``/quote speaker:`` with a surname or a full name;
- ``search``: ``/search`` with a surname and a topic (a selective query, like a reader's);
- ``search_broad``: ``/search`` with one word that occurs in a large share of the archive
  (the synthetic vocabulary is small, so this is a worst case, reported separately);
- ``ac_title``: title autocomplete with 0-8 typed characters of a title word;
- ``ac_speaker``: speaker autocomplete with 0-6 typed characters of a surname.
"""

from __future__ import annotations

import contextlib
import functools
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench._archive import archive
from bench._common import Size, load, summarise_ms
from bench._corpus import TOPICS
from bench._postgres import pg_archive
from bot.config import Config
from bot.errors import UserFacingError
from bot.newsroom import Newsroom
from storage import SQLiteStorage, open_storage

COMMANDS = (
    "latest",
    "summary",
    "quote",
    "quote_speaker",
    "search",
    "search_broad",
    "ac_title",
    "ac_speaker",
)
BROAD = ("substations", "insurers", "inspectors", "budget", "council", "programme", "percent")
# Slow commands stop after this many seconds (at least 50 calls), so a full run ends.
BUDGET_S = 20.0
GOALS_MS = {100_000: 2.0, 1_000_000: 10.0}
# PostgreSQL (issue #17): p99 within 2x of SQLite's at 100k, under 10 ms at 1M.
PG_GOALS = {"100000": "p99 <= 2x SQLite's", "1000000": "p99 < 10 ms"}


async def _inputs(
    storage: SQLiteStorage, rng: random.Random
) -> dict[str, Callable[[Newsroom], Awaitable[Any]]]:
    """Seeded input generators per command."""
    top = await storage.max_briefing_id()
    names = [r[0] for r in await storage._fetchall("SELECT name FROM speakers")]
    surnames = sorted({n.split()[-1] for n in names})
    titles = [
        r[0]
        for r in await storage._fetchall(
            "SELECT title FROM briefings WHERE id IN (SELECT abs(random()) % ? + 1 FROM briefings LIMIT 200)",
            (top,),
        )
    ]
    title_words = [w for t in titles for w in t.replace(":", " ").split() if w.isalpha() and len(w) > 3]

    def latest(nr: Newsroom) -> Awaitable[Any]:
        return nr.latest(rng.randint(1, 5), rng.choice(TOPICS) if rng.random() < 0.3 else None)

    def summary(nr: Newsroom) -> Awaitable[Any]:
        roll = rng.random()
        if roll < 0.7:
            return nr.resolve(str(rng.randint(1, top)))
        if roll < 0.85:
            return nr.resolve(" ".join(rng.sample(title_words, 2)))
        return nr.resolve(None)

    def quote(nr: Newsroom) -> Awaitable[Any]:
        return nr.quotes(briefing=str(rng.randint(1, top))) if rng.random() < 0.5 else nr.quotes()

    def quote_speaker(nr: Newsroom) -> Awaitable[Any]:
        return nr.quotes(speaker=rng.choice(surnames) if rng.random() < 0.6 else rng.choice(names))

    def search(nr: Newsroom) -> Awaitable[Any]:
        return nr.search(f"{rng.choice(surnames)} {rng.choice(TOPICS)}", limit=5)

    def search_broad(nr: Newsroom) -> Awaitable[Any]:
        return nr.search(rng.choice(BROAD), limit=5)

    def ac_title(nr: Newsroom) -> Awaitable[Any]:
        word = rng.choice(title_words)
        return nr.title_choices(word[: rng.randint(0, min(8, len(word)))])

    def ac_speaker(nr: Newsroom) -> Awaitable[Any]:
        word = rng.choice(surnames)
        return nr.speaker_choices(word[: rng.randint(0, min(6, len(word)))])

    return {name: fn for name, fn in locals().items() if name in COMMANDS}


async def _time(call: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(UserFacingError):  # "no quotes by ...", "nothing matches": still a query
        await call()
    return time.perf_counter() - start


async def measure(
    n: int, iterations: int, *, seed: int = 3, backend: str = "sqlite"
) -> dict[str, dict[str, float]] | None:
    """Each command's timings on the archive of ``n`` on ``backend``; None if PostgreSQL
    cannot be reached. The inputs are sampled from the SQLite archive with the same seed,
    so both backends answer the same calls over the same rows and ids."""
    path = await archive(n)
    sampler = await open_storage(path)
    try:
        assert isinstance(sampler, SQLiteStorage)  # the inputs are sampled from its tables in SQL
        rng = random.Random(seed)
        inputs = await _inputs(sampler, rng)
    finally:
        await sampler.close()
    target: str = str(path)
    if backend == "postgresql":
        url = await pg_archive(n)
        if url is None:
            return None
        target = url
    storage = await open_storage(target)
    try:
        newsroom = Newsroom(storage, Config())
        out = {}
        for name in COMMANDS:
            make = inputs[name]
            for _ in range(max(10, iterations // 20)):  # warm the page cache and statements
                await _time(functools.partial(make, newsroom))
            samples: list[float] = []
            deadline = time.perf_counter() + BUDGET_S
            while len(samples) < iterations and (len(samples) < 50 or time.perf_counter() < deadline):
                samples.append(await _time(functools.partial(make, newsroom)))
            out[name] = summarise_ms(samples)
        return out
    finally:
        await storage.close()


async def run(size: Size) -> dict[str, Any]:
    # Sizes measured in an earlier run are kept, so one size can be re-run on its own.
    earlier = load("queries", size.name) or {}
    results: dict[str, Any] = dict(earlier.get("by_size", {}))
    pg_results: dict[str, Any] = dict(earlier.get("by_size_postgresql", {}))
    for n in size.archives:
        iterations = size.iterations if n < 1_000_000 else max(size.iterations // 4, 50)
        measured = await measure(n, iterations)
        assert measured is not None
        results[str(n)] = measured
        pg = await measure(n, iterations, backend="postgresql") if "postgresql" in size.backends else None
        if pg is not None:
            pg_results[str(n)] = pg
        print(f"  {n:>9,} briefings  ({iterations} calls each)")
        for name, s in measured.items():
            line = f"    {name:<14} p50 {s['p50_ms']:8.3f}  p95 {s['p95_ms']:8.3f}  p99 {s['p99_ms']:8.3f} ms"
            if pg is not None:
                p = pg[name]
                ratio = p["p99_ms"] / s["p99_ms"] if s["p99_ms"] else float("nan")
                line = (
                    f"    {name:<14} p99 SQLite {s['p99_ms']:8.3f}  PostgreSQL {p['p99_ms']:8.3f} ms "
                    f"({ratio:4.1f}x; PostgreSQL p50 {p['p50_ms']:.3f})"
                )
            print(line)
    ordered = {k: results[k] for k in sorted(results, key=int)}
    out: dict[str, Any] = {"by_size": ordered, "goals_ms": GOALS_MS}
    if pg_results:
        out["by_size_postgresql"] = {k: pg_results[k] for k in sorted(pg_results, key=int)}
        out["postgresql_goals"] = PG_GOALS
    return out
