"""``python -m bench [--size smoke|full] [--only NAME ...] [--backend postgresql]``: run the benchmarks.

``--backend postgresql`` measures queries, e2e and ingest on PostgreSQL too, beside SQLite
in the same run (the archives copied there with ``briefbot db copy``'s code; see
``bench/_postgres.py``).

Each benchmark prints its figures and writes ``bench/results/<name>-<size>.json``; then
``bench/results/RESULTS-<size>.md`` (a table of everything measured at that size) and the
growth plots are (re)written from the JSON files. Nothing here passes or fails: the exit
status is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import logging
import sys
import time
import traceback

from bench._common import SIZES, calibration_ms, save

BENCHMARKS = ("queries", "e2e", "ingest", "fanout", "resources", "soak", "failover", "sources")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="smoke")
    parser.add_argument(
        "--only",
        action="append",
        choices=(*BENCHMARKS, "report"),
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}; "
        "'report' only rewrites the table and plots",
    )
    parser.add_argument(
        "--archives", metavar="N,N,...", help="archive sizes for 'queries' (default: the size's)"
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: measure queries, e2e and ingest on PostgreSQL as well, beside SQLite",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bot.client").setLevel(logging.ERROR)
    size = SIZES[args.size]
    if args.archives:
        size = dataclasses.replace(size, archives=tuple(int(n) for n in args.archives.split(",")))
    if args.backend == "postgresql":
        size = dataclasses.replace(size, backends=("sqlite", "postgresql"))
    chosen = [b for b in BENCHMARKS if not args.only or b in args.only]
    failed = []
    started = time.perf_counter()
    print(f"machine check: a fixed pure-Python loop took {calibration_ms():.2f} ms (lower is a quieter core)")
    for name in chosen:
        print(f"== {name} ({size.name})", flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            result = asyncio.run(module.run(size))
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        path = save(name, size.name, {"elapsed_s": round(time.perf_counter() - t0, 1), **result})
        print(
            f"   -> {path.relative_to(path.parent.parent.parent)} ({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
    from bench import _report

    for line in _report.write(size.name):
        print(line)
    print(
        f"== done in {time.perf_counter() - started:.1f} s"
        + (f"; crashed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
