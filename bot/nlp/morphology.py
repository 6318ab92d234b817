"""Ukrainian and Russian personal names through the pymorphy3 dictionaries.

A name is read as a whole: "Романа Гнатюка" is a man's first name and surname, both
genitive, so the nominative is "Роман Гнатюк"; "Натальей Ковальской" is a woman's, both
instrumental. Case and gender must agree across the name's words, which settles what one
word alone cannot ("Смирнова" is a woman in the nominative or a man in the genitive).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.wordforms import morph_analyzer

_NAME_PARTS = frozenset({"Name", "Surn", "Patr"})
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct")
_GENDERS = {"masc": "m", "femn": "f"}


@lru_cache(maxsize=65536)
def _parse(word: str, language: str) -> tuple[Any, ...]:
    """The analyser's readings of ``word``, memoised: the functions below ask about the same
    words (a name, the verb after it) in turn, and a dictionary lookup costs more than the rest
    of the analysis of a word."""
    return tuple(morph_analyzer(language).parse(word))


@lru_cache(maxsize=32768)
def _name_parses(word: str, language: str) -> tuple[Any, ...]:
    """Singular parses of ``word`` as a first name, surname or patronymic that the dictionary
    knows; a guess from the word's ending ("Ойнас", "Мажейка") tells nothing reliable."""
    return tuple(
        p
        for p in _parse(word.lower(), language)
        if p.is_known and _NAME_PARTS & p.tag.grammemes and "plur" not in p.tag.grammemes
    )


@lru_cache(maxsize=16384)
def names_disagree(tokens: tuple[str, ...], language: str) -> bool:
    """Are these the words of two names rather than one: each word a first name, surname or
    patronymic the dictionary knows, but no case all of them share ("Смирновой Алексей" from
    "Сын Ирины Смирновой Алексей")? A name's words always stand in one case. (Gender is not
    asked: "Ірина Вовк" is a woman with a surname the dictionary knows as a man's.)"""
    words = [t for t in tokens if not t.endswith(".")]
    if len(words) < 2 or language not in ("uk", "ru"):
        return False
    parses = [_name_parses(w, language) for w in words]
    if not all(parses):
        return False  # an unknown word: the dictionary cannot tell
    shared: set[str] | None = None
    for options in parses:
        allowed = {case for p in options for _, case in _readings(p, len(words) == 1)}
        shared = allowed if shared is None else shared & allowed
    return not shared


@lru_cache(maxsize=16384)
def may_be_nominative_name(tokens: tuple[str, ...], language: str, gender: str | None) -> bool:
    """Can these words be a name in the nominative, of ``gender`` when one is given ("Ольга
    Белова" can; "Петра Орлова", "Алексея" cannot; "Петрова" can be a woman but not a man)?
    Words the dictionary does not know as names could be anything: ``True``."""
    words = [t for t in tokens if not t.endswith(".")]
    parses = [_name_parses(w, language) for w in words]
    if not words or not all(parses):
        return True
    want = {g for g, code in _GENDERS.items() if gender is None or code == gender}
    shared: set[tuple[str, str]] | None = None
    for options in parses:
        allowed = set().union(*(_readings(p, len(words) == 1) for p in options))
        shared = allowed if shared is None else shared & allowed
    return any(case == "nomn" and g in want for g, case in shared or ())


# A man's surname ending in a consonant is also a woman's, and hers does not decline ("Ольгой
# Резник", "Ірини Вовк"); the dictionaries often list only the man's. Surnames in "-ов", "-ин"
# and the like have a woman's form of their own ("Иванова"), so they are not hers.
_OWN_FEMININE_FORM = ("ов", "ев", "ёв", "ин", "ын", "ін", "їн")
_VOWELS_AND_SIGNS = frozenset("аеёиоуыэюяіїєйьъ'’")
# The genitive of a man's "-ов"/"-ин" surname is spelt as the woman's nominative ("Кротова" is
# Кротов's and is a woman); the dictionaries list the woman's form for only some surnames.
_FEMININE_NOMINATIVE = ("ова", "ева", "ёва", "ина", "ына", "іна", "їна")


