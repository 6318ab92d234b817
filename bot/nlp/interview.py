"""Question-and-answer interviews: the interviewee's answers are their words.

An interview is laid out as turns, one per paragraph (or a question and its answer in one
paragraph): ``Q:``/``A:`` and their Ukrainian and Russian forms (``П:``/``В:``,
``Питання:``/``Відповідь:``, ``Вопрос:``/``Ответ:``, ``В:``/``О:``), the speakers' names as
labels (``Okafor:``, ``Борис Кравець:``), dialogue dashes (``— Кто возвращается?``), or no label
at all: questions set in bold, which the text no longer shows, read from the alternation of short
questions and first-person answers, or from the labelled answer each question comes right before. No quote marks surround the answers, so the quote finder
would see nothing.

Who answers: a named label is looked up among the people the briefing names (``Okafor`` is
``Dr. Adaeze N. Okafor``); an ``A:``, a dash or an unlabelled answer belongs to the one person
the introduction names who is not the interviewer, or, when it names more, to the one the
headline's "interview with ..." or the introduction's "we spoke to ..." names. Otherwise the
answers stay unattributed rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.nlp.sentences import paragraph_spans
from bot.nlp.speakers import Entity, SpeakerIndex

_QUESTION_WORDS = frozenset({"q", "question", "п", "питання", "вопрос"})
_ANSWER_WORDS = frozenset({"a", "answer", "відповідь", "ответ", "о"})
_AMBIGUOUS = "в"  # Ukrainian "відповідь" after "П:", Russian "вопрос" before "О:"
_LABEL = re.compile(
    r"(?P<label>Q|A|Question|Answer|П|В|О|Питання|Відповідь|Вопрос|Ответ"
    r"|(?:[A-ZА-ЯІЇЄҐЁ][\w'’.-]*\.?)(?: [A-ZА-ЯІЇЄҐЁ][\w'’.-]*\.?){0,3})\s*:\s+"
    # "Q. Why cameras?" / "A. Because ...": a one-letter label and a full stop, not an initial.
    r"|(?P<short>Q|A|П|В|О)\.\s+(?![A-ZА-ЯІЇЄҐЁ]\.)"
)
# A label of initials: "В. К.", "J.R.".
_INITIALS = re.compile(r"(?:[A-ZА-ЯІЇЄҐЁ]\.\s?){2,3}")
_LOOSE_LABEL = re.compile(
    r"(?P<label>[A-ZА-ЯІЇЄҐЁ][\w'’-]*(?: [\w'’-]+){1,2}|[«\"“„][A-ZА-ЯІЇЄҐЁ][^«»\"“”„\n]{1,40}[»\"”“]):\s+"
)
_INLINE_ANSWER = re.compile(r"(?<=[?.!…])\s+(?P<label>A|В|О|Відповідь|Ответ)\s*:\s+")
_DASH = re.compile(r"[—–-]\s+")
# Words that make a label or an introduced person the interviewer, not the interviewee.
_INTERVIEWER_WORDS = re.compile(
    r"\b(?:reporter|correspondent|journalist|interviewer|editor|host|presenter|anchor|moderator|"
    r"журналіст\w*|кореспондент\w*|модератор\w*|"
    r"корреспондент\w*|ведуч\w*|ведущ\w*|редактор\w*)\b"
    # "Red Willow Public Radio's Jake Morrissey": someone of the outlet that asks.
    r"|\b(?:radio|news|times|post|tribune|courier|gazette|herald|journal|magazine|tv|podcast)['’]s\s+[A-Z]",
    re.IGNORECASE,
)
_MIN_TURNS = 2


@dataclass(frozen=True, slots=True)
class Answer:
    start: int
    end: int
    speaker: Entity | str | None


@dataclass(slots=True)
class _Turn:
    label: str  # a name, "Q", "A" or "—"
    start: int  # the words, after the label
    end: int
    question: bool | None = None


def _unlabelled_turns(text: str) -> list[_Turn]:
    """Questions set in bold with no label, as Markdown interviews write them ("**Why did the
    round fail?**" then the answer): the bold is gone from the text, so the turns are read from
    their shape. From the first short paragraph that ends in a question mark, short questions
    and answers alternate; at least two questions end in one, and most answers speak in the
    first person. ``[]`` when the text has no such run."""
    paragraphs = paragraph_spans(text)
    start = next((i for i, (ps, pe) in enumerate(paragraphs) if _is_question(text[ps:pe])), None)
    if start is None:
        return []
    turns: list[_Turn] = []
    asked = first_person = 0
    for i in range(start, len(paragraphs) - 1, 2):
        (qs, qe), (as_, ae) = paragraphs[i], paragraphs[i + 1]
        question, answer = text[qs:qe], text[as_:ae]
        if (
            len(question.split()) > _QUESTION_WORDS_MAX
            or question.rstrip().endswith(":")
            or _is_question(answer)
        ):
            break
        if answer.lstrip()[:1] in '«"“„—–-':
            break  # a quotation or a dialogue line: not this layout
        asked += question.rstrip().endswith("?")
        first_person += bool(_FIRST_PERSON.search(answer))
        turns += [_Turn("—", qs, qe, question=True), _Turn("—", as_, ae, question=False)]
    answers = len(turns) // 2
    if asked < _MIN_TURNS or first_person * 2 < answers:
        return []
    return turns


def _is_question(paragraph: str) -> bool:
    stripped = paragraph.strip()
    return (
        stripped.endswith("?")
        and len(stripped.split()) <= _QUESTION_WORDS_MAX
        and stripped[:1] not in '«"“„—–-'
    )


# A question in such an interview is a sentence or two.
_QUESTION_WORDS_MAX = 30
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|я|мы|мне|нас|мой|наш|ми|мені|мій)\b", re.IGNORECASE)


def _turns(text: str) -> list[_Turn]:
    turns: list[_Turn] = []
    spans = paragraph_spans(text)
    # "Деловой вестник:", "Наш корреспондент:", "«Деловой вестник»:": a label with lower-case
    # words or in quote marks, when it opens more than one paragraph (a sentence that opens
    # with a colon does so once).
    loose = [_LOOSE_LABEL.match(text, ps, pe) for ps, pe in spans]
    counts: dict[str, int] = {}
    for m in loose:
        if m:
            counts[m.group("label")] = counts.get(m.group("label"), 0) + 1
    # An answer may run on over paragraphs with no label of their own: each is that speaker's
    # turn too, once a labelled turn follows (what follows the last one is the article's).
    labels = [
        _LABEL.match(text[ps:pe]) or (m if m and counts[m.group("label")] >= _MIN_TURNS else None)
        for (ps, pe), m in zip(spans, loose, strict=True)
    ]
    run_on: list[_Turn] = []
    prev_end = -1  # where the paragraph before this one ends
    for i, ((ps, pe), label) in enumerate(zip(spans, labels, strict=True)):
        para = text[ps:pe]
        follows_turn = bool(turns) and (run_on or turns)[-1].end == prev_end
        prev_end = pe
        if label is None and i + 1 < len(spans) and labels[i + 1] is not None and _is_question(para):
            # "Як на це відреагували мешканці?¶Мельничук: ...": a question set in bold with
            # no label (the bold is gone from the text) before a named answer.
            turns += run_on
            run_on = []
            turns.append(_Turn("—", ps, pe, question=True))
            continue
        if (
            label is None
            and follows_turn
            and turns[-1].label != "—"
            and not any(c in para for c in '«»"“”„')
            and not _DASH.match(para)  # "— Сколько хозяйств пострадало?": the next turn
        ):
            run_on.append(_Turn(turns[-1].label, ps, pe))
            continue
        if label or _DASH.match(para):
            turns += run_on
        run_on = []
        if label:
            # "В.:" and "О.:" are the labels "В" and "О", not initials.
            written = label.group("label") or label.group("short")
            bare = written.removesuffix(".")
            name = bare if bare.casefold() in _QUESTION_WORDS | _ANSWER_WORDS | {_AMBIGUOUS} else written
            body_start = ps + label.end() if label.re is _LABEL else label.end()
            inline = _INLINE_ANSWER.search(text, body_start, pe)
            if inline and name.casefold() in _QUESTION_WORDS | {_AMBIGUOUS}:
                turns.append(_Turn(name, body_start, inline.start()))
                turns.append(_Turn(inline.group("label"), inline.end(), pe))
            else:
                turns.append(_Turn(name, body_start, pe))
        elif (dash := _DASH.match(para)) and not re.search(r"[»“\"]\s*[,—–-]", para):
            turns.append(_Turn("—", ps + dash.end(), pe, question=para.rstrip().endswith("?")))
    _alternate(text, turns)
    return turns


def _alternate(text: str, turns: list[_Turn]) -> None:
    """Dialogue dashes in adjacent paragraphs are two people taking turns, so a question that
    ends without a question mark ("— В мэрии утверждают, что программа работает.") is still
    the interviewer's, and an answer may end in one ("... кто будет это считать?"): in a run
    of dash turns whose question marks fall mostly (three in four) on one parity, every turn of
    that parity is a question and every other turn an answer."""
    run: list[_Turn] = []
    for t in [*turns, None]:
        if (
            t is not None
            and t.label == "—"
            and (not run or not text[run[-1].end : t.start].strip(" \n\t—–-"))
        ):
            run.append(t)
            continue
        asked = [i % 2 for i, r in enumerate(run) if r.question]
        parity = max((0, 1), key=asked.count)
        if len(run) >= 2 * _MIN_TURNS and asked.count(parity) >= max(_MIN_TURNS, 0.75 * len(asked)):
            for i, r in enumerate(run):
                r.question = i % 2 == parity
        run = [t] if t is not None and t.label == "—" else []


def _classify(text: str, turns: list[_Turn]) -> None:
    """Mark each turn a question or an answer, from its label or, for names, from which
    label's turns end in question marks."""
    folded = {t.label.casefold() for t in turns}
    ambiguous_is_answer = "п" in folded or "питання" in folded
    by_name: dict[str, list[_Turn]] = {}
    for t in turns:
        key = t.label.casefold()
        if t.question is not None:
            continue
        if key in _QUESTION_WORDS:
            t.question = True
        elif key in _ANSWER_WORDS:
            t.question = False
        elif key == _AMBIGUOUS:
            t.question = not ambiguous_is_answer
        else:
            by_name.setdefault(t.label, []).append(t)
    if not by_name:
        return
    asking = {
        name: sum(1 for t in ts if "?" in text[t.start : t.end]) / len(ts) for name, ts in by_name.items()
    }
    interviewer = max(asking, key=lambda n: asking[n])
    # Two names taking turns, one asking and the other not: an interviewer also puts things
    # without a question mark ("Boat owners told us they have received nothing.").
    others = [a for n, a in asking.items() if n != interviewer]
    asks = asking[interviewer] > 0.5 or (len(others) == 1 and asking[interviewer] >= 0.3 >= 3 * others[0])
    for name, ts in by_name.items():
        for t in ts:
            t.question = name == interviewer and asks and len(by_name) > 1


def find_answers(text: str, speakers: Callable[[], SpeakerIndex]) -> list[Answer]:
    """The interviewee's answers, in order; ``[]`` when ``text`` is not a Q&A interview.
    ``speakers`` builds the briefing's speaker index, asked for only for an interview."""
    turns = _turns(text)
    if len(turns) < 2 * _MIN_TURNS:
        turns = _unlabelled_turns(text)
    if len(turns) < 2 * _MIN_TURNS:
        return []
    _classify(text, turns)
    questions = [t for t in turns if t.question]
    answers = [t for t in turns if t.question is False]
    if len(questions) < _MIN_TURNS or len(answers) < _MIN_TURNS:
        return []
    index = speakers()
    first = min(t.start for t in turns)
    first_turn = text.rfind("\n", 0, first) + 1  # its label too: "Q. Will" is no one's name
    interviewee = _interviewee(text, index, first_turn, questions)
    out = []
    for t in answers:
        if t.label == "—" or t.label.casefold() in _ANSWER_WORDS | {_AMBIGUOUS}:
            speaker: Entity | str | None = interviewee
        else:
            speaker = (
                _by_initials(t.label, index)
                if _INITIALS.fullmatch(t.label)
                else index.lookup_name(t.label) or t.label
            )
        end = t.end
        while end > t.start and text[end - 1].isspace():
            end -= 1
        if end > t.start:
            out.append(Answer(t.start, end, speaker))
    return out


def _by_initials(label: str, index: SpeakerIndex) -> Entity | None:
    """A label that is someone's initials ("В. К.:" for Вера Кривошеина) is the one person the
    briefing names with them; initials nobody answers to are no name to show."""
    initials = "".join(c for c in label if c.isalpha()).casefold()
    found = [
        e
        for e in index.entities
        if not e.is_org
        and len(e.tokens) > 1
        and len(e.tokens[-1].rstrip(".")) > 1  # the label itself, read as a name of initials
        and initials in ("".join(t[0] for t in e.tokens), e.tokens[0][0] + e.tokens[-1][0])
    ]
    # ("Вера Кривошеина:" as a label and "Вера Андреевна Кривошеина" in the text are one person.)
    if len({e.tokens[-1] for e in found}) != 1:
        return None
    return max(found, key=lambda e: len(e.tokens))


def _interviewee(text: str, index: SpeakerIndex, before: int, questions: list[_Turn]) -> Entity | str | None:
    """The one person the introduction names who is not the interviewer; ``None`` when that is
    not one person."""
    interviewer_labels = {t.label for t in questions}
    found: list[Entity] = []
    for men in index.mentions_in(0, before):
        ent = men.entity
        if ent.is_org or men.in_quote or ent in found:
            continue
        around = text[max(0, men.start - 40) : men.end] + " " + (ent.role or "")
        if _INTERVIEWER_WORDS.search(around) or ent.name in interviewer_labels:
            continue
        found.append(ent)
    # "Ректор Новосибирского университета Сергей Левин": the capitalised run at the start is
    # the role of the person it introduces, not a second person.
    people = [e for e in found if not any(o is not e and o.role and o.role.startswith(e.name) for o in found)]
    if len(people) > 1:
        # "... an interview with chief schools inspector Lotte Vanterpool" in the headline, or
        # "We spoke to ...", "Мы поговорили с ...": the one the interview is with.
        with_whom = _INTERVIEW_WITH.search(index.title)
        after = with_whom.group("who").lower() if with_whom else ""
        named = [e for e in people if e.tokens and after and e.tokens[-1][:5] in after]
        spoken_to = [
            e
            for e in people
            if any(
                _SPOKEN_TO.search(text[max(0, m.start - 80) : m.start]) or _SPOKE_TO_US.match(text, m.end)
                for m in index.mentions_in(0, before)
                if m.entity is e
            )
        ]
        addressed = [e for e in people if any(_addresses(text[t.start : t.end], e) for t in questions)]
        people = named if len(named) == 1 else spoken_to if len(spoken_to) == 1 else addressed
    if not people:
        # "Five minutes with... Dr Priya Chaudhry" over an introduction that names only the
        # interviewer ("Ward & Board's Helen Marsh talks to the chief executive ..."): the
        # headline's name.
        headline = _INTERVIEW_WITH.search(index.title)
        called = _HEADLINE_NAME.match(headline.group("who")) if headline else None
        if called is not None:
            return index.lookup_name(called.group("name")) or called.group("name")
    # "Мы поговорили с самим Даниилом ...¶— Даниил, ...": the one the questions call by a first
    # name the introduction gives alone, over anyone else it names.
    first_name = _spoken_to_by_first_name(text, before, questions)
    if first_name is not None and not any(
        _addresses(text[questions[0].start : questions[0].end], p) for p in people
    ):
        return first_name
    return people[0] if len(people) == 1 else None


def _spoken_to_by_first_name(text: str, before: int, questions: list[_Turn]) -> str | None:
    """ "Мы поговорили с самим Даниилом ...¶— Даниил, как ...": someone named by first name
    alone, whom the introduction speaks to and the first question calls by that name (as
    written there, when the introduction's form starts with it)."""
    opening = _ADDRESS.match(text, questions[0].start, questions[0].end) if questions else None
    if opening is None or " " in opening.group("name"):
        return None
    name = opening.group("name")
    intro = text[:before]
    for spoken in _SPOKEN_TO_ANYWHERE.finditer(intro):
        following = intro[spoken.end() : spoken.end() + 60].split()
        if any(w.startswith(name) for w in following[:3]):
            return name
    return None


def _addresses(question: str, person: Entity) -> bool:
    """Does the question open by calling ``person`` by name: "Галина Сергеевна, почему ...",
    "Галино Сергіївно, ...", "Ms Okafor, ..."?"""
    opening = _ADDRESS.match(question)
    return opening is not None and calls_by_name(opening.group("name"), person)


def calls_by_name(name: str, person: Entity) -> bool:
    """Is ``name``, as someone is addressed ("Галино Сергіївно", "Mr Lindqvist"), ``person``'s?
    Vocative endings differ from the name's, so each word is compared by its first letters:
    a first name (and patronymic) from the front of the name, or a surname alone."""
    words = [w.casefold() for w in name.split() if w.rstrip(".").casefold() not in _ADDRESS_TITLES]
    tokens = [t.casefold() for t in person.tokens]
    if person.is_org or not words or len(words) > len(tokens):
        return False

    def same(word: str, token: str) -> bool:
        stem = max(3, min(len(word), len(token)) - 2)
        return word[:stem] == token[:stem]

    return all(same(w, t) for w, t in zip(words, tokens, strict=False)) or (
        len(words) == 1 and same(words[0], tokens[-1])
    )


_ADDRESS = re.compile(r"[—–-]?\s*(?P<name>(?:[A-ZА-ЯІЇЄҐЁ][\w'’-]*\.?\s+){0,2}[A-ZА-ЯІЇЄҐЁ][\w'’-]*),\s")
_ADDRESS_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "professor", "minister", "пане", "пані", "господин", "госпожа"}
)


