"""Briefing writes as coroutines on one connection inside the caller's write transaction.

``PostgresArchive`` opens the transaction (``_writing``: the write lock is held) and
calls these; each sends as few statements as it can, a whole list at a time through
``unnest``, because every statement is a round trip to the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.corrections import apply_corrections
from bot.models import AddOutcome, Analysis, CorrectionKind, Draft, QuoteCorrection, fingerprint
from storage.postgres._connection import Db
from storage.postgres._documents import search_document, title_document
from storage.postgres._quotes import NAME_WORD
from storage.postgres._rows import stamp


@dataclass(frozen=True, slots=True)
class Documents:
    """A briefing's two full-text documents (tsvector literals), computed off the event loop:
    ``search`` goes to ``briefing_search``, ``titles`` to ``briefings``."""

    search: str
    titles: str


def documents(draft: Draft, analysis: Analysis) -> Documents:
    """What the search and title indexes hold for this briefing (CPU work: run it in a thread)."""
    return Documents(
        search_document(
            draft.title,
            analysis.summaries.detailed,
            [(q.speaker, q.text) for q in analysis.quotes],
            draft.body,
            draft.tags,
        ),
        title_document(draft.title),
    )


def content_columns(draft: Draft, analysis: Analysis, fp: str, docs: Documents) -> tuple[Any, ...]:
    """title … titles, in the column order INSERT and UPDATE both use ($1 to $12)."""
    s = analysis.summaries
    return (
        draft.title,
        draft.body,
        stamp(draft.published_at),
        draft.source_url,
        fp,
        draft.language,
        list(draft.tags),
        s.short,
        s.standard,
        s.detailed,
        docs.search,
        docs.titles,
    )


async def find_duplicate(
    db: Db, draft: Draft, fp: str, exclude_id: int | None = None
) -> tuple[int, str] | None:
    """The stored briefing with this fingerprint or source URL, as (id, title)."""
    row = await db.fetchrow(
        "SELECT id, title FROM briefings WHERE (fingerprint = $1 OR source_url = $2) "
        "AND id IS DISTINCT FROM $3::bigint LIMIT 1",
        fp,
        draft.source_url,
        exclude_id,
    )
    return None if row is None else (int(row[0]), row[1])


async def insert(db: Db, draft: Draft, analysis: Analysis, docs: Documents, now: datetime) -> AddOutcome:
    """Store one briefing with its tags, quotes, speakers and search documents, or report
    the stored duplicate (same source URL or same normalised title and body). The briefing
    and its ``briefing_search`` row are written by one statement."""
    fp = fingerprint(draft.title, draft.body)
    existing = await find_duplicate(db, draft, fp)
    if existing is not None:
        return AddOutcome(existing[0], True, existing[1])
    briefing_id = await db.fetchval(
        "WITH b AS (INSERT INTO briefings (title, body, published_at, source_url, fingerprint, language, "
        "tags, summary_short, summary_standard, summary_detailed, titles, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12::text::tsvector, $13, $13) "
        "RETURNING id, published_at) "
        "INSERT INTO briefing_search (id, published_at, search) "
        "SELECT id, published_at, $11::text::tsvector FROM b RETURNING id",
        *content_columns(draft, analysis, fp, docs),
        now,
    )
    await write_children(db, int(briefing_id), draft, analysis)
    return AddOutcome(int(briefing_id), False, draft.title)


async def update(
    db: Db, briefing_id: int, draft: Draft, analysis: Analysis, fp: str, now: datetime, posted: bool
) -> None:
    """Replace a briefing's text, analysis (with its corrections applied) and documents."""
    analysis = await corrected(db, briefing_id, draft, analysis)
    docs = await asyncio.to_thread(documents, draft, analysis)
    await db.execute(
        "WITH b AS (UPDATE briefings SET title = $1, body = $2, published_at = $3, source_url = $4, "
        "fingerprint = $5, language = $6, tags = $7, summary_short = $8, summary_standard = $9, "
        "summary_detailed = $10, titles = $12::text::tsvector, updated_at = $13, "
        "corrected_at = CASE WHEN $14 THEN $13 ELSE corrected_at END WHERE id = $15 RETURNING id) "
        "UPDATE briefing_search s SET published_at = $3, search = $11::text::tsvector FROM b WHERE s.id = b.id",
        *content_columns(draft, analysis, fp, docs),
        now,
        posted,
        briefing_id,
    )
    await delete_children(db, briefing_id)
    await write_children(db, briefing_id, draft, analysis)


