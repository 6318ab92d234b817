"""Briefings in PostgreSQL: writes, reads, title autocomplete, full-text search, quotes.

Reader queries hide briefings whose publish time is still in the future (embargo).
Each write is one transaction holding the write lock (``_writing``), with its search
documents computed beforehand in a thread; each read of several statements shares one
snapshot (``_reading``). Searches and quote look-ups live in ``_search`` and ``_quotes``.

PostgreSQL cannot hold the NUL character in text: a reader's words containing one can
match nothing stored (ingest refuses it), so such a look-up answers nothing at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from bot.models import (
    AddOutcome,
    Analysis,
    Briefing,
    BriefingRef,
    CorrectionKind,
    Draft,
    Quote,
    QuoteCorrection,
    QuoteHit,
    SearchHit,
    Summaries,
    fingerprint,
)
from storage import constants
from storage.errors import NotFoundError, StorageError
from storage.postgres import _quotes, _search, _writes
from storage.postgres._connection import PostgresConnection
from storage.postgres._query import parse
from storage.postgres._rows import now_stamp

_BRIEFING_COLUMNS = (
    "id, title, body, published_at, source_url, language, tags, summary_short, summary_standard, "
    "summary_detailed, created_at, updated_at, corrected_at"
)
# A briefing's quotes in position order, as one array of records beside its columns: the
# briefing and its quotes come from one statement (one snapshot, one round trip, no
# transaction to open and close around a second statement).
_QUOTES_COLUMN = (
    '(SELECT coalesce(array_agg(ROW(q.text, s.name, q.speaker_role, q.start, q."end", q.score, '
    "q.confidence) ORDER BY q.position), '{}') FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
    "WHERE q.briefing_id = briefings.id) AS quotes"
)
# The newest title matches read before sorting by publish time, at most (as on SQLite).
AUTOCOMPLETE_WINDOW = 100
# The newest ``window`` ($2) briefings whose title matches the tsquery $1, by id, from the
# narrow ``briefing_titles`` (migration 0014: a match costs no read of the wide briefing
# row). One typed word: the planner chooses between the GIN index and walking the newest
# ids, and its estimate of one word's frequency is a good guide.
_NEWEST_TITLES = (
    "WITH newest AS (SELECT id, title, published_at FROM briefing_titles "
    "WHERE titles @@ $1::text::tsquery ORDER BY id DESC LIMIT $2) "
)
# Several words: the planner multiplies their frequencies as if they were independent,
# and when the words rarely share a title it walks the newest ids looking for a window
# that never fills: every title in the archive (88 ms at 100k briefings). So the newest
# TITLE_WALK briefings are walked first, and only if they do not fill the window is it
# read from the GIN index (``id + 0``: not in the primary key's order, so that the index
# is the planner's way in). Each branch is gated by a one-time filter; the same rows either way.
# The walk stops as soon as the window fills, so only words that rarely share a title pay for
# all of it; those that share one in a few hundred fill it there instead of reading every
# match from the index, which grows with the archive (BENCHMARKS.md has the figures).
TITLE_WALK = 10000


def _newest_titles_walked(walk: int) -> str:
    """The several-words form of ``_NEWEST_TITLES``, walking the newest ``walk`` first."""
    return (
        "WITH walked AS MATERIALIZED (SELECT id, title, published_at FROM ("
        f"SELECT id, title, published_at, titles FROM briefing_titles ORDER BY id DESC LIMIT {int(walk)}) AS b "
        "WHERE titles @@ $1::text::tsquery ORDER BY id DESC LIMIT $2), "
        "newest AS (SELECT id, title, published_at FROM walked WHERE (SELECT count(*) FROM walked) >= $2 "
        "UNION ALL (SELECT id, title, published_at FROM briefing_titles WHERE titles @@ $1::text::tsquery "
        "AND (SELECT count(*) FROM walked) < $2 ORDER BY id + 0 DESC LIMIT $2)) "
    )


class PostgresArchive(PostgresConnection):
    """``storage.interface.Archive`` over PostgreSQL."""

    # -- writes -----------------------------------------------------------------

    async def add_briefings(
        self, items: Iterable[tuple[Draft, Analysis]], *, now: datetime | None = None
    ) -> list[AddOutcome]:
        """Store each draft once; a repeat (same source URL or same normalised
        title and body) is reported as a duplicate of the stored id.

        The batch is one transaction: a crash stores all or nothing.
        """
        stamp = now_stamp(now)
        pairs = list(items)
        docs = await asyncio.to_thread(lambda: [_writes.documents(d, a) for d, a in pairs])
        async with self._writing() as db:
            return [
                await _writes.insert(db, d, a, doc, stamp) for (d, a), doc in zip(pairs, docs, strict=True)
            ]

    async def add_briefing(
        self, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> AddOutcome:
        return (await self.add_briefings([(draft, analysis)], now=now))[0]

    async def update_briefing(
        self, briefing_id: int, draft: Draft, analysis: Analysis, *, now: datetime | None = None
    ) -> Briefing:
        """Replace a briefing's text and analysis, keeping its id; ``corrected_at`` is set
        if copies were already posted, so readers see the record was corrected."""
        stamp = now_stamp(now)
        fp = fingerprint(draft.title, draft.body)
        async with self._writing() as db:
            if await db.fetchval("SELECT id FROM briefings WHERE id = $1", briefing_id) is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            clash = await _writes.find_duplicate(db, draft, fp, exclude_id=briefing_id)
            if clash is not None:
                raise StorageError(f"briefing #{clash[0]} ({clash[1]!r}) already has this source URL or text")
            posted = await db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM deliveries WHERE briefing_id = $1 AND state = 'sent')",
                briefing_id,
            )
            await _writes.update(db, briefing_id, draft, analysis, fp, stamp, bool(posted))
        briefing = await self.get_briefing(briefing_id, include_embargoed=True)
        assert briefing is not None
        return briefing

    async def quote_corrections(self, briefing_id: int) -> list[QuoteCorrection]:
        async with self._reading() as db:
            return await _writes.corrections(db, briefing_id)

    async def set_quote_correction(
        self,
        briefing_id: int,
        correction: QuoteCorrection,
        *,
        editor_id: int | None,
        now: datetime | None = None,
    ) -> None:
        stamp = now_stamp(now)
        async with self._writing() as db:
            if await db.fetchval("SELECT 1 FROM briefings WHERE id = $1", briefing_id) is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            if correction.kind is CorrectionKind.KEY:
                await db.execute(
                    "DELETE FROM quote_corrections WHERE briefing_id = $1 AND kind = 'key'", briefing_id
                )
            # Replaced, not updated: a correction made again counts as made now, last in order.
            await db.execute(
                "DELETE FROM quote_corrections WHERE briefing_id = $1 AND quote_text = $2 AND kind = $3",
                briefing_id,
                correction.quote_text,
                correction.kind.value,
            )
            await db.execute(
                "INSERT INTO quote_corrections "
                "(briefing_id, quote_text, kind, speaker, speaker_role, editor_id, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                briefing_id,
                correction.quote_text,
                correction.kind.value,
                correction.speaker,
                correction.speaker_role,
                editor_id,
                stamp,
            )

    async def remove_quote_corrections(self, briefing_id: int, quote_text: str) -> int:
        return await self._write(
            "DELETE FROM quote_corrections WHERE briefing_id = $1 AND quote_text = $2",
            briefing_id,
            quote_text,
        )

    async def remove_briefing(self, briefing_id: int) -> list[tuple[int, int]]:
        """Delete a briefing; return the (channel_id, message_id) of its posted copies
        so the caller can offer to delete them."""
        async with self._writing() as db:
            if await db.fetchval("SELECT id FROM briefings WHERE id = $1", briefing_id) is None:
                raise NotFoundError(f"no briefing with id {briefing_id}")
            posted = await db.fetch(
                "SELECT channel_id, message_id FROM deliveries "
                "WHERE briefing_id = $1 AND state = 'sent' AND message_id IS NOT NULL ORDER BY id",
                briefing_id,
            )
            await _writes.delete_children(db, briefing_id)
            await db.execute("DELETE FROM speakers WHERE quote_count <= 0")
            await db.execute("DELETE FROM briefings WHERE id = $1", briefing_id)
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
                "greatest(meta.value::bigint, excluded.value::bigint)::text",
                constants.META_HIGHEST_REMOVED_ID,
                str(briefing_id),
            )
            # Pending deliveries of a removed briefing must never be sent.
            await db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'briefing removed' "
                "WHERE briefing_id = $1 AND state = 'pending'",
                briefing_id,
            )
            return [(int(r[0]), int(r[1])) for r in posted]

    # -- reads ------------------------------------------------------------------

    async def _briefings(self, clauses: str, *args: Any) -> list[Briefing]:
        """The briefings ``SELECT ... FROM briefings {clauses}`` selects, with their quotes."""
        return [
            _briefing(r)
            for r in await self._fetch(
                f"SELECT {_BRIEFING_COLUMNS}, {_QUOTES_COLUMN} FROM briefings {clauses}", *args
            )
        ]

    async def get_briefing(
        self, briefing_id: int, *, include_embargoed: bool = False, now: datetime | None = None
    ) -> Briefing | None:
        if include_embargoed:
            found = await self._briefings("WHERE id = $1", briefing_id)
        else:
            found = await self._briefings(
                "WHERE id = $1 AND published_at <= $2",
                briefing_id,
                now_stamp(now),
            )
        return found[0] if found else None

    async def get_briefings(self, ids: Sequence[int]) -> list[Briefing]:
        """Briefings by id, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        found = await self._briefings("WHERE id = ANY($1::bigint[])", list(ids))
        by_id = {b.id: b for b in found}
        return [by_id[i] for i in ids if i in by_id]

    async def latest(
        self, count: int = 1, *, topic: str | None = None, now: datetime | None = None
    ) -> list[Briefing]:
        """The newest published briefings, optionally only those tagged ``topic``."""
        stamp = now_stamp(now)
        if topic:
            tag = topic.strip().casefold()
            if "\x00" in tag:
                return []
            return await self._briefings(
                "WHERE id IN ("
                "SELECT briefing_id FROM briefing_tags WHERE tag = $1 AND published_at <= $2 "
                "ORDER BY published_at DESC, briefing_id DESC LIMIT $3) "
                "ORDER BY published_at DESC, id DESC",
                tag,
                stamp,
                count,
            )
        return await self._briefings(
            "WHERE published_at <= $1 ORDER BY published_at DESC, id DESC LIMIT $2",
            stamp,
            count,
        )

    async def list_briefings(
        self, *, limit: int = 20, offset: int = 0, include_embargoed: bool = True, now: datetime | None = None
    ) -> list[BriefingRef]:
        if include_embargoed:
            rows = await self._fetch(
                "SELECT id, title, published_at FROM briefings "
                "ORDER BY published_at DESC, id DESC LIMIT $1 OFFSET $2",
                limit,
                offset,
            )
        else:
            rows = await self._fetch(
                "SELECT id, title, published_at FROM briefings WHERE published_at <= $3 "
                "ORDER BY published_at DESC, id DESC LIMIT $1 OFFSET $2",
                limit,
                offset,
                now_stamp(now),
            )
        return [_ref(r) for r in rows]

    async def count_briefings(self) -> int:
        """How many briefings are stored (for tests; not part of ``Storage``)."""
        return int(await self._fetchval("SELECT count(*) FROM briefings"))

    async def max_briefing_id(self) -> int:
        return int(await self._fetchval("SELECT coalesce(max(id), 0) FROM briefings"))

    async def titles_matching(
        self, text: str, *, limit: int = 25, include_embargoed: bool = False, now: datetime | None = None
    ) -> list[BriefingRef]:
        """Autocomplete by title: newest first, any typed word (prefix) may match.

        As on SQLite, the newest matches by id form a window (4x the choices asked for,
        at most ``AUTOCOMPLETE_WINDOW``) that is then sorted by publish time, so the cost
        is bounded by the window, not by how many titles share a short prefix."""
        limit = min(limit, 25)
        # $1, $2, $3 are the statement's own; the publish time, when it counts, is the last.
        embargo: list[Any] = [] if include_embargoed else [now_stamp(now)]
        query = parse(text, stemmed=False, prefix_last=True)
        if query is None:
            visible = "" if include_embargoed else "WHERE published_at <= $2 "
            rows = await self._fetch(
                f"SELECT id, title, published_at FROM briefings {visible}"
                "ORDER BY published_at DESC, id DESC LIMIT $1",
                limit,
                *embargo,
            )
            return [_ref(r) for r in rows]
        tsquery = query.tsquery()
        if tsquery is None:
            return []
        window = min(AUTOCOMPLETE_WINDOW, max(25, 4 * limit))
        visible = "" if include_embargoed else "WHERE published_at <= $4 "
        one_word = len(query.include) == 1 and not query.exclude
        newest = _NEWEST_TITLES if one_word else _newest_titles_walked(TITLE_WALK)
        rows = await self._fetch(
            f"{newest}SELECT id, title, published_at FROM newest "
            f"{visible}ORDER BY published_at DESC, id DESC LIMIT $3",
            tsquery,
            window,
            limit,
            *embargo,
        )
        return [_ref(r) for r in rows]

    async def search(
        self, query: str, *, limit: int = 5, offset: int = 0, now: datetime | None = None
    ) -> tuple[list[SearchHit], int]:
        """Ranked full-text search with a highlighted snippet; returns (page, total).

        A query matching more than ``SEARCH_WINDOW`` briefings ranks only the newest
        ``SEARCH_WINDOW`` of them and reports that many as the total.
        """
        parsed = parse(query, stemmed=True, prefix_last=False)
        if parsed is None:
            return [], 0
        tsquery = parsed.tsquery()
        if tsquery is None:
            return [], 0
        stamp = now_stamp(now)
        window = constants.SEARCH_WINDOW
        found, total = await _search.search(
            self._fetch, parsed, tsquery, now=stamp, limit=limit, offset=offset, window=window
        )
        hits = [
            SearchHit(BriefingRef(h.id, h.title, h.published_at), h.source_url, h.snippet, h.rank)
            for h in found
        ]
        return hits, total

    # -- quotes and speakers -------------------------------------------------------

    async def speakers_matching(self, text: str, *, limit: int = 25) -> list[tuple[str, str | None]]:
        """Speakers whose name has a word starting with what was typed, most quoted first."""
        limit = min(limit, 25)
        term = text.strip().casefold()
        if "\x00" in term:
            return []
        if not term:
            rows = await self._fetch(
                "SELECT name, role FROM speakers WHERE quote_count > 0 ORDER BY quote_count DESC, name_key LIMIT $1",
                limit,
            )
        else:
            rows = await self._fetch(
                "SELECT s.name, s.role FROM speakers s WHERE s.quote_count > 0 AND s.id IN "
                "(SELECT speaker_id FROM speaker_terms WHERE term >= $1 AND term < $2) "
                "ORDER BY s.quote_count DESC, s.name_key LIMIT $3",
                term,
                term + "\U0010ffff",
                limit,
            )
        return [(r["name"], r["role"]) for r in rows]

    async def find_quotes(
        self,
        *,
        speaker: str | None = None,
        briefing_id: int | None = None,
        contains: str | None = None,
        limit: int = 3,
        now: datetime | None = None,
    ) -> list[QuoteHit]:
        """Key quotes, best first: by speaker (any part of the name), by briefing,
        and/or containing some words. No filter: the top quote of the newest briefing."""
        stamp = now_stamp(now)
        speaker_words: list[str] = []
        if speaker and speaker.strip():
            speaker_words = [w.casefold() for w in _quotes.NAME_WORD.findall(speaker)] or [
                speaker.strip().casefold()
            ]
        if any("\x00" in w for w in speaker_words):
            return []
        contains_words = _quotes.NAME_WORD.findall(contains) if contains and contains.strip() else []
        sql, args = _quotes.statement(
            speaker_words=speaker_words,
            briefing_id=briefing_id,
            contains_words=contains_words,
            text_filter=bool(speaker or contains),
            limit=limit,
            now=stamp,
        )
        rows = await self._fetch(sql, *args)
        return [
            QuoteHit(
                Quote(r[0], r[1], r[2], r[3], r[4], r[5], r[10]),
                BriefingRef(int(r[6]), r[7], r[8]),
                r[9],
            )
            for r in rows
        ]


def _briefing(row: asyncpg.Record) -> Briefing:
    """A briefing from its columns and its ``quotes`` array (``_QUOTES_COLUMN``)."""
    return Briefing(
        id=int(row["id"]),
        title=row["title"],
        body=row["body"],
        published_at=row["published_at"],
        source_url=row["source_url"],
        tags=tuple(row["tags"]),
        language=row["language"],
        summaries=Summaries(row["summary_short"], row["summary_standard"], row["summary_detailed"]),
        quotes=tuple(Quote(*q) for q in row["quotes"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        corrected_at=row["corrected_at"],
    )


def _ref(row: asyncpg.Record) -> BriefingRef:
    return BriefingRef(int(row["id"]), row["title"], row["published_at"])
