"""Other forms of a word a reader typed, for /search and for keyword subscriptions.

A reader who asks for "contracts", "sanction" or "Київ" means the briefing that says
"contract", "sanctioned" or "Києва". English is stemmed inside the search index (Porter,
storage migration 0008); keyword filters run in Python over the text and accept the common
English inflections of the typed word. A Ukrainian or Russian word matches the forms of its
own lexeme, from the pymorphy3 morphological dictionaries: "контракти" finds "контрактів"
and never "контрактник", which is another word.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

# Every Ukrainian-only and Russian-only letter lies inside this block.
CYRILLIC = re.compile("[\u0400-\u04ff]")

_UK_ONLY = re.compile("[іїєґ]")
_RU_ONLY = re.compile("[ыэъё]")


@cache
def morph_analyzer(language: str) -> MorphAnalyzer:
    """Loaded on first use (about 0.2 s and 15 MB a language), then shared."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


def warm_up() -> None:
    """Load both dictionaries now (for a thread at start-up), so the first Ukrainian or Russian
    search, keyword or briefing does not wait for them."""
    for language in ("uk", "ru"):
        morph_analyzer(language)


@lru_cache(maxsize=16384)
def cyrillic_forms(word: str) -> tuple[str, ...] | None:
    """Every form of a Ukrainian or Russian word's lexeme, lower case, longest first;
    ``None`` for a word that is not Cyrillic. A word that is its own dictionary form
    ("мир", "київ") keeps to the lexemes it heads, so "київ" is not also "кий" (a cue).
    """
    if not CYRILLIC.search(word):
        return None
    low = word.lower()
    languages = ["uk"] if _UK_ONLY.search(low) else ["ru"] if _RU_ONLY.search(low) else ["uk", "ru"]
    forms = {low}
    for language in languages:
        parses = morph_analyzer(language).parse(low)
        heads = [p for p in parses if p.normal_form == low.replace("ё", "е") or p.normal_form == low]
        if not heads:
            best = max((p.score for p in parses), default=0.0)
            heads = [p for p in parses if p.score >= best]
        for parse in heads:
            forms.update(f.word for f in parse.lexeme)
    forms |= {f.replace("ё", "е") for f in forms}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


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
    forms = cyrillic_forms(last)
    if forms is not None:
        tail = "(?:" + "|".join(re.escape(f) for f in forms) + ")"
    elif last.isascii() and last.isalpha() and len(last) >= 3:
        tail = _english_forms(last)
    else:
        tail = re.escape(last)
    return re.compile(r"(?<!\w)" + r"\s+".join([*head, tail]) + r"(?!\w)", re.IGNORECASE)