# The interviewee as the one who sat down with the outlet: "Ó Dubhda sat down with the *Clare
# Coast Herald*", "Мельник розповіла нашому виданню".
_SPOKE_TO_US = re.compile(
    r"\s+(?:sat down with|spoke to|spoke with|talked to|talked with|told)\s+(?:us\b|this (?:newspaper|paper|site|station)\b|"
    r"the \*?[A-Z])|\s+(?:розповіл\w*|рассказал\w*)\s+(?:нашому|нашему|нам\b)",
)
# A headline saying whom the interview is with: "an interview with chief schools inspector
# Lotte Vanterpool", "інтерв'ю з ...", "интервью с ...".
_INTERVIEW_WITH = re.compile(
    r"(?:interview with|minutes with|in conversation with|Q&A with|questions for|інтерв['’]ю з|интервью с)"
    r"\W+(?P<who>.+)$",
    re.IGNORECASE,
)
# The name a headline gives the interviewee, after a form of address: "Five minutes with...
# Dr Priya Chaudhry, North Tamsworth Hospitals".
_HEADLINE_NAME = re.compile(
    r"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame)\.?\s+)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'’-]+){1,2})"
)
# Words that introduce whom an interview is with: "We spoke to", "Мы поговорили с", "ми
# поговорили з", "we asked", "спросили".
_SPOKEN_TO_VERBS = (
    r"(?:spoke to|spoke with|talked to|talked with|asked|interviewed|поговорил\w* [сз]|поговорив з|"
    r"побеседовал\w* с|розмовля\w* з|спросил\w*|попросил\w*|розпитал\w*|розпитав|запитал\w*|запитав|"
    r"спитал\w*|спитав)\b"
)
_SPOKEN_TO = re.compile(_SPOKEN_TO_VERBS + r"[^.]*$", re.IGNORECASE)
_SPOKEN_TO_ANYWHERE = re.compile(_SPOKEN_TO_VERBS, re.IGNORECASE)
