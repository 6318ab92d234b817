"""Building benchmark archives of N briefings, cached between runs.

How an archive of N briefings is made (and why it is honest):

1. ``T = min(N, TEMPLATES)`` synthetic documents (:mod:`bench._corpus`) go through the
   real path: ``parse_document`` → ``nlp.analyze`` → ``SQLiteStorage.add_briefings``
   (in batches of 500, one transaction each). These rows are exactly what the bot stores.
2. The remaining ``N - T`` briefings are written straight into the same tables with
   ``executemany`` on a plain ``sqlite3`` connection (one transaction per 20,000 rows),
   mirroring ``storage.sqlite._writes.insert``/``write_children`` column for column: briefing
   ``i`` reuses template ``i % T``'s analysis (summaries and quotes, whose offsets stay
   valid because the body only gains a unique closing paragraph at the end), gets its own
   title, tags, source URL, publish time and fingerprint, and is indexed in FTS5 with the
   same five columns in its search shard, created as ids cross into it as the storage
   layer does (and in ``titles_fts`` with its title and publish time). Speakers are shared with the templates (``quote_count`` is recounted
   at the end), so a speaker in a 1M archive has a few hundred quotes, as in a long-running
   newsroom.
3. Publish times rise with the id (one every ``span / N`` seconds plus up to a day of
   jitter) and end an hour before the build, so nothing is under embargo.

The database is cached under ``$BRIEFBOT_BENCH_CACHE`` (default ``~/.cache/briefbot-bench``)
by size and generator version; runs copy nothing and only read it, except the fan-out and
resources benchmarks, which work on their own copy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench._corpus import PLACES, TOPICS, Corpus
from bot.ingest import parse_document
from bot.models import Analysis, Draft, fingerprint
from bot.nlp import analyze
from storage import open_storage
from storage.sqlite import _search

log = logging.getLogger(__name__)

VERSION = 3  # 2: the full-text index in shards by id range (migration 0007); 3: stemmed (0008)
TEMPLATES = 2000
SPAN = timedelta(days=6 * 365)
UTC_ZONE = ZoneInfo("UTC")


def cache_dir() -> Path:
    path = Path(os.environ.get("BRIEFBOT_BENCH_CACHE", Path.home() / ".cache" / "briefbot-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def analysed(
    corpus: Corpus, index: int, *, words: int | None = None, published_at: datetime | None = None
) -> tuple[Draft, Analysis]:
    """One synthetic briefing through the real parser and NLP."""
    doc = corpus.doc(index, words=words, published_at=published_at)
    result = parse_document(doc.text.encode(), f"{index}.md", tz=UTC_ZONE)
    if result.errors or len(result.drafts) != 1:
        raise RuntimeError(f"synthetic briefing {index} did not parse: {result.errors}")
    draft = result.drafts[0]
    return draft, analyze(draft.title, draft.body, draft.language)


def _times(n: int, end: datetime, seed: int) -> list[datetime]:
    rng = random.Random(seed)
    start = end - SPAN
    step = SPAN.total_seconds() / max(n, 1)
    out = []
    for i in range(n):
        jitter = rng.uniform(-43200, 43200) if n > 1 else 0
        moment = start + timedelta(seconds=i * step + jitter)
        out.append(min(moment, end).replace(second=0, microsecond=0))
    return out


async def build(path: Path, n: int, *, seed: int = 1, progress: bool = True) -> dict[str, float]:
    """Create an archive of ``n`` briefings at ``path`` (which must not exist)."""
    started = time.perf_counter()
    corpus = Corpus(seed=seed)
    end = datetime.now(UTC) - timedelta(hours=1)
    times = _times(n, end, seed)
    templates = min(n, TEMPLATES)
    storage = await open_storage(path)
    try:
        pairs: list[tuple[Draft, Analysis]] = []
        for i in range(templates):
            pairs.append(analysed(corpus, i, published_at=times[i]))
            if len(pairs) == 500:
                await storage.add_briefings(pairs)
                pairs.clear()
        if pairs:
            await storage.add_briefings(pairs)
    finally:
        await storage.close()
    real_seconds = time.perf_counter() - started
    if n > templates:
        await asyncio.to_thread(_bulk, path, n, templates, times, corpus, seed, progress)
    return {"seconds": time.perf_counter() - started, "real_path": templates, "real_seconds": real_seconds}


def _bulk(
    path: Path, n: int, templates: int, times: list[datetime], corpus: Corpus, seed: int, progress: bool
) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    rows = conn.execute(
        "SELECT id, title, body, language, summary_short, summary_standard, summary_detailed "
        "FROM briefings ORDER BY id"
    ).fetchall()
    quotes: dict[int, list[tuple]] = {}
    for q in conn.execute(
        'SELECT q.briefing_id, q.position, q.text, q.speaker_id, q.speaker_role, q.start, q."end", q.score, '
        "s.name FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id ORDER BY q.briefing_id, q.position"
    ):
        quotes.setdefault(q[0], []).append(q[1:])
    now_ts = int(datetime.now(UTC).timestamp())
    batch = 20_000
    done = templates
    t0 = time.perf_counter()
    while done < n:
        b_rows, f_rows, title_rows = [], [], []
        q_rows: list[tuple[object, ...]] = []
        t_rows: list[tuple[str, int, int]] = []
        for i in range(done, min(n, done + batch)):
            tid, _title, body, language, s_short, s_std, s_det = rows[i % templates]
            new_id = i + 1
            r = random.Random(seed * 7_919 + i)
            title = corpus.title(r, None) + f" ({i})"
            tags = tuple(r.sample(TOPICS, r.randint(1, 4)))
            body = body + f"\n\nFiled from {r.choice(PLACES)} under reference {seed}-{i}."
            published = int(times[i].timestamp())
            b_rows.append(
                (
                    new_id,
                    title,
                    body,
                    published,
                    f"https://example.org/briefings/{seed}/{i}",
                    fingerprint(title, body),
                    language,
                    json.dumps(list(tags)),
                    s_short,
                    s_std,
                    s_det,
                    now_ts,
                    now_ts,
                )
            )
            t_rows.extend((t, new_id, published) for t in tags)
            title_rows.append((new_id, title, published))
            qs = quotes.get(tid, [])
            q_rows.extend((new_id, *q[:7], published) for q in qs)
            f_rows.append(
                (
                    new_id,
                    title,
                    s_det,
                    "\n".join(f"{q[7] or ''}: {q[1]}" for q in qs),
                    body,
                    " ".join(tags),
                )
            )
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO briefings (id, title, body, published_at, source_url, fingerprint, language, tags, "
            "summary_short, summary_standard, summary_detailed, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            b_rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO briefing_tags (tag, briefing_id, published_at) VALUES (?, ?, ?)", t_rows
        )
        conn.executemany(
            'INSERT INTO quotes (briefing_id, position, text, speaker_id, speaker_role, start, "end", score, '
            "published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            q_rows,
        )
        by_shard: dict[str, list[tuple]] = {}
        for row in f_rows:
            by_shard.setdefault(_search.table_for_write(conn, row[0]), []).append(row)
        for fts, shard_rows in by_shard.items():
            conn.executemany(
                f"INSERT INTO {fts} (rowid, title, summary, quotes, body, tags) VALUES (?, ?, ?, ?, ?, ?)",
                shard_rows,
            )
        conn.executemany("INSERT INTO titles_fts (rowid, title, published_at) VALUES (?, ?, ?)", title_rows)
        conn.execute("COMMIT")
        done += len(b_rows)
        if progress:
            rate = (done - templates) / (time.perf_counter() - t0)
            print(f"    archive {path.name}: {done:,}/{n:,} ({rate:,.0f}/s)", flush=True)
    conn.execute(
        "UPDATE speakers SET quote_count = (SELECT count(*) FROM quotes q WHERE q.speaker_id = speakers.id)"
    )
    for (shard,) in conn.execute("SELECT shard FROM search_shards").fetchall():
        fts = _search.table(shard)
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
    conn.execute("INSERT INTO titles_fts (titles_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


async def archive(n: int, *, seed: int = 1) -> Path:
    """The cached archive of ``n`` briefings, building it on first use."""
    path = cache_dir() / f"archive-v{VERSION}-s{seed}-{n}.db"
    if path.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"  building archive of {n:,} briefings (cached at {path}) ...", flush=True)
    info = await build(partial, n, seed=seed)
    print(
        f"  built in {info['seconds']:.1f} s ({info['real_path']:,} through the real ingest path)", flush=True
    )
    partial.replace(path)
    return path


def add_subscriptions(path: Path, channels: list[tuple[int, int]], *, since_id: int) -> None:
    """Instant subscriptions for ``(guild_id, channel_id)`` pairs, written in one transaction
    (the same columns ``upsert_subscription`` writes)."""
    conn = sqlite3.connect(path, isolation_level=None)
    now_ts = int(datetime.now(UTC).timestamp())
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO subscriptions (channel_id, guild_id, schedule, timezone, since_briefing_id, created_at, "
        "cursor_id) VALUES (?, ?, 'instant', 'UTC', ?, ?, ?)",
        [(c, g, since_id, now_ts, since_id) for g, c in channels],
    )
    conn.execute("COMMIT")
    conn.close()
