"""Other forms of a word a reader typed, for /search and for keyword subscriptions.

A reader who asks for "contracts", "sanction" or "зерно" means the briefing that says
"contract", "sanctioned" or "зерна". English is stemmed inside the search index (Porter,
storage migration 0008); keyword filters run in Python over the text and accept the common
English inflections of the typed word. Ukrainian and Russian words are matched by their
stem, the word without its inflectional ending, in both places.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Every Ukrainian-only and Russian-only letter lies inside this block.
CYRILLIC = re.compile("[\u0400-\u04ff]")

# Inflectional endings of Ukrainian and Russian nouns and adjectives, longest first.
_CYR_ENDINGS = tuple(
    sorted(
        set(
            """
            ових евих ами ями ого его ому ему ими ыми ові еві ою ею ов ев ів їв ей ий ій ый ой
            ая яя ое ее ие ые ых их ую юю ам ям ах ях ом ем а я о е и і ї у ю ь ы й є
            """.split()
        ),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 4


def cyrillic_stem(word: str) -> str | None:
    """The lower-case stem of a Ukrainian or Russian word, matched as a prefix: "зерно" ->
    "зерн", and "тариф" (a stem already) -> "тариф", so "тарифи" is found. ``None`` to match
    the word whole: not Cyrillic, or shorter than four letters ("мир")."""
    if not CYRILLIC.search(word):
        return None
    low = word.lower()
    for ending in _CYR_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= _MIN_STEM:
            return low[: -len(ending)]
    return low if len(low) >= _MIN_STEM else None


def _english_forms(word: str) -> str:
    """A pattern for an English word and its inflections: "tariff" -> tariffs, "sanction" ->
    sanctioned, "plan" -> planned, "subsidy" -> subsidies, "taxes" -> tax."""
    low = word.lower()
    bases = {low}
    if low.endswith("ies") and len(low) > 4:
        bases.add(low[:-3] + "y")
    elif low.endswith(("ses", "xes", "zes", "ches", "shes")) and len(low) > 4:
        bases.add(low[:-2])
    elif low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        bases.add(low[:-1])
    forms = []
    for base in sorted(bases):
        if base.endswith("y") and len(base) > 3 and base[-2] not in "aeiou":
            forms.append(re.escape(base[:-1]) + "(?:y|ies|ied|ying)")
        elif base.endswith("e"):
            forms.append(re.escape(base[:-1]) + "(?:e|es|ed|ing)")
        else:
            last = re.escape(base[-1])
            forms.append(re.escape(base) + f"(?:s|es|{last}?ed|{last}?ing)?")
    return "(?:" + "|".join(forms) + ")(?:['’]s)?"


@lru_cache(maxsize=4096)
def keyword_pattern(phrase: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive pattern for a subscription keyword; its last word may take
    any of its forms ("power grid" finds "power grids", never "gridlock")."""
    words = phrase.split()
    head = [re.escape(w) for w in words[:-1]]
    last = words[-1]
    stem = cyrillic_stem(last)
    if stem is not None:
        tail = re.escape(stem) + r"\w*"
    elif last.isascii() and last.isalpha() and len(last) >= 3:
        tail = _english_forms(last)
    else:
        tail = re.escape(last)
    return re.compile(r"(?<!\w)" + r"\s+".join([*head, tail]) + r"(?!\w)", re.IGNORECASE)
