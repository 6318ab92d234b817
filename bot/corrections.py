"""Editors' corrections of a briefing's quotes, applied over the automatic analysis.

The analysis is recomputed whenever a briefing's text changes (and may change itself
when the quote rules improve); an editor's word must outlive both. So corrections are
stored apart, keyed by the quote's exact words rather than by its position or number,
and applied each time quotes are stored:

- ``speaker``: the quote is by this speaker (and role);
- ``drop``: the quote is not a quote;
- ``add``: words of the briefing the analysis missed are a quote by this speaker;
- ``key``: this is the briefing's key quote (shown on its card).

A correction whose words are no longer in the text (the editor rewrote them) no longer
applies, and the review lists it as stale so that it can be removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.models import Briefing, CorrectionKind, Quote, QuoteCorrection


@dataclass(frozen=True, slots=True)
class ReviewedQuote:
    """One line of an editor's review: the quote as readers see it, and why."""

    number: int
    quote: Quote
    dropped: bool = False
    corrected: bool = False  # speaker or role set by an editor
    added: bool = False
    key: bool = False

    @property
    def marks(self) -> list[str]:
        """What editors did to this quote, as words for a list: dropped, added, corrected, key."""
        states = (
            ("dropped", self.dropped),
            ("added", self.added),
            ("corrected", self.corrected),
            ("key", self.key),
        )
        return [mark for mark, on in states if on]


@dataclass(frozen=True, slots=True)
class QuoteReview:
    """A briefing's quotes as an editor reviews them."""

    briefing: Briefing
    quotes: list[ReviewedQuote]
    stale: list[QuoteCorrection]  # corrections whose words the text no longer has
    corrected: int = 0  # posted copies corrected by the last change
    queued: int = 0  # posted copies the dispatcher (another process) will correct shortly


KEY_SCORE = 1.0
_BELOW_KEY = 0.99


def apply_corrections(
    quotes: tuple[Quote, ...] | list[Quote], corrections: list[QuoteCorrection], body: str
) -> tuple[Quote, ...]:
    """The quotes readers get: the analysis with every correction that still applies."""
    return tuple(r.quote for r in review(quotes, corrections, body) if not r.dropped)


def review(
    quotes: tuple[Quote, ...] | list[Quote], corrections: list[QuoteCorrection], body: str
) -> list[ReviewedQuote]:
    """Every quote of the analysis and every added one, in text order and numbered, with
    the corrections applied and marked. Dropped quotes are listed too, so they can be
    brought back."""
    by_text: dict[str, dict[CorrectionKind, QuoteCorrection]] = {}
    for c in corrections:
        by_text.setdefault(c.quote_text, {})[c.kind] = c
    rows: list[ReviewedQuote] = []
    known = {q.text for q in quotes}
    for q in quotes:
        rows.append(_reviewed(q, by_text.get(q.text, {})))
    for c in corrections:
        if c.kind is not CorrectionKind.ADD or c.quote_text in known:
            continue
        start = body.find(c.quote_text)
        if start < 0:
            continue  # the words were edited away
        added = Quote(c.quote_text, c.speaker, c.speaker_role, start, start + len(c.quote_text), 0.5)
        rows.append(_reviewed(added, by_text.get(c.quote_text, {}), added=True))
        known.add(c.quote_text)
    rows.sort(key=lambda r: r.quote.start)
    if any(r.key and not r.dropped for r in rows):
        rows = [
            r if r.key else replace(r, quote=replace(r.quote, score=min(r.quote.score, _BELOW_KEY)))
            for r in rows
        ]
    return [replace(r, number=i) for i, r in enumerate(rows, start=1)]


def stale(corrections: list[QuoteCorrection], body: str) -> list[QuoteCorrection]:
    """Corrections whose words are no longer in the briefing's text."""
    return [c for c in corrections if c.quote_text not in body]


def _reviewed(
    quote: Quote, mine: dict[CorrectionKind, QuoteCorrection], *, added: bool = False
) -> ReviewedQuote:
    fix = mine.get(CorrectionKind.SPEAKER) or (mine.get(CorrectionKind.ADD) if added else None)
    if fix is not None:
        # An editor's attribution is certain by definition.
        quote = replace(quote, speaker=fix.speaker, speaker_role=fix.speaker_role, confidence=1.0)
    key = CorrectionKind.KEY in mine
    if key:
        quote = replace(quote, score=KEY_SCORE)
    return ReviewedQuote(
        number=0,
        quote=quote,
        dropped=CorrectionKind.DROP in mine,
        corrected=fix is not None and not added,
        added=added,
        key=key,
    )
