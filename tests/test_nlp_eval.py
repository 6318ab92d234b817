"""Our own evaluation set: quote and summary quality must not regress."""

from __future__ import annotations

import pytest

from bench._nlp_data import load_own
from bench._nlp_metrics import QuoteCounts, score_quotes
from bot.nlp import analyze

DOCS = load_own()


def test_eval_set_is_big_enough() -> None:
    """The benchmark would measure too little to mean anything if the set shrank."""
    assert len(DOCS) >= 40
    assert {d.language for d in DOCS} == {"en", "uk", "ru"}


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_quote_metrics_floor(language: str) -> None:
    """Quotes would be missed, invented or misattributed in /quote if these metrics regressed."""
    counts = QuoteCounts()
    for d in DOCS:
        if d.language == language:
            counts.add(score_quotes(d, analyze(d.title, d.body, d.language).quotes))
    assert counts.precision >= 0.95
    assert counts.recall >= 0.95
    assert counts.speaker_acc >= 0.95


def test_summaries_are_verbatim() -> None:
    """A summary could contain text that is not in the briefing if this broke."""
    for d in DOCS:
        s = analyze(d.title, d.body, d.language).summaries
        for part in (s.short, s.standard, s.detailed):
            assert part
            first = part[:30]
            assert first in d.body, (d.id, first)
