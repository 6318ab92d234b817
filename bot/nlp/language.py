"""Language detection for the three languages the newsroom publishes in.

A script-and-letter heuristic is enough here: Ukrainian and Russian share Cyrillic
but each has letters the other lacks, and anything mostly Latin is treated as
English. A statistical detector would add a dependency for no gain on these three.
"""

from __future__ import annotations

import re

from bot.wordforms import CYRILLIC

# Letters are counted with regular expressions (C loops), not a Python loop per character;
# ``[A-Za-z]`` is exactly ``ch.isascii() and ch.isalpha()``.
_LATIN = re.compile("[A-Za-z]")
_UK_ONLY = re.compile("[іїєґІЇЄҐ]")
_RU_ONLY = re.compile("[ыэъёЫЭЪЁ]")


def detect_language(text: str) -> str:
    """Return ``"en"``, ``"uk"`` or ``"ru"`` for ``text``."""
    if text.isascii():
        return "en"  # no Cyrillic letter; isascii is one C pass, far cheaper than a regex scan
    cyrillic = len(CYRILLIC.findall(text))
    if cyrillic == 0:
        return "en"
    latin = len(_LATIN.findall(text))
    if cyrillic <= latin:
        return "en"
    uk = len(_UK_ONLY.findall(text))
    ru = len(_RU_ONLY.findall(text))
    return "uk" if uk >= ru and uk > 0 else "ru" if ru > 0 else "uk"