async def write_children(db: Db, briefing_id: int, draft: Draft, analysis: Analysis) -> None:
    """Tags, and quotes with their speakers, of one briefing."""
    published = stamp(draft.published_at)
    if draft.tags:
        await db.execute(
            "INSERT INTO briefing_tags (tag, briefing_id, published_at) "
            "SELECT DISTINCT unnest($1::text[]), $2::bigint, $3::timestamptz ON CONFLICT DO NOTHING",
            list(draft.tags),
            briefing_id,
            published,
        )
    quotes = analysis.quotes
    if not quotes:
        return
    ids = await speaker_ids(db, [(q.speaker, q.speaker_role) for q in quotes])
    await db.execute(
        'INSERT INTO quotes (briefing_id, position, text, speaker_id, speaker_role, start, "end", '
        "score, published_at, confidence) "
        "SELECT $1, q.position, q.text, q.speaker_id, q.role, q.start, q.stop, q.score, $2, q.confidence "
        "FROM unnest($3::int[], $4::text[], $5::bigint[], $6::text[], $7::int[], $8::int[], "
        "$9::float8[], $10::float8[]) AS q(position, text, speaker_id, role, start, stop, score, confidence)",
        briefing_id,
        published,
        list(range(len(quotes))),
        [q.text for q in quotes],
        ids,
        [q.speaker_role for q in quotes],
        [q.start for q in quotes],
        [q.end for q in quotes],
        [q.score for q in quotes],
        [q.confidence for q in quotes],
    )


async def delete_children(db: Db, briefing_id: int) -> None:
    """A briefing's quotes (and its speakers' counts of them) and tags."""
    await db.execute(
        "UPDATE speakers s SET quote_count = s.quote_count - c.n FROM "
        "(SELECT speaker_id, count(*) AS n FROM quotes WHERE briefing_id = $1 AND speaker_id IS NOT NULL "
        "GROUP BY speaker_id) c WHERE s.id = c.speaker_id",
        briefing_id,
    )
    await db.execute("DELETE FROM quotes WHERE briefing_id = $1", briefing_id)
    await db.execute("DELETE FROM briefing_tags WHERE briefing_id = $1", briefing_id)


async def speaker_ids(db: Db, speakers: Sequence[tuple[str | None, str | None]]) -> list[int | None]:
    """The speaker id of every quote of a briefing, creating speakers as needed.

    Names match as SQLite's ``NOCASE`` column does (ASCII letters folded), a speaker's
    role becomes the last non-empty role given, and ``quote_count`` grows by one per quote.
    """
    names = [name for name, _ in speakers if name]
    if not names:
        return [None] * len(speakers)
    keys = list(dict.fromkeys(nocase(n) for n in names))
    rows = await db.fetch("SELECT id, name_key, role FROM speakers WHERE name_key = ANY($1::text[])", keys)
    # key -> [id, role, quotes added, role changed]
    known: dict[str, list[Any]] = {r["name_key"]: [int(r["id"]), r["role"], 0, False] for r in rows}
    ids: list[int | None] = []
    for name, role in speakers:
        if not name:
            ids.append(None)
            continue
        key = nocase(name)
        entry = known.get(key)
        if entry is None:
            known[key] = [await _new_speaker(db, name, role), role, 0, False]
        elif role and entry[1] != role:
            entry[1] = role
            entry[3] = True
        known[key][2] += 1
        ids.append(known[key][0])
    changed = [e for e in known.values() if e[3]]
    if changed:
        await db.execute(
            "UPDATE speakers s SET role = c.role FROM unnest($1::bigint[], $2::text[]) AS c(id, role) "
            "WHERE s.id = c.id",
            [e[0] for e in changed],
            [e[1] for e in changed],
        )
    counted = [e for e in known.values() if e[2]]
    await db.execute(
        "UPDATE speakers s SET quote_count = s.quote_count + c.n FROM unnest($1::bigint[], $2::int[]) AS c(id, n) "
        "WHERE s.id = c.id",
        [e[0] for e in counted],
        [e[2] for e in counted],
    )
    return ids


async def _new_speaker(db: Db, name: str, role: str | None) -> int:
    """Insert a speaker with no quotes yet (the caller counts them) and index every
    word of the name, so a surname finds the full name."""
    speaker_id = int(
        await db.fetchval(
            "INSERT INTO speakers (name, name_key, role, quote_count) VALUES ($1, $2, $3, 0) RETURNING id",
            name,
            nocase(name),
            role,
        )
    )
    terms = sorted({t.casefold() for t in NAME_WORD.findall(name)} | {name.casefold()})
    await db.execute(
        "INSERT INTO speaker_terms (term, speaker_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING",
        terms,
        speaker_id,
    )
    return speaker_id


def nocase(name: str) -> str:
    """The key SQLite's ``NOCASE`` collation compares: ASCII letters lower-cased, the rest as is."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in name)


async def corrections(db: Db, briefing_id: int) -> list[QuoteCorrection]:
    rows = await db.fetch(
        "SELECT kind, quote_text, speaker, speaker_role FROM quote_corrections WHERE briefing_id = $1 "
        "ORDER BY created_at, id",
        briefing_id,
    )
    return [QuoteCorrection(CorrectionKind(r[0]), r[1], r[2], r[3]) for r in rows]


async def corrected(db: Db, briefing_id: int, draft: Draft, analysis: Analysis) -> Analysis:
    """``analysis`` with the editors' corrections of this briefing applied."""
    mine = await corrections(db, briefing_id)
    if not mine:
        return analysis
    return replace(analysis, quotes=apply_corrections(analysis.quotes, mine, draft.body))
