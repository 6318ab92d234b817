"""Language detection for the three languages the newsroom publishes in.

A script-and-letter heuristic is enough here: Ukrainian and Russian share Cyrillic
but each has letters the other lacks, and anything mostly Latin is treated as
English. A statistical detector would add a dependency for no gain on these three.
"""

from __future__ import annotations

_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэъёЫЭЪЁ")


def detect_language(text: str) -> str:
    """Return ``"en"``, ``"uk"`` or ``"ru"`` for ``text``."""
    cyrillic = latin = uk = ru = 0
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
            if ch in _UK_ONLY:
                uk += 1
            elif ch in _RU_ONLY:
                ru += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if cyrillic <= latin:
        return "en"
    return "uk" if uk >= ru and uk > 0 else "ru" if ru > 0 else "uk"
