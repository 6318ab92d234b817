"""The search snippet, chosen and marked as SQLite's FTS5 ``snippet()`` does.

PostgreSQL's ``ts_headline`` re-parses the text with its own parser and knows nothing of
the terms ``_tokens`` computes (a stem, a Ukrainian word form), so it would mark the
wrong words or none. The page of a search is at most a few briefings, so their bodies
are cut into tokens here and FTS5's choice is repeated: the window of ``size`` tokens
that holds the most distinct query phrases (1,000 points each, 1 per repeat), preferring
one that starts a sentence (+100, or +120 at the very start), centred on what it found;
``…`` where the window cuts the text; each run of overlapping matches marked once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from storage.postgres._query import Phrase
from storage.postgres._tokens import Words

# A sentence ends at ``.`` or ``:`` followed by spaces; a token right after them starts one.
_SENTENCE_END = re.compile(r"[.:][ \t\n\r]+")


@dataclass(frozen=True, slots=True)
class _Hit:
    """One occurrence of query phrase ``phrase`` starting at token ``at``, ``size`` long."""

    at: int
    phrase: int
    size: int


def _matches(phrase: Phrase, terms: Sequence[str], at: int) -> bool:
    if at + len(phrase.terms) > len(terms):
        return False
    for offset, term in enumerate(phrase.terms):
        word = terms[at + offset]
        last = offset == len(phrase.terms) - 1
        if not (word == term or (last and phrase.prefix and word.startswith(term))):
            return False
    return True


def _hits(phrases: Sequence[Phrase], terms: Sequence[str]) -> list[_Hit]:
    """Every occurrence of every phrase, by position, then by phrase."""
    by_first: dict[str, list[int]] = {}
    prefixed: list[int] = []  # one-term prefixes: any term may start with them
    for index, phrase in enumerate(phrases):
        if phrase.prefix and len(phrase.terms) == 1:
            prefixed.append(index)
        elif phrase.terms:
            by_first.setdefault(phrase.terms[0], []).append(index)
    found = []
    # Without a prefix, only a term some phrase starts with can start an occurrence.
    starting = range(len(terms)) if prefixed else [at for at, word in enumerate(terms) if word in by_first]
    for at in starting:
        word = terms[at]
        candidates = sorted(by_first.get(word, []) + prefixed) if prefixed else by_first[word]
        for index in candidates:
            if _matches(phrases[index], terms, at):
                found.append(_Hit(at, index, len(phrases[index].terms)))
    return found


def _sentence_starts(text: str, words: Words) -> list[int]:
    """Tokens that begin a sentence: the first, and any after ``.`` or ``:`` and a space."""
    starts = words.starts()
    found = [0] if starts else []
    for end in (m.end() for m in _SENTENCE_END.finditer(text)):
        index = bisect_left(starts, end)
        if index and index < len(starts) and starts[index] == end:
            found.append(index)
    return found


def _score(hits: Sequence[_Hit], start: int, size: int, n_words: int) -> tuple[int, int]:
    """The score of the window starting at ``start``, and that window recentred on what it holds."""
    seen: set[int] = set()
    score = 0
    first = -1
    last = 0
    for hit in hits:
        if start <= hit.at < start + size:
            score += 1 if hit.phrase in seen else 1000
            seen.add(hit.phrase)
            if first < 0:
                first = hit.at
            last = hit.at + hit.size
    spare = size - (last - first)
    adjusted = first - int(spare / 2)  # C division: towards zero
    if adjusted + size > n_words:
        adjusted = n_words - size
    return score, max(adjusted, 0)


def _best_start(text: str, words: Words, hits: Sequence[_Hit], size: int) -> int:
    starts = _sentence_starts(text, words)
    best_score, best_start = 0, 0
    for hit in hits:
        score, adjusted = _score(hits, hit.at, size, len(words))
        if score > best_score:
            best_score, best_start = score, adjusted
        if starts and len(words) > size:
            index = 0
            while index < len(starts) - 1 and starts[index + 1] <= hit.at:
                index += 1
            sentence = starts[index]
            if sentence < hit.at:
                score, _ = _score(hits, sentence, size, len(words))
                score += 120 if sentence == 0 else 100
                if score > best_score:
                    best_score, best_start = score, sentence
    return best_start


def _runs(hits: Sequence[_Hit]) -> list[tuple[int, int]]:
    """Overlapping occurrences merged: (first token, last token) of each run."""
    runs: list[tuple[int, int]] = []
    for hit in hits:
        end = hit.at + hit.size - 1
        if runs and hit.at <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((hit.at, end))
    return runs


def snippet(text: str, phrases: Sequence[Phrase], *, start: str, end: str, ellipsis: str, size: int) -> str:
    """A window of about ``size`` words of ``text`` around the query's phrases, each run
    of matched words between ``start`` and ``end``."""
    words = Words(text, stemmed=True)
    hits = _hits(phrases, words.terms)
    first = _best_start(text, words, hits, size)
    last = first + size - 1
    runs = _runs(hits)
    run = 0
    while run < len(runs) and runs[run][0] < first:
        run += 1
    out = [ellipsis] if first > 0 else []
    offset = 0
    for index in range(first, min(last, len(words) - 1) + 1):
        word_start, word_end = words.start(index), words.end(index)
        if first and index == first:
            offset = word_start
        current = runs[run] if run < len(runs) else (-1, -1)
        if index == current[0]:
            out += [text[offset:word_start], start]
            offset = word_start
        if index == current[1]:
            if current[0] < first:
                out.append(start)
            out += [text[offset:word_end], end]
            offset = word_end
            run += 1
            current = runs[run] if run < len(runs) else (-1, -1)
        if index == last:
            out.append(text[offset:word_end])
            offset = word_end
            if current[0] <= index < current[1]:
                out.append(end)
    out.append(text[offset:] if last >= len(words) - 1 else ellipsis)
    return "".join(out)
