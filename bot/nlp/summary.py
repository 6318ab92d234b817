"""Extractive, news-aware summaries: 1, 3 and 5 of the briefing's own sentences.

News puts the point first, so position dominates the score (Lead-3 is a strong baseline on news
and beats graph rankers such as LexRank and TextRank). The other terms only move a sentence when
it is clearly worse than its neighbour: a dateline, byline or boilerplate line is dropped, a
sentence that leans on the one before it (``He also said...``, ``This is...``) is pushed down, and
a sentence that repeats one already picked is skipped, so the summary covers distinct points.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from bot.models import Summaries
from bot.nlp.sentences import paragraph_spans, sentence_spans

_WORD = re.compile(r"\w+")
_DATELINE = re.compile(
    r"^(?:[A-ZА-ЯІЇЄҐЁ][A-Za-zА-Яа-яІіЇїЄєҐґЁё.'’ -]{1,40}(?:,\s*[A-Za-zА-Яа-яІіЇїЄєҐґЁё.' ]{2,30})?"
    r"(?:,?\s*[A-Za-z]{3,9}\.?\s+\d{1,2})?\s*(?:\((?:[A-Za-z ]{2,20})\))?\s*[—–-]{1,2}\s+)"
)
_DATELINE_CAPS = re.compile(
    r"^[A-ZА-ЯІЇЄҐЁ]{2}[A-ZА-ЯІЇЄҐЁ .'’-]{0,30}(?:,\s*[\w.]+(?:\s+[\w.]+){0,3})?\s*(?:\([^)]{1,30}\))?"
    r"\s*[—–-]{1,2}\s+"
)
_AGENCY_PREFIX = re.compile(r"^\((?:CNN|Reuters|AP|AFP|Bloomberg)\)\s*[—–-]{1,2}\s*")
# Lines that are never news: checked as lower-case prefixes (one C call, unlike a regex).
_BOILERPLATE = (
    "published:",
    "updated:",
    "last updated",
    "follow @",
    "click here",
    "read more",
    "sign up",
    "subscribe",
    "media contact",
    "for more information",
    "contact:",
    "photo:",
    "image:",
    "photograph:",
    "source:",
    "copyright",
    "all rights reserved",
    "share this",
    "related:",
    "see also",
    "watch:",
    "listen:",
    "editor's note",
    "editors note",
    "###",
    "— end",
    "- ends",
    "ends -",
    "for immediate release",
    "автор:",
    "фото:",
    "джерело:",
    "источник:",
    "читайте також",
    "читайте также",
    "підписуйтесь",
    "подписывайтесь",
)


def _is_boilerplate(text: str) -> bool:
    """A byline ("By Clara Voss"), a release header, a contact or social-media line."""
    if text[:40].lower().startswith(_BOILERPLATE):
        return True
    return text.startswith("By ") and len(text.split()) <= 6


_DANGLING = {
    "en": frozenset(
        "he she it they this that these those his her its their also however but and so such there then "
        "meanwhile moreover furthermore additionally instead still yet".split()
    ),
    "uk": frozenset("він вона воно вони це цей ця ці його її їх також проте але і та тому теж".split()),
    "ru": frozenset("он она оно они это этот эта эти его её ее их также однако но и тоже поэтому".split()),
}
_STOP = frozenset(
    """
    the a an of to in on at for and or but is are was were be been being has have had it its this that
    with as by from will would could should can may might not no he she they we i you his her their our
    said says say also than then there here which who whom what when where why how all any some more most
    і й та в у на з із до за від що це як але не про для по а він вона вони його її їх також було був
    и в на с со к по за от что это как но не о об для а он она они его её их также было был
    """.split()
)


# News leads with its point: sentences past this many are never worth the time to score
# (18 scores the same on CNN/DailyMail as scoring every sentence).
_MAX_CANDIDATES = 18


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    text: str
    position: int
    paragraph: int
    words: frozenset[str]
    n_words: int
    broken_quote: bool = False


def _clean_start(text: str, start: int, end: int) -> int:
    """Skip a dateline or agency prefix at the start of a sentence ("KYIV, March 3 (Reuters) - ")."""
    head = text[start : min(end, start + 90)]
    for pattern in (_AGENCY_PREFIX, _DATELINE_CAPS):
        m = pattern.match(head)
        if m and m.end() < len(head):
            return start + m.end()
    return start


def _sentences(title: str, body: str, language: str) -> list[_Sentence]:
    title_words = frozenset(w.lower() for w in _WORD.findall(title))
    out: list[_Sentence] = []
    pos = 0
    carry: tuple[str, ...] = ()
    for p_index, (ps, pe) in enumerate(paragraph_spans(body)):
        if pos >= _MAX_CANDIDATES:
            break
        # Inside a quotation opened by an earlier sentence, here or at the end of the paragraph
        # before (a quote that runs on without reopening marks, as Ukrainian and Russian do).
        inside = carry if body[ps] not in _OPENERS else ()
        carry = ()
        for n_in_para, (raw_start, e) in enumerate(sentence_spans(body, language, ps, pe)):
            # Datelines and agency prefixes only ever open a paragraph.
            s = _clean_start(body, raw_start, e) if n_in_para == 0 else raw_start
            text = body[s:e]
            starts_inside = inside
            inside = _quote_state(text, inside)
            broken = bool(starts_inside or inside)  # a piece of a quotation: cannot stand alone
            if _is_boilerplate(text):
                continue
            toks = _WORD.findall(text.lower())
            if len(toks) < 4:
                continue  # a bare dateline, a heading, a caption fragment
            words = frozenset(toks)
            if (
                title_words
                and words
                and len(words & title_words) / len(words) > 0.85
                and len(toks) <= len(title_words) + 2
            ):
                continue  # the headline repeated as the first line
            out.append(_Sentence(s, e, text, pos, p_index, words - _STOP, len(toks), broken))
            pos += 1
        carry = inside
    return out


_OPENERS = "\"“«„'‘"
# How a speech greets and thanks its audience (lower case, as a sentence opens).
_PLEASANTRIES = (
    "thank you",
    "thanks",
    "good morning",
    "good afternoon",
    "good evening",
    "ladies and gentlemen",
    "dear colleagues",
    "дякую",
    "доброго дня",
    "добрий день",
    "спасибо",
    "добрый день",
    "благодарю",
)
# A sentence that is nothing but a quotation: no attribution in it.
_BARE_QUOTE = re.compile(r"[\"“«„][^\"“”«»„]+[\"”»“][.!?…]?")
_QUOTE_MARKS = re.compile(r'[«»„“”"]')


def _quote_state(text: str, open_marks: tuple[str, ...]) -> tuple[str, ...]:
    """The quotations still open at the end of ``text`` (their opening marks, innermost last),
    given those open at its start: «...„...“...» nests, and "„...“" closes with the mark
    English opens with."""
    stack = list(open_marks)
    for ch in _QUOTE_MARKS.findall(text):
        top = stack[-1] if stack else ""
        if ch == "“" and top in ("„", "“"):
            stack.pop()  # closes „ (Ukrainian, Russian, German) or an English “
        elif ch in "«“„":
            stack.append(ch)
        elif ch == "»":
            while stack and stack.pop() != "«":
                pass
        elif ch == "”":
            while stack and stack.pop() != "“":
                pass
        elif top == '"':
            stack.pop()
        else:
            stack.append(ch)
    return tuple(stack)


def _score(sentences: list[_Sentence], title: str, language: str) -> list[float]:
    title_words = frozenset(w.lower() for w in _WORD.findall(title)) - _STOP
    freq = Counter(chain.from_iterable(s.words for s in sentences))
    dangling = _DANGLING.get(language, _DANGLING["en"])
    scores: list[float] = []
    for s in sentences:
        score = 1.0 / (1.0 + 0.35 * s.position)
        if s.words:
            centrality = sum(freq[w] - 1 for w in s.words) / (len(s.words) + 4)
            score += 0.04 * min(centrality, 5.0)
            if title_words:
                score += 0.15 * len(s.words & title_words) / len(title_words)
        opens_quote = s.text[:1] in "\"“«„'‘"
        first = _WORD.match(s.text.lstrip("\"“«„'‘ "))
        if first and first.group(0).lower() in dangling and s.position > 0:
            score -= 0.25  # "This is...", "He also said...": leans on the sentence before
        if s.n_words <= 8 and s.text.lower().startswith(_PLEASANTRIES):
            score -= 0.6  # "Thank you, Madam Speaker.": a speech's courtesies are not news
        if opens_quote and _BARE_QUOTE.fullmatch(s.text):
            score -= 0.3  # '"Markets now know where the ceiling is."': whose words, the reader cannot tell
        n = s.n_words
        if s.text[:1] in "—–-" or s.text[:2] in ("Q:", "A:"):
            # An interview line: questions are not news, answers rarely stand alone.
            score -= 0.4 if s.text.rstrip()[-1:] == "?" else 0.1
        if n < (5 if language != "en" else 7):
            score -= 0.2
        elif n > 60:
            score -= 0.1
        if opens_quote:
            score -= 0.1
        if s.text.rstrip()[-1:] in ("?", ":"):
            score -= 0.15
        scores.append(score)
    return scores


def _pick(sentences: list[_Sentence], scores: list[float], k: int) -> list[_Sentence]:
    order = sorted(range(len(sentences)), key=lambda i: -scores[i])
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= k:
            break
        words = sentences[i].words
        redundant = False
        for j in chosen:
            other = sentences[j].words
            if words and len(words & other) / min(len(words), len(other) or 1) > 0.6:
                redundant = True
                break
        if not redundant:
            chosen.append(i)
    if len(chosen) < k:
        for i in order:
            if len(chosen) >= k:
                break
            if i not in chosen:
                chosen.append(i)
    return [sentences[i] for i in sorted(chosen)]


def summarize(title: str, body: str, language: str) -> Summaries:
    """Short (1), standard (3) and detailed (5) extractive summaries of ``body``."""
    sentences = _sentences(title, body, language)
    if not sentences:
        return _lead_summaries(body, language)
    # A sentence cut out of a longer quotation would show an opening mark with no closing
    # one, or someone's words as if they were the briefing's: such sentences are never taken.
    whole = [x for x in sentences if not x.broken_quote]
    if not whole:
        return _lead_summaries(body, language)
    sentences = whole
    scores = _score(sentences, title, language)
    out = {}
    for name, k in (("short", 1), ("standard", 3), ("detailed", 5)):
        out[name] = " ".join(s.text for s in _pick(sentences, scores, k))
    out["short"] = _lead_sentence(sentences, scores).text
    return Summaries(**out)


def _lead_sentence(sentences: list[_Sentence], scores: list[float]) -> _Sentence:
    """The one sentence that says who did what: the best of the three best that is a statement
    naming someone (not a question, a header line or a scene-setting line without a name)."""
    order = sorted(range(len(sentences)), key=lambda i: -scores[i])
    for i in order[:3]:
        if _says_who_did_what(sentences[i].text):
            return sentences[i]
    return sentences[order[0]]


def _says_who_did_what(text: str) -> bool:
    stripped = text.rstrip()
    if stripped[-1:] in ("?", ":") or len(stripped.split()) < 8 or text[:1] in _OPENERS:
        return False
    words = _WORD.findall(text)
    # A name (a capitalised word past the first) or a sentence opening with one.
    return any(w[:1].isupper() for w in words[1:])


def _lead_summaries(body: str, language: str) -> Summaries:
    """The first sentences, for a body with no sentence worth ranking."""
    first = [body[s:e] for s, e in sentence_spans(body, language)]
    return Summaries(short=" ".join(first[:1]), standard=" ".join(first[:3]), detailed=" ".join(first[:5]))


def lead(body: str, language: str, k: int) -> str:
    """The first ``k`` sentences: the Lead-k baseline the benchmark compares against."""
    return " ".join(body[s:e] for s, e in sentence_spans(body, language)[:k])
