"""A briefing's full-text documents as ``tsvector`` literals built from ``_tokens``'s terms.

``search`` (kept in ``briefing_search``): title (weight A), summary (B), quotes (C), body
(D) and tags (B), in that order, the columns of SQLite's index with its bm25 weights (10,
4, 3, 1, 5) folded into PostgreSQL's four weight classes. Each term carries its positions,
so ``<->`` finds a quoted phrase; a gap of one position between columns keeps a phrase
from spanning two. ``titles`` (a column of ``briefings``): the title's unstemmed terms,
for autocomplete by prefix.

PostgreSQL's own limits apply: positions stop at 16,383 and a term keeps at most 256 of
them, so a phrase deep inside a very long briefing may not be found on this backend; a
term longer than 2,047 bytes cannot be indexed and is left out; and a document must stay
under 1 MB, so a briefing whose terms would pass that keeps its terms without positions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from storage.postgres._query import MAX_TERM_BYTES
from storage.postgres._tokens import terms

log = logging.getLogger(__name__)

MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 256
# tsvector's limit is 1 MiB; the estimate below leaves room for its headers.
MAX_DOCUMENT_BYTES = 1_000_000


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _literal(columns: Iterable[tuple[str, str]], *, stemmed: bool) -> str:
    """A tsvector literal of ``(text, weight)`` columns, positions running on across them."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in columns:
        for term in terms(text, stemmed=stemmed):
            position += 1
            if len(term.encode()) > MAX_TERM_BYTES:
                continue
            found = positions.setdefault(term, [])
            if len(found) < MAX_POSITIONS_PER_TERM and position <= MAX_POSITION:
                found.append(f"{position}{weight}")
        position += 1  # a phrase never spans two columns
    size = sum(len(t.encode()) + 8 + 2 * len(p) for t, p in positions.items())
    if size > MAX_DOCUMENT_BYTES:
        log.warning("a briefing's search document is too large for positions; indexing its terms only")
        kept: list[str] = []
        size = 0
        for term in positions:
            size += len(term.encode()) + 8
            if size > MAX_DOCUMENT_BYTES:
                break
            kept.append(_quoted(term))
        return " ".join(kept)
    return " ".join(
        _quoted(term) + (":" + ",".join(found) if found else "") for term, found in positions.items()
    )


def search_document(
    title: str, summary: str, quotes: Sequence[tuple[str | None, str]], body: str, tags: Sequence[str]
) -> str:
    """The search document (``briefing_search.search``): the same five columns SQLite
    indexes (quotes as "speaker: text" lines), stemmed."""
    quote_lines = "\n".join(f"{speaker or ''}: {text}" for speaker, text in quotes)
    return _literal(
        [(title, "A"), (summary, "B"), (quote_lines, "C"), (body, "D"), (" ".join(tags), "B")], stemmed=True
    )


def title_document(title: str) -> str:
    """The ``titles`` column of ``briefings``: the title's words as typed (folded, not stemmed)."""
    return _literal([(title, "A")], stemmed=False)
