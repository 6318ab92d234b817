"""Sentence splitting for English, Ukrainian and Russian news text.

A small rule-based splitter, not pysbd or syntok: both were measured (see BENCHMARKS.md) and are
10-50x slower than this module on 800-word briefings, which alone would break the ingest budget
of 500 briefings per second, while this splitter matches them on the cases news text needs:
titles and abbreviations (``U.S.``, ``Dr.``, ``Jan.``, ``No. 5``, ``т. зв.``), initials
(``J. R. Smith``, ``В. Зеленський``), decimals, quotes that end a sentence and Ukrainian/Russian
dialogue dashes (``«...?» — запитав він``).

Every function returns character spans into the text it was given, so callers can map summaries
and quotes back to exact offsets in the briefing body.
"""

from __future__ import annotations

import re

# Terminal punctuation, then any closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»“)\]]*(?=\s)")
_PARA = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")

# Words that, written with a dot, almost never end a sentence (lower-cased, without the dot).
_NEVER_FINAL = frozenset(
    """
    mr mrs ms dr prof gen sen rep gov lt col sgt capt adm maj cmdr rev hon pres supt insp cpl pte
    coun cllr det revd
    mt ft no nos art fig vs approx dept est jan feb mar apr jun jul aug sep sept oct nov dec
    messrs mme mlle ph e.g i.e cf ave blvd
    тов т.зв зв т.н н див ім им вул ул пр просп пл буд д кв обл ст с п ч проф акад ген полк ген.-лейт напр англ укр рус мін м с.ш
    """.split()
)
# Abbreviations that may or may not end a sentence: split only before a typical sentence opener.
_MAYBE_FINAL = frozenset("inc ltd corp co etc plc llc bros a.m p.m st sr jr".split())
_SENTENCE_OPENERS = frozenset(
    """
    the a an he she it they we i you his her its their our this that these those there here but and
    in on at for after before when while as if however meanwhile mr mrs ms dr officials police
    """.split()
)
_DASHES = "—–-"


def _last_token(text: str, end: int) -> str:
    """The word (with inner dots) right before the terminal punctuation at ``end``."""
    start = end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'“«„[":
        start -= 1
    return text[start:end]


def _is_boundary(text: str, punct_start: int, after: int, language: str) -> bool:
    """Decide whether the punctuation at ``punct_start`` ends a sentence.

    ``after`` is the index of the first character after the punctuation and whitespace.
    """
    n = len(text)
    if after >= n:
        return True
    nxt = text[after]
    # Dialogue dash after a quote in uk/ru (and "- he said" in English): continuation if lower-case.
    if nxt in _DASHES:
        j = after + 1
        while j < n and text[j] == " ":
            j += 1
        return not (j < n and text[j].islower())
    if nxt.islower():
        return False
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«„(["):
        return False
    mark = text[punct_start]
    if mark != ".":
        return True
    if text[punct_start : punct_start + 3] == "...":
        return True
    token = _last_token(text, punct_start)
    low = token.lower().rstrip(".")
    if not low:
        return True
    if low in ("no", "nos"):
        return not nxt.isdigit()
    if low in _NEVER_FINAL:
        return False
    word = token.rstrip(".")
    # Initials: "J. Smith", "В. Зеленський".
    if len(word) == 1 and word.isupper():
        return False
    next_word = text[after : after + 20].split(" ", 1)[0].strip("\"'“‘«„(").lower()
    # Acronyms with dots: "U.S.", "U.N." end a sentence only before a typical opener.
    if "." in word and all(len(p) <= 2 for p in word.split(".") if p):
        return next_word in _SENTENCE_OPENERS
    if low in _MAYBE_FINAL:
        return next_word in _SENTENCE_OPENERS
    return True


def sentence_spans(
    text: str, language: str = "en", start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in ``text[start:end]``.

    Paragraph breaks and single line breaks are always boundaries: a briefing's headline,
    dateline or byline lines must never merge into the next sentence.
    """
    if end is None:
        end = len(text)
    spans: list[tuple[int, int]] = []
    line_start = start
    for line_end in [m.start() for m in _LINE.finditer(text, start, end)] + [end]:
        _split_line(text, line_start, line_end, language, spans)
        line_start = line_end + 1
    return spans


def _split_line(text: str, start: int, end: int, language: str, out: list[tuple[int, int]]) -> None:
    seg_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        after = m.end()
        while after < end and text[after].isspace():
            after += 1
        if after >= end:
            break
        if _is_boundary(text, m.start(), after, language):
            _emit(text, seg_start, m.end(), out)
            seg_start = after
    _emit(text, seg_start, end, out)


def _emit(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if stripped:
        start += len(seg) - len(seg.lstrip())
        out.append((start, start + len(stripped)))


_LAST_PARAGRAPHS: list[tuple[str, list[tuple[int, int]]]] = []


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the blank-line separated paragraphs, trimmed of surrounding whitespace.

    The summary and the quote finder both need these for the same body, so the last result is
    kept (by identity of the string, so a different body with equal text is simply recomputed).
    """
    last = _LAST_PARAGRAPHS[0] if _LAST_PARAGRAPHS else None  # one read: safe across threads
    if last is not None and last[0] is text:
        return list(last[1])
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        _emit(text, pos, m.start(), spans)
        pos = m.end()
    _emit(text, pos, len(text), spans)
    _LAST_PARAGRAPHS[:] = [(text, spans)]
    return list(spans)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split ``text`` into sentences, each exactly as written in ``text``."""
    return [text[s:e] for s, e in sentence_spans(text, language)]
