"""Direct quotations: find the quoted words, decide whether they are a quote, and who said them.

Three steps, each cheap enough for ingest time:

1. ``_quoted_segments`` pairs quote marks paragraph by paragraph (straight, curly, guillemets,
   low-high and single quotes that are not apostrophes), keeping only the outermost pair so a
   nested quote stays part of the quote around it, and carries a quote over a paragraph break
   when the next paragraph reopens it (the multi-paragraph convention).
2. ``_attribution`` reads the words right after the closing mark (``," he said``, ``— сказав
   він``) and then the words before the opening mark (``X said: "``, ``according to X, "``,
   ``За словами X, «``), returning the speaker phrase and its offsets.
3. Segments joined by a short attribution (``"First," he said. "Second."``) become one quote;
   short quoted words without attribution (scare quotes, titles) are dropped; quotes without
   attribution in their own paragraph go to the previous speaker, as a reporter intends.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.models import Quote
from bot.nlp import _lexicon as lx
from bot.nlp.interview import Answer, calls_by_name, find_answers
from bot.nlp.morphology import (
    is_adverbial_participle,
    is_comparative,
    is_finite_third_person,
    is_first_name,
    is_function_word,
    is_nominative,
    is_person_noun,
    is_plural_present,
    is_possible_name,
    is_verb,
    lemma,
    may_be_nominative_name,
    names_disagree,
    nominative_phrase,
    past_verb_gender,
    person_noun_gender,
    speech_verb,
)
from bot.nlp.sentences import _is_boundary, paragraph_spans
from bot.nlp.speakers import ANONYMOUS, NAME_QUOTES, Entity, Mention, SpeakerIndex, spells_short_form

# Quote marks; apostrophes inside words ("didn't", "Ukraine’s") are skipped in the loop, which is far
# cheaper than look-arounds in the pattern.
_MARKS = re.compile(r"[\"“”«»„'‘’]")
_OPEN_PREV = set(" \t\n([{—–-/:;,") | {""}
_CLOSERS = {"“": "”", "«": "»", "„": "“”", '"': '"', "‘": "’", "'": "'’"}
_SCARE_WORDS = frozenset(
    "so-called dubbed titled entitled called named term word phrase slogan hashtag motto label labelled "
    "labeled branded marked звані звана зване званий называемый называемая называемое называемые".split()
)
_SCARE_PAIRS = frozenset({("known", "as"), ("so", "called"), ("під", "назвою"), ("под", "названием")})
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_DIGIT = re.compile(r"\d")
_ROLE_NOUNS = lx.EN_ROLE_NOUNS | lx.CYR_ROLE_WORDS

_EN_ANAPHOR_SPEECH = re.compile(
    r"(?:^|(?<=[.!?] ))(?:(?:But|And|Yet|Still|However|Now),? )?(He|She|he|she|The [a-z0-9-]+(?: [a-z-]+){0,3})"
    r" (?:also )?(?:said|says|told|added|explained|noted)\b"
)
_DESCRIPTION_OPENERS = frozenset("a an another one some two three several many other".split())
_NO_SUBJECT_OPENERS = frozenset("and but or on in at with between during after before says said".split())
_CONJUNCTIONS = frozenset("and but or as which who that while because so і та а але и но".split())
_SENT_END = re.compile(r"[.!?;](?:\s+|$)")
_SENT_BREAK = re.compile(r"(?:[a-z]{3}|\d)\. ")
# Pleasantries, matched as plain substrings of the lower-cased quote (a regex here costs more
# than the rest of the ranking put together).
_PLEASANTRY = (
    "thank",
    "grateful",
    "congratulat",
    "good morning",
    "good afternoon",
    "good evening",
    "pleased to",
    "happy to",
    "honored",
    "honoured",
    "welcome",
    "delighted",
    "дякую",
    "спасибо",
    "благодар",
    "вітаю",
    "поздравля",
    "раді",
    "рады",
)


@dataclass(slots=True)
class _Segment:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    open_at: int  # offset of the opening mark
    close_at: int  # offset of the closing mark, or paragraph end when the quote runs on
    continues: bool = False  # quote runs on into the next paragraph


@dataclass(slots=True)
class _Attribution:
    phrase_start: int
    phrase_end: int
    verb_gender: str | None
    immediate: bool  # attribution right next to the quote marks, not somewhere in the sentence
    # "— сообщили в компании", "— йдеться в заяві спілки": a body speaks; the phrase is what
    # follows "в"/"у" and may name it.
    body: bool = False


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _quoted_segments(text: str) -> list[_Segment]:
    """Outermost quoted spans, paragraph by paragraph, with run-on quotes marked ``continues``."""
    segments: list[_Segment] = []
    carry: str | None = None
    for p_start, p_end in paragraph_spans(text):
        stack: list[tuple[str, int]] = []
        if carry is not None and text[p_start] not in '"“«„' and _closes_first(text, p_start, p_end, carry):
            # A quote that runs on without reopening marks ("«...\n\n...»"): continue it here.
            stack.append((carry, p_start - 1))
        carry = None
        for m in _MARKS.finditer(text, p_start, p_end):
            ch = m.group(0)
            i = m.start()
            # Fast path for curly double quotes, the commonest marks in edited news.
            if ch == "”" and stack and stack[-1][0] == "“":
                top_at = stack.pop()[1]
                if not stack:
                    segments.append(_Segment(top_at + 1, i, top_at, i))
                continue
            if ch == "“" and not stack:
                stack.append((ch, i))
                continue
            if ch == '"' and not stack:
                # Straight quotes outside any quotation: an opener unless glued to a word before it.
                if i == p_start or text[i - 1] in _OPEN_PREV or text[i - 1] in "“‘«„'":
                    stack.append((ch, i))
                continue
            if ch == '"' and len(stack) == 1 and stack[0][0] == '"':
                top_at = stack.pop()[1]
                segments.append(_Segment(top_at + 1, i, top_at, i))
                continue
            prev = text[i - 1] if i > p_start else ""
            nxt = text[i + 1] if i + 1 < p_end else ""
            if ch in "'’‘" and prev.isalnum() and nxt.isalnum():
                continue  # an apostrophe inside a word: "didn't", "Ukraine’s"
            if stack:
                top, top_at = stack[-1]
                closes = ch in _CLOSERS[top]
                if top in "'‘" and ch in "'’":
                    # Apostrophe inside a word ("don't") or a plural possessive never closes.
                    closes = not _is_letter(nxt) and prev not in (" ", "")
                if top == '"' and ch == '"' and prev in (" ", "") and _is_letter(nxt) and len(stack) > 1:
                    closes = False
                if (
                    top + ch in ('“"', '"”')
                    and len(stack) == 1
                    and prev not in (" ", "")
                    and not _is_letter(nxt)
                ):
                    closes = True  # mixed marks from a copy desk: “...," said X / "...,” said X
                if closes:
                    stack.pop()
                    if not stack:
                        segments.append(_Segment(top_at + 1, i, top_at, i))
                    continue
            # Not a closer: is it an opener?
            if ch in "“«„‘":
                if ch == "‘" and not _is_letter(nxt):
                    continue
                stack.append((ch, i))
            elif (ch == '"' and (prev in _OPEN_PREV or prev in "\"“‘«„'")) or (
                ch == "'" and prev in _OPEN_PREV and _is_letter(nxt) and len(stack) < 2
            ):
                stack.append((ch, i))
        if stack:
            top, top_at = stack[0]
            if top in "'‘":
                continue  # an unclosed single quote is an apostrophe we misread
            segments.append(_Segment(top_at + 1, p_end, top_at, p_end, continues=True))
            carry = top
    # Trim whitespace inside the marks.
    out: list[_Segment] = []
    for seg in segments:
        inner = text[seg.start : seg.end]
        stripped = inner.strip()
        if stripped:
            seg.start += len(inner) - len(inner.lstrip())
            seg.end = seg.start + len(stripped)
            out.append(seg)
    return out


def _is_scare_intro(before: str) -> bool:
    """Words right before the opening mark that announce a term or title, not a quotation."""
    words = before.lower().rstrip(' "“«„').split()[-2:]
    return bool(words) and (words[-1] in _SCARE_WORDS or tuple(words) in _SCARE_PAIRS)


def _closes_first(text: str, start: int, end: int, mark: str) -> bool:
    """Does the paragraph close a quote opened with ``mark`` before opening a new one?"""
    for m in _MARKS.finditer(text, start, end):
        ch = m.group(0)
        i = m.start()
        if ch in _CLOSERS[mark] and (mark != '"' or (i > start and text[i - 1] != " ")):
            return True
        if ch in "“«„" or ch == '"':
            return False
    return False


@dataclass(slots=True)
class _Lang:
    code: str
    verbs: _SpeechVerbs
    pronouns: dict[str, str | None]


class _SpeechVerbs:
    """The verbs that introduce someone's words, with the speaker's gender a form tells
    (``None`` when it does not): a word list, and for Ukrainian and Russian every form of the
    verbs the analyser knows ("сказала", "объясняет", "згадує")."""

    def __init__(self, forms: dict[str, str | None], language: str, lemmas: frozenset[str]) -> None:
        self._forms = forms
        self._language = language
        self._lemmas = lemmas

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        return word in self._forms or (
            bool(self._lemmas) and speech_verb(word, self._language, self._lemmas)[0]
        )

    def get(self, word: str) -> str | None:
        if word in self._forms:
            return self._forms[word]
        return speech_verb(word, self._language, self._lemmas)[1] if self._lemmas else None


_LANGS = {
    "uk": _Lang("uk", _SpeechVerbs(lx.UK_SPEECH_VERBS, "uk", lx.UK_SPEECH_LEMMAS), lx.UK_PRONOUNS),
    "ru": _Lang("ru", _SpeechVerbs(lx.RU_SPEECH_VERBS, "ru", lx.RU_SPEECH_LEMMAS), lx.RU_PRONOUNS),
    "en": _Lang("en", _SpeechVerbs(dict.fromkeys(lx.EN_SPEECH_VERBS), "en", frozenset()), lx.EN_PRONOUNS),
}


def _lang(language: str) -> _Lang:
    return _LANGS.get(language, _LANGS["en"])


def _words_with_spans(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


_STOP_AFTER = frozenset(
    "on in at to during after before from with as when while about because but and that this last "
    "told reporters".split()
)


def _name_follows(text: str, words: list[tuple[str, int, int]], j: int) -> bool:
    """A capitalised word within the next few words, before any punctuation."""
    for k in range(j, min(len(words), j + 4)):
        if k > j and any(c in text[words[k - 1][2] : words[k][1]] for c in ',.;:!?"“”«»—'):
            return False
        if words[k][0][:1].isupper():
            return True
    return False


def _phrase_after_verb(text: str, words: list[tuple[str, int, int]], i: int) -> tuple[int, int] | None:
    """The subject after an inverted verb ("said Jane Doe, the minister"): up to a comma or stop word."""
    if i >= len(words):
        return None
    first = words[i][0].lower()
    if first in ("that", "it", "so", "this", "to"):
        return None  # "quipped to Colton": the one spoken to is not the speaker
    s = words[i][1]
    e = words[i][2]
    j = i + 1
    limit = min(len(words), i + 7)
    while j < limit:
        w, ws, we = words[j]
        between = text[e:ws]
        closing = NAME_QUOTES.get(between.strip())
        if closing is not None and between[:1] == " ":
            # "сказала директорка ТОВ «Зерно Півдня» Олена Марченко": a quoted name in the role.
            close = text.find(closing, ws, ws + 60)
            after = [k for k in range(j, min(len(words), j + 8)) if words[k][1] > close]
            if close > 0 and after and text[close + 1 : words[after[0]][1]] == " ":
                e = close + 1
                j = after[0]
                limit = min(len(words), j + 5)
                continue
        if between == ". " and not _is_boundary(text, e, ws, "en"):
            e = we  # "said Coun. Simone Achterberg": the dot of a title goes on to the name
            j += 1
            continue
        if any(c in between for c in ',.;:!?"“”«»—'):
            if between.strip() == "," and w[:1].isupper() and text[s:e].rsplit(maxsplit=1)[-1][:1].islower():
                # "says Campbell's partner, Jason Louth": the name follows the description.
                s, e = ws, we
                j += 1
                while j < limit and words[j][0][:1].isupper() and text[e : words[j][1]] == " ":
                    e = words[j][2]
                    j += 1
            break
        # "said oil and gas worker Mike Wipf": a role with "and" still leads to the name.
        role_and = (
            w.lower() in ("and", "or") and text[s:e][:1].islower() and _name_follows(text, words, j + 1)
        )
        if w.lower() in _STOP_AFTER and not w[0].isupper() and not role_and:
            break
        e = we
        j += 1
    return s, e


def _name_in_marks_at(text: str, at: int) -> bool:
    """Do the marks opening at ``at`` hold a short name that a name follows ("партии «Отечество и
    порядок» Рихард Солонский"): part of an attribution, not the next quotation?"""
    closing = NAME_QUOTES.get(text[at : at + 1])
    close = text.find(closing, at + 1, at + 60) if closing else -1
    return close > 0 and _NAME_AFTER.match(text, close + 1) is not None and len(text[at:close].split()) <= 4


_NAME_AFTER = re.compile(r" [A-ZА-ЯІЇЄҐЁ][\w'’-]+ [A-ZА-ЯІЇЄҐЁ]")


def _attribution(
    text: str,
    seg_open: int,
    seg_close: int,
    p_start: int,
    p_end: int,
    language: str,
    lang: _Lang,
    next_open: int | None,
) -> _Attribution | None:
    """Find who the quote in ``[seg_open, seg_close]`` is attributed to, within its paragraph."""
    cyr = language in ("uk", "ru")
    # --- after the closing mark -------------------------------------------------------------------
    a_start = seg_close + 1
    a_end = p_end if next_open is None or _name_in_marks_at(text, next_open) else next_open
    # Stop at the end of the sentence after the quote.
    a_end = min(a_end, a_start + 250)
    for m in _SENT_END.finditer(text, a_start, a_end):
        k = m.start()
        if text[k] != "." or _is_boundary(text, k, m.end(), language):
            a_end = k
            break
    lead = text[a_start:a_end]
    stripped = lead.lstrip(" ,—–-")
    if (stripped is not lead and len(lead) - len(stripped) <= 4) or lead[:1] in (" ", ","):
        words = _words_with_spans(text, a_start, min(a_end, a_start + 180))[:40]
        attr = _after_words(text, words, lang, cyr, text[seg_close - 1 : seg_close] in ".!?")
        if (
            attr is None
            and cyr
            and words
            and lead.lstrip(" ,")[:1] in "—–"
            and len(text[seg_open + 1 : seg_close].split()) >= 3  # not 'слово «реформа» — звучит'
        ):
            attr = _dash_verb_attribution(text, words, lang)
        if attr is None and cyr and words and lead.lstrip(" ,")[:1] in "—–":
            attr = _these_words_of(text, words, a_end)
        if attr is not None:
            return attr
    # --- before the opening mark --------------------------------------------------------------
    b_end = seg_open
    lo = max(p_start, seg_open - 300)
    b_start = lo
    for stop in (". ", "! ", "? ", '"', "”", "»", "“"):
        k = text.rfind(stop, lo, seg_open - 1)
        if k >= 0 and k + 1 > b_start and not (stop == ". " and k > 0 and text[k - 1].isupper()):
            b_start = k + 1
    words = _words_with_spans(text, b_start, b_end)
    if not words:
        return None
    tail = text[words[-1][2] : b_end]
    immediate = ":" in tail or "," in tail or len(tail.strip()) == 0 or "—" in tail
    # "according to X," / "За словами X," / "По словам X,"
    low = [w.lower() for w, _, _ in words]
    for i in range(len(words) - 1):
        if (
            (low[i] == "according" and low[i + 1] == "to")
            or low[i] in ("словами", "словам")
            or (low[i] == "як" and i + 1 < len(low) and low[i + 1] in lang.verbs)
            or (low[i] == "как" and i + 1 < len(low) and low[i + 1] in lang.verbs)
        ):
            if i > 0 and low[i] in ("словами", "словам") and low[i - 1] in _POSSESSIVE_GENDER:
                # "За його словами, ...": the owner of the words is whom the pronoun refers to.
                return _Attribution(words[i - 1][1], words[i - 1][2], _POSSESSIVE_GENDER[low[i - 1]], True)
            j = i + 2 if low[i] in ("according", "як", "как") else i + 1
            span = _phrase_after_verb(text, words, j)
            if span:
                gender = lang.verbs.get(low[i + 1]) if low[i] in ("як", "как") else None
                return _Attribution(span[0], span[1], gender, True)
    # "X said: «...»" / "X said that «...»" / "said X: «...»": the last speech verb before the quote.
    for i in range(len(words) - 1, -1, -1):
        w = low[i]
        if cyr and text[seg_open + 1 : seg_open + 2].isupper() and lemma(w, language) in lx.CYR_NAMING_LEMMAS:
            continue  # "назвали головною причиною ... «Ми чекали ...»": naming, not saying
        if w in lang.verbs or (not cyr and w in lx.EN_SPEECH_VERBS):
            be = i - 2 if i > 1 and low[i - 1] in ("also", "often", "widely", "later") else i - 1
            if not cyr and be >= 0 and low[be] in _PASSIVE_BE:
                return None  # "He was also described as “lacking a conscience”": not his words
            gender = lang.verbs.get(w)
            subj = _subject_before(text, words, i, b_start, language)
            after_verb = len(words) - 1 - i
            close = after_verb == 0 or (after_verb <= 4 and immediate and tail.strip() != "")
            if subj is not None:
                return _Attribution(subj[0], subj[1], gender, close)
            span = _phrase_after_verb(text, words, i + 1)
            if span:
                return _Attribution(span[0], span[1], gender, immediate and tail.strip() != "")
            return None
    return None


def _after_words(
    text: str, words: list[tuple[str, int, int]], lang: _Lang, cyr: bool, ends_sentence: bool = False
) -> _Attribution | None:
    """Attribution right after a quote: ``he said``, ``said X``, ``X told reporters``, ``— сказав він``."""
    if not words:
        return None
    low = [w.lower() for w, _, _ in words]
    if cyr and len(low) > 2 and low[1] in ("в", "у", "во", "на") and _body_speaks(low[0], lang):
        end = 2
        while end < min(len(words), 5) and not any(
            c in text[words[end - 1][2] : words[end][1]] for c in ",.;:!?«»"
        ):
            end += 1
        return _Attribution(words[2][1], words[end - 1][2], None, True, body=True)
    # Inverted: "said X" / "— заявив X".
    if low[0] in lang.verbs:
        span = _phrase_after_verb(text, words, 1)
        if span:
            return _Attribution(span[0], span[1], lang.verbs.get(low[0]), True)
        return None
    if len(low) > 2 and low[0] == "according" and low[1] == "to":
        span = _phrase_after_verb(text, words, 2)
        return _Attribution(span[0], span[1], None, True) if span else None
    # "X said" with X up to 8 words: the first speech verb closes the subject ("shot back",
    # "hit back" count as one).
    for i in range(1, min(len(words), 40)):
        if low[i] in lang.verbs or (
            not cyr and low[i] in _EN_BACK_VERBS and i + 1 < len(low) and low[i + 1] == "back"
        ):
            between = text[words[0][1] : words[i][1]]
            if any(c in between for c in ';:!?"“”«»') or _SENT_BREAK.search(between):
                return None
            if i >= 10:
                # A long subject only with an appositive: "X, director of ... at Y, said".
                comma = text.find(",", words[0][1], words[i][1])
                if comma < 0 or not words[0][0][:1].isupper():
                    return None
                return _Attribution(words[0][1], comma, lang.verbs.get(low[i]), True)
            if low[0] in _CONJUNCTIONS:
                return None  # '"..." and said it would': a new clause, not an attribution
            if i > 3 and "," in between and ends_sentence:
                return None  # '"...." Speaking after the vote, she said:' opens the next quote
            # '"...," including Lake Cowichan, it said': the subject follows the last comma.
            comma = text.rfind(",", words[0][1], words[i][1])
            if comma >= 0:
                k = next(n for n in range(i + 1) if n == i or words[n][1] > comma)
                if k < i and low[k] in lang.pronouns:
                    return _Attribution(words[k][1], words[i - 1][2], lang.verbs.get(low[i]), True)
            # Drop an adverb right before the verb ("he quickly said").
            j = i
            if j - 1 >= 1 and low[j - 1].endswith("ly") and not cyr and words[j - 1][0][:1].islower():
                # (A capitalised "-ly" word is a name: "Tom Reilly said", "Kelly said".)
                j -= 1
            return _Attribution(words[0][1], words[j - 1][2], lang.verbs.get(low[i]), True)
    return None


def _these_words_of(text: str, words: list[tuple[str, int, int]], end: int) -> _Attribution | None:
    """'«...», — так описує ніч староста Верхніх Лук Олег Бондар', '— цими словами розпочав
    доповідь директор ...', '— такой была позиция, которую озвучил представитель ...': a
    clause that points back at the quote and names its speaker further on, the whole clause
    to the end of its sentence being the phrase the speaker is looked up in."""
    lead = _THESE_WORDS.match(text, words[0][1], end)
    if lead is None or lead.end() >= end:
        return None
    return _Attribution(lead.end(), end, None, True)


_THESE_WORDS = re.compile(
    r"(?:(?:ось|вот) )?(?:так|цими словами|этими словами|такими словами|ці слова|эти слова|"
    r"такою|такой|таким|такими)\s",
    re.IGNORECASE,
)


# "«Мы ограничили программу, — подчеркнул замминистра. — Крупные справятся сами»": Ukrainian
# and Russian set the attribution inside the quote marks between dashes. The attribution may
# be long, and name a body in quote marks: "— сказал в интервью телеканалу «Тарнов-24» посол
# ..., до прошлого года занимавший пост ..., Эдуард Ламберт-Осинский. —".
_INNER_ATTRIBUTION = re.compile(
    r"(?<=[,!?…]) [—–] (?P<phrase>(?:[^—–«»„“”\n]|«[^«»\n]{1,60}»){3,300}?)(?P<stop>[.,:]) [—–] (?=\w)"
)


@dataclass(frozen=True, slots=True)
class _Inner:
    """An attribution inside the marks, and where it cuts the quote."""

    attr: _Attribution
    cut_start: int  # the space before the first dash
    cut_end: int  # the first character of the quote's second part
    stop: str  # the punctuation that ends the attribution: a full stop starts a new sentence


def _inner_attribution(text: str, seg: _Segment, lang: _Lang) -> _Inner | None:
    """The speaker set between dashes inside a quotation (Ukrainian and Russian only)."""
    if lang.code not in ("uk", "ru"):
        return None
    m = _INNER_ATTRIBUTION.search(text, seg.start, seg.end)
    if m is None:
        return None
    words = _words_with_spans(text, m.start("phrase"), m.end("phrase"))
    if not words or not any(w.lower() in lang.verbs for w, _, _ in words):
        return None
    # "— одразу відгукнувся Ярмола. —", "— тут же сказал ...": adverbs before the verb (a
    # pronoun there is its subject).
    verb_at = next((i for i, (w, _, _) in enumerate(words[:3]) if w.lower() in lang.verbs), None)
    if verb_at and all(w.islower() and w not in lang.pronouns for w, _, _ in words[:verb_at]):
        words = words[verb_at:]
    attr = _after_words(text, words, lang, True)
    if attr is None:
        return None
    attr.immediate = True
    return _Inner(attr, m.start(), m.end(), m.group("stop"))


def _dash_verb_attribution(text: str, words: list[tuple[str, int, int]], lang: _Lang) -> _Attribution | None:
    """ "«...» — обурюється слюсар Михайло Остапчук": in Ukrainian and Russian a dash after the
    closing mark and a verb in the third person or past tense introduce whoever said it, whatever
    the verb ("обурюється", "зітхає", "усмехается", "не сдавалась")."""
    # "— не відступала Гончар", "— не унимался депутат": the verb after its negation.
    at = 1 if words[0][0].lower() in ("не", "ні") and len(words) > 1 else 0
    verb = words[at][0].lower()
    if not is_finite_third_person(verb, lang.code):
        return None
    span = _phrase_after_verb(text, words, at + 1)
    if span is None or not text[span[0] : span[1]].strip():
        return None
    return _Attribution(span[0], span[1], past_verb_gender(verb, lang.code), True)


def _body_speaks(verb: str, lang: _Lang) -> bool:
    """ "говорится", "йдеться", or a plural speech verb with no subject ("сообщили",
    "зазначили"): said by a body, not a person."""
    return verb in lx.CYR_IMPERSONAL_SAYS or (
        verb in lang.verbs and (verb.endswith("ли") or is_plural_present(verb, lang.code))
    )


def _resolve_body(
    index: SpeakerIndex, text: str, attr: _Attribution, lang: _Lang
) -> tuple[Entity | str | None, float]:
    """The body behind "— сообщили в компании" / "— йдеться в заяві спілки": the one the words
    after "в" name ("компания", "спілка"), else the body named last in this paragraph or the one
    before (the subject of "Асоціація заявила ... «...», — ідеться в заяві")."""
    named = [m.entity for m in index.mentions_in(attr.phrase_start, attr.phrase_end) if m.entity.is_org]
    if named:
        return named[0], 0.85  # "— повідомили в МОЗ"
    owner = _statement_owner(index, text, attr, lang)
    if owner is not None:
        return owner, 0.85
    full = _body_in_full(text, attr.phrase_start, lang)
    if full is not None:
        return full, 0.85
    quoted = _body_by_quoted_name(
        index, re.split(r"[.;\n]", text[attr.phrase_start : attr.phrase_start + 80])[0]
    )
    if quoted is not None:
        return quoted, 0.85
    lemmas = [_body_noun(w, lang) for w in _WORD.findall(text[attr.phrase_start : attr.phrase_end].lower())]
    for noun in lemmas:
        if noun in lx.CYR_ORG_LEMMAS:
            ent = _body_named_by(index, noun, attr.phrase_start)
            if ent is not None:
                return ent, 0.85
            break
    if lemmas and lemmas[0] in lx.CYR_ORG_LEMMAS:
        # "У спілці відповіли ... «...», — зазначили в організації": the body the paragraph
        # speaks of, named by another noun.
        body = _paragraph_body(index, text, attr.phrase_start, lang)
        if body is not None:
            return body, 0.8
    # "— ідеться в ній", "— говорится в нём": in the statement the sentence before named.
    said_in = _WORD.findall(text[attr.phrase_start : attr.phrase_end].lower())[:1]
    if lemmas and (
        lemmas[0] in lx.CYR_STATEMENT_LEMMAS or lemmas[0] in lx.CYR_ORG_LEMMAS or said_in[0] in _IN_IT
    ):
        # "Асоціація ... заявила. «...», — ідеться в заяві": the body the paragraph opens with.
        opener = index.body_subject(attr.phrase_start)
        if opener is not None and opener.is_org:
            return opener, 0.8
        # Otherwise the body named last is only a guess (right 1 time in 3 on the development
        # set), so the quote is shown without a name.
        ent = _plural_antecedent(index, text, attr.phrase_start)
        if ent is not None:
            return ent, 0.5
    return None, 0.0


_IN_IT = frozenset({"ній", "ньому", "нём", "нем", "ней"})
_PASSIVE_BE = frozenset("was were is are been being be".split())


def _statement_owner(index: SpeakerIndex, text: str, attr: _Attribution, lang: _Lang) -> Entity | None:
    """ "— говорится в комментарии гендиректора", "— ідеться в заяві Петренка": the person
    whose statement it is, named or called by a role, right after the statement's noun."""
    words = _words_with_spans(text, attr.phrase_start, attr.phrase_end)
    for i, (word, _, _) in enumerate(words[:-1]):
        if lemma(word.lower(), lang.code) not in lx.CYR_STATEMENT_LEMMAS:
            continue
        nxt, at, _ = words[i + 1]
        person = next(
            (m.entity for m in index.mentions_in(at, at + 1) if m.start == at and not m.entity.is_org), None
        )
        if person is not None:
            return person
        if nxt.lower() in lx.CYR_ROLE_WORDS:
            holder = index.by_role_noun(nxt.lower(), attr.phrase_start)
            return holder if holder is not None and not holder.is_org else None
        return None
    return None


def _body_by_quoted_name(index: SpeakerIndex, phrase: str) -> Entity | None:
    """ "— говорится в ответе «Северной мельницы»": the body whose name in quote marks these
    words are, in another case ("Мукомольная компания «Северная мельница»"), compared by the
    start of each word."""
    for m in _QUOTED_NAME.finditer(phrase):
        words = m.group(1).lower().split()
        for ent in index.entities:
            inner = _QUOTED_NAME.search(ent.name) if ent.is_org else None
            theirs = inner.group(1).lower().split() if inner else []
            if len(theirs) == len(words) and all(
                a[: max(3, min(len(a), len(b)) - 2)] == b[: max(3, min(len(a), len(b)) - 2)]
                for a, b in zip(words, theirs, strict=True)
            ):
                return ent
    return None


_QUOTED_NAME = re.compile(r"«([^«»„“]{2,60})»")


def _body_in_full(text: str, start: int, lang: _Lang) -> str | None:
    """ "— сообщили в Государственной инспекции труда в Таёжинской области": a body named in
    full by capitalised adjectives and its noun, in the case the preposition asks for, put in
    the nominative with the words that complete it ("Государственная инспекция труда в
    Таёжинской области")."""
    phrase = re.split(r"[,.;:!?\n«»]", text[start : start + 160], maxsplit=1)[0].split()[:10]
    if not phrase or not phrase[0][:1].isupper():
        return None
    head = next(
        (i for i, w in enumerate(phrase[:4]) if _body_noun(w.lower(), lang) in lx.CYR_ORG_LEMMAS), None
    )
    if not head:
        return None  # a noun alone ("в Міністерстві") is found as a name; adjectives come first
    nominative = nominative_phrase(tuple(w.lower() for w in phrase[: head + 1]), lang.code)
    if nominative is None:
        return None
    return " ".join([nominative[:1].upper() + nominative[1:], *phrase[head + 1 :]])


def _speaker_described(
    index: SpeakerIndex,
    text: str,
    words: list[str],
    at: int,
    gender: str | None,
    lang: _Lang,
    phrase_start: int,
) -> Entity | None:
    """ "Посолка ... Вероніка Штольц розповіла, що ... «...», — додала дипломатка", "Губернатор
    ... Серебряков ответил, что ... «...», — сказал глава региона": a noun of the verb's gender
    (with the body it heads, if any) describes the paragraph's speaker going on, when the
    paragraph names no one else of that gender. A quote that opens its paragraph goes on from
    the paragraph before ("Дорошенко парирувала, що ...¶«...», — сказала депутатка"), where
    the speaker may also be the pronoun's ("... Семенюк-Ворона. Вона нагадала, що ...")."""
    if not gender or person_noun_gender(words[0], lang.code) not in (gender, ""):
        return None
    para, end = _context_paragraph(text, at)
    if end < at and _replies(text, phrase_start, lang.code):
        return None  # "¶«...», — возразил замглавы": someone else answers the paragraph before
    at = end
    only = index.only_person_of(at, gender)
    # (A lone word is as likely a place: "Источник в мэрии Северогорска сообщил ...".)
    if only is None or not (len(only.tokens) > 1 or only.confirmed):
        return None
    named = [m for m in index.mentions_in(para, at) if m.entity is only and not m.in_quote]
    if any(index.beside_speech_verb(m.start, m.end) for m in named):
        return only
    if (
        named
        and only.role
        and words[0] in lx.CYR_ROLE_WORDS
        and only.role.split()[0].lower() in lx.CYR_ROLE_WORDS
    ):
        # "Губернатор ... Андрей Солодов осмотрел пункт.¶«...», — сказал глава региона": an
        # official's title describes the one official of that gender the paragraph names,
        # whatever the verb beside the name.
        return only
    pronoun = next((p for p, g in lang.pronouns.items() if g == gender), None)
    if named and pronoun:
        for m in re.finditer(rf"\b{pronoun.capitalize()}\b|\b{pronoun}\b", text[named[-1].end : at]):
            k = named[-1].end + m.start()
            if index.beside_speech_verb(k, k + len(pronoun)):
                return only
    return None


# ", who asked to be identified only as Dolores,": the one name a source gives.
_GIVEN_NAME = re.compile(
    r",? who (?:asked to be |wanted to be )?(?:identified|known|named|gave (?:his|her|their) name)(?: only| simply| just)? as ([A-ZÀ-Þ][\w'’-]+)"
)


def _addressed_in(quote_text: str, person: Entity) -> bool:
    """Does the quote call ``person`` by name, as the first words or set off by commas
    ("Neither, Mr Lindqvist, ...", "Галина Сергеевна, ...")?"""
    # (Not inside words it quotes: "Вона мені сказала: „Не будь гордою, Ніно ...“" is said to
    # the speaker.)
    own = _NESTED_QUOTE.sub("", quote_text[:160])[:80]
    return any(calls_by_name(m.group(1), person) for m in _ADDRESS.finditer(own))


_NESTED_QUOTE = re.compile(r"„[^“”]*[“”]|‘[^’]*’|«[^»]*»")


# A name set off as an address: at the start or after a comma, up to the next comma or stop.
_ADDRESS = re.compile(r"(?:^|, )((?:[A-ZА-ЯІЇЄҐЁ][\w'’-]+\.? ?){1,3})(?=[,.!?]|$)")


def _answers_back(text: str, attr: _Attribution, language: str) -> bool:
    """Is the attribution's verb one of answering back: "— парировал чиновник", "the admiral
    retorted", "his opponent shot back"? ("Ответил", "replied" may answer a question someone
    unnamed asked.)"""
    if language in ("uk", "ru"):
        return _replies(text, attr.phrase_start, language, _ANSWERING_LEMMAS - _REPLY_LEMMAS)
    before = _WORD.findall(text[max(0, attr.phrase_start - 20) : attr.phrase_start])[-1:]
    after = [w.lower() for w in _WORD.findall(text[attr.phrase_end : attr.phrase_end + 24])[:2]]
    return any(w.lower() in _EN_ANSWERING for w in before + after[:1]) or (
        len(after) == 2 and after[1] == "back" and after[0] in _EN_BACK_VERBS
    )


_EN_ANSWERING = frozenset({"retorted", "countered", "retorts", "counters"})
# "shot back", "hit back", "fired back": a speech verb of two words.
_EN_BACK_VERBS = frozenset({"shot", "hit", "fired"})


def _replies(text: str, phrase_start: int, language: str, lemmas: frozenset[str] | None = None) -> bool:
    """Is the verb right before the attribution's phrase one of answering back ("возразил",
    "парирувала", "відповів"), or of ``lemmas`` when given?"""
    before = _WORD.findall(text[max(0, phrase_start - 30) : phrase_start])
    return bool(before) and lemma(before[-1].lower(), language) in (lemmas or _ANSWERING_LEMMAS)


_REPLY_LEMMAS = frozenset({"ответить", "відповісти"})
_ANSWERING_LEMMAS = _REPLY_LEMMAS | {
    "возразить",
    "заперечити",
    "парировать",
    "парирувати",
    "перебить",
    "перебити",
}


def _role_with_body(
    index: SpeakerIndex, low_words: list[str], pos: int, gender: str, lang: _Lang
) -> Entity | None:
    """The one person named before ``pos``, of ``gender``, whose role has the body ``low_words``
    name after a person noun ("очільниця фонду" -> "директорка фонду «Відродження»")."""
    if not is_person_noun(low_words[0], lang.code):
        return None
    bodies = {lemma(w, lang.code) for w in low_words[1:]} & lx.CYR_ORG_LEMMAS
    if not bodies:
        return None
    found: list[Entity] = []
    for men in index.mentions_before(pos):
        ent = men.entity
        if (
            ent.is_org
            or men.in_quote
            or not ent.role
            or ent.gender not in (gender, None)
            or len(ent.tokens) < 2
        ):
            continue
        role = {lemma(w, lang.code) for w in _WORD.findall(ent.role.lower())}
        if role & bodies and all(e is not ent for e in found):
            found.append(ent)
    return found[0] if len(found) == 1 else None


def _is_pronoun_phrase(text: str, attr: _Attribution) -> bool:
    """Is the attribution's phrase a pronoun or a possessive alone ("его" of "по его словам")?"""
    words = _WORD.findall(text[attr.phrase_start : attr.phrase_end].lower())
    return len(words) == 1 and (words[0] in _POSSESSIVE_GENDER or words[0] in _ALL_PRONOUNS)


_ALL_PRONOUNS = frozenset([*lx.EN_PRONOUNS, *lx.UK_PRONOUNS, *lx.RU_PRONOUNS])


def _name_ending_sentence(index: SpeakerIndex, text: str, start: int, last: bool = False) -> Entity | None:
    """The person named last in the sentence from ``start``, when nothing but the name's end
    follows it and (unless ``last``) no other person is named in between."""
    stop = min(
        (k for k in (text.find(".", start, start + 240), text.find("\n", start, start + 240)) if k >= 0),
        default=-1,
    )
    if stop < 0:
        return None
    # (An attribution set inside the quote marks, between dashes, is "in the quote" too.)
    persons = [m for m in index.mentions_in(start, stop) if (last or not m.in_quote) and not m.entity.is_org]
    if last:
        persons = persons[-1:]
    if len(persons) != 1 or text[persons[0].end : stop].strip():
        return None
    return persons[0].entity


def _name_closing_phrase(index: SpeakerIndex, text: str, end: int) -> Entity | None:
    """The person named at the end of the appositions that go on after ``end`` to the
    sentence's end (", эколог центра «Чистый берег» Ирина Олеговна Маслова.")."""
    return _name_ending_sentence(index, text, end) if text[end : end + 1] == "," else None


def _paragraph_body(index: SpeakerIndex, text: str, pos: int, lang: _Lang) -> Entity | None:
    """The body the paragraph before ``pos`` speaks of last, outside quotations: one it names
    ("Державна інспекція ..."), or one a noun stands for ("У спілці наголошують", "інспекція
    розмістила"), if a body named in the briefing has that noun at its head."""
    para = text.rfind("\n", 0, pos) + 1
    named = [m for m in index.mentions_in(para, pos) if m.entity.is_org and not m.in_quote and m.end <= pos]
    last_named = named[-1] if named else None
    for word in reversed(list(_CYR_NOUN.finditer(text, para, pos))):
        if last_named is not None and word.start() < last_named.end:
            break
        if index.in_quote(word.start()):
            continue
        noun = _body_noun(word.group(0).lower(), lang)
        if noun in lx.CYR_ORG_LEMMAS and "служб" not in noun:
            ent = _body_named_by(index, noun, word.start())
            if ent is not None:
                return ent
    return last_named.entity if last_named is not None else None


def _body_noun(word: str, lang: _Lang) -> str:
    """The dictionary form of a word that may name a body, a town's short nouns read as the
    noun their full names have ("міськраді" -> "рада")."""
    base = lemma(word, lang.code)
    return lx.CYR_COMPOUND_BODIES.get(base, base)


def _body_named_by(index: SpeakerIndex, noun: str, pos: int) -> Entity | None:
    """The body a noun (a dictionary form) stands for at ``pos``: one whose name has it, or the
    company last named by its legal form ("в компании" after "АО «...»")."""
    return index.by_role_noun(noun, pos, org=True) or index.company_named_by_form(noun, pos)


_CYR_NOUN = re.compile(r"[А-ЯІЇЄҐЁа-яіїєґёʼ'’-]{4,}")


def _subject_before(
    text: str, words: list[tuple[str, int, int]], i: int, lo: int, language: str = "en"
) -> tuple[int, int] | None:
    """The noun phrase right before the verb at ``words[i]``, back to a clause boundary."""
    j = i - 1
    # Skip adverbs/auxiliaries: "has repeatedly said", "also noted".
    while j >= 0 and (
        words[j][0].lower()
        in (
            "has",
            "have",
            "had",
            "also",
            "then",
            "later",
            "again",
            "has",
            "previously",
            "repeatedly",
            "further",
            "publicly",
            "had",
            "також",
            "також",
            "также",
            "ще",
            "еще",
            "ранее",
            "раніше",
            "once",
            "never",
            "always",
            "first",
        )
        or words[j][0].lower().endswith("ly")
    ):
        j -= 1
    if j < 0:
        return None
    if words[j][0].lower() in _SUBJECT_PRONOUNS:
        # "a rebuild programme she once described as ...": the pronoun is the subject.
        return words[j][1], words[j][2]
    end = words[j][2]
    start = words[j][1]
    k = j - 1
    while k >= 0 and j - k < 16:
        between = text[words[k][2] : start]
        if any(c in between for c in '.;:!?"“”«»—'):
            break
        if "," in between:
            # "Jane Doe, the minister, said": keep going over an appositive, but not past a clause.
            seg_words = [w[0].lower() for w in words[k : j + 1]]
            if seg_words and seg_words[0] in ("and", "but", "і", "и", "та", "а"):
                break
        start = words[k][1]
        k -= 1
    # Trim leading clause words ("In a statement, the ministry said").
    phrase = text[start:end]
    if "," in phrase:
        parts = phrase.split(",")
        # Prefer a part that holds a name or a role noun; the first part is usually the subject,
        # but a pronoun right before the verb is it ("Asked whether ..., which ..., she replied").
        first = parts[0].strip()
        if parts[-1].strip().lower() in _SUBJECT_PRONOUNS:
            start = end - len(parts[-1].strip())
        elif first and language in ("uk", "ru") and _opens_a_clause(first.split()[0].lower(), language):
            # "Обращаясь к депутатам, Кольцова сказала", "Після наради Коваль сказала": the
            # subject follows the adverbial phrase.
            last = parts[-1].strip()
            start = end - len(last)
        elif first and (first[0].isupper() or first.split()[0].lower() in ("the", "a", "an")):
            if first.split()[0].lower() in (
                "in",
                "on",
                "at",
                "after",
                "before",
                "during",
                "speaking",
                "asked",
                "when",
                "later",
                "earlier",
                "however",
                "meanwhile",
                "but",
                "and",
            ):
                last = parts[-1].strip()
                start = end - len(last)
            else:
                end = start + len(parts[0].rstrip())
        else:
            last = parts[-1].strip()
            start = end - len(last)
    return start, end


_SUBJECT_PRONOUNS = frozenset("he she they it we i він вона вони воно ми я он она они оно мы".split())


def _opens_a_clause(word: str, language: str) -> bool:
    """An adverbial participle, a preposition or an adverb ("Обращаясь", "Відповідаючи",
    "Після", "Позже") opens a phrase that is not the subject."""
    return (
        is_adverbial_participle(word, language)
        or is_function_word(word, language)
        or is_comparative(word, language)
    )


def _after_role_noun(text: str, start: int) -> bool:
    before = text[max(0, start - 20) : start].split()
    return bool(before) and before[-1] in lx.EN_ROLE_NOUNS


def _introduced_after(index: SpeakerIndex, text: str, close_at: int, para_end: int) -> Entity | None:
    """The person the sentence right after a quote's closing mark, in the same paragraph, is
    about: in English the name it opens with, in Ukrainian and Russian the one person it names.
    ``None`` when that sentence has a quotation of its own or names no one, or someone else."""
    gap = _AFTER_QUOTE.match(text, close_at + 1, para_end)
    if gap is None:
        return None
    start = gap.end()
    stop = text.find(". ", start, para_end)
    stop = para_end if stop < 0 else stop
    # A name in quote marks ("общественной приёмной «Городской контроль»") is no quotation.
    if any(mark in _NAME_IN_MARKS.sub("", text[start:stop]) for mark in '"“”«»„'):
        return None
    persons = [m for m in index.mentions_in(start, stop) if not m.in_quote and not m.entity.is_org]
    if not persons:
        return None
    if index.cyrillic:
        if len({id(m.entity) for m in persons}) == 1:
            return persons[0].entity
        if _POINTS_BACK.match(text, start) is not None:
            # "«...». Таку відповідь Білинському дав голова ради Павло Рибчак": whom it was
            # said to is in another case; who said it is the subject.
            subjects = [
                m
                for m in persons
                if may_be_nominative_name(tuple(text[m.start : m.end].split()), index.language, None)
            ]
            return subjects[-1].entity if len(subjects) == 1 else None
        return None
    # "'...' So says Idris Caldecote, director of ...": the name right after "so says".
    lead = _SO_SAYS.match(text, start)
    return persons[0].entity if persons[0].start == (lead.end() if lead else start) else None


def _first_sentence_after(text: str, para_end: int) -> tuple[int, int]:
    """Where the paragraph after ``para_end`` starts, and where its first sentence ends (at
    most 300 characters on)."""
    start = para_end
    while start < len(text) and text[start] in "\n ":
        start += 1
    stop = text.find(". ", start, start + 300)
    return start, start + 300 if stop < 0 else stop


def _opens_next_paragraph(index: SpeakerIndex, text: str, para_end: int) -> Entity | None:
    """The person whose name opens the paragraph after ``para_end`` (after a title or rank:
    "The Rev. Marcus Bell, pastor of ..."), when its first sentence has no quotation."""
    start, stop = _first_sentence_after(text, para_end)
    if any(mark in _NAME_IN_MARKS.sub("", text[start:stop]) for mark in '"“”«»„'):
        return None
    first = next((m for m in index.mentions_in(start, stop) if not m.in_quote), None)
    if first is None or first.entity.is_org:
        return None
    lead = text[start : first.start].split()
    return first.entity if all(w[:1].isupper() for w in lead) and len(lead) <= 2 else None


def _introduced_next(index: SpeakerIndex, text: str, para_end: int) -> Entity | None:
    """A quote that is its own paragraph, then a paragraph that points back at it and names
    who said it: "That was the verdict of Dr Niamh Brosnan-Healy, ...", "With those words,
    Local Government Minister Stephen Kowalczyk ...", "Такими словами ...". The first person
    its first sentence names."""
    start, stop = _first_sentence_after(text, para_end)
    if _POINTS_BACK.match(text, start) is None:
        return None
    persons = [
        m
        for m in index.mentions_in(start, stop)
        if m.start >= start and not m.in_quote and not m.entity.is_org
    ]
    return persons[0].entity if persons else None


_POINTS_BACK = re.compile(
    r"(?:That|This|Those|These) (?:was|were|is|are) (?:the )?(?:verdict|view|words|message|warning|assessment"
    r"|question|plea|complaint|reply|response|answer|promise|appeal|argument)\b"
    r"|(?:The|That|This) (?:rebuke|reply|response|answer|retort|warning|objection|criticism) came from\b"
    r"|(?:Таку|Такую|Такий|Такой) (?:відповідь|ответ|оцінку|оценку|позицію|позицию)\b"
    r"|With (?:those|these) words\b|So (?:says|said)\b"
    r"|(?:Такими|Этими|Цими|Такими ж) словами\b|(?:Этой|Такой|Цією|Такою) фраз(?:ой|ою)\b"
    r"|(?:Так|Такою|Такой) (?:була|была|оцінила|оценила|описав|описал|описує|описывает|пояснює|объясняет"
    r"|оцінює|оценивает|бачить|видит)\b",
)


# A short capitalised name in quote marks: "«Городской контроль»", "\"Grain of the South\"".
_NAME_IN_MARKS = re.compile(r"[«\"“„][A-ZА-ЯІЇЄҐЁ][^«»\"“”„]{0,40}[»\"”“]")
_SO_SAYS = re.compile(r"(?:So|Thus) (?:says|said) ")


# The end of a quoted sentence and the start of the next: "». Этими", '" Morwenna'.
_AFTER_QUOTE = re.compile(r"[.!?…]?[ \t]+(?=[A-ZА-ЯІЇЄҐЁ])")


def _led_by_subject(index: SpeakerIndex, text: str, para: int, pos: int) -> Entity | None:
    """The person the sentence right before ``pos`` opens with, when that sentence is in the
    same paragraph and nothing but the quote follows it: "He then turned to ...", "Opening his
    speech, the minister described ...", "Lamb, who watched from the gallery, said ...". ``None``
    for a sentence opened by anything else."""
    if text[:pos].rstrip()[-1:] not in ".:":
        return None
    end = len(text[:pos].rstrip()) - 1
    lo = para
    dot = text.rfind(". ", para, end)
    while dot >= 0:
        if _is_boundary(text, dot, dot + 2, "en"):
            lo = dot + 2
            break
        dot = text.rfind(". ", para, dot)
    sentence = text[lo:end]
    if any(mark in sentence for mark in '"“”'):
        return None  # a sentence with its own quotation has its own attribution
    opening = _EN_LEADING_CLAUSE.match(sentence)
    at = lo + (opening.end() if opening else 0)
    words = text[at:end].split(None, 2)
    if not words:
        return None
    head = words[0].lower()
    if head in ("he", "she"):
        gender = "m" if head == "he" else "f"
        return index.paragraph_antecedent(at, gender) or index.by_pronoun(at, gender)
    men = next((m for m in index.mentions_in(at, end) if not m.in_quote), None)
    # "District water officer Fatuma Rashidi credits ...": the role she was introduced with
    # may come first.
    if men is not None and (
        men.start == at or (men.entity.role and text[at : men.start].strip() == men.entity.role)
    ):
        return None if men.entity.is_org else men.entity
    if head == "the" and len(words) > 1:
        return index.role_opener(at, end, None)
    return None


# "Opening his speech, ", "Speaking on Tuesday, ", "Asked about the budget, ": a clause
# before the sentence's subject.
_EN_LEADING_CLAUSE = re.compile(r"(?:[A-Z][a-z]+ing|Asked|Pressed|Later|Afterwards|Then)\b[^,.]{0,60}, ")


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence that holds ``pos`` starts (at most its paragraph's start)."""
    para = text.rfind("\n", 0, pos) + 1
    dot = text.rfind(". ", para, pos)
    while dot >= 0:
        # "who lost 16 lbs. “and two belt loops”" goes on: a quote opening in lower case.
        lower_quote = text[dot + 2 : dot + 3] in '"“«„' and text[dot + 3 : dot + 4].islower()
        if not lower_quote and _is_boundary(text, dot, dot + 2, "en"):
            return dot + 1
        dot = text.rfind(". ", para, dot)
    return para


def _sentence_subject(index: SpeakerIndex, text: str, pos: int) -> Entity | None:
    """The first person or organisation named in the sentence that holds ``pos``, or the
    antecedent of a sentence-initial pronoun."""
    lo = _sentence_start(text, pos)
    for men in index.mentions_in(lo, pos):
        if men.start >= lo and not men.in_quote:
            if men.entity.is_org and index.cyrillic:
                # "Председатель ... движения «Домовой совет» Нина Ветрова попросила: «...»": the
                # body is in the role of the person the sentence opens with.
                holder = index.named_after_role(lo + len(text[lo:pos]) - len(text[lo:pos].lstrip()))
                if holder is not None and holder is not men.entity:
                    return holder
            return men.entity
    first = text[lo:pos].split(None, 2)
    if first and first[0].lower() in ("he", "she"):
        return index.by_pronoun(lo, "m" if first[0].lower() == "he" else "f")
    if index.cyrillic and len(first) > 1 and is_person_noun(first[0].lower(), index.language):
        # "Парламентарий пояснил: «...»", "Градоначальник ответил: «...»": the person of the
        # verb's gender the paragraph speaks of.
        gender = past_verb_gender(first[1].lower(), index.language)
        if gender is not None:
            return index.paragraph_antecedent(lo, gender)
    return None


def _resolve(
    index: SpeakerIndex,
    text: str,
    attr: _Attribution,
    lang: _Lang,
    quote_start: int,
    quote_span: tuple[int, int],
) -> tuple[Entity | str | None, float]:
    """Turn an attribution phrase into an entity (or a plain name string when we cannot), with
    how sure the reading is: a name in the phrase itself, a role its holder was introduced
    with, or a pronoun of the right gender are sure; a pronoun without gender, a definite
    description, or a capitalised word nobody in the briefing answers to are guesses."""
    if attr.body:
        return _resolve_body(index, text, attr, lang)
    phrase = text[attr.phrase_start : attr.phrase_end].strip()
    if not phrase:
        return None, 0.0
    low_words = [w.lower() for w in _WORD.findall(phrase)]
    if not low_words:
        return None, 0.0
    if len(low_words) > 1 and low_words[0] in lx.CYR_ADDRESSEES:
        # "— заявил журналистам защитник": whom the words were said to comes first.
        cut = phrase.lower().index(low_words[0]) + len(low_words[0])
        attr = _Attribution(attr.phrase_start + cut + 1, attr.phrase_end, attr.verb_gender, attr.immediate)
        phrase, low_words = text[attr.phrase_start : attr.phrase_end].strip(), low_words[1:]
    lead = ANONYMOUS.match(phrase)
    if lead is not None:
        # "— сказал на условиях анонимности сотрудник министерства": someone unnamed, described.
        desc = phrase[lead.end() :].strip(" ,.")
        return (Description(desc), 1.0) if _is_description(desc) else (None, 0.0)
    cut_at = next((i for i, w in enumerate(low_words) if i and w in lx.CYR_ADDRESSEES), 0)
    if cut_at and not index.mentions_in(attr.phrase_start, attr.phrase_end):
        # "— сказал фермер корреспонденту агентства": to whom, after who.
        cut = phrase.lower().index(" " + low_words[cut_at])
        attr = _Attribution(attr.phrase_start, attr.phrase_start + cut, attr.verb_gender, attr.immediate)
        phrase, low_words = phrase[:cut], low_words[:cut_at]
    if (
        lang.code in ("uk", "ru")
        and 1 < len(low_words) <= 4
        and phrase.islower()
        and is_person_noun(low_words[-1], lang.code)
        and not any(
            is_person_noun(w, lang.code) or w in lang.pronouns or is_function_word(w, lang.code)
            for w in low_words[:-1]
        )
    ):
        # "— начал свою речь ректор", "— завершив виступ мер": what the verb did comes first,
        # the noun for who did it last.
        cut = phrase.rfind(" ") + 1
        attr = _Attribution(attr.phrase_start + cut, attr.phrase_end, attr.verb_gender, attr.immediate)
        phrase, low_words = phrase[cut:], low_words[-1:]
    if low_words[0] in ("one", "a", "an", "another") and lang.code == "en":
        # "One tenant, who asked to be identified only as Dolores, said": the name given.
        given = _GIVEN_NAME.match(text, attr.phrase_end, attr.phrase_end + 80)
        if given is not None:
            named_as = next((m.entity for m in index.mentions_in(given.start(1), given.end(1))), None)
            if named_as is not None and not named_as.is_org:
                return named_as, 0.85
        # "said a committee staffer who asked not to be named": someone the text will not name,
        # described; not the committee, nor anyone named before.
        ends = [i for i in (text.find(". ", attr.phrase_end), text.find("\n", attr.phrase_end)) if i >= 0]
        anonymous = ANONYMOUS.search(text, attr.phrase_start, min(ends, default=len(text)))
        if anonymous is not None and not any(
            not m.entity.is_org for m in index.mentions_in(attr.phrase_start, anonymous.start())
        ):
            desc = re.split(r",| who | which ", text[attr.phrase_start : anonymous.start()] + ",")[0]
            desc = " ".join(desc.split()[1:]).strip(",.")
            return (Description(desc), 1.0) if _is_description(desc) else (None, 0.0)
    if low_words == ["там"] and lang.code in ("uk", "ru"):
        # "У спілці наголошують ... «...», — заявили там": the body the paragraph speaks of.
        body = _paragraph_body(index, text, min(attr.phrase_start, quote_start), lang)
        return body, 0.8 if body is not None else 0.0
    if low_words == ["who"]:
        # "said Yoni Freedhoff, ..., who writes about food policy": the relative clause's antecedent.
        return index.by_pronoun(attr.phrase_start, None), 0.8
    if (
        low_words[0] in ("it", "its", "воно", "оно")
        and len(low_words) <= 2
        and low_words[-1] not in lx.EN_ROLE_WORDS  # "Its president, Marta Juric, said" is a person
    ):
        at = min(attr.phrase_start, quote_start)
        opening = _opening_body(index, text, at) if lang.code == "en" else None
        if opening is not None:
            return opening, 0.8
        body = index.body_subject(at) or index.latest_org(attr.phrase_start)
        # "it" stands for a body: a name never shown to be one ("Brodhaus", "Suncor" without
        # "Ltd" or "the company") may as well be a person the sentence is about, a guess.
        return body, 0.75 if body is None or body.is_org else _GUESS
    if len(low_words) == 1 and low_words[0] in _POSSESSIVE_GENDER:
        # "За його словами, ... «...»": the person "його" refers to, like "він".
        gender = _POSSESSIVE_GENDER[low_words[0]]
        at = min(attr.phrase_start, quote_start)
        if gender is None:
            return _plural_antecedent(index, text, at), 0.7
        in_paragraph = index.paragraph_antecedent(at, gender, exclude=quote_span)
        if in_paragraph is not None:
            return in_paragraph, _antecedent_confidence(index, in_paragraph, at, gender, 0.9, nearest=False)
        ent = index.by_pronoun(at, gender, exclude=quote_span)
        return ent, _antecedent_confidence(index, ent, at, gender, 0.9, nearest=True)
    if low_words[0] in ("his", "her", "їхня", "його", "її", "его", "её") and len(low_words) <= 3:
        # "her office told", "його речник сказав": someone speaking for the person, not the
        # person: described as such, with whom the text means.
        owner_gender = "m" if low_words[0] in ("his", "його", "его") else "f"
        possessor = index.by_pronoun(min(attr.phrase_start, quote_start), owner_gender, exclude=quote_span)
        who = f" ({possessor.name})" if possessor is not None and len(low_words) > 1 else ""
        return Description(phrase.strip(",.") + who), 1.0
    if low_words[0] in lang.pronouns:
        gender = lang.pronouns[low_words[0]] or attr.verb_gender
        if low_words[0] in ("they", "we", "вони", "они", "ми", "мы"):
            return _plural_antecedent(index, text, min(attr.phrase_start, quote_start)), 0.7
        at = min(attr.phrase_start, quote_start)
        in_paragraph = index.paragraph_antecedent(at, gender, exclude=quote_span) if gender else None
        ent = in_paragraph or index.by_pronoun(at, gender, exclude=quote_span)
        asked = _asked_and_answers(index, text, attr, ent, at, lang.code) if ent is not None else None
        if asked is not None:
            # The answer goes to whom the question was put: the person of the pronoun's
            # gender named last before the asker asked.
            other = index.by_pronoun(asked, gender, exclude=quote_span)
            return (other, 0.7) if other is not None and other is not ent else (ent, _GUESS)
        if in_paragraph is not None:
            return in_paragraph, _antecedent_confidence(index, in_paragraph, at, gender, 0.9, nearest=False)
        return ent, _antecedent_confidence(index, ent, at, gender, 0.9 if gender else 0.6, nearest=True)
    mentions = [m for m in index.mentions_in(attr.phrase_start, attr.phrase_end)]
    # "says the self-taught Cambridge resident": a capitalised word modifying a noun is no speaker.
    mentions = [
        m
        for m in mentions
        if not (
            m.end < attr.phrase_end
            and text[m.end] == " "
            and text[m.end + 1 : m.end + 2].islower()
            and low_words[0] in ("the", "a", "an")
        )
    ]
    persons = [m for m in mentions if not m.entity.is_org]
    possessors = [m for m in persons if _is_possessor(text, attr, m, lang.code)]
    if possessors:
        # "said Mark Hollis's lawyer", "— заявил адвокат Петрова", "— розповіла дружина
        # Олександра": the name is whose lawyer or wife speaks, not the speaker.
        persons = [m for m in persons if m not in possessors]
        if not persons:
            desc = " ".join(phrase.split(",")[0].split()).strip(",.")
            if desc.lower().startswith(("the ", "a ", "an ")):
                desc = desc.split(None, 1)[1]
            return (Description(desc), 1.0) if _is_description(desc) else (None, 0.0)
    if len(persons) > 1 and lang.code in ("uk", "ru"):
        # "На вопрос депутата Анны Беловой глава района Олег Петров ответил": the speaker is
        # the subject, in the nominative and of the verb's gender; a name in another case
        # only belongs to the phrase ("по словам X" has every name in the genitive: all stay).
        subjects = [
            m
            for m in persons
            if may_be_nominative_name(tuple(text[m.start : m.end].split()), lang.code, attr.verb_gender)
        ]
        persons = subjects or persons
    if persons:
        # "says Cambridge cartoonist Andre Campbell": prefer a full, known name over a stray word.
        full = [m for m in persons if len(m.entity.tokens) > 1]
        sure = [m for m in full if m.entity.confirmed]
        # "said Rockets general manager Bruce Hamilton": the name right after a role word.
        titled = [m for m in persons if _after_role_noun(text, m.start)]
        chosen = (titled or sure or full or persons)[0]
        best = chosen.entity
        if index.cyrillic and not (titled or sure or full) and attr.immediate:
            # "— сказал в интервью ... посол Ладонии в Вестмарке, до прошлого года ..., Эдуард
            # Кшиштофович Ламберт-Осинский. —": a lone word in the genitive is a place the role
            # names; the full name that ends the attribution is the speaker.
            ending = _name_ending_sentence(index, text, attr.phrase_start, last=True)
            if ending is not None and len(ending.tokens) > 1 and ending is not best:
                return ending, 0.9
        surface = text[chosen.start : chosen.end].split()
        if len(surface) == 1 and index.cyrillic:
            # "— добавляет Петров" in a story about a couple. (English reads a shared surname
            # as the bearer named last, right on ggt-quotes; the Cyrillic index matches the
            # bearer it met last, whoever the story was about since.)
            best, settled = index.surname_reading(best, surface[0], attr.verb_gender)
            if not settled:
                return best, _GUESS
        return best, 0.95 if (titled or sure or full) else 0.8
    described = _described_person(index, text, attr, lang, low_words, quote_start) if not mentions else None
    if described is not None:
        return described, 0.8
    if not mentions and lang.code in ("uk", "ru") and attr.immediate:
        # "— рассказал журналистам во вторник после заседания ... первый заместитель министра
        # финансов Иван Петрович Сомов.": the name that ends the sentence.
        ending = _name_ending_sentence(index, text, attr.phrase_start)
        if ending is not None:
            return ending, 0.9
    if (
        not mentions
        and lang.code in ("uk", "ru")
        and len(low_words) == 1
        and is_person_noun(low_words[0], lang.code)
    ):
        # "— отметил проректор" after "Проректор по научной работе, ..., Вадим Рябинин": the one
        # person the briefing introduced in a sentence with that noun; "— сказала прокурор": the
        # one woman the paragraph names, when the verb is a woman's and the noun is not.
        at = min(attr.phrase_start, quote_start)
        introduced = index.introduced_with(lemma(low_words[0], lang.code), at, attr.verb_gender)
        if introduced is not None:
            return introduced, 0.8
        if attr.verb_gender == "f" and person_noun_gender(low_words[0], lang.code) != "f":
            only = index.only_person_of(at, "f")
            if only is not None:
                return only, 0.8
        described = _speaker_described(index, text, low_words, at, attr.verb_gender, lang, attr.phrase_start)
        if described is not None:
            return described, 0.8
        if attr.verb_gender and lemma(low_words[0], lang.code) in lx.CYR_GENERIC_PERSON_LEMMAS:
            # "— розповів співрозмовник", "— сказав чоловік": the one person of the verb's
            # gender the paragraph names.
            only = index.only_person_of(at, attr.verb_gender)
            if only is not None:
                return only, 0.8
    if 2 <= len(low_words) <= 3 and lang.code in ("uk", "ru") and not mentions and attr.verb_gender:
        # "— додала очільниця фонду": the one person of the verb's gender whose role names
        # that body ("директорка благодійного фонду").
        at = min(attr.phrase_start, quote_start)
        held = _role_with_body(index, low_words, at, attr.verb_gender, lang) or _speaker_described(
            index, text, low_words, at, attr.verb_gender, lang, attr.phrase_start
        )
        if held is not None:
            return held, 0.8
    if len(low_words) == 1 and lang.code in ("uk", "ru") and not mentions:
        # "— отметили пчеловоды" after "Союз пчеловодов ...": the body its members make up.
        members = index.body_of_members(low_words[0], min(attr.phrase_start, quote_start))
        if members is not None:
            return members, 0.8
    if len(low_words) == 1 and low_words[0] in lx.CYR_OFFICIAL_NOUNS:
        # "Глава района Людмила Осокина возразила ... «...», — сказала чиновница": an official
        # the paragraph speaks of, of the verb's gender, who was introduced with a role.
        at = min(attr.phrase_start, quote_start)
        ent = index.paragraph_antecedent(at, attr.verb_gender, exclude=quote_span)
        if ent is not None and (ent.role or attr.verb_gender):
            return ent, 0.8
    role_nouns = _ROLE_NOUNS
    statement = (
        _EN_STATEMENT_FROM.search(
            phrase.rstrip(".,") + text[attr.phrase_end : attr.phrase_end + 60].split(".", maxsplit=1)[0]
        )
        if lang.code == "en" and not mentions
        else None
    )
    if statement is not None:
        # "according to a statement from the union": the body named before by that noun.
        body = index.org_by_head(
            statement.group("words").lower().split(), min(attr.phrase_start, quote_start)
        )
        if body is not None:
            return body, 0.8
    # "a ministry spokesperson said": someone unnamed from a body, described; not the body.
    if (
        low_words[0] in ("a", "an", "one", "another")
        and not mentions
        and any(w in role_nouns for w in low_words)
    ):
        desc = " ".join(phrase.split(",")[0].split()[1:]).strip(",.")
        if len(low_words) <= 8 and _is_description(desc):
            return Description(desc), 1.0
    # Role noun or organisation: "the secretary", "the RCMP statement".
    for w in low_words:
        if w in role_nouns:
            ent = index.by_role_noun(w, attr.phrase_start)
            # ("— сказал глава региона" is not the woman who heads a department.)
            if (
                ent is not None
                and not ent.is_org
                and (not attr.verb_gender or ent.gender in (attr.verb_gender, None))
            ):
                return ent, 0.6
    # A bare or definite role ("— пояснив економіст", "the economist added") that no one named
    # holds: the most salient earlier person of the verb's gender, if their role fits the noun.
    nouns = [w for w in low_words if w in role_nouns]
    if nouns and not mentions and lang.code in ("uk", "ru"):
        # "— рассказала руководитель проекта, эколог центра «Чистый берег» Ирина Маслова": the
        # name closes the appositions after the role.
        closing = _name_closing_phrase(index, text, attr.phrase_end)
        if closing is not None:
            return closing, 0.9
    if nouns and not mentions and len(low_words) <= 3 and low_words[0] not in _DESCRIPTION_OPENERS:
        ent = index.by_pronoun(min(attr.phrase_start, quote_start), attr.verb_gender, exclude=quote_span)
        if ent is not None and not ent.is_org and _role_fits(ent.role, nouns[-1]):
            return ent, 0.7
    bare = [w for w in low_words if w != "the"]
    if (
        not mentions
        and len(bare) == 1
        and bare[0] in role_nouns
        and (lemma(bare[0], lang.code) if lang.code in ("uk", "ru") else bare[0])
        not in lx.UNNAMED_SOURCE_NOUNS
    ):
        # "Ван Дейк подтвердил ... «...», — объяснил инвестор", "По словам Седых, ...¶«...»,
        # — подчеркнул генерал": a bare noun the text never gave as a role, for the one
        # person the quote's paragraph (or, for a quote that opens it, the paragraph before)
        # names. A role with more words ("глава комиссии") is someone's office; a noun that
        # is no role ("— говорит пенсионерка") may be a passer-by the story only describes.
        alone = _only_person_around(index, text, quote_start, attr.verb_gender, quote_span)
        if alone is not None:
            return alone, 0.7
    if nouns and not mentions:
        # "— добавила руководитель фонда", "the chamber's spokesperson said": a person whom
        # no one named holds that role; the body in the phrase is not the speaker.
        words = phrase.split(",")[0].split()
        if words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        desc = " ".join(words).strip(",.")
        if len(words) <= 8 and _is_description(desc):
            return Description(desc), 1.0
    if (
        mentions
        and mentions[-1].entity.is_org
        and _EN_PUBLISHED_BY.search(text[attr.phrase_start : mentions[-1].start])
    ):
        # "according to guidance published by Orrinford City Council": the body's words.
        return mentions[-1].entity, 0.85
    if mentions:
        named = mentions[-1]
        if named.entity.is_org and lang.code in ("uk", "ru") and attr.immediate and not persons:
            # "— предупредил ... директор муниципального предприятия «Новоильинский автобусный
            # парк», отвечающего за ..., Геннадий Ахметшин.": the body belongs to the role, and
            # the person named at the end of the appositions holds it.
            role_first = any(w in lx.CYR_ROLE_WORDS for w in low_words)
            ending = _name_ending_sentence(index, text, attr.phrase_start, last=True) if role_first else None
            if ending is not None and len(ending.tokens) > 1:
                return ending, 0.9
        if _after_preposition(text, attr.phrase_start, named.start, lang.code):
            # "— сказало джерело в Міністерстві ...", "said a source at the ministry": someone
            # from the body speaks, described, and the body named after the preposition is not
            # the speaker.
            words = phrase.split(",")[0].split()
            if words[0].lower() in ("the", "a", "an"):
                words = words[1:]
            desc = " ".join(words).strip(",.")
            return (Description(desc), 1.0) if len(words) <= 8 and _is_description(desc) else (None, 0.0)
        return named.entity, 0.8
    for w in low_words:
        if w in lx.EN_ORG_NOUNS or w in lx.CYR_ORG_WORDS:
            ent = index.by_role_noun(w, attr.phrase_start, org=True)
            if ent is not None:
                # Named before ("The Ministry of Health ... the ministry said") or only later.
                return ent, 0.8 if index.named_before(ent, attr.phrase_start) else 0.4
    if (
        low_words[0] in ("the", "its", "their")
        and len(low_words) <= 4
        # The head noun names a body ("the county council", "its statement"), not a person
        # who belongs to one ("the cabinet member").
        and (
            low_words[-1] in lx.EN_ORG_NOUNS
            or low_words[-1] in ("company", "utility", "firm", "agency", "statement", "department", "post")
        )
    ):
        ent = index.body_subject(min(attr.phrase_start, quote_start)) or index.latest_org(attr.phrase_start)
        if ent is not None:
            return ent, 0.75
    if low_words[0] == "the" and 2 <= len(low_words) <= 4 and not mentions and lang.code == "en":
        # "the club said", "the tenants' association said": the body named before whose name
        # ends in that noun; "the harbour master said": the one person introduced with those words.
        at = min(attr.phrase_start, quote_start)
        body = index.org_by_head(low_words[1:], at)
        if body is not None:
            return body, 0.8
        person = index.introduced_as(" ".join(low_words[1:]), at)
        if person is not None:
            return person, 0.8
    # A definite description of someone already named: "the rookie defenceman", "the 39-year-old".
    if low_words[0] == "the" and len(low_words) <= 5 and not any(w in lx.EN_ORG_NOUNS for w in low_words):
        ent = index.by_pronoun(min(attr.phrase_start, quote_start), None, exclude=quote_span)
        if ent is not None:
            return ent, 0.2
    # An unnamed source described in words ("a citizen, whose name is redacted", "Another member
    # of the public"): keep the description up to its first comma.
    if low_words[0] in _DESCRIPTION_OPENERS and not mentions:
        words = phrase.split(",")[0].split()
        if words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        desc = " ".join(words).strip(",.")
        if len(words) <= 10 and _is_description(desc):
            return Description(desc), 1.0
    # Unknown capitalised name: a short form of someone named elsewhere, or the name as written.
    caps = [w for w in phrase.split() if w[:1].isupper() and w.lower() not in lx.EN_NOT_NAME]
    if caps and _possessor_words(phrase.split(), caps, attr.verb_gender, lang.code):
        # "— рассказала мама Алексея": Alexei's mother speaks, not Alexei.
        desc = " ".join(phrase.split(",")[0].split()).strip(",.")
        return (Description(desc), 1.0) if _is_description(desc) else (None, 0.0)
    if caps:
        name = " ".join(caps).strip(",.")
        found = index.lookup_name(name)
        if found is not None and attr.verb_gender and found.gender not in (attr.verb_gender, None):
            # "— розповіла дружина Олександра" is no man "Олександр Бондар": the verb's gender
            # says the word names someone else.
            return found, _GUESS
        if found is not None or _may_be_a_name(name):
            return (
                (found, 0.8)
                if found is not None
                else (name, _bare_name_confidence(name, lang, _after_name(text, attr, name)))
            )
    # "on Thursday and in a carefully worded response said", "and added:", "but said": no subject
    # in the phrase, so the sentence's own subject speaks ("Trudeau called the allegation ...").
    if low_words[0] in _NO_SUBJECT_OPENERS:
        return _sentence_subject(index, text, min(attr.phrase_start, quote_start)), 0.7
    # An unnamed source described in words ("a citizen", "one of the players"): keep the description.
    if (phrase[:1].islower() or low_words[0] in _POSSESSIVES) and len(low_words) <= 10:
        words = phrase.split()
        if words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        desc = " ".join(words).strip(",.")
        return (Description(desc), 1.0) if _is_description(desc) else (None, 0.0)
    return None, 0.0


_QUESTION_LEMMAS = frozenset({"спросить", "поинтересоваться", "спитати", "запитати", "поцікавитися"})


def _asked_and_answers(
    index: SpeakerIndex, text: str, attr: _Attribution, ent: Entity, at: int, language: str
) -> int | None:
    """Where ``ent`` asked the question that "— ответил он" answers, when the pronoun reads
    back to the person who asked in the same paragraph ("Луков спросил, ... «...», — ответил
    он"); ``None`` otherwise. Whoever asks is not who answers."""
    if language not in ("uk", "ru"):
        return None
    before = _WORD.findall(text[max(0, attr.phrase_start - 30) : attr.phrase_start])
    after = _WORD.findall(text[attr.phrase_end : attr.phrase_end + 30])
    verbs = before[-1:] + after[:1]
    if not any(lemma(v.lower(), language) in _REPLY_LEMMAS for v in verbs):
        return None
    para = text.rfind("\n", 0, at) + 1
    for men in index.mentions_in(para, at):
        if men.entity is not ent or men.in_quote or men.start < para:
            continue
        nxt = _WORD.findall(text[men.end : men.end + 30])
        if nxt and lemma(nxt[0].lower(), language) in _QUESTION_LEMMAS:
            return men.start
    return None


def _possessor_words(words: list[str], caps: list[str], verb_gender: str | None, language: str) -> bool:
    """``_is_possessor`` for capitalised words no one in the index answers to by that form."""
    if language not in ("uk", "ru") or not words or words[0] in caps:
        return False
    if not words[0][:1].islower() or person_noun_gender(words[0], language) is None:
        return False
    tokens = tuple(w.strip(",.") for w in caps)
    return not may_be_nominative_name(tokens, language, verb_gender)


_OF_SOMEONE = frozenset("for of representing to".split())


def _is_possessor(text: str, attr: _Attribution, men: Mention, language: str) -> bool:
    """Is the person named in the attribution phrase the one whose lawyer, mother or press
    secretary speaks? In English the name takes "'s" before a lower-case noun ("Mark Hollis's
    lawyer"); in Ukrainian and Russian the phrase opens with a noun in the nominative for a
    person ("адвокат", "мама", "пресс-секретарь") and the name, in another case, hangs off it
    ("адвокат Петрова" after "заявил", "пресс-секретарь губернатора Петра Орлова")."""
    if language in ("uk", "ru"):
        head = text[attr.phrase_start : men.start].split()
        if not head or not head[0][:1].islower() or person_noun_gender(head[0], language) is None:
            return False
        tokens = tuple(text[men.start : men.end].split())
        return not may_be_nominative_name(tokens, language, attr.verb_gender)
    end = men.end if text[men.end - 2 : men.end] in ("'s", "’s") else men.end + 2
    if (
        text[end - 2 : end] in ("'s", "’s")
        and text[end : end + 1] == " "
        and text[end + 1 : end + 2].islower()
    ):
        return True
    # "said a spokesperson for Mayor Jane Doe", "the sister of victim Daniel Okafor", "a lawyer
    # representing Jane Perrin": a description opens the phrase and the name is what it is
    # "for" or "of"; the speaker is the one described.
    lead = text[attr.phrase_start : men.start].split()
    return (
        len(lead) >= 2
        and lead[0].lower() in ("a", "an", "the", "one")
        and any(w in _OF_SOMEONE for w in lead[-2:])
        and not any(c in text[attr.phrase_start : men.start] for c in ",;:")
    )


def _described_person(
    index: SpeakerIndex, text: str, attr: _Attribution, lang: _Lang, low_words: list[str], quote_start: int
) -> Entity | None:
    """ "— признаётся фермер", "— каже старша сестра": a bare description in Ukrainian or
    Russian whose noun the briefing used for exactly one person named before, of the verb's
    gender ("фермер Геннадий Осокин", "Марта, старша сестра,")."""
    if lang.code not in ("uk", "ru") or len(low_words) > 4 or not text[attr.phrase_start].islower():
        return None
    head = next((w for w in low_words if is_person_noun(w, lang.code)), None)
    if head is None:
        return None
    noun, at = lemma(head, lang.code), min(attr.phrase_start, quote_start)
    found = index.described_as(noun, at, attr.verb_gender)
    if found is None and len(low_words) == 1 and not index.described_with(noun, at) and index.in_title(noun):
        # "— говорит паромщик" in a feature headlined "Паромщик с реки Сутьмы": the person the
        # story is about. A description the headline does not give ("— говорит пенсионерка",
        # "— добавляет соседка") is as likely someone the story meets in passing: no name.
        found = index.topic_person(at, attr.verb_gender)
    return found


class Description(str):
    """A speaker described, not named ("a spokesperson for the chamber"): shown as the role of
    an unnamed speaker, never as a name."""

    __slots__ = ()


def _role_fits(role: str | None, noun: str) -> bool:
    """Was someone introduced with ``role`` called ``noun``? A word of the role must share the
    noun's stem ("економіст" fits "кафедри міської економіки", "economist" fits "professor of
    economics"); with no role, nothing says so."""
    if not role:
        return False
    words = [w.lower() for w in _WORD.findall(role)]
    if spells_short_form(noun, words):
        return True  # "замминистра" fits "заместитель министра здравоохранения"
    stem = noun[: max(4, min(6, len(noun) - 2))]
    return any(w.startswith(stem) for w in words)


def _context_paragraph(text: str, at: int) -> tuple[int, int]:
    """Where a quote at ``at`` reads its context: its paragraph up to ``at`` or, when nothing
    comes before it there (the quote opens the paragraph), the whole paragraph before."""
    para = text.rfind("\n", 0, at) + 1
    if text[para:at].strip():
        return para, at
    end = max(para - 1, 0)
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    return text.rfind("\n", 0, end) + 1, end


def _only_person_around(
    index: SpeakerIndex, text: str, quote_start: int, gender: str | None, quote_span: tuple[int, int]
) -> Entity | None:
    """The one person named outside quotations in the paragraph of ``quote_start`` before the
    quote or, when the quote opens its paragraph, in the paragraph before; None when that is
    no one or more than one, when their gender is not ``gender``, when the paragraph before
    ends on a question (the quote answers whoever asked it), or when someone the text
    describes but does not name came in between."""
    span = _context_paragraph(text, quote_start)
    if span[1] < quote_start and text[span[0] : span[1]].rstrip(" \"”»’'")[-1:] == "?":
        return None  # 'Raghunathan pressed her. "... evaporate?"¶"...," the admiral replied'
    people = {
        id(m.entity): m.entity
        for m in index.mentions_in(*span)
        if m.start >= span[0]
        and not m.in_quote
        and not m.entity.is_org
        and not (quote_span[0] <= m.start < quote_span[1])
    }
    if len(people) != 1:
        return None
    (ent,) = people.values()
    if gender is not None and ent.gender not in (gender, None):
        return None
    if index.unnamed_person_between(ent, quote_start, gender):
        return None
    return ent


def _plural_antecedent(index: SpeakerIndex, text: str, pos: int) -> Entity | None:
    """ "they said in a statement": the organisation named last before ``pos`` in this or the
    previous paragraph, if no person was named after it; a plural of people stays unnamed."""
    para = text.rfind("\n\n", 0, pos)
    lo = text.rfind("\n\n", 0, para) if para > 0 else 0
    if not index.cyrillic:
        body = _opening_body(index, text, pos)
        if body is not None:
            return body
    else:
        # "В ассоциации считают ... «...», — отмечают они": the body the paragraph speaks of.
        body = _paragraph_body(index, text, pos, _LANGS[index.language])
        if body is not None:
            return body
    mentions = [m for m in index.mentions_in(max(lo, 0), pos) if m.end <= pos and not m.in_quote]
    if mentions and mentions[-1].entity.is_org:
        return mentions[-1].entity
    return None


def _opening_body(index: SpeakerIndex, text: str, pos: int) -> Entity | None:
    """ "The tenants' association rejected the comparison. '...,' they said", "The authority
    said ... '...,' it said": the body the paragraph's latest sentence to open with a definite
    noun phrase and a verb names, by the noun its name has at its head."""
    para = text.rfind("\n", 0, pos) + 1
    openers = [
        m
        for m in _EN_BODY_OPENER.finditer(text, para, pos)
        if m.start() == para or text[m.start() - 2 : m.start()] == ". "
    ]
    return index.org_by_head(openers[-1].group("words").lower().split(), pos) if openers else None


# "a statement from the union", "the agency's statement": a body's words, by the noun it is called.
_EN_STATEMENT_FROM = re.compile(
    r"\b(?:an?|the|its|their) (?:\w+ )?(?:statement|release|decision|letter|report|notice) (?:from|by|of) "
    r"the (?P<words>[a-z'’-]+(?: [a-z'’-]+)?)\s*$"
)
# "guidance published by", "a statement issued by": what follows is the body whose words they are.
_EN_PUBLISHED_BY = re.compile(r"\b(?:published|issued|released|sent|posted) by (?:the )?$")
# A sentence opening with a definite noun phrase and a verb: "The tenants' association rejected".
_EN_BODY_OPENER = re.compile(r"The (?P<words>[a-z'’-]+(?: [a-z'’-]+){0,2}?) (?:said|told|[a-z]+ed|[a-z]+s)\b")


# Words that cannot open or close a noun phrase naming a source: "to hearing what she had to",
# "investigation after he was", "for a relationship — and many fail" are bits of a clause.
_NOT_DESCRIPTION_EDGE = frozenset(
    "to for about against in on at by with without after before from into of and but or though "
    "when while whether if as than then is are was were be been has have had do does did will "
    "would can could may might must should not no the a an her his their its my our your that "
    "which who whom whose what it he she they we i me him them us due".split()
)


_NOT_A_NAME = frozenset("me one someone somebody anyone everyone even i'm i’m".split())


def _may_be_a_name(name: str) -> bool:
    """A capitalised word nobody in the briefing answers to: keep it as the speaker only if it
    could be a name ("Interestingly", "Scottish", "B" and "Me" cannot; "King", "Sally" and "Ed"
    can)."""
    if " " in name:
        return True
    low = name.lower()
    return not (
        len(name) < 2
        or low in _NOT_A_NAME
        or low.endswith(("ingly", "edly", "ically", "ually", "ish", "ese"))
    )


_POSSESSIVES = frozenset("my our your his her their its".split())
# "За його словами", "по её словам": whose words, and the gender the pronoun tells.
_POSSESSIVE_GENDER: dict[str, str | None] = {
    "його": "m",
    "її": "f",
    "їхніми": None,
    "их": None,
    "его": "m",
    "её": "f",
    "ее": "f",
}


def _is_description(desc: str) -> bool:
    """Does ``desc`` read like a source described in words ("a citizen", "one of the players",
    "spokesperson") rather than a clause cut at random ("ca", "kid then looked at me and")?"""
    words = desc.split()
    if (
        not words
        or len(desc) < 3
        or any(c in desc for c in '"“”‘—–;:()')
        or any(w[0] in "'’" for w in words)  # "the city's mayor" is fine, "revealed 'He" is not
    ):
        return False
    first, last = words[0].lower(), words[-1].lower()
    return (
        (first not in _NOT_DESCRIPTION_EDGE or first in _POSSESSIVES)  # "my two-year-old", "her lawyer"
        and last not in _NOT_DESCRIPTION_EDGE
        and not last.endswith("ing")
        and not any(w.lower() in ("then", "when", "while", "and", "but") for w in words[1:-1])
    )


def _score(text: str, words: list[str], seen: _Seen, has_speaker: bool) -> float:
    """Key-quote score: informative, self-contained statements high; fragments and repeats low."""
    n = len(words)
    score = 0.35
    if n >= 8:
        score += 0.2
    if 12 <= n <= 60:
        score += 0.15
    elif n < 5:
        score -= 0.2
    stripped = text.rstrip()
    if stripped[:1].isupper() or stripped[:1].isdigit():
        score += 0.1
    if stripped[-1:] in ".!?…,":
        score += 0.05
    if _DIGIT.search(text):
        score += 0.05
    if has_speaker:
        score += 0.05
    low = text.lower()
    if n < 25 and any(p in low for p in _PLEASANTRY):
        score -= 0.3
    if seen.is_repeat(text):
        score -= 0.4
    return round(min(1.0, max(0.0, score)), 3)


class _Seen:
    """Word sets of the quotes so far, to spot a repeat of an earlier quote."""

    def __init__(self) -> None:
        self._sets: list[set[str]] = []

    def is_repeat(self, text: str) -> bool:
        toks = {w for w in text.lower().split() if w[3:]}
        n = len(toks)
        repeat = n > 0 and any(len(prev) * 2 >= n and len(toks & prev) > 0.7 * n for prev in self._sets)
        self._sets.append(toks)
        return repeat


def find_quotes(text: str, language: str, title: str = "") -> list[Quote]:
    """All direct quotes in ``text`` in order of appearance, with speaker, role and score.
    ``title``, the briefing's headline, may say whom a feature is about ("Паромщик с реки
    Сутьмы")."""
    segments = _quoted_segments(text)
    quoted = [(s.open_at, s.close_at + 1) for s in segments]
    built: list[SpeakerIndex] = []

    def speakers() -> SpeakerIndex:
        if not built:
            built.append(SpeakerIndex(text, language, quoted, title))
        return built[0]

    answers = find_answers(text, speakers)
    if not segments:
        return [_answer_quote(text, a, speakers(), _lang(language)) for a in answers]
    lang = _lang(language)
    index = speakers()
    paragraphs = paragraph_spans(text)

    starts = [p[0] for p in paragraphs]

    def para_of(pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and pos <= paragraphs[k][1]:
            return paragraphs[k]
        return 0, len(text)

    def _runs_on(seg: _Segment, nxt: _Segment) -> bool:
        """Does ``nxt`` continue ``seg``: it opens the very next paragraph?"""
        k = bisect.bisect_right(starts, seg.open_at) - 1
        return k + 1 < len(paragraphs) and nxt.open_at - paragraphs[k + 1][0] <= 1 < nxt.start - seg.end

    # Group run-on paragraphs, then split quotes joined by an attribution.
    groups: list[list[_Segment]] = []
    attrs: list[_Attribution | None] = []
    inners: dict[int, _Inner] = {}  # group number -> the attribution inside its marks
    i = 0
    while i < len(segments):
        group = [segments[i]]
        while group[-1].continues and i + 1 < len(segments) and _runs_on(group[-1], segments[i + 1]):
            group.append(segments[i + 1])
            i += 1
        last = group[-1]
        ps, pe = para_of(last.open_at)
        next_open = (
            segments[i + 1].open_at if i + 1 < len(segments) and segments[i + 1].open_at < pe else None
        )
        attr = None
        if not last.continues:
            # Attribution after the closing mark, or before the opening mark of a one-part quote.
            attr = _attribution(
                text,
                group[0].open_at if len(group) == 1 else last.open_at,
                last.close_at,
                ps,
                pe,
                language,
                lang,
                next_open,
            )
        # "По его словам, «..., — подчеркнул Бармин. — ...»": a name inside the marks tells more
        # than a pronoun before them.
        weak = attr is not None and _is_pronoun_phrase(text, attr)
        inner = (
            _inner_attribution(text, group[0], lang) if (attr is None or weak) and len(group) == 1 else None
        )
        if inner is not None and weak and _is_pronoun_phrase(text, inner.attr):
            inner = None  # a pronoun inside the marks tells no more than the one before them
        if inner is not None:
            attr = inner.attr
            inners[len(groups)] = inner
        if attr is None and (len(group) > 1 or last.continues):
            # A run-on quote is introduced before its first paragraph: 'X said: "...'.
            fps, fpe = para_of(group[0].open_at)
            first_close = fpe if group[0].continues else group[0].close_at
            attr = _attribution(text, group[0].open_at, first_close, fps, fpe, language, lang, None)
        # 'the «Teplomerezha» utility's Natalia Hrynko added: „...“': an attribution that
        # introduces the next quote with a colon belongs to it, and the quoted name before
        # it (no punctuation of its own before the closing mark) is nobody's words.
        if (
            attr is not None
            and len(group) == 1
            and next_open is not None
            and attr.phrase_start > last.close_at
            and text[last.close_at + 1 : next_open].rstrip().endswith(":")
            and text[last.end - 1 : last.close_at] not in _CLOSING_PUNCT
        ):
            attr = None
        # Split quote: "First part," he said. "Second part." -> one quote.
        if (
            attr is not None
            and attr.immediate
            and attr.phrase_start > last.close_at
            and next_open is not None
            and len(group) == 1
        ):
            nseg = segments[i + 1]
            gap = text[last.close_at + 1 : nseg.open_at]
            inner_end = text[last.end - 1 : last.close_at + 1]
            if (
                len(gap.split()) <= 10
                and ("," in inner_end or gap.lstrip()[:1] == ",")
                and (gap.rstrip()[-1:] in ".,:")
            ):
                group.append(nseg)
                i += 1
                while group[-1].continues and i + 1 < len(segments) and _runs_on(group[-1], segments[i + 1]):
                    group.append(segments[i + 1])
                    i += 1
        groups.append(group)
        attrs.append(attr)
        i += 1

    quotes: list[Quote] = []
    seen = _Seen()
    last_speaker: Entity | str | None = None
    last_speaker_para = -10
    last_speaker_pos = -1
    para_starts = [p[0] for p in paragraphs]

    def para_index(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    for number, (group, attr) in enumerate(zip(groups, attrs, strict=True)):
        parts = [text[s.start : s.end] for s in group]
        quote_text = _join_parts(text, group, [p.strip() for p in parts])
        inner = inners.get(number)
        if inner is not None:
            # The words without the attribution: "..., — сказала вона. — А ..." reads "... . А ...".
            head = text[group[0].start : inner.cut_start].rstrip(" ,")
            if inner.stop == "." and head[-1:] not in "!?…":
                head += "."
            elif inner.stop != "." and head[-1:] not in "!?…":
                head += ","
            quote_text = head + " " + text[inner.cut_end : group[0].end].strip()
        q_end = group[-1].end
        while quote_text and quote_text[-1] in ",;:" and text[q_end - 1] == quote_text[-1]:
            quote_text = quote_text[:-1].rstrip()
            q_end -= 1
            while text[q_end - 1].isspace():
                q_end -= 1
        words = quote_text.split()  # word count only; split is far cheaper than a regex here
        first = group[0]
        pidx = para_index(first.open_at)
        before = text[max(0, first.open_at - 40) : first.open_at]
        is_scare = _is_scare_intro(before)
        ps, pe = para_of(first.open_at)
        whole_para = first.open_at - ps <= 1
        sentence_like = quote_text[:1].isupper() and quote_text.rstrip()[-1:] in ".!?…,"
        speaker: Entity | str | None = None
        confidence = 0.0
        if attr is not None:
            if len(words) < 3 and not attr.immediate:
                continue
            if _is_a_name(quote_text, words) or (
                lang.code != "en" and _is_a_title(quote_text, words, text[group[-1].close_at + 1 :])
            ):
                continue  # 'В ООО «Мостострой-Север» задержку объяснили': a name, not words
            if is_scare and len(words) < 8:
                continue
            partial = not attr.immediate and len(words) < 8 and not (sentence_like and len(words) >= 5)
            if partial and (attr.phrase_start > first.open_at or not quote_text[:1].islower()):
                continue
            speaker, confidence = _resolve(
                index, text, attr, lang, first.open_at, (first.open_at, group[-1].close_at + 1)
            )
            if partial and speaker is None:
                continue
            if partial and confidence < 0.9:
                confidence = min(confidence, _GUESS)
            if (
                isinstance(speaker, Entity)
                and speaker is last_speaker
                and pidx - last_speaker_para <= 1
                and _answers_back(text, attr, lang.code)
                and not any(
                    m.entity is speaker for m in index.mentions_in(attr.phrase_start, attr.phrase_end)
                )
            ):
                # "«...», — бросил глава ассоциации.¶«...», — парировал чиновник": whoever
                # answers back is not the one who spoke just before; the other person of the
                # verb's gender named last, unless the phrase names the speaker.
                other = index.other_person(speaker, first.open_at, attr.verb_gender or speaker.gender)
                speaker, confidence = (other, 0.7) if other is not None else (speaker, _GUESS)
            if isinstance(speaker, Entity) and _addressed_in(quote_text, speaker):
                # '"Neither, Mr Lindqvist," he said': no one calls themselves by name; the
                # other person the pronoun fits, named last.
                other = index.other_person(speaker, first.open_at, attr.verb_gender or speaker.gender)
                speaker, confidence = (other, 0.7) if other is not None else (speaker, _GUESS)
        else:
            # "Martell, the addictions doctor, is more blunt: “...”", "Гайова підхопила: «...»":
            # the sentence's subject, whose words the colon introduces, however few.
            introduced = text[max(ps, first.open_at - 3) : first.open_at].strip().endswith(":")
            subject = _sentence_subject(index, text, first.open_at) if introduced else None
            # The words close the sentence; a headline's label runs on: "WATCH: ‘No magic pill’ – ...".
            closes = (
                quote_text[-1:] in ".!?…" or text[group[-1].close_at + 1 : group[-1].close_at + 2] in ".!?…\n"
            )
            named = subject is not None and closes
            if is_scare or len(words) < (3 if named else 6) or not (sentence_like or whole_para or named):
                continue
            if not whole_para and len(words) < 10 and not named:
                continue
            # Floating quote: the latest speaker, whether of a quote or of reported speech.
            reported = index.last_speech_mention(first.open_at)
            # "He said ..." / "The 26-year-old said ..." in the paragraph before: that speaker goes on.
            prev_para = paragraphs[pidx - 1] if pidx > 0 else None
            anaphor = (
                _EN_ANAPHOR_SPEECH.search(text[prev_para[0] : prev_para[1]])
                if prev_para and language == "en"
                else None
            )
            at = prev_para[0] + anaphor.start() if anaphor and prev_para else -1
            # A quote with no attribution of its own is always a reading of the context: the
            # nearer and plainer the context, the surer.
            led = (
                _led_by_subject(index, text, ps, first.open_at)
                if subject is None and not whole_para and language == "en"
                else None
            )
            after = (
                _introduced_after(index, text, group[-1].close_at, pe) or _introduced_next(index, text, pe)
                if whole_para and subject is None
                else None
            )
            if subject is not None:
                speaker, confidence = subject, 0.7
            elif led is not None:
                # "He then turned to the reconstruction work. '...'": the sentence before, in
                # the quote's own paragraph, is about its speaker.
                speaker, confidence = led, 0.8
            elif after is not None:
                # "'...' Morwenna Tallis, the opposition spokeswoman, had saved this one up",
                # "«...». Этими словами начала выступление обвинитель Т. Р. Мальцева": a quote
                # opening its paragraph, then the sentence that introduces who said it.
                speaker, confidence = after, 0.75
            elif anaphor is not None and (reported is None or at > reported.end) and at > last_speaker_pos:
                gender = {"he": "m", "she": "f"}.get(anaphor.group(1).lower())
                speaker, confidence = index.by_pronoun(at, gender), 0.7 if gender else 0.6
            elif reported is not None and (last_speaker is None or reported.start > last_speaker_pos):
                speaker, confidence = reported.entity, 0.85
                if index.unnamed_person_between(reported.entity, first.open_at, None, since=reported.end):
                    confidence = _GUESS  # someone described, not named, came in between
            elif (
                introduced_before := _introduced(index, prev_para, last_speaker, last_speaker_pos)
            ) is not None:
                # "Rosa Benedetti has run a bakery since 1998. ...¶ '...'": a paragraph about
                # someone new, then a quote with no attribution: theirs, not the last speaker's.
                speaker, confidence = introduced_before, 0.7
            elif last_speaker is not None and pidx - last_speaker_para <= 3:
                # Two or three paragraphs on, the last speaker is right 7 times in 10 in English
                # (development set and ggt-quotes) but 1 in 6 in Ukrainian and Russian features,
                # where a bare quote is more often someone newly described: no name there.
                far = 0.5 if language in ("uk", "ru") else 0.7
                if language in ("uk", "ru") and _named_again(
                    index, last_speaker, last_speaker_pos, first.open_at
                ):
                    far = 0.85  # "Петров также пообещал ...¶ «...»": the paragraph between is theirs
                speaker, confidence = last_speaker, 0.85 if pidx - last_speaker_para <= 1 else far
                if isinstance(speaker, Entity) and index.unnamed_person_between(
                    speaker, first.open_at, None, since=last_speaker_pos
                ):
                    # "A local teacher cycles to school.¶ '...'": the quote is the newly
                    # described person's, whom the text does not name.
                    confidence = min(confidence, _GUESS)
            elif (
                whole_para
                and last_speaker is None
                and reported is None
                and (opener := _opens_next_paragraph(index, text, pe)) is not None
            ):
                # '"I have buried three people this winter."¶ The Rev. Marcus Bell drew applause
                # when he addressed the board': a story that opens on a quote before anyone has
                # spoken, then introduces the person the next paragraph is about.
                speaker, confidence = opener, 0.6
            else:
                # The nearest person to a quote nobody introduced: right 5 times in 7 on
                # ggt-quotes, but 3 in 6 in Ukrainian and Russian development files, where it is
                # a guess unless the briefing has named no one else ("Приводим фрагмент
                # выступления.¶ «...»" after the one speaker).
                speaker = index.by_pronoun(first.open_at, None)
                alone = (
                    len({id(m.entity) for m in index.mentions_before(first.open_at) if not m.entity.is_org})
                    == 1
                )
                confidence = 0.5 if index.cyrillic and not alone else 0.6
        if speaker is None and len(words) < 3:
            continue  # 'the large "waves" in the wind': a word in quotes that nobody said
        if isinstance(speaker, Entity):
            index.spell_out(speaker)
        if speaker is not None:
            last_speaker = speaker
            last_speaker_para = para_index(group[-1].close_at)
            last_speaker_pos = group[-1].close_at
        name, role = _speaker_fields(speaker)
        if isinstance(speaker, Entity) and (
            _common_noun_body(speaker, language)
            or (not speaker.is_org and names_disagree(tuple(speaker.name.split()), language))
        ):
            confidence = min(confidence, _GUESS)
        if name is not None and confidence < CONFIDENT:
            name, role = None, None  # abstain: no name shown rather than a guessed one
        score = _score(quote_text, words, seen, speaker is not None)
        quotes.append(Quote(quote_text, name, role, group[0].start, q_end, score, round(confidence, 2)))
    if answers:
        # Quote marks inside an answer are the interviewee's own quoting, not another quote.
        quotes = [q for q in quotes if not any(a.start <= q.start and q.end <= a.end for a in answers)]
        quotes = sorted(
            [*quotes, *(_answer_quote(text, a, index, lang) for a in answers)], key=lambda q: q.start
        )
    return quotes


def _named_again(index: SpeakerIndex, speaker: Entity | str | None, since: int, pos: int) -> bool:
    """Is ``speaker`` named again outside quotes after the paragraph ``since`` is in and before
    ``pos`` (by name, or as whose words are reported: "За його словами, ..."), with no other
    person named after that? Then the paragraphs between the two quotes are about them, and
    a bare quote goes on with their words as it would right after their last one."""
    if not isinstance(speaker, Entity):
        return False
    since = index.text.find("\n", since)  # past the attribution of the last quote
    if since < 0:
        return False
    again: bool | None = None
    last_at = since
    for men in index.mentions_in(since, pos):
        if men.start < since or men.in_quote or men.entity.is_org:
            continue
        again, last_at = men.entity is speaker, men.end
    if again is not None and not again:
        return False
    # "За його словами, ...", "По её мнению, ...": their words reported, after the last name.
    for m in _REPORTED_BY_PRONOUN.finditer(index.text, last_at, pos):
        if _POSSESSIVE_GENDER.get(m.group(1).lower()) != speaker.gender:
            continue
        # "Речниця закликала ... За її словами": the pronoun is the role holder's the
        # paragraph opens with, when that is someone else.
        holder = index.role_opener(index.text.rfind("\n", 0, m.start()) + 1, m.start(), speaker.gender)
        if holder is None or holder is speaker:
            return True
    return bool(again)


# Reported speech that a possessive pronoun attributes: "За його словами", "По ее мнению".
_REPORTED_BY_PRONOUN = re.compile(
    r"(?:За|По|На)\s+(його|її|его|её|ее)\s+(?:словами|словам|думку|мнению|даними|данным|оценке|оцінкою)"
)


def _is_a_name(quote_text: str, words: list[str]) -> bool:
    """Quoted words shaped like a name ("Мостострой-Север", "Blue Tap"): at most three
    capitalised words and no sentence punctuation."""
    return (
        len(words) <= 3
        and all(w[:1].isupper() or w[:1].isdigit() for w in words)
        and not any(c in quote_text for c in ".,!?…:;")
    )


def _is_a_title(quote_text: str, words: list[str], after: str) -> bool:
    """'О причинах «Деловому вестнику» рассказал директор': a publication's or a programme's
    name, capitalised on its first word only and declined, runs on into the sentence. Words
    quoted before their attribution are set off by ", —" instead, and a sentence quoted whole
    ends in its own full stop."""
    return (
        len(words) <= 3
        and quote_text[:1].isupper()
        and not any(c in quote_text for c in ".,!?…:;")
        and _RUNS_ON.match(after) is not None
    )


# The sentence goes on: a lower-case word, a name ("МУП «Заозёрский водоканал» Оксана ..."),
# or a comma with no dash ("в программу «Степной колос», по которой ...").
_RUNS_ON = re.compile(r"\s+\w|,\s+[^\s—–-]")


def _introduced(
    index: SpeakerIndex, para: tuple[int, int] | None, last: Entity | str | None, last_pos: int
) -> Entity | None:
    """The person a paragraph opens with, when it is someone other than the last speaker and
    comes after that speaker's last quote."""
    if para is None:
        return None
    for men in index.mentions_in(para[0], para[1]):
        if men.start < para[0] or men.in_quote:
            continue
        # At the paragraph's start, or opening a later sentence of it ("The first part is the
        # furthest along. Janet Okafor-Reid worked ...").
        opens = men.start - para[0] <= 2 or index.text[men.start - 2 : men.start] in (". ", "! ", "? ")
        if not opens and index.cyrillic:
            opens = _after_a_role(index, para[0], men.start)
        if not opens or men.entity.is_org or men.start < last_pos or men.entity is last:
            return None
        return men.entity
    return None


def _after_a_role(index: SpeakerIndex, para_start: int, pos: int) -> bool:
    """Is the name at ``pos`` its sentence's subject after a short role ("Житель Листвянска
    Геннадий Орлов ездит", "Прохідник Сергій Дзюба працює"): at most three words, no verb, no
    punctuation between the sentence's start and the name?"""
    text = index.text
    ends = [k + 2 for k in (text.rfind(stop, para_start, pos) for stop in (". ", "! ", "? ")) if k >= 0]
    start = max([para_start, *ends])
    lead = text[start:pos]
    words = lead.split()
    return (
        0 < len(words) <= 3
        and not any(c in lead for c in ',;:«»"“”—()')
        and not any(is_verb(w.lower(), index.language) for w in words)
    )


# "— Обещают через три года, только мы не верим, — говорит она.": a dialogue turn that names
# its own speaker after a dash, as Ukrainian and Russian features write conversations.
_TURN_ATTRIBUTION = re.compile(r"(?<=[,!?…]) [—–] (?P<phrase>[^—–«»„“”\n]{3,100}?)\.?$")


def _answer_quote(text: str, answer: Answer, index: SpeakerIndex, lang: _Lang) -> Quote:
    """An interview answer as a quote: the interviewee's words, unless the turn names its own
    speaker after a dash ("— ..., — говорит она."), as a conversation in a feature does. That
    speaker is read like any attribution and the attribution is left out of the words."""
    start, end = answer.start, answer.end
    speaker: Entity | str | None = answer.speaker
    confidence = 0.9 if answer.speaker is not None else 0.0
    own = _TURN_ATTRIBUTION.search(text, start, end) if lang.code in ("uk", "ru") else None
    words = _words_with_spans(text, own.start("phrase"), own.end("phrase")) if own is not None else []
    if words and not is_finite_third_person(words[0][0].lower(), lang.code):
        # "Я не говорю, что власти ничего не делают, — говорю, что ...": the interviewee's
        # own verb after a dash, in the first person, names no one else.
        own = None
    if own is not None:
        attr = (
            (_after_words(text, words, lang, True) or _dash_verb_attribution(text, words, lang))
            if words
            else None
        )
        if attr is not None:
            speaker, confidence = _resolve(index, text, attr, lang, start, (start, end))
            end = own.start() - 1  # the comma or mark before the dash stays with the words
            if text[end - 1 : end] == ",":
                end -= 1
    name, role = _speaker_fields(speaker)
    if name is not None and confidence < CONFIDENT:
        name, role = None, None
    words_of = text[start:end].split()
    score = _score(text[start:end], words_of, _Seen(), speaker is not None)
    return Quote(text[start:end], name, role, start, end, score, round(confidence, 2))


# Below this an attribution is a guess: the quote is shown without a name (a described
# speaker keeps its description). Each reading's confidence above is the share of its
# attributions that were right on the tuning sets (own set and ggt-quotes), rounded.
CONFIDENT = 0.55


# The confidence of a reading that is a guess: below ``CONFIDENT``, so no name is shown.
_GUESS = 0.4


def _antecedent_confidence(
    index: SpeakerIndex, ent: Entity | None, at: int, gender: str | None, base: float, *, nearest: bool
) -> float:
    """How sure "he said" / "сказала вона" at ``at`` read as ``ent`` is; ``base`` unless the
    reading is one of those the tuning sets show to be guesses (then below ``CONFIDENT``):

    - an antecedent that is one capitalised word with nothing to say it is a man or a woman
      (no first name, no pronoun after it: "Statistician" of "National Statistician",
      "Marlowe-Quinn" cut off from its first name): as likely a thing or a name the index
      failed to join; a mononym the text gives a gender ("Kim ... she") keeps ``base``;
    - someone the text describes but does not name opens a sentence after ``ent`` was last
      named ("A local teacher cycles to school. '...,' she said"): the pronoun most likely
      means them, and no name is theirs;
    - for the nearest antecedent across paragraphs (``nearest``: no reading of the pronoun's
      own paragraph settled it), another person the pronoun fits became a sentence's subject
      after ``ent`` was last named ("... Wendell said.¶ Quist-Adair chairs the committee.¶
      '...,' she said"): wrong more often than right on the tuning sets. Within a paragraph
      the salience reading already weighed such rivals."""
    if ent is None or ent.is_org:
        return base
    if len(ent.tokens) == 1 and ent.gender is None:
        return min(base, _GUESS)
    if index.cyrillic and _last_named_by_shared_surname(index, ent, at, gender):
        return min(base, _GUESS)
    if index.unnamed_person_between(ent, at, gender):
        return min(base, _GUESS)
    if nearest and index.salient_rival(ent, at, gender):
        return min(base, _GUESS)
    return base


def _last_named_by_shared_surname(index: SpeakerIndex, ent: Entity, at: int, gender: str | None) -> bool:
    """Was ``ent`` last named before ``at`` by a surname alone that another person of the same
    gender bears ("Старший Воронин ... — говорит он" with a father and a son)? Then which of
    them the pronoun means is the index's guess of the bearer, not the text's word."""
    last = next((m for m in reversed(index.mentions_before(at)) if m.entity is ent and not m.in_quote), None)
    if last is None:
        return False
    surface = index.text[last.start : last.end].split()
    if len(surface) != 1:
        return False
    _, settled = index.surname_reading(ent, surface[0], gender)
    return not settled


# Words for an unnamed source that may open a sentence: "Источник в администрации ...".
_SOURCE_NOUNS = frozenset("источник джерело source".split())
_EN_PREPOSITIONS = frozenset("in at from of for with within inside by".split())


def _after_preposition(text: str, phrase_start: int, pos: int, language: str) -> bool:
    """Does a preposition come right before ``pos``, after at least one lower-case word of the
    phrase ("джерело в Міністерстві", "a source at the ministry")? Then what ``pos`` names is
    where the speaker is from, not the speaker."""
    words = text[phrase_start:pos].split()
    if len(words) < 2:
        return False
    head = words[0].lower()
    if not words[0][:1].islower() and not (
        head in _SOURCE_NOUNS or (language in ("uk", "ru") and is_person_noun(head, language))
    ):
        return False  # "Ministry of Health in Kyiv": the capitalised words are a name
    prep = words[-1].lower()
    if language in ("uk", "ru"):
        return prep in ("в", "у", "во", "із", "з", "из", "от", "від", "при")
    return prep in _EN_PREPOSITIONS


def _common_noun_body(ent: Entity, language: str) -> bool:
    """Is the organisation "named" only by a common noun capitalised at a sentence start
    ("Компанія повідомила", "Комісія ухвалила", "Company officials")? That is no name a reader
    can tell the body by, and the body it stands for is a guess."""
    if not ent.is_org or " " in ent.name:
        return False
    word = ent.name.lower()
    if language in ("uk", "ru"):
        return lemma(word, language) in lx.CYR_ORG_LEMMAS
    return word in lx.EN_ORG_NOUNS


def _bare_name_confidence(name: str, lang: _Lang, after: str | None = None) -> float:
    """A capitalised word in the attribution that no one in the briefing answers to. In
    Ukrainian and Russian the dictionary can tell a word that is no name ("Державної",
    "Центра": an adjective, a common noun) from one that may be."""
    if lang.code in ("uk", "ru") and " " not in name and not is_possible_name(name, lang.code):
        return 0.2
    if (
        lang.code in ("uk", "ru")
        and " " not in name
        and is_first_name(name.lower(), lang.code)
        and is_nominative(name.lower(), lang.code)
    ):
        # "— рассказывает Никита": someone the story calls by first name, as features do the
        # people they meet; a verb of speech makes the word its subject.
        return 0.6
    if (
        lang.code == "en"
        and name.lower() in lx.EN_FIRST_NAMES
        and after is not None
        and (_EN_FIRST_NAME_SUBJECT.match(after) or after.split(None, 1)[:1] in (["said"], ["says"]))
    ):
        # "Catherine, the target of the line, retorted": someone the story calls by first
        # name only, as it does the people it meets in passing; not a signature ("— Ashley,
        # Mississauga").
        return 0.6
    return 0.25


# After a first name: an apposition in lower case ("Catherine, the target of the line,").
_EN_FIRST_NAME_SUBJECT = re.compile(r", (?:the|a|an|who|whose) [a-z]")


def _after_name(text: str, attr: _Attribution, name: str) -> str | None:
    """The words after ``name`` when the attribution's phrase opens with it, else ``None``."""
    at = attr.phrase_start
    if text[at : at + len(name)] != name:
        return None
    return text[at + len(name) : at + len(name) + 40]


_CLOSING_PUNCT = frozenset(",.!?…;:")


def _join_parts(text: str, group: list[_Segment], parts: list[str]) -> str:
    """One quote from the parts an attribution split. '"...floor under it," she said. "If an
    insurer..."' reads '...floor under it. If an insurer...': the comma belonged to the
    attribution, and the full stop after it says the next part is a new sentence ('"...," she
    said, "and..."' keeps its comma)."""
    out = parts[0]
    for prev, seg, part in zip(group, group[1:], parts[1:], strict=False):
        if (
            out.endswith(",")
            and part[:1].isupper()
            and text[prev.close_at + 1 : seg.open_at].rstrip()[-1:] in ".:"
        ):
            out = out[:-1] + "."
        out += " " + part
    return out


def _speaker_fields(speaker: Entity | str | None) -> tuple[str | None, str | None]:
    if speaker is None:
        return None, None
    if isinstance(speaker, Description):
        return None, str(speaker)
    if isinstance(speaker, str):
        return speaker, None
    return speaker.name, speaker.role
