"""Words as SQLite's FTS5 ``unicode61 remove_diacritics 2`` tokenizer cuts and folds
them, so that PostgreSQL's index holds the same terms as SQLite's.

PostgreSQL's own parser splits text differently (it keeps e-mail addresses, URLs and
hyphenated words whole, and its idea of a letter depends on the server's locale), and it
has no Ukrainian dictionary at all. The PostgreSQL backend therefore computes the terms
here, in Python, and hands PostgreSQL finished ``tsvector``/``tsquery`` values under the
``simple`` configuration: the same briefing is found by the same words on both backends.

A token is a run of letters, digits and private-use characters (Unicode categories L*,
N*, Co); a few combining accents inside a word belong to it. Folding lower-cases, drops
those accents, and strips accents from Latin letters ("café" -> "cafe") but not from
Cyrillic ones ("й", "ї" and "ё" stay). The search index also stems each token with
Porter (``_porter``); title autocomplete does not, as on SQLite. Letters whose case
mapping Unicode added after SQLite's tables (a few dozen, none Latin-1, Ukrainian or
Russian) may fold differently.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from storage.postgres._porter import stem

# Combining accents that FTS5 folds into the word they follow (and removes).
_ACCENTS = "\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331"
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
# ``[^\W_]`` is a letter or digit (Python's ``\w`` less the underscore).
_TOKEN = re.compile(rf"(?:[^\W_]|[{_PRIVATE}])(?:[^\W_]|[{_PRIVATE}{_ACCENTS}])*")
_STRIP = re.compile(f"[{_ACCENTS}]")
# Where SQLite's tables differ from Python's lower-casing and accent stripping.
_FOLD_EXCEPTIONS = {"İ": "i", "Ǡ": "ǡ", "ǡ": "ǡ"}
# Cyrillic letters whose case folding Unicode added after SQLite's tables.
_UNFOLDED = range(0x1C80, 0x1C89)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _FOLD_EXCEPTIONS:
        return _FOLD_EXCEPTIONS[ch]
    low = ch.lower()
    if len(low) != 1:
        low = ch
    folded = low.casefold()
    if len(folded) == 1 and ord(low) not in _UNFOLDED:
        low = folded
    if low.isascii() or not unicodedata.name(low, "").startswith("LATIN"):
        return low
    parts = unicodedata.normalize("NFD", low)
    if len(parts) > 1 and parts[0].isascii() and all(unicodedata.combining(p) for p in parts[1:]):
        return parts[0]
    return low


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A token's characters as FTS5 folds them (lower case, accents removed)."""
    if word.isascii():
        return word.lower()
    return "".join(_fold_char(ch) for ch in _STRIP.sub("", word))


@lru_cache(maxsize=65536)
def search_term(word: str) -> str:
    """A token as the search index holds it: folded, then stemmed."""
    return stem(fold(word))


def terms(text: str, *, stemmed: bool) -> list[str]:
    """The terms of ``text`` in order (``Words`` without the offsets)."""
    normalise = search_term if stemmed else fold
    return [normalise(word) for word in _TOKEN.findall(text)]


class Words:
    """Every word of a text in order: ``terms[i]`` is its term, ``start(i)`` and ``end(i)``
    where it stands (character offsets).

    A search snippet cuts each body of its page into hundreds of words and needs the offsets
    of a few dozen, so each word's offsets stay in its regular-expression match until asked
    for, and the terms are computed in one pass over the matches."""

    __slots__ = ("_found", "terms")

    def __init__(self, text: str, *, stemmed: bool) -> None:
        self._found = list(_TOKEN.finditer(text))
        normalise = search_term if stemmed else fold
        self.terms: list[str] = list(map(normalise, map(re.Match.group, self._found)))

    def __len__(self) -> int:
        return len(self.terms)

    def start(self, index: int) -> int:
        return self._found[index].start()

    def end(self, index: int) -> int:
        return self._found[index].end()

    def starts(self) -> list[int]:
        """Where each word starts."""
        return list(map(re.Match.start, self._found))
