"""The Porter stemmer as SQLite's FTS5 ``porter`` tokenizer applies it, so that a word
stems to the same term on PostgreSQL as on SQLite ("contracts" and "contract" meet).

PostgreSQL's ``english_stem`` is Snowball (Porter2), which stems some words differently
and drops stop words; the search index here is built from terms this module computes, so
a search finds the same briefings on both backends. The rules are Porter's (1980) with
FTS5's details: it works on the UTF-8 bytes of a lower-cased token, leaves tokens shorter
than 3 or longer than 64 bytes alone, and counts ``y`` after any letter as a vowel when it
looks for a vowel in a stem (``*v*``). Non-ASCII bytes are consonants, so Cyrillic words
pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_MIN_BYTES = 3
_MAX_BYTES = 64
_VOWELS = frozenset(b"aeiou")
_Y = ord("y")

Condition = Callable[[bytes], bool]


def _vowel(c: int, y_is_vowel: bool) -> bool:
    return c in _VOWELS or (y_is_vowel and c == _Y)


def _vc_end(stem: bytes, after_consonant: bool) -> int:
    """The length of the shortest prefix of ``stem`` that holds a vowel followed by a
    consonant (one "VC" of Porter's measure), or 0 when there is none."""
    consonant = after_consonant
    i = 0
    while i < len(stem):
        consonant = not _vowel(stem[i], consonant)
        if not consonant:
            break
        i += 1
    for j in range(i + 1, len(stem)):
        consonant = not _vowel(stem[j], consonant)
        if consonant:
            return j + 1
    return 0


def _m_gt0(stem: bytes) -> bool:
    return _vc_end(stem, False) > 0


def _m_gt1(stem: bytes) -> bool:
    first = _vc_end(stem, False)
    return first > 0 and _vc_end(stem[first:], True) > 0


def _m_eq1(stem: bytes) -> bool:
    first = _vc_end(stem, False)
    return first > 0 and _vc_end(stem[first:], True) == 0


def _cvc(stem: bytes) -> bool:
    """Porter's ``*o``: the stem ends consonant, vowel, consonant, the last not w, x or y."""
    if not stem or stem[-1] in b"wxy":
        return False
    flags = []
    consonant = False
    for c in stem:
        consonant = not _vowel(c, consonant)
        flags.append(consonant)
    return flags[-3:] == [True, False, True]


def _has_vowel(stem: bytes) -> bool:
    """Porter's ``*v*``, as FTS5 tests it: ``y`` is a vowel anywhere but first."""
    return any(_vowel(c, i > 0) for i, c in enumerate(stem))


def _m_gt1_s_or_t(stem: bytes) -> bool:
    return bool(stem) and stem[-1] in b"st" and _m_gt1(stem)


Rule = tuple[bytes, Condition, bytes]


def _rules(condition: Condition, pairs: Sequence[tuple[str, str]]) -> tuple[Rule, ...]:
    return tuple((suffix.encode(), condition, replacement.encode()) for suffix, replacement in pairs)


_STEP2 = _rules(
    _m_gt0,
    [
        ("ational", "ate"),
        ("tional", "tion"),
        ("enci", "ence"),
        ("anci", "ance"),
        ("izer", "ize"),
        ("logi", "log"),
        ("bli", "ble"),
        ("alli", "al"),
        ("entli", "ent"),
        ("eli", "e"),
        ("ousli", "ous"),
        ("ization", "ize"),
        ("ation", "ate"),
        ("ator", "ate"),
        ("alism", "al"),
        ("iveness", "ive"),
        ("fulness", "ful"),
        ("ousness", "ous"),
        ("aliti", "al"),
        ("iviti", "ive"),
        ("biliti", "ble"),
    ],
)
_STEP3 = _rules(
    _m_gt0,
    [
        ("ical", "ic"),
        ("ness", ""),
        ("icate", "ic"),
        ("iciti", "ic"),
        ("ful", ""),
        ("ative", ""),
        ("alize", "al"),
    ],
)
_STEP4 = (
    *_rules(
        _m_gt1,
        [
            ("al", ""),
            ("ance", ""),
            ("ence", ""),
            ("er", ""),
            ("ic", ""),
            ("able", ""),
            ("ible", ""),
            ("ant", ""),
            ("ement", ""),
            ("ment", ""),
            ("ent", ""),
        ],
    ),
    *_rules(_m_gt1_s_or_t, [("ion", "")]),
    *_rules(
        _m_gt1,
        [("ou", ""), ("ism", ""), ("ate", ""), ("iti", ""), ("ous", ""), ("ive", ""), ("ize", "")],
    ),
)


def _apply(word: bytes, rules: Sequence[Rule]) -> bytes:
    """The first rule whose suffix ends ``word`` (leaving a stem of at least one byte)
    decides: its replacement if the stem meets its condition, else ``word`` unchanged."""
    for suffix, condition, replacement in rules:
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if condition(stem) else word
    return word


def _step1a(word: bytes) -> bytes:
    if not word.endswith(b"s"):
        return word
    if word.endswith(b"es"):
        if (len(word) > 4 and word.endswith(b"sses")) or (len(word) > 3 and word.endswith(b"ies")):
            return word[:-2]
        return word[:-1]
    if not word.endswith(b"ss"):
        return word[:-1]
    return word


def _step1b(word: bytes) -> bytes:
    if len(word) > 3 and word.endswith(b"eed"):
        return word[:-1] if _m_gt0(word[:-3]) else word
    for suffix in (b"ed", b"ing"):
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            if _has_vowel(stem):
                return _step1b_tidy(stem)
            return word
    return word


def _step1b_tidy(stem: bytes) -> bytes:
    """After "ed" or "ing" went: "at" -> "ate", a doubled consonant undoubled, and so on."""
    for suffix, replacement in ((b"at", b"ate"), (b"bl", b"ble"), (b"iz", b"ize")):
        if len(stem) > len(suffix) and stem.endswith(suffix):
            return stem[: -len(suffix)] + replacement
    last = stem[-1]
    if len(stem) > 1 and not _vowel(last, False) and last not in b"lsz" and last == stem[-2]:
        return stem[:-1]
    if _m_eq1(stem) and _cvc(stem):
        return stem + b"e"
    return stem


def stem(token: str) -> str:
    """``token`` (already folded to lower case) as FTS5's porter tokenizer stems it."""
    word = token.encode("utf-8")
    if not _MIN_BYTES <= len(word) <= _MAX_BYTES:
        return token
    word = _step1b(_step1a(word))
    if word.endswith(b"y") and _has_vowel(word[:-1]):
        word = word[:-1] + b"i"
    word = _apply(_apply(_apply(word, _STEP2), _STEP3), _STEP4)
    if word.endswith(b"e"):
        head = word[:-1]
        if _m_gt1(head) or (_m_eq1(head) and not _cvc(head)):
            word = head
    if len(word) > 1 and word.endswith(b"ll") and _m_gt1(word[:-1]):
        word = word[:-1]
    # Only ASCII suffixes change, so the bytes stay UTF-8 but for a doubled byte undoubled
    # inside a multi-byte character: replaced, as the same word always is.
    return word.decode("utf-8", "replace")