def _readings(parse: Any, alone: bool = False) -> set[tuple[str, str]]:
    """(gender, case) pairs a parse allows; an indeclinable surname allows every pair, and a
    man's surname ending in a consonant allows a woman in every case as well, unless it stands
    ``alone``: then nothing but the man's reading tells who it is. A man's "-ов" surname in
    the genitive also reads as a woman's in the nominative."""
    if "Fixd" in parse.tag.grammemes:
        return {(g, c) for g in _GENDERS for c in _CASES}
    gender, case = parse.tag.gender, parse.tag.case
    out = {(gender, case)} if gender in _GENDERS and case in _CASES else set()
    word = parse.word
    if (
        not alone
        and gender == "masc"
        and case == "nomn"
        and "Surn" in parse.tag.grammemes
        and word[-1:] not in _VOWELS_AND_SIGNS
        and not word.endswith(_OWN_FEMININE_FORM)
    ):
        out |= {("femn", c) for c in _CASES}
    if (
        gender == "masc"
        and case in ("gent", "accs")
        and ("Surn" in parse.tag.grammemes or ("Name" in parse.tag.grammemes and not alone))
        and word.endswith(_FEMININE_NOMINATIVE)
    ):
        # "Кротова": Кротов's genitive is also a woman's name; so is "Сечкина", which the
        # dictionary lists as the genitive of a first name "Сечкин".
        out.add(("femn", "nomn"))
    return out


@lru_cache(maxsize=16384)
def nominative_name(
    tokens: tuple[str, ...], language: str, oblique: bool, gender_hint: str | None = None
) -> tuple[str, str | None, bool] | None:
    """The name in the nominative, the person's gender (``"m"``/``"f"``, ``None`` when the
    words do not tell) and whether the gender is sure (no other gender reads in the same case),
    or ``None`` when the dictionaries do not know the words as a name.
    ``oblique``: the context asks for another case ("за словами ...", "міністра ...").
    ``gender_hint``: the gender of a noun the name stands beside ("професорку Лесю
    Вдовиченко": Леся, not Лесь), preferred where the words read both ways."""
    words = [t for t in tokens if not t.endswith(".")]  # initials stay as written
    if not words or language not in ("uk", "ru"):
        return None
    parses = [_name_parses(w, language) for w in words]
    # A surname the dictionary does not know ("Соломина", "Шкребтія") after a first name or
    # patronymic it does: those tell the case and gender, the surname follows them.
    guessed = ""
    if len(words) > 1 and words[-1] == tokens[-1] and not parses[-1] and all(parses[:-1]):
        guessed, parses = words[-1], parses[:-1]
    if not all(parses):
        return None
    shared: set[tuple[str, str]] | None = None
    for options in parses:
        allowed = set().union(*(_readings(p, len(words) == 1) for p in options))
        shared = allowed if shared is None else shared & allowed
    if not shared:
        return None
    if gender_hint in ("m", "f"):
        wanted = "masc" if gender_hint == "m" else "femn"
        shared = {gc for gc in shared if gc[0] == wanted} or shared
    if not oblique and len(words) == 1 and len(tokens) > 1 and not any(c == "nomn" for _, c in shared):
        # "депутатка О. В. Кривошапка": a surname after initials where the nominative is asked
        # for, which the dictionary knows only as another name's oblique form ("Кривошапко"):
        # the words as written, gender untold.
        return " ".join(tokens), None, False
    order = [c for c in _CASES if c != "nomn"] + ["nomn"] if oblique else list(_CASES)
    gender, case = min(shared, key=lambda gc: (order.index(gc[1]), gc[0] != "masc"))
    told = any("Fixd" not in p.tag.grammemes for options in parses for p in options)
    # "Ткачук" alone is a man's surname or an indeclinable woman's: the man's reading is the
    # likelier, but not sure, when the case read allows either gender.
    sure = not any(c == case and g != gender for g, c in shared)
    out: list[str] = []
    for token in tokens:
        if token.endswith("."):
            out.append(token)
            continue
        if token is guessed:
            out.append(_surname_nominative(token, language, gender, case))
            continue
        out.append(_inflect(token, language, gender, case))
    return " ".join(out), (_GENDERS[gender] if told else None), sure


