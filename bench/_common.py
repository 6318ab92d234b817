"""Shared helpers: sizes, timing, percentiles and result files."""

from __future__ import annotations

import json
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Size:
    """How big a run is. ``smoke`` is for CI (well under a minute); ``full`` is the real run."""

    name: str
    archives: tuple[int, ...]  # briefings, for the command data path
    iterations: int  # timed calls per command and archive size
    e2e_archive: int
    e2e_iterations: int
    ingest_count: int
    fanout_channels: tuple[int, ...]
    fanout_guilds: int
    fanout_limits: bool  # the fake enforces Discord's rate limits
    resources_archive: int
    resources_subscriptions: int
    soak_days: int = 1
    soak_subscriptions: int = 100
    soak_briefing_every: int = 10  # simulated minutes between new briefings
    sources: int = 1_000  # feeds polled in one cycle (the sources benchmark)
    failover_channels: tuple[int, ...] = (100,)  # fan-outs with the dispatcher killed mid-way
    # Follow mode (bench/fanout_follow.py): channels following the home channels, over servers.
    follow_channels: int = 1_000
    follow_guilds: int = 50
    # Storage backends measured side by side by queries, e2e and ingest (``--backend``).
    backends: tuple[str, ...] = ("sqlite",)


SIZES = {
    "smoke": Size("smoke", (200,), 60, 200, 20, 40, (50,), 25, False, 200, 100, sources=60),
    "full": Size(
        "full",
        (1_000, 10_000, 100_000, 1_000_000),
        2_000,
        100_000,
        300,
        600,
        (1_000, 10_000),
        2_500,
        True,
        100_000,
        10_000,
        soak_days=7,
        soak_subscriptions=1_000,
        soak_briefing_every=20,
        failover_channels=(1_000, 10_000),
        follow_channels=100_000,
        follow_guilds=2_500,
    ),
}


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of ``samples``."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise_ms(samples_s: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds from samples in seconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 4),
        "p95_ms": round(percentile(ms, 95), 4),
        "p99_ms": round(percentile(ms, 99), 4),
        "max_ms": round(max(ms), 4) if ms else float("nan"),
    }


def calibration_ms() -> float:
    """Best-of-20 CPU time of a fixed pure-Python loop, printed beside the numbers so a reader
    can tell a slow host from slow code. On this 2-core VM it read ~1.0 ms in one session and
    1.1-2.0 ms from minute to minute in another with nothing of ours running."""
    best = float("inf")
    for _ in range(20):
        start = time.process_time()
        sum(i * i for i in range(20000))
        best = min(best, time.process_time() - start)
    return round(best * 1000, 2)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        "calibration_ms": calibration_ms(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        import os

        info["cores"] = os.cpu_count()
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        info["memory_gib"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def save(name: str, size: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{size}.json"
    payload = {
        "benchmark": name,
        "size": size,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def load(name: str, size: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}-{size}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())
