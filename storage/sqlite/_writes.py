"""Briefing writes as plain functions on a ``sqlite3`` connection.

``SQLiteArchive`` runs each write, wrapped in ``BEGIN IMMEDIATE … COMMIT``, as one call
on the connection's worker thread (``SQLiteConnection._atomic``) rather than one call
per statement: every call is a round trip to that thread, and storing one briefing
takes about a dozen statements, whose round trips would cost more than SQLite's work.

Nothing here awaits, so nothing here may be called on the event loop thread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.corrections import apply_corrections
from bot.models import AddOutcome, Analysis, CorrectionKind, Draft, QuoteCorrection, fingerprint
from storage import constants
from storage.sqlite import _search
from storage.sqlite._quotes import NAME_WORD
from storage.sqlite._rows import to_ts


def content_columns(draft: Draft, analysis: Analysis, fp: str) -> tuple[Any, ...]:
    """title … summary_detailed, in the column order INSERT and UPDATE both use."""
    s = analysis.summaries
    return (
        draft.title,
        draft.body,
        to_ts(draft.published_at),
        draft.source_url,
        fp,
        draft.language,
        json.dumps(list(draft.tags), ensure_ascii=False),
        s.short,
        s.standard,
        s.detailed,
    )


def find_duplicate(
    db: sqlite3.Connection, draft: Draft, fp: str, exclude_id: int | None = None
) -> tuple[int, str] | None:
    """The stored briefing with this fingerprint or source URL, as (id, title)."""
    row = db.execute(
        "SELECT id, title FROM briefings WHERE (fingerprint = ? OR source_url = ?) AND id IS NOT ? LIMIT 1",
        (fp, draft.source_url, exclude_id),
    ).fetchone()
    return None if row is None else (int(row[0]), row[1])


def insert(db: sqlite3.Connection, draft: Draft, analysis: Analysis, now_ts: int) -> AddOutcome:
    """Store one briefing with its tags, quotes, speakers and full-text row (in its search
    shard), or report the stored duplicate (same source URL or same normalised title and body)."""
    fp = fingerprint(draft.title, draft.body)
    existing = find_duplicate(db, draft, fp)
    if existing is not None:
        return AddOutcome(existing[0], True, existing[1])
    cursor = db.execute(
        "INSERT INTO briefings (id, title, body, published_at, source_url, fingerprint, language, tags, "
        "summary_short, summary_standard, summary_detailed, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (next_id(db), *content_columns(draft, analysis, fp), now_ts, now_ts),
    )
    briefing_id = cursor.lastrowid
    assert briefing_id is not None
    # Not a trigger (migration 0005): a statement with a trigger makes FTS5 flush its
    # pending terms, so each briefing of a batch became its own index segment.
    db.execute(
        "INSERT INTO titles_fts (rowid, title, published_at) VALUES (?, ?, ?)",
        (briefing_id, draft.title, to_ts(draft.published_at)),
    )
    write_children(db, briefing_id, draft, analysis)
    return AddOutcome(briefing_id, False, draft.title)


def next_id(db: sqlite3.Connection) -> int | None:
    """The id of a new briefing: SQLite's own (None) unless it would give again the id of a
    removed briefing (``constants.META_HIGHEST_REMOVED_ID``)."""
    row = db.execute(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", (constants.META_HIGHEST_REMOVED_ID,)
    ).fetchone()
    if row is None:
        return None
    (highest,) = db.execute("SELECT coalesce(max(id), 0) FROM briefings").fetchone()
    return None if highest > row[0] else int(row[0]) + 1


def write_children(db: sqlite3.Connection, briefing_id: int, draft: Draft, analysis: Analysis) -> None:
    """Tags, quotes (with their speakers) and the full-text row of one briefing."""
    published = to_ts(draft.published_at)
    if draft.tags:
        db.executemany(
            "INSERT OR IGNORE INTO briefing_tags (tag, briefing_id, published_at) VALUES (?, ?, ?)",
            [(tag, briefing_id, published) for tag in draft.tags],
        )
    if analysis.quotes:
        ids = speaker_ids(db, [(q.speaker, q.speaker_role) for q in analysis.quotes])
        db.executemany(
            'INSERT INTO quotes (briefing_id, position, text, speaker_id, speaker_role, start, "end", '
            "score, published_at, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    briefing_id,
                    i,
                    q.text,
                    ids[i],
                    q.speaker_role,
                    q.start,
                    q.end,
                    q.score,
                    published,
                    q.confidence,
                )
                for i, q in enumerate(analysis.quotes)
            ],
        )
    # The briefing's search shard, created here if this id is the first of its range.
    fts = _search.table_for_write(db, briefing_id)
    db.execute(
        f"INSERT INTO {fts} (rowid, title, summary, quotes, body, tags) VALUES (?, ?, ?, ?, ?, ?)",
        (
            briefing_id,
            draft.title,
            analysis.summaries.detailed,
            "\n".join(f"{q.speaker or ''}: {q.text}" for q in analysis.quotes),
            draft.body,
            " ".join(draft.tags),
        ),
    )


def delete_children(db: sqlite3.Connection, briefing_id: int) -> None:
    db.execute(
        "UPDATE speakers SET quote_count = quote_count - "
        "(SELECT count(*) FROM quotes q WHERE q.speaker_id = speakers.id AND q.briefing_id = ?) "
        "WHERE id IN (SELECT speaker_id FROM quotes WHERE briefing_id = ?)",
        (briefing_id, briefing_id),
    )
    db.execute("DELETE FROM quotes WHERE briefing_id = ?", (briefing_id,))
    db.execute("DELETE FROM briefing_tags WHERE briefing_id = ?", (briefing_id,))
    fts = _search.table_for(db, briefing_id)
    if fts is not None:
        db.execute(f"DELETE FROM {fts} WHERE rowid = ?", (briefing_id,))


def speaker_ids(
    db: sqlite3.Connection, speakers: Sequence[tuple[str | None, str | None]]
) -> list[int | None]:
    """The speaker id of every quote of a briefing, creating speakers as needed, in a few
    statements instead of two or three per quote.

    Names match as the ``NOCASE`` column does (ASCII letters folded), a speaker's role
    becomes the last non-empty role given, and ``quote_count`` grows by one per quote.
    """
    names = [name for name, _ in speakers if name]
    if not names:
        return [None] * len(speakers)
    unique = list(dict.fromkeys(names))
    marks = ",".join("?" * len(unique))
    rows = db.execute(f"SELECT id, name, role FROM speakers WHERE name IN ({marks})", unique).fetchall()
    # key -> [id, role, quotes added, role changed]
    known: dict[bytes, list[Any]] = {_nocase(r[1]): [int(r[0]), r[2], 0, False] for r in rows}
    ids: list[int | None] = []
    for name, role in speakers:
        if not name:
            ids.append(None)
            continue
        key = _nocase(name)
        entry = known.get(key)
        if entry is None:
            known[key] = [_new_speaker(db, name, role), role, 0, False]
        elif role and entry[1] != role:
            entry[1] = role
            entry[3] = True
        known[key][2] += 1
        ids.append(known[key][0])
    changed = [(e[1], e[0]) for e in known.values() if e[3]]
    if changed:
        db.executemany("UPDATE speakers SET role = ? WHERE id = ?", changed)
    db.executemany(
        "UPDATE speakers SET quote_count = quote_count + ? WHERE id = ?",
        [(e[2], e[0]) for e in known.values() if e[2]],
    )
    return ids


def _new_speaker(db: sqlite3.Connection, name: str, role: str | None) -> int:
    """Insert a speaker with no quotes yet (the caller counts them) and index every
    word of the name, so a surname finds the full name."""
    cursor = db.execute("INSERT INTO speakers (name, role, quote_count) VALUES (?, ?, 0)", (name, role))
    speaker_id = cursor.lastrowid
    assert speaker_id is not None
    terms = {t.casefold() for t in NAME_WORD.findall(name)} | {name.casefold()}
    db.executemany(
        "INSERT OR IGNORE INTO speaker_terms (term, speaker_id) VALUES (?, ?)",
        [(t, speaker_id) for t in terms],
    )
    return speaker_id


def _nocase(name: str) -> bytes:
    """The key SQLite's ``NOCASE`` collation compares: UTF-8 with ASCII letters folded."""
    return name.encode("utf-8", "surrogatepass").lower()


def corrections(db: sqlite3.Connection, briefing_id: int) -> list[QuoteCorrection]:
    rows = db.execute(
        "SELECT kind, quote_text, speaker, speaker_role FROM quote_corrections WHERE briefing_id = ? "
        "ORDER BY created_at, rowid",
        (briefing_id,),
    ).fetchall()
    return [QuoteCorrection(CorrectionKind(r[0]), r[1], r[2], r[3]) for r in rows]


def corrected(db: sqlite3.Connection, briefing_id: int, draft: Draft, analysis: Analysis) -> Analysis:
    """``analysis`` with the editors' corrections of this briefing applied."""
    mine = corrections(db, briefing_id)
    if not mine:
        return analysis
    return replace(analysis, quotes=apply_corrections(analysis.quotes, mine, draft.body))