# Endings of a surname the dictionary does not know, by gender and case, and what the nominative
# ends with instead: "-ов"/"-ин" surnames ("Соломина" -> "Соломин", "Бариновой" -> "Баринова")
# and men's surnames declined as nouns ("Шкребтія" -> "Шкребтій", "Дзядиком" -> "Дзядик").
_MASC_GENITIVE = (
    ("ова", "ов"),
    ("ева", "ев"),
    ("ёва", "ёв"),
    ("ина", "ин"),
    ("іна", "ін"),
    ("ия", "ий"),
    ("ія", "ій"),
)
# ("Карасёвой" -> "Карасёва": a surname written with "ё" declines like one with "е".)
_FEMN_OBLIQUE = (("овой", "ова"), ("евой", "ева"), ("ёвой", "ёва"), ("иной", "ина"))
_SURNAME_ENDINGS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("masc", "gent"): _MASC_GENITIVE,
    ("masc", "accs"): _MASC_GENITIVE,
    ("masc", "datv"): (
        ("ову", "ов"),
        ("еву", "ев"),
        ("ёву", "ёв"),
        ("ину", "ин"),
        ("іну", "ін"),
        ("ию", "ий"),
        ("ію", "ій"),
    ),
    ("masc", "ablt"): (
        ("овым", "ов"),
        ("евым", "ев"),
        ("ёвым", "ёв"),
        ("иным", "ин"),
        ("овим", "ов"),
        ("евим", "ев"),
        ("іним", "ін"),
    ),
    ("femn", "gent"): (*_FEMN_OBLIQUE, ("ової", "ова"), ("евої", "ева"), ("іної", "іна")),
    ("femn", "datv"): (*_FEMN_OBLIQUE, ("овій", "ова"), ("евій", "ева"), ("іній", "іна")),
    ("femn", "accs"): (("ову", "ова"), ("еву", "ева"), ("ёву", "ёва"), ("ину", "ина"), ("іну", "іна")),
    ("femn", "ablt"): (*_FEMN_OBLIQUE, ("овою", "ова"), ("евою", "ева"), ("іною", "іна")),
}
# Oblique endings of a woman's surname declined as an adjective, and the nominative's.
_FEMN_ADJECTIVE_ENDINGS = (
    ("ой", "ая"),
    ("ей", "яя"),
    ("ою", "а"),
    ("ої", "а"),
    ("ій", "а"),
    ("ую", "ая"),
    ("у", "а"),
)
# A man's surname declined as a noun ("Дзядика", "Дзядику", "Дзядиком"): the ending to drop.
_MASC_NOUN_ENDINGS = {"gent": ("а",), "accs": ("а",), "datv": ("ові", "у"), "ablt": ("ом",)}


# The plural of a family's "-ов"/"-ин" surname ("Ершовы", "Кузьмины").
_FAMILY_PLURALS = ("овы", "евы", "ёвы", "ины", "ыны")


def _surname_nominative(token: str, language: str, gender: str, case: str) -> str:
    """The nominative of an unknown surname read in ``case``: the analyser's own guess as a
    surname when it has one, else the regular endings above."""
    if case == "nomn":
        if token.lower().endswith(_FAMILY_PLURALS) and any(
            "Surn" in p.tag.grammemes and "plur" in p.tag.grammemes for p in _parse(token.lower(), language)
        ):
            # "Николай и Тамара Ершовы": one of the family, "Тамара Ершова".
            return token[:-1] + ("а" if gender == "femn" else "")
        return token
    for parse in _parse(token.lower(), language):
        if "Surn" in parse.tag.grammemes and parse.tag.gender == gender and parse.tag.case == case:
            nominative = parse.inflect({"nomn"})
            if nominative is not None:
                return _match_case(nominative.word, token)
    low = token.lower()
    for ending, nominative_ending in _SURNAME_ENDINGS.get((gender, case), ()):
        if low.endswith(ending):
            return token[: -len(ending)] + nominative_ending
    if gender == "femn":
        # A woman's surname declined as an adjective: "Бережной" -> "Бережная", "Бережної" ->
        # "Бережна".
        for ending, nominative_ending in _FEMN_ADJECTIVE_ENDINGS:
            if low.endswith(ending) and len(low) - len(ending) >= 3:
                return token[: -len(ending)] + nominative_ending
    if gender == "masc" and low[-1:] not in "аяоеиыіїєуюь":
        return token  # "Дзядик" stays: a consonant ending is already the nominative
    if gender == "masc":
        for ending in _MASC_NOUN_ENDINGS.get(case, ()):
            if low.endswith(ending) and len(low) - len(ending) >= 3:
                return token[: -len(ending)]
    return token


