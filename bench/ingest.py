"""3. Ingest: briefings per second through ``Newsroom.import_document`` on one core.

Each briefing is its own 800-word Markdown file (front matter, title, quotes with named
speakers), generated before the clock starts. One call per file does everything an
upload does: decode and parse, language detection, summaries, key quotes and speakers,
and the storage transaction (briefing, tags, quotes, speakers, FTS5). The process is
pinned to one CPU (``sched_setaffinity``) for the measurement, so the storage's worker
thread shares that core. A stage breakdown (parse / analyse / store) is timed separately.

Two rates: ``per_second`` is one file per call and per transaction (an upload, ``/article
add``); ``bulk_per_second`` is ``Newsroom.import_documents`` over batches of
``BULK_BATCH`` files in one transaction each, as ``briefbot add FILE...`` does.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench._common import Size
from bench._corpus import Corpus
from bot.config import Config, StorageConfig
from bot.ingest import parse_document
from bot.newsroom import Newsroom
from bot.nlp import analyze
from storage import Storage, open_storage

GOAL_PER_S = 300.0
WORDS = 800
BULK_BATCH = 100  # as bot.cli.ADD_BATCH


@contextmanager
def one_core() -> Any:
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


async def run(size: Size) -> dict[str, Any]:
    corpus = Corpus(seed=5)
    docs = [corpus.doc(i, words=WORDS) for i in range(size.ingest_count)]
    files = [(d.text.encode(), f"briefing-{i}.md") for i, d in enumerate(docs)]
    words = sum(d.words for d in docs) / len(docs)
    with tempfile.TemporaryDirectory(prefix="briefbot-ingest-") as tmp:
        config = Config(storage=StorageConfig(path=str(Path(tmp) / "ingest.db")))
        storage = await open_storage(config.storage.path)
        try:
            newsroom = Newsroom(storage, config)
            with one_core() as core:
                start = time.perf_counter()
                for data, name in files:
                    report = await newsroom.import_document(data, name)
                    if report.added != 1:
                        raise RuntimeError(f"{name} was not added: {report.items}")
                elapsed = time.perf_counter() - start
                stages = await _stages(storage, corpus, size.ingest_count)
        finally:
            await storage.close()
        bulk_elapsed = await _bulk(Path(tmp) / "bulk.db", corpus, size.ingest_count)
    rate = size.ingest_count / elapsed
    bulk_rate = size.ingest_count / bulk_elapsed
    print(
        f"    {rate:8.1f} briefings/s one file per transaction  ({size.ingest_count} x ~{words:.0f} words, "
        f"core {core}; goal >= {GOAL_PER_S:.0f}/s)"
    )
    print(f"    {bulk_rate:8.1f} briefings/s in batches of {BULK_BATCH} files (briefbot add FILE...)")
    print("    per briefing: " + ", ".join(f"{k} {v:.2f} ms" for k, v in stages.items()))
    out: dict[str, Any] = {
        "count": size.ingest_count,
        "mean_words": round(words, 1),
        "seconds": round(elapsed, 3),
        "per_second": round(rate, 1),
        "bulk_batch": BULK_BATCH,
        "bulk_seconds": round(bulk_elapsed, 3),
        "bulk_per_second": round(bulk_rate, 1),
        "stage_ms": stages,
        "goal_per_s": GOAL_PER_S,
    }
    if "postgresql" in size.backends:
        pg = await _postgres(files, corpus, size.ingest_count)
        if pg is not None:
            out["postgresql"] = pg
            print(
                f"    PostgreSQL: {pg['per_second']:8.1f} briefings/s one file per transaction, "
                f"{pg['bulk_per_second']:8.1f}/s in batches of {BULK_BATCH} (this process on one core; "
                "the server on any)"
            )
    return out


async def _postgres(files: list[tuple[bytes, str]], corpus: Corpus, count: int) -> dict[str, Any] | None:
    """The same two rates on a scratch PostgreSQL database (dropped after)."""
    from bench._postgres import drop_database, scratch_database

    url = await scratch_database()
    if url is None:
        return None
    try:
        config = Config(storage=StorageConfig(path=url))
        storage = await open_storage(url)
        try:
            newsroom = Newsroom(storage, config)
            with one_core():
                start = time.perf_counter()
                for data, name in files:
                    report = await newsroom.import_document(data, name)
                    if report.added != 1:
                        raise RuntimeError(f"{name} was not added: {report.items}")
                elapsed = time.perf_counter() - start
        finally:
            await storage.close()
        await _drop_schema(url)
        bulk_elapsed = await _bulk(url, corpus, count)
    finally:
        await drop_database(url)
    return {
        "seconds": round(elapsed, 3),
        "per_second": round(count / elapsed, 1),
        "bulk_seconds": round(bulk_elapsed, 3),
        "bulk_per_second": round(count / bulk_elapsed, 1),
    }


async def _drop_schema(url: str) -> None:
    """Empty the scratch database's tables, so the bulk run starts from an empty archive."""
    import asyncpg

    db = await asyncpg.connect(url)
    try:
        await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await db.close()


async def _bulk(path: Path | str, corpus: Corpus, count: int) -> float:
    """Seconds to import ``count`` fresh files through ``Newsroom.import_documents`` in
    batches of ``BULK_BATCH``, on one core."""
    files = [(corpus.doc(200_000 + i, words=WORDS).text.encode(), f"bulk-{i}.md") for i in range(count)]
    storage = await open_storage(path)
    try:
        newsroom = Newsroom(storage, Config(storage=StorageConfig(path=str(path))))
        with one_core():
            start = time.perf_counter()
            for first in range(0, count, BULK_BATCH):
                reports = await newsroom.import_documents(files[first : first + BULK_BATCH])
                if sum(r.added for r in reports) != len(reports):
                    raise RuntimeError(f"a bulk batch was not added: {reports}")
            return time.perf_counter() - start
    finally:
        await storage.close()


async def _stages(storage: Storage, corpus: Corpus, count: int) -> dict[str, float]:
    """Mean milliseconds per briefing for each stage, on fresh documents."""
    tz = ZoneInfo("Europe/Kyiv")
    docs = [corpus.doc(100_000 + i, words=WORDS).text.encode() for i in range(count)]
    t0 = time.perf_counter()
    drafts = [parse_document(d, f"s{i}.md", tz=tz).drafts[0] for i, d in enumerate(docs)]
    t1 = time.perf_counter()
    analyses = [analyze(d.title, d.body, d.language) for d in drafts]
    t2 = time.perf_counter()
    for pair in zip(drafts, analyses, strict=True):
        await storage.add_briefings([pair])
    t3 = time.perf_counter()
    return {
        k: round(v / count * 1000, 3)
        for k, v in (("parse", t1 - t0), ("analyse", t2 - t1), ("store", t3 - t2))
    }
