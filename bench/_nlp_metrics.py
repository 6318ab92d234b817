"""Metrics for ``bench.nlp``: quote precision/recall by span coverage, speaker accuracy, ROUGE.

Quote matching follows the Gender Gap Tracker's evaluation: a gold quote is found when one
predicted quote covers at least 30% (or 80%) of its characters. A prediction is correct when it
finds a gold direct quote or lies mostly inside an annotated (possibly indirect) quote: a partial
quote inside reported speech is the speaker's words, not a false positive.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bench._nlp_data import Doc
from bot.models import Quote


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def norm_name(name: str | None) -> str:
    if not name:
        return ""
    name = unicodedata.normalize("NFKC", name).casefold()
    name = re.sub(r"^(the|a|an)\s+", "", name)
    name = name.replace("’", "'")
    return " ".join(re.findall(r"[\w']+", name))


@dataclass(slots=True)
class QuoteCounts:
    gold: int = 0
    predicted: int = 0
    correct_pred: int = 0
    found30: int = 0
    found80: int = 0
    speaker_ok: int = 0
    role_ok: int = 0
    role_gold: int = 0
    wrong_name: int = 0  # a found quote shown with a name that is not its speaker's
    abstained: int = 0  # a found quote of a named speaker shown with no name
    # Found gold quotes nested in another gold quote ('«A woman told me: „...“», she said')
    # and found only as part of it: shown inside the outer quote, under the outer speaker,
    # so their own speaker is not scored.
    nested: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: QuoteCounts) -> None:
        for name in (
            "gold",
            "predicted",
            "correct_pred",
            "found30",
            "found80",
            "speaker_ok",
            "role_ok",
            "role_gold",
            "wrong_name",
            "abstained",
            "nested",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)

    @property
    def precision(self) -> float:
        return self.correct_pred / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found30 / self.gold if self.gold else 1.0

    @property
    def recall80(self) -> float:
        return self.found80 / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_acc(self) -> float:
        scored = self.found30 - self.nested
        return self.speaker_ok / scored if scored else 0.0

    @property
    def wrong_name_rate(self) -> float:
        scored = self.found30 - self.nested
        return self.wrong_name / scored if scored else 0.0


def score_quotes(
    doc: Doc, predicted: list[Quote] | tuple[Quote, ...], keep_misses: bool = False
) -> QuoteCounts:
    c = QuoteCounts(gold=len(doc.quotes) + doc.unplaced, predicted=len(predicted))
    if keep_misses and doc.unplaced:
        c.misses.append(
            f"{doc.id}: {doc.unplaced} gold quote(s) not in the stored body ({doc.refused or 'changed'})"
        )
    spans = [(q.start, q.end) for q in predicted]
    for g in doc.quotes:
        gl = max(1, g.end - g.start)
        best, best_cov = -1, 0.0
        for i, s in enumerate(spans):
            cov = _overlap(s, (g.start, g.end)) / gl
            if cov > best_cov:
                best, best_cov = i, cov
        if best_cov >= 0.3:
            c.found30 += 1
            q = predicted[best]
            if any(
                (o.start, o.end) != (g.start, g.end)
                and o.start <= g.start
                and g.end <= o.end
                and _overlap(spans[best], (o.start, o.end)) >= 0.3 * (o.end - o.start)
                for o in doc.quotes
            ):
                c.nested += 1
                if best_cov >= 0.8:
                    c.found80 += 1
                continue
            # What a reader sees: the name, or for a speaker the text only describes, the
            # description ("— a spokesperson"). No name for an unnamed speaker is right.
            shown = q.speaker if q.speaker else q.speaker_role
            if norm_name(shown) == norm_name(g.speaker) or (not g.speaker and not q.speaker):
                c.speaker_ok += 1
            else:
                if norm_name(q.speaker):
                    c.wrong_name += 1
                else:
                    c.abstained += 1
                if keep_misses:
                    c.misses.append(f"{doc.id}: speaker {q.speaker!r} != {g.speaker!r} :: {q.text[:60]!r}")
            if g.role:
                c.role_gold += 1
                if norm_name(q.speaker_role) == norm_name(g.role):
                    c.role_ok += 1
        elif keep_misses:
            c.misses.append(f"{doc.id}: missed {doc.body[g.start : g.end][:80]!r}")
        if best_cov >= 0.8:
            c.found80 += 1
    gold_spans = [(g.start, g.end) for g in doc.quotes]
    for q, s in zip(predicted, spans, strict=True):
        ok = any(_overlap(s, g) / max(1, g[1] - g[0]) >= 0.3 for g in gold_spans) or any(
            _overlap(s, o) / max(1, s[1] - s[0]) >= 0.5 for o in doc.other_spans
        )
        if ok:
            c.correct_pred += 1
        elif keep_misses:
            c.misses.append(f"{doc.id}: extra {q.text[:80]!r} ({q.speaker})")
    return c


def unbalanced_quotes(text: str) -> bool:
    """Does ``text`` open a quotation it never closes, or close one it never opened? Quotations
    nest ("«Агротерминал „Степной“»"); "„...“" closes with the mark English opens with;
    straight quotes toggle."""
    stack: list[str] = []
    for ch in re.findall(r'[«»„“”"]', text):
        if ch == "“" and stack and stack[-1] == "„":
            stack.pop()
        elif ch in "«“„":
            stack.append(ch)
        elif ch in "»”":
            if not stack or stack[-1] != ("«" if ch == "»" else "“"):
                return True
            stack.pop()
        elif stack and stack[-1] == '"':
            stack.pop()
        else:
            stack.append(ch)
    return bool(stack)


class _UnicodeTokenizer:
    """rouge-score keeps only a-z0-9 by default, which would erase Ukrainian and Russian."""

    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())


class Rouge:
    """ROUGE-1/2/Lsum F1 x100, stemmed for English, Unicode-tokenised for Cyrillic."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        types = ["rouge1", "rouge2", "rougeLsum"]
        self._en = rouge_scorer.RougeScorer(types, use_stemmer=True)
        self._cyr = rouge_scorer.RougeScorer(types, tokenizer=_UnicodeTokenizer())

    def score(self, reference: list[str], summary: list[str], language: str) -> tuple[float, float, float]:
        scorer = self._en if language == "en" else self._cyr
        s = scorer.score("\n".join(reference), "\n".join(summary))
        return s["rouge1"].fmeasure * 100, s["rouge2"].fmeasure * 100, s["rougeLsum"].fmeasure * 100


class SumyBaselines:
    """LexRank and TextRank from sumy, tokenised with our splitter (no NLTK downloads needed)."""

    def __init__(self) -> None:
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer

        self._parser = PlaintextParser
        self._summarizers = {}
        for name, cls in (("LexRank", LexRankSummarizer), ("TextRank", TextRankSummarizer)):
            for lang, stem_lang in (("en", "english"), ("uk", "ukrainian"), ("ru", "russian")):
                try:
                    summ = cls(Stemmer(stem_lang))
                except Exception:  # sumy lacks a stemmer for this language
                    summ = cls()
                self._summarizers[(name, lang)] = summ

    def names(self) -> list[str]:
        return ["LexRank", "TextRank"]

    def summarize(self, name: str, body: str, language: str, k: int = 3) -> list[str]:
        from bot.nlp.sentences import split_sentences

        class _Tok:
            def __init__(self, lang: str) -> None:
                self.language = lang

            def to_sentences(self, paragraph: str) -> list[str]:
                return split_sentences(paragraph, language)

            def to_words(self, sentence: str) -> list[str]:
                return re.findall(r"\w+", sentence)

        parser = self._parser.from_string(body, _Tok(language))
        return [str(s) for s in self._summarizers[(name, language)](parser.document, k)]