def _inflect(token: str, language: str, gender: str, case: str) -> str:
    parses = _name_parses(token, language)
    # "Ірині Задорожній": where the dictionary declines a woman's surname in this case
    # ("Задорожня"), that reading goes before the one that keeps it unchanged.
    declined = [
        p for p in parses if "Fixd" not in p.tag.grammemes and p.tag.gender == gender and p.tag.case == case
    ]
    # A soft stem stays soft: "Задорожній" is Задорожня's, not Задорожна's.
    declined.sort(key=lambda p: not (token.endswith(("ій", "ІЙ")) and p.normal_form.endswith("я")))
    for parse in [*declined, *parses] if case != "nomn" else parses:
        if "Fixd" in parse.tag.grammemes:
            return token
        if parse.tag.gender == gender and parse.tag.case == case:
            if case == "nomn":
                return token
            # The Ukrainian dictionary has no number on names: ask for the case alone.
            nominative = parse.inflect({"nomn"})
            if nominative is not None:
                return _match_case(nominative.word, token)
    return token


def _match_case(word: str, like: str) -> str:
    """``word`` capitalised as ``like`` is ("гнатюк" like "Гнатюка" -> "Гнатюк", "шевчук-ляшенко"
    like "Шевчуком-Ляшенком" -> "Шевчук-Ляшенко")."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if "-" in word and word.count("-") == like.count("-"):
        return "-".join(_match_case(w, lk) for w, lk in zip(word.split("-"), like.split("-"), strict=True))
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=16384)
def is_patronymic(word: str, language: str) -> bool:
    """Can the analyser read ``word`` as a patronymic ("Семёнович", "Іванівна"), known or
    guessed from its form? ("Петрович" is also a woman's surname to the Ukrainian dictionary.)"""
    return any("Patr" in p.tag.grammemes for p in _parse(word.lower(), language))


# Endings of patronymics in Ukrainian and Russian, in the nominative ("Володимирівна",
# "Богданович", "Ильинична"): read as one only right after a first name, as the dictionary
# lacks some ("Володимирівна") and knows others only as surnames ("Богданович").
_PATRONYMIC_END = re.compile(r"(?:[оеє]вич|йович|[іїо]вна|[еє]вна|ична|інічна)$")


@lru_cache(maxsize=16384)
def is_patronymic_after(first: str, word: str, language: str) -> bool:
    """Is ``word``, right after ``first``, a patronymic: "Ганна Володимирівна", "Юрій Богданович"?"""
    if is_patronymic(word, language):
        return True
    return is_first_name(first, language) and bool(_PATRONYMIC_END.search(word.lower()))


@lru_cache(maxsize=16384)
def is_first_name(word: str, language: str) -> bool:
    """Does the dictionary know ``word`` as a first name ("Игорь", "Олена")?"""
    return any(p.is_known and "Name" in p.tag.grammemes for p in _parse(word.lower(), language))


@lru_cache(maxsize=16384)
def is_one_persons_first_name(word: str, language: str) -> bool:
    """Is ``word`` a first name in the singular? "Тарасов" is a first name only as the
    genitive plural ("пятеро Тарасов"); as one person's name it is a surname."""
    return any(
        p.is_known and "Name" in p.tag.grammemes and "plur" not in p.tag.grammemes
        for p in _parse(word.lower(), language)
    )


@lru_cache(maxsize=16384)
def speech_verb(word: str, language: str, lemmas: frozenset[str]) -> tuple[bool, str | None]:
    """Is ``word`` a form of a verb in ``lemmas``, and the speaker's gender its form tells
    ("сказала" -> f; "объясняет", "зазначили" -> None)?"""
    for parse in _parse(word, language):
        if parse.tag.POS == "VERB" and parse.normal_form in lemmas:
            return True, _GENDERS.get(str(parse.tag.gender)) if parse.tag.number != "plur" else None
    return False, None


@lru_cache(maxsize=16384)
def past_verb_gender(word: str, language: str) -> str | None:
    """The subject's gender a singular past-tense verb shows ("зауважив" -> m, "пообіцяла",
    "была" -> f), ``None`` for any other word or when its readings disagree."""
    genders = {
        _GENDERS.get(str(p.tag.gender))
        for p in _parse(word.lower(), language)
        if p.tag.POS == "VERB" and p.tag.tense == "past" and p.tag.number != "plur"
    }
    return genders.pop() if len(genders) == 1 else None


@lru_cache(maxsize=16384)
def is_person_noun(word: str, language: str) -> bool:
    """Can ``word`` be an animate noun in the nominative ("фермер", "очільниця", "технолог"):
    someone described by what they are or do?"""
    return any(
        p.tag.POS == "NOUN" and "anim" in p.tag.grammemes and "nomn" in p.tag.grammemes
        for p in _parse(word, language)
    )


@lru_cache(maxsize=16384)
def person_noun_gender(word: str, language: str) -> str | None:
    """``word`` read as an animate common noun in the nominative singular ("пенсионерка",
    "рибалка", "жительница"): its gender, ``"m"`` or ``"f"``, or ``""`` when the noun does not
    tell; ``None`` when it is no such noun (a name, a plural, another case)."""
    genders = {
        _GENDERS.get(str(p.tag.gender), "")
        for p in _parse(word.lower(), language)
        if p.tag.POS == "NOUN"
        and {"anim", "nomn"} <= p.tag.grammemes
        and "plur" not in p.tag.grammemes  # the Ukrainian dictionary gives no number to nouns
        and not _NAME_PARTS & p.tag.grammemes
    }
    if not genders:
        return None
    return genders.pop() if len(genders) == 1 else ""


@lru_cache(maxsize=16384)
def animate_noun_gender(word: str, language: str) -> str | None:
    """``word`` read as an animate common noun in the singular, in any case ("професорку",
    "директора"): its gender, ``"m"`` or ``"f"``, when every such reading agrees; else ``None``."""
    genders = {
        _GENDERS.get(str(p.tag.gender), "")
        for p in _parse(word.lower(), language)
        if p.tag.POS == "NOUN"
        and "anim" in p.tag.grammemes
        and "plur" not in p.tag.grammemes
        and not _NAME_PARTS & p.tag.grammemes
    }
    return genders.pop() or None if len(genders) == 1 else None


@lru_cache(maxsize=16384)
def lemma(word: str, language: str) -> str:
    """The dictionary form the analyser reads first ("компании" -> "компания")."""
    parses = _parse(word, language)
    return str(parses[0].normal_form) if parses else word


@lru_cache(maxsize=16384)
def is_comparative(word: str, language: str) -> bool:
    """Is ``word`` read first as a comparative ("Позже", "Раньше")?"""
    parses = _parse(word, language)
    return bool(parses) and parses[0].tag.POS == "COMP"


@lru_cache(maxsize=16384)
def is_function_word(word: str, language: str) -> bool:
    """A preposition, conjunction, particle or adverb ("в", "натомість", "однако")."""
    if word in _ADVERBS_READ_AS_NAMES:
        return True
    parses = _parse(word, language)
    return bool(parses) and parses[0].tag.POS in ("PREP", "CONJ", "PRCL", "ADVB", "INTJ")


# Adverbs the Ukrainian dictionary knows only as surnames ("Далі Завальнюк оголосив": "next").
_ADVERBS_READ_AS_NAMES = frozenset({"далі"})


@lru_cache(maxsize=16384)
def is_adverbial_participle(word: str, language: str) -> bool:
    """ "обращаясь", "відповідаючи": a verb form that opens an adverbial phrase."""
    parses = _parse(word, language)
    return bool(parses) and parses[0].tag.POS == "GRND"


@lru_cache(maxsize=16384)
def noun_lemma(word: str, language: str, among: frozenset[str], *, nominative: bool = False) -> str | None:
    """The dictionary form of a noun reading of ``word`` that is in ``among`` ("раді" -> "рада",
    though its first reading is the adjective "радий"), in the nominative if asked; else ``None``."""
    return next(
        (
            str(p.normal_form)
            for p in _parse(word, language)
            if p.tag.POS == "NOUN"
            and p.normal_form in among
            and (not nominative or "nomn" in p.tag.grammemes)
        ),
        None,
    )


@lru_cache(maxsize=4096)
def nominative_phrase(words: tuple[str, ...], language: str) -> str | None:
    """Adjectives and the noun they agree with, in the nominative singular: ("муниципального",
    "унитарного", "предприятия") -> "муниципальное унитарное предприятие"; ``None`` when the
    analyser cannot inflect a word."""
    nouns = [p for p in _parse(words[-1], language) if p.tag.POS == "NOUN"]
    if not nouns:
        return None
    # The reading of the noun that the adjective before it agrees with ("міській раді": "рада",
    # not "рад").
    agreeing = {
        (p.tag.gender, p.tag.case)
        for p in (_parse(words[-2], language) if len(words) > 1 else ())
        if p.tag.POS == "ADJF"
    }
    noun = next((p for p in nouns if not agreeing or (p.tag.gender, p.tag.case) in agreeing), nouns[0])
    head = noun.inflect({"nomn", "sing"}) or noun.inflect({"nomn"}) or noun.normal_form
    head_word = head if isinstance(head, str) else head.word
    gender = noun.tag.gender
    out: list[str] = []
    for word in words[:-1]:
        adjective = next((p for p in _parse(word, language) if p.tag.POS == "ADJF"), None)
        if adjective is None or gender is None:
            return None
        nominative = adjective.inflect({"nomn", "sing", gender}) or adjective.inflect({"nomn", gender})
        if nominative is None:
            return None
        out.append(nominative.word)
    return " ".join([*out, head_word])


@lru_cache(maxsize=16384)
def plural_noun_lemma(word: str, language: str) -> str | None:
    """The dictionary form of ``word`` when it is read first as a noun in the plural
    ("пчеловоды" -> "пчеловод"), else ``None``."""
    parses = _parse(word, language)
    if not parses or parses[0].tag.POS != "NOUN" or parses[0].tag.number != "plur":
        return None
    return str(parses[0].normal_form)


@lru_cache(maxsize=16384)
def is_plural_present(word: str, language: str) -> bool:
    """Is ``word`` read first as a verb in the third person plural of the present ("наголошують",
    "отмечают")? Said with no subject, a body speaks: "— наголошують у спілці"."""
    parses = _parse(word, language)
    if not parses or parses[0].tag.POS != "VERB":
        return False
    tag = parses[0].tag
    return bool(tag.person == "3per" and tag.number == "plur")


@lru_cache(maxsize=16384)
def is_finite_third_person(word: str, language: str) -> bool:
    """Is ``word`` read first as a verb in the third person singular or the past tense
    ("обурюється", "усмехается", "зітхнула")? Such a verb after a dash takes the speaker."""
    parses = _parse(word, language)
    if not parses or parses[0].tag.POS != "VERB":
        return False
    tag = parses[0].tag
    return bool(tag.tense == "past" or (tag.person == "3per" and tag.number != "plur"))


@lru_cache(maxsize=16384)
def is_verb(word: str, language: str) -> bool:
    """Is ``word`` read first as a verb, infinitive or participle ("працює", "была")?"""
    parses = _parse(word, language)
    return bool(parses) and parses[0].tag.POS in ("VERB", "INFN", "PRTF", "PRTS", "GRND")


@lru_cache(maxsize=16384)
def is_adjective(word: str, language: str) -> bool:
    """Can ``word`` be a full adjective ("громадська", "пригородная")?"""
    return any(p.tag.POS == "ADJF" for p in _parse(word, language))


@lru_cache(maxsize=16384)
def is_nominative(word: str, language: str) -> bool:
    """Is ``word`` read first in the nominative ("організація", not "організації")?"""
    parses = _parse(word, language)
    return bool(parses) and "nomn" in parses[0].tag.grammemes


@lru_cache(maxsize=16384)
def is_genitive(word: str, language: str) -> bool:
    """Can ``word`` be an adjective or noun in the genitive ("Ольховецкой", "області")?"""
    return any(p.tag.POS in ("ADJF", "NOUN") and "gent" in p.tag.grammemes for p in _parse(word, language))


def modifies_next_noun(after: str, language: str) -> bool:
    """Does the text right after a capitalised word go on with a lower-case adjective or noun
    ("Кривушинского сельского поселения", "Лісового обласного центру")? Then the word names a
    place or body with them; a person's name is followed by a verb, a preposition or a comma."""
    if not after.startswith(" "):
        return False
    words = after.split(None, 1)
    if not words:
        return False
    word = words[0]
    return word.isalpha() and word.islower() and _oblique_noun_or_adjective(word, language)


@lru_cache(maxsize=16384)
def _oblique_noun_or_adjective(word: str, language: str) -> bool:
    # A vocative is no modifier of a name ("уже" reads first as the vocative of "вуж" to the
    # Ukrainian dictionary, yet after "Кравець" it is the adverb), nor is a pronoun's adjective
    # ("Валентина каждую неделю ездит").
    parses = _parse(word, language)
    return (
        bool(parses)
        and parses[0].tag.POS in ("ADJF", "NOUN")
        and not {"nomn", "voct", "Apro"} & parses[0].tag.grammemes
    )


@lru_cache(maxsize=16384)
def is_possible_name(word: str, language: str) -> bool:
    """False for a word the dictionary knows only as something else ("Державної", "Центра");
    True for a known name, or a word it does not know (most surnames)."""
    parses = _parse(word.lower(), language)
    known = [p for p in parses if p.is_known]
    return not known or any(_NAME_PARTS & p.tag.grammemes for p in known)
