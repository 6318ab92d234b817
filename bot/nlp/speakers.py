"""Who is who in a briefing: people and organisations, their roles, and what refers to them.

One pass over the body collects every capitalised name run, splits it into role and name
(``U.S. Secretary of State Antony Blinken`` -> role ``U.S. Secretary of State``, name
``Antony Blinken``), merges later short forms (``Blinken``, ``Зеленського``) into the entity first
named in full, and records each mention's position. Quote attribution then asks this index to
resolve a speaker phrase (a name, ``the secretary``, ``the ministry``, ``he``/``вона``) at a given
offset. Resolving pronouns and role nouns to the nearest compatible earlier entity is what turns
a quote extractor with the right words into one with the right speaker.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.nlp import _lexicon as lx
from bot.nlp.morphology import (
    animate_noun_gender,
    is_adjective,
    is_finite_third_person,
    is_first_name,
    is_function_word,
    is_genitive,
    is_nominative,
    is_one_persons_first_name,
    is_patronymic,
    is_patronymic_after,
    is_possible_name,
    is_verb,
    lemma,
    may_be_nominative_name,
    modifies_next_noun,
    nominative_name,
    nominative_phrase,
    noun_lemma,
    past_verb_gender,
    person_noun_gender,
    plural_noun_lemma,
    speech_verb,
)

# (Capitals with accents too: "Ó Dubhda", "Élise", "Ōtāne".)
_EN_RUN = re.compile(
    r"[A-ZÀ-ÖØ-ÞĀĒĪŌŪ][\w'’.-]*(?:(?: (?:of|the|for|and|de|van|von|der|den|da|di|del|la|le|bin|al|du|dos|das)){0,2}"
    r" [A-ZÀ-ÖØ-ÞĀĒĪŌŪ][\w'’.-]*)*"
)
# A nickname in quote marks between a first name and a surname: 'Henrietta "Etta" Marlowe-Quinn'.
_NICKNAME = re.compile(r' ["“‘\'][A-Z][\w’\'-]{1,20}["”’\'] (?=[A-ZÀ-ÖØ-ÞĀĒĪŌŪ])')
_ABBREV = frozenset(
    "sen. rep. gov. gen. lt. col. sgt. capt. dr. mr. mrs. ms. prof. rev. hon. atty. supt. insp. cpl. det. "
    "maj. adm. cmdr. const. st. mt. ft. jr. sr. inc. corp. ltd. co. smt. cllr. engr.".split()
)


# An initial of a first name or patronymic: "M.", "J.R.", "І.", "П.".
_INITIAL = re.compile(r"(?:[A-ZА-ЯІЇЄҐЁ]\.){1,3}")


def _is_abbrev(token: str) -> bool:
    """Does the dot belong to the token ("Dr.", "U.S.", "J.") rather than end a sentence?"""
    return len(token) <= 2 or "." in token[:-1] or token.lower() in _ABBREV


def _ends_a_sentence(span: str) -> bool:
    """Does a sentence end in ``span`` ("An aide to Gov. Whitlock, who ..." has none)?"""
    return any(not _is_abbrev(m.group(1)) for m in re.finditer(r"(\S+\.)(?:\s|$)", span)) or any(
        c in span for c in "!?"
    )


_CYR_TOKEN = r"[А-ЯІЇЄҐЁ][а-яіїєґёʼ'’А-ЯІЇЄҐЁ-]*"
# Lower-case particles of foreign surnames, written so in Cyrillic: "Пітер ван Дейк", "Урсула
# фон дер Ляйен", "Абдулла бен Саид".
_CYR_PARTICLES = frozenset("ван фон дер ден ди да дель делла ла ле аль ель бен ибн ібн".split())
_CYR_PARTICLE = rf"(?<![\w'’ʼ-])(?:{'|'.join(sorted(_CYR_PARTICLES))}) "
# A name's token may carry initials before it: "М. І. Ковальчук", "Л.П. Гайова".
_CYR_PART = rf"(?:[А-ЯІЇЄҐЁ]\.\s?)*(?:{_CYR_PARTICLE}){{0,2}}{_CYR_TOKEN}"
# Paragraphs longer than this before a pronoun are read by nearness, not as one topic: some
# articles come as one block.
_SALIENCE_SPAN = 1000
_SENTENCE_GAPS = (". ", "! ", "? ")
# Within one sentence, the start of what its subject said: "... conceded that she and ...".
_REPORTED_BY_OPENER = re.compile(r"[^.!?\n]*\b(?:that|що|что)\b[^.!?\n]*$")
# A definite role as a sentence's subject, maybe after a fronted description: "The minister
# said", "A former teacher from Alder Creek, the senator built".
_EN_ROLE_SUBJECT = re.compile(r"(?:[^,.;\n]{0,80},\s+)?[Tt]he\s+(\w+)(?:\s+(\w+))?\s+[a-z]+\b")
# A name in quote marks inside a role: "директор КП «Теплосеть»", "ООО «УК „Дом“»".
_EN_ROLE_PREDICATE = re.compile(
    r" (?:has been|had been|is|was|became|has become|took over as|takes over as|serves as|has served as|"
    r"was appointed|was named|was elected|was made)(?: the| an?)? (?P<role>[^,.;:\n\"“”]{3,120}?)"
    r"(?= (?:since|in|for|until|from|when|after|last|this|two|three|four|five|six)\b|[,.;:])"
)
_ROLE_DOMAIN_PREPS = frozenset({"по", "от", "з", "із"})
_ROLE_TOKEN = re.compile(r"«[^«»\n]*»|„[^„“\n]*“|\S+")
_CLOSED_MARKS = re.compile(r"«[^«»\n]*»|„[^„“\n]*“")
# A verb right after a name: the name is a clause's subject ("says Skerrow has become").
_CLAUSE_VERB = re.compile(
    r"\s+(?:has|have|had|is|was|were|will|would|could|can|should|must|may|might|did|does)\b"
)
# A sentence that opens with a role in Ukrainian or Russian: "Міністерка відповіла",
# "Начальник управления образования эту инициативу поддержала" (checked against the role list).
_CYR_DEFINITE_ROLE = re.compile(r"(?:(?:Але|А|І|Но|И)\s+)?([А-ЯІЇЄҐЁ][а-яіїєґёʼ'’-]+)\s+[а-яіїєґё]")
# A sentence opening with a preposition and its noun before a lower-case role: "Після сесії
# голова ради ...", "После голосования глава города ...".
_CYR_FRONTED_ROLE = re.compile(r"([А-ЯІЇЄҐЁ][а-яіїєґё]*)\s+[а-яіїєґё]+\s+([а-яіїєґё]+)\s+[а-яіїєґё]")
# An adverb opening a sentence before a lower-case role: "Отдельно глава города поручил".
_CYR_ADVERB_ROLE = re.compile(r"([А-ЯІЇЄҐЁ][а-яіїєґё]+)\s+([а-яіїєґё]+)\s+[а-яіїєґё]")
# Quote marks right around a capitalised word: the name of a hotel, a firm or a ship, not a person.
_NAME_OPENING_MARKS = frozenset('"«„“')
_NAME_CLOSING_MARKS = frozenset('"»“”')
_CYR_ADJECTIVE_ROLE = re.compile(r"([А-ЯІЇЄҐЁ][а-яіїєґё'’-]+)\s+([а-яіїєґё]+)\b")
# A paragraph that opens with a definite role: "The minister also said", "But the director".
_DEFINITE_ROLE = re.compile(
    r"(?:(?:But|And|Yet|Still)\s+)?[Tt]he\s+(?:[a-z-]+\s+){0,2}?("
    + "|".join(sorted(lx.EN_ROLE_NOUNS, key=len, reverse=True))
    + r")\b"
)
# (The lookahead lets the scan jump from capital to capital.)
_CYR_RUN = re.compile(rf"(?=[А-ЯІЇЄҐЁ]){_CYR_PART}(?: {_CYR_PART})*")
_CYR_WORD = re.compile(r"[А-ЯІЇЄҐЁа-яіїєґёʼ'’-]+")
# A capitalised adjective, up to three lower-case words and a lower-case noun: the shape of a
# body's name made of common words ("Вишнегірська обласна екологічна інспекція").
# (The lookbehind after the capital looks at the character before it, so that the scan can
# jump from capital to capital.)
_ADJECTIVE_BODY = re.compile(r"[А-ЯІЇЄҐЁ](?<![\w«\"„].)[а-яіїєґёʼ'’-]+(?: [а-яіїєґёʼ'’-]+){1,4}")
_CYR_PREP_TAIL = re.compile(r" (?P<prep>з|із|по) (?P<words>[а-яіїєґёʼ'’-]+(?: [а-яіїєґёʼ'’-]+){0,3})")
# A lower-case word that may name an office of state ("министерстве", "прокуратуры").
# Matched anywhere, so that the scan can jump to the first letters; ``_lowercase_bodies`` drops
# matches inside a word (``_WORD_CHAR`` before it).
_LOWER_BODY = re.compile(
    r"(?:минист|мініст|управл|комис|коміс|инспек|інспек|департ|прокур|админ|адмін)[а-яіїєґё]*(?![\wʼ'’-])"
)
_WORD_CHAR = re.compile(r"[\wʼ'’-]")
# Offices of state whose names the press writes in lower case before the place they serve.
_CYR_OFFICE_NOUNS = frozenset(
    "министерство міністерство управление управління комиссия комісія инспекция інспекція "
    "департамент прокуратура администрация адміністрація".split()
)
# Legal forms that open a company's name ("ТОВ «Сниводський цукор»", "АО «Рудногорский ГОК»"),
# and the common nouns that refer back to such a company.
_CYR_LEGAL_FORMS = frozenset("тов тзов пат прат ат пп дп кп ооо оао зао пао ао".split())
_CYR_COMPANY_NOUNS = frozenset(
    "компанія компания підприємство предприятие фірма фирма агрофірма агрофирма комбинат завод холдинг".split()
)
# First words of a place's name, never of a person's: "St Brannock", "Fort Ames".
# Someone who asked not to be named: "попросивший не называть его фамилию", "who asked not to
# be named", "speaking on condition of anonymity".
ANONYMOUS = re.compile(
    r"(?:попроси|проси)\w* не (?:называть|називати)|пожелав\w* остаться неназванн|побажав\w* "
    r"залишитися неназван|попросивш\w* об анонимности|на условиях анонимности|на умовах "
    r"анонімності|не уполномочен|не уповноважен|"
    r"asked not to be (?:named|identified)|on condition of anonymity|who (?:did not|didn't) "
    r"(?:want|wish) to be (?:named|identified)|who declined to be (?:named|identified)|who (?:was|were|is|"
    r"are) not authori[sz]ed",
    re.IGNORECASE,
)
# What follows a first name used alone for a person: "Margaret, who ...", "Alan is ...".
_FIRST_NAME_GOES_ON = re.compile(r"(?:, who |,? (?:is|was|has|had|says|said|thinks|lives|works|runs) )")
# A question verb right after a name: "Quarshie asked", "Strand pressed him".
_ASKS = re.compile(r",? (?:then |also )?(?:asked|asks|pressed|questioned|wondered)\b")
# A phrase that leads a sentence before its subject: "During public questions", "On Monday".
_EN_LEADING_PHRASE = re.compile(r"(?:During|After|Before|On|In|At|Later|Earlier|Outside|Inside)\b[^.]{0,50}$")
_EN_PLACE_OPENERS = frozenset("st st. saint fort port mount lake cape".split())
# Last words of a place's name: "Corrin Vale", "Marrow Bay" (never a surname's without a known
# first name before it).
_EN_PLACE_ENDERS = frozenset(
    "vale valley bay heights falls creek harbour harbor moor row lane street road avenue square rise drive "
    "crescent terrace gardens parade close way grove park place quay wharf".split()
)
# A name in quote marks right after a Cyrillic word; the scan looks for the quote mark, and
# ``_WORD_BEFORE`` then finds the noun before it.
_NAMED_BODY = re.compile(r"(?<=[А-ЯІЇЄҐЁа-яіїєґёʼ'’-]) [«\"„](?=[А-ЯІЇЄҐЁA-Z])[^«»\"“”„\n]{2,50}[»\"“]")
_WORD_BEFORE = re.compile(r"[А-ЯІЇЄҐЁа-яіїєґёʼ'’-]+\Z")
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
# Letters written after a member's or an honoured person's name.
_POST_NOMINALS = frozenset("MS MP MSP MLA MPP MHA MNA TD MEP AM QC KC OBE MBE CBE KBE DBE".split())
# A US legislator's party and home ("R-Cotter Springs", "D-Millbrook").
_PARTY_AND_PLACE = re.compile(r"[RDI]-[A-Z]")
# An age in apposition makes a name a person's: "from Nomvula Dlamini, a 54-year-old ...".
_AGED = re.compile(r", (?:an? )?\d{1,3}-year-old\b")
_FIRST_NAMES = lx.EN_FIRST_NAMES
_PLACE_PREPS = frozenset(
    "in at from near outside inside into across through to toward towards around via у в з із до на під біля "
    "по во из под около".split()
)
# Offices whose genitive names a place, not a person: "заместитель главы Кедровска",
# "пресс-секретарь губернатора Приозёрья", "радник голови Ясенівки".
_CYR_OFFICE_OF_PLACE = frozenset(
    "главы мэра губернатора администрации мэрии голови мера адміністрації".split()
)
_WORD = re.compile(r"[\w'’.-]+")

_CONNECTORS = frozenset("of the for and de van von der den da di del la le bin al du dos das".split())
_EN_SKIP = lx.EN_NOT_NAME | _CONNECTORS
# Words that open a sentence, never a name: "But", "On", "This".
_FUNCTION_OPENERS = frozenset(
    """a an this that these those he she it they we i you his her its their our but and or so yet in on
    at for after before when while as if however meanwhile also still then now today yesterday
    according despite during since until under over with without by from to about into than""".split()
)
_PARTICLES = frozenset("de van von der den da di del la le bin al du dos das".split())
_HONORIFIC_GENDER = {
    "mr": "m",
    "mr.": "m",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "sir": "m",
    "dame": "f",
    "lord": "m",
    "lady": "f",
    "king": "m",
    "queen": "f",
    # Indian and Nigerian English: "Shri R. Venkatesh Iyer", "Smt K. Lakshmi Devi", "Alhaji
    # Sani Bello", "Barrister Ifeoma Udeh" are the person with a form of address.
    "shri": "m",
    "sri": "m",
    "smt": "f",
    "smt.": "f",
    "shrimati": "f",
    "kumari": "f",
    "alhaji": "m",
    "alhaja": "f",
    "hajiya": "f",
}
_HONORIFICS = frozenset(_HONORIFIC_GENDER) | frozenset(
    "dr dr. prof prof. rev rev. cllr cllr. hon hon. barrister engr engr. pastor".split()
)
_CYR_GEN_TRIGGERS = frozenset(
    """
    словами словам від для у в з с до про о об із зі за по при к ко
    міністра президента речника речниці голови посла директора керівника радника заступника мера
    губернатора депутата спікера представника представниці командувача очільника секретаря
    прем'єр-міністра начальника генерала експерта аналітика професора
    министра пресс-секретаря главы руководителя советника заместителя мэра представителя
    командующего премьер-министра эксперта аналитика профессора
    """.split()
)
_CYR_PREP_TRIGGERS = frozenset("від для у в з с до про о об із зі за по при к ко".split())
_CYR_PLACES = frozenset(
    """
    україни україні україна росії россии росія россия рф сша єс ес оон нато мзс мид моз мвс мвд
    зсу всу сбу фсб києва киева києві киеве москви москвы європи европы польщі польши німеччини
    германии франції франции британії британии білорусі беларуси криму крыма
    """.split()
)
_ROLE_STOP = (
    frozenset(
        "the a an said says told with by from to for and or but that who which when as is was were has had "
        "have its their his her our in on at after before during".split()
    )
    | lx.EN_SPEECH_VERBS
)
_ATTACH_PREPS = frozenset(("with", "of", "at", "from", "for", "in"))
_CLAUSE_END = re.compile(r"[;:!?\"“”]|\.(?=\s+[A-Z])")
_PUNCT = ".,;:!?()[]\"'“”‘’«»—–-"
# Words after a mention that tell its gender: "Smith said she ...", "Петренко ... вона".
_GENDER_CUES: dict[str, dict[str, str]] = {
    "en": {
        "he": "m",
        "she": "f",
        "his": "m",
        "him": "m",
        "her": "f",
        "hers": "f",
        "himself": "m",
        "herself": "f",
        "he's": "m",
        "she's": "f",
        "he’s": "m",
        "she’s": "f",
    },
    "uk": {"він": "m", "вона": "f", "його": "m", "її": "f"},
    "ru": {"он": "m", "она": "f", "его": "m", "её": "f", "ее": "f"},
}
_FEMALE_SURNAME = re.compile(r"(?:ова|ева|єва|іна|ина|ська|цька|ская|цкая|ова|ая|ова)$")
_FEMALE_LATIN_SURNAME = re.compile(r"(?:ova|eva|ska|cka|ina|aya)$")


@dataclass(slots=True)
class Entity:
    """A person or organisation the briefing names."""

    name: str
    role: str | None = None
    is_org: bool = False
    gender: str | None = None
    tokens: tuple[str, ...] = ()
    name_from_oblique: bool = False
    gender_votes: dict[str, int] = field(default_factory=dict)
    # Known to be a person (title, role, first name, or speaks) rather than a capitalised thing.
    confirmed: bool = False
    seen: int = 0  # mentions so far

    @property
    def surname(self) -> str:
        return self.tokens[-1] if self.tokens else ""


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    entity: Entity
    in_quote: bool  # inside quotation marks or a caption/credit: never an antecedent
    speaks: bool = False  # subject of a speech verb: "Smith said", "said Smith"
    subject: bool = False  # opens its sentence: the likelier antecedent of a later "he"/"she"


_NORM_CACHE: dict[str, str] = {}


def _is_title(role: str) -> bool:
    """Is ``role`` only a title or rank ("Professor", "Capt.", "State Sen.")?"""
    return all(_norm(w) in lx.EN_TITLES for w in role.split())


@lru_cache(maxsize=4096)
def _short_form_stems(noun: str) -> tuple[str, ...] | None:
    """The stems a compound short form stands for, in any case ("гендиректора", "головлікарю")."""
    return next(
        (v for k, v in lx.CYR_ROLE_SHORT_FORMS.items() if noun.startswith(k) and len(noun) - len(k) <= 2),
        None,
    )


def spells_short_form(noun: str, words: list[str]) -> bool:
    """Do ``words`` (a role, lower-cased) spell out the compound short form ``noun``
    ("замминистра" in "заместитель министра здравоохранения", "главврач" in "главный врач")?"""
    stems = _short_form_stems(noun)
    if stems is None:
        return False
    at = 0
    for stem in stems:
        at = next((i + 1 for i in range(at, len(words)) if words[i].startswith(stem)), -1)
        if at < 0:
            return False
    return True


def _is_initial(token: str) -> bool:
    """Is a name's token (lower-cased) an initial ("м.")?"""
    return len(token) == 2 and token[1] == "."


def _spells_out(key: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """Does ``key`` write out initials ``tokens`` has ("Наталья Константиновна Сомова" after
    "Н. К. Сомова"): as many words, fewer of them initials?"""
    initials = sum(t.endswith(".") for t in tokens)
    return len(key) == len(tokens) and initials > 0 and sum(t.endswith(".") for t in key) < initials


def _norm(token: str) -> str:
    """Lower-cased token without possessive or trailing punctuation (memoised: called per token)."""
    hit = _NORM_CACHE.get(token)
    if hit is not None:
        return hit
    if len(_NORM_CACHE) > 50_000:
        _NORM_CACHE.clear()
    _NORM_CACHE[token] = out = _norm_uncached(token)
    return out


def _norm_uncached(token: str) -> str:
    token = token.strip(".,;:").lower()
    for suffix in ("'s", "’s"):
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token.rstrip("'’")


_SHORT_NAME_ENDINGS = frozenset("а у ю ом ем ові еві ою ой ої і е им ым".split())


@lru_cache(maxsize=65536)
def _cyr_same(a: str, b: str) -> bool:
    """Two Cyrillic name tokens are the same word in different grammatical cases."""
    if a == b:
        return True
    if "-" in a and a.count("-") == b.count("-"):
        # "Шевчуком-Ляшенком" and "Шевчук-Ляшенко": each part of a double surname declines.
        return all(_cyr_same(x, y) for x, y in zip(a.split("-"), b.split("-"), strict=True))
    if min(len(a), len(b)) < 4:
        # "Гук" and "Гука", "Гуком": a short surname and its ending.
        short, long = sorted((a, b), key=len)
        return len(short) == 3 and long.startswith(short) and long[3:] in _SHORT_NAME_ENDINGS
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(3, min(len(a), len(b)) - 3) and common >= len(min(a, b, key=len)) - 3


def _tokens_match(a: str, b: str, cyrillic: bool) -> bool:
    return _cyr_same(a, b) if cyrillic else a == b


_CYR_FIRST = lx.CYR_FEMALE_FIRST | lx.CYR_MALE_FIRST
# In a fixed order, so that a tie between two first names resolves the same in every process
# (a set's order changes with the hash seed).
_CYR_FIRST_ORDERED = tuple(sorted(_CYR_FIRST))
_GEN_SURNAME = (
    ("ського", "ський"),
    ("цького", "цький"),
    ("ского", "ский"),
    ("цкого", "цкий"),
    ("енка", "енко"),
    ("юка", "юк"),
    ("ука", "ук"),
    ("чука", "чук"),
)


_ROLE_NOMINATIVE = {
    "речника": "речник",
    "речниці": "речниця",
    "директорки": "директорка",
    "директора": "директор",
    "міністра": "міністр",
    "президента": "президент",
    "заступника": "заступник",
    "заступниці": "заступниця",
    "представника": "представник",
    "представниці": "представниця",
    "радника": "радник",
    "радниці": "радниця",
    "посла": "посол",
    "мера": "мер",
    "голови": "голова",
    "керівника": "керівник",
    "президентки": "президентка",
    "министра": "министр",
    "представителя": "представитель",
    "главы": "глава",
    "председателя": "председатель",
    "советника": "советник",
    "мэра": "мэр",
    "заместителя": "заместитель",
    "посла ": "посол",
}
_CYR_VERBS = frozenset(lx.UK_SPEECH_VERBS) | frozenset(lx.RU_SPEECH_VERBS)
_CYR_STOP = frozenset(
    "і й та а але що як який яка які це у в на з із до за від по про для при и но что как который которая "
    "это о об от с со к ко для при".split()
)
_CYR_GENITIVE = (
    "а",
    "я",
    "и",
    "ы",
    "і",
    "у",
    "ю",
    "ої",
    "ого",
    "их",
    "ых",
    "ів",
    "ов",
    "ав",
    "ей",
    "ань",
    "ень",
)


@lru_cache(maxsize=16384)
def _is_cyr_org(norm: str, language: str) -> bool:
    """An acronym or noun that names a body, in any case ("міністерству", "ассоциации")."""
    if norm in lx.CYR_ORG_WORDS:
        return True
    if len(norm) <= 3:
        return False
    base = lemma(norm, language)
    return base in lx.CYR_ORG_LEMMAS or base in lx.CYR_ORG_WORDS


_QUOTE_CHARS = frozenset('«»„“”"')


def _clause_tail(words: list[str]) -> list[str]:
    """The words before a name that belong to its own clause: none from before a quote mark, a
    dash or a sentence's end ("«... к сентябрю», — сказала А. С. Лебедева": "к" governs
    "сентябрю" inside the quote, not the name)."""
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w in ("—", "–", "-") or not _QUOTE_CHARS.isdisjoint(w) or w.endswith((".", "!", "?", ":", ";")):
            return words[i + 1 :]
    return words


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_OBLIQUE_ENDINGS = (
    "и",
    "ы",
    "ої",
    "ой",
    "ою",
    "у",
    "ю",
    "ові",
    "ому",
    "ого",
    "ем",
    "ом",
    "ії",
    "ьи",
    "ією",
    "ієї",
)
# Endings of first names' oblique cases, after the stem the nominative shares.
_CASE_ENDINGS = frozenset(
    "а я и і ї ы у ю е є ой ою ей ею єю ем єм ом им ым ові еві єві ому ого ії ією ієї ьи".split()
)
# ", яка працює ...", ", который ...": a relative clause about the word before.
# A relative clause right after a name; its pronoun tells the name's gender ("Мирослава
# Олексієнко, яка ...").
_CYR_RELATIVE_AFTER = re.compile(r",\s+(яка|який|котра|котрий|которая|который)\b")
_UK_LETTERS = set("іїєґ")
_RU_LETTERS = set("ыэёъ")


@lru_cache(maxsize=16384)
def _nominative(token: str, oblique: bool, language: str) -> str:
    """Best-effort nominative of a Cyrillic name token seen after "за словами", "міністра" etc."""
    low = token.lower()
    if low in _CYR_FIRST or not (oblique or low.endswith(_OBLIQUE_ENDINGS)):
        return token
    foreign = _RU_LETTERS if language == "uk" else _UK_LETTERS
    best, best_len = None, 0
    for first in _CYR_FIRST_ORDERED:
        if abs(len(first) - len(low)) <= 2 and _cyr_same(first, low) and not foreign.intersection(first):
            n = _common_prefix(first, low)
            # What differs is an ending ("Марини", "Андрієм", "Ігорем"): "Мартти" is no form
            # of "Марина" or "Мария".
            if n > best_len and low[n:] in _CASE_ENDINGS:
                best, best_len = first, n
    if best is not None:
        return best.capitalize()
    if not oblique:
        return token
    for suffix, repl in _GEN_SURNAME:
        if low.endswith(suffix):
            return token[: -len(suffix)] + repl
    return token


_LOWER_WORD = re.compile(r" [а-яіїєґё]")


def _join_particles(tokens: list[str]) -> list[str]:
    """ "Пітер ван Дейк" as two tokens, "Пітер" and "ван Дейк": a surname's particles are
    part of it."""
    out: list[str] = []
    carry = ""
    for t in tokens:
        if t in _CYR_PARTICLES:
            carry += t + " "
        else:
            out.append(carry + t)
            carry = ""
    return out


_RunPart = tuple[int, int, list[str], "_ParsedRun | None"]
_RUN_CACHE: dict[str, list[_RunPart]] = {}


def _nominative_head(tokens: list[str], language: str) -> list[str]:
    """A body's name with its first word, the noun naming the body, in the nominative:
    "Профсоюза работников транспорта" -> "Профсоюз работников транспорта"."""
    if not tokens:
        return tokens
    head = tokens[0].lower()
    if tokens[0].isupper() or is_nominative(head, language) or lemma(head, language) not in lx.CYR_ORG_LEMMAS:
        return tokens
    base = lemma(head, language)
    return [base[:1].upper() + base[1:] if tokens[0][:1].isupper() else base, *tokens[1:]]


def _full_name_with_patronymic(tokens: list[str], language: str) -> bool:
    """First name, patronymic and surname, as the analyser reads the first two words."""
    return (
        len(tokens) == 3
        and language in ("uk", "ru")
        and is_patronymic_after(tokens[0], tokens[1], language)
        and (is_first_name(tokens[0], language) or tokens[0].lower() in _CYR_FIRST)
    )


def _surname_first(tokens: list[str], language: str) -> bool:
    """Surname, first name and patronymic, the order of official Russian and Ukrainian
    ("Лебедева Анна Сергеевна"): the last two words a first name and a patronymic, the first
    a word that may be a surname (not a place: "Заречинска Антон Валерьевич")."""
    return (
        len(tokens) == 3
        and is_patronymic_after(tokens[1], tokens[2], language)
        and is_first_name(tokens[1], language)
        and not is_one_persons_first_name(tokens[0], language)  # "Тарасов" is one only in the plural
        and is_possible_name(tokens[0], language)
        and not is_patronymic(tokens[0], language)
    )


def _split_run(run: str) -> list[_RunPart]:
    """A run's name candidates as (offset, tokens): split at sentence-final dots, openers dropped.

    Memoised per run string: the same capitalised runs ("The", "Prime Minister Alan Petrov") recur
    within and across briefings, and this is the hottest loop of the quote finder.
    """
    hit = _RUN_CACHE.get(run)
    if hit is not None:
        return hit
    if len(_RUN_CACHE) > 50_000:
        _RUN_CACHE.clear()
    out: list[_RunPart] = []
    pos = 0
    tokens: list[str] = []
    t_start = 0
    for tok in run.split(" "):
        if not tokens:
            t_start = pos
        pos += len(tok) + 1
        if tok[-1] == "." and not _is_abbrev(tok):
            tokens.append(tok[:-1])
            _strip_openers(tokens, t_start, out)
            tokens = []
        else:
            tokens.append(tok)
    if tokens:
        _strip_openers(tokens, t_start, out)
    _RUN_CACHE[run] = out
    return out


def _strip_openers(tokens: list[str], start: int, out: list[_RunPart]) -> None:
    """Drop a sentence-opening function word ("The", "But", "On") and leading connectors."""
    k = 0
    # An organisation's name keeps its first word ("The Northern Dairy Producers' Association",
    # "The Island Transport Company"): only function words go.
    org = any(_norm(t) in lx.EN_ORG_WORDS for t in tokens[1:])
    while k < len(tokens):
        n = _norm(tokens[k])
        if (
            n not in _EN_SKIP
            or n in _HONORIFICS
            or tokens[k].endswith(("'s", "’s"))
            or tokens[k].isupper()  # a dateline's "NEW YORK" keeps its first word
            or (org and n not in _CONNECTORS and n not in _FUNCTION_OPENERS)
        ):
            break
        start += len(tokens[k]) + 1
        k += 1
    if k < len(tokens):
        kept = tokens[k:]
        out.append((start, sum(map(len, kept)) + len(kept) - 1, kept, _parse_en_run(tuple(kept))))


@dataclass(frozen=True, slots=True)
class _ParsedRun:
    """What a capitalised run says on its own, before looking at the text around it."""

    name: str = ""
    key: tuple[str, ...] = ()
    is_org: bool = False
    role: str | None = None
    honor: bool = False
    honor_gender: str | None = None
    known_first: bool = False
    split_at: int = 0


_PARSE_CACHE: dict[tuple[str, ...], _ParsedRun | None] = {}


def _parse_en_run(tokens: tuple[str, ...]) -> _ParsedRun | None:
    """Classify a run as organisation or person (role + name), memoised: names repeat a lot."""
    if tokens in _PARSE_CACHE:
        return _PARSE_CACHE[tokens]
    if len(_PARSE_CACHE) > 20_000:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[tokens] = out = _parse_en_run_uncached(tokens)
    return out


def _strip_possessive(name: str) -> str:
    name = name.rstrip(".,")
    return name[:-2] if name.endswith(("'s", "’s")) else name


def _office_holder(tokens: tuple[str, ...], norms: list[str]) -> _ParsedRun | None:
    """ "Cabinet Secretary for Water and Irrigation Peter Otieno Ndege", "Minister for Urban
    Development and Town Planning M. R. Chandrashekar": a role that names its office with
    "for" or "of", then a name that opens with a known first name or initials."""
    if not any(n in lx.EN_ROLE_WORDS for n in norms[:2]) or not ("for" in norms or "of" in norms):
        return None
    k = norms.index("for") if "for" in norms else norms.index("of")
    for j in range(k + 2, len(tokens) - 1):
        if not (norms[j] in _FIRST_NAMES or _INITIAL.fullmatch(tokens[j])):
            continue
        rest = norms[j:]
        if len(rest) <= 4 and all(
            t[:1].isupper()
            and n not in _CONNECTORS
            and n not in lx.EN_ROLE_WORDS
            and n not in lx.EN_ORG_WORDS
            for t, n in zip(tokens[j:], rest, strict=True)
        ):
            # "Minister for Transport Smt. K. Lakshmi Devi": the form of address is not the role.
            honor = [_norm(t) for t in tokens[:j] if _norm(t) in _HONORIFICS]
            return _ParsedRun(
                name=_strip_possessive(" ".join(tokens[j:])),
                key=tuple(rest),
                role=" ".join(t for t in tokens[:j] if _norm(t) not in _HONORIFICS),
                honor=bool(honor),
                honor_gender=next((_HONORIFIC_GENDER[h] for h in honor if h in _HONORIFIC_GENDER), None),
                known_first=rest[0] in _FIRST_NAMES,
            )
        return None
    return None


def _parse_en_run_uncached(tokens: tuple[str, ...]) -> _ParsedRun | None:
    if len(tokens) >= 3 and tokens[-1] in _POST_NOMINALS:
        tokens = tokens[:-1]  # "Carys Penhallow MS": letters after a name, not part of it
    if _PARTY_AND_PLACE.match(tokens[0]):
        return None  # "Sen. Dolores Finch, R-Cotter Springs,": a party and a home town
    if len(tokens) == 1 and _PLURAL_ACRONYM.fullmatch(tokens[0]):
        return None  # "told MCAs", "MPs voted": members, not one person or body
    norms = [_norm(t) for t in tokens]
    org_words = lx.EN_ORG_WORDS
    office = _office_holder(tokens, norms)
    if office is not None:
        return office
    if "and" in norms and not any(n in org_words for n in norms):
        k = norms.index("and")
        if 0 < k < len(norms) - 1:
            return _ParsedRun(split_at=k)  # "Greg McKegg and Dougie Hamilton": two people
    if "of" in norms or "for" in norms:
        k = norms.index("of") if "of" in norms else norms.index("for")
        head, tail = norms[:k], norms[k + 1 :]
        if (
            head
            and tail
            and not any(n in org_words for n in head)
            and (any(n in org_words for n in tail) or len(head) >= 2 or tokens[k + 1].isupper())
            and head[-1] not in lx.EN_ROLE_WORDS
            and head[-1] not in lx.EN_ROLE_CONTEXT
        ):
            return _ParsedRun(split_at=k)
    last_org = max((i for i, n in enumerate(norms) if n in org_words), default=-1)
    # "Christopher House", "Ruth Bank": a first name makes it a person.
    first_and_word = len(norms) == 2 and norms[0] in _FIRST_NAMES and not tokens[1].isupper()
    if first_and_word and last_org == 1:
        last_org = -1
    # "Ministry of Defence spokesman John Kirby": a role after the body's name; a role word right
    # after "of" is the body's own ("Association of Independent Freight Operators").
    role_after_org = last_org >= 0 and any(
        n in lx.EN_ROLE_WORDS and norms[last_org + i - 1] not in ("of", "for")
        for i, n in enumerate(norms[last_org + 1 : -1], start=1)
    )
    name_after = norms[last_org + 1 :]
    if (
        last_org > 0
        and 2 <= len(name_after) <= 3
        and norms[0] in lx.EN_ROLE_WORDS
        and not any(n in lx.EN_ROLE_WORDS or n in _CONNECTORS or n in org_words for n in name_after)
    ):
        # "Deputy Minister for Public Administration Harriet Penhallow": a role that names its
        # office, then the person who holds it.
        return _ParsedRun(
            name=_strip_possessive(" ".join(tokens[last_org + 1 :])),
            key=tuple(name_after),
            role=" ".join(tokens[: last_org + 1]),
            known_first=name_after[0] in _FIRST_NAMES,
        )
    bare = tokens[0].strip(".,'’s")
    if (last_org >= 0 and not role_after_org) or (
        len(tokens) == 1
        and bare.isupper()
        and len(bare) >= 2
        and "." not in bare
        and bare.lower() not in lx.EN_ROLE_WORDS
    ):
        return _ParsedRun(name=_strip_possessive(" ".join(tokens)), key=tuple(norms), is_org=True)
    # "BC Hydro", "CBC News": an acronym with capitalised words is an organisation.
    if (
        len(tokens) >= 2
        and norms[0] not in _FIRST_NAMES
        and norms[0] not in lx.EN_ROLE_WORDS
        and any(t.isupper() and len(t) > 1 and "." not in t for t in tokens)
        and not all(t.isupper() for t in tokens)  # "NEW YORK": a dateline
        and not any(n in lx.EN_ROLE_WORDS for n in norms)
    ):
        return _ParsedRun(name=_strip_possessive(" ".join(tokens)), key=tuple(norms), is_org=True)
    # Split role and name: the name is the tail after the last role/context word.
    cut = 0
    for i, n in enumerate(norms[:1] if first_and_word else norms):
        if (
            n in lx.EN_ROLE_WORDS
            or n in lx.EN_ROLE_CONTEXT
            or (n in _HONORIFICS and i < len(tokens) - 1)
            or (tokens[i].endswith(("'s", "’s")) and i < len(tokens) - 1)
        ):
            cut = i + 1
    if (
        cut
        and cut < len(norms)
        and norms[cut - 1] in ("of", "for")
        and norms[cut] not in _FIRST_NAMES
        and not any(n in lx.EN_ROLE_WORDS for n in norms[: cut - 1])
    ):
        return None  # "Residents of Ilanga Heights": after "of" with no role before it, a place
    if (
        cut
        and len(tokens) - cut == 1
        and not any(
            n in lx.EN_ROLE_WORDS
            or (n in lx.EN_ROLE_CONTEXT and n not in _CONNECTORS)
            or t.endswith(("'s", "’s"))
            for n, t in zip(norms[:cut], tokens[:cut], strict=True)
        )
    ):
        return None  # "Out of the Cold": a title, while "Part of Ian Poulter" still names him
    name_tokens = list(tokens[cut:])
    norms_name = norms[cut:]
    honored = any(_norm(t) in _HONORIFICS for t in tokens[:cut])
    if (
        not name_tokens
        or any(
            n.endswith(("’ve", "'ve", "’re", "'re", "’ll", "'ll", "’m", "'m", "’d", "'d")) for n in norms_name
        )
        or (
            # An initial is not the word it spells: "P. A. Lindgren", "I. M. Pei".
            any(
                n in lx.EN_NOT_NAME
                for n, t in zip(norms_name, name_tokens, strict=True)
                if not _INITIAL.fullmatch(t)
            )
            # "Ms. May", "Theresa May": a surname that is also a common word, after a title or first name.
            and not (honored and len(norms_name) == 1)
            and not (
                len(norms_name) == 2 and norms_name[0] in _FIRST_NAMES and norms_name[1] not in _CONNECTORS
            )
        )
        or norms_name[-1] in lx.EN_THING_WORDS
        or any(t.isupper() and len(t) > 1 and not _INITIAL.fullmatch(t) for t in name_tokens)
        or _INITIAL.fullmatch(name_tokens[-1])
    ):
        return None  # "Canada's" or "Prime Minister" alone: no person here
    if (
        cut
        and norms[cut - 1] == "the"
        and len(norms_name) <= 2
        and not any(n in _FIRST_NAMES for n in norms_name)
    ):
        # "Chief Veterinary Officer of the Lowland Provinces", "Minister of the Interior": a
        # name after "of the" is the place or body the role belongs to; people go without "the".
        return None
    if len(name_tokens) > 4:
        # The last three capitalised words; particles between them stay ("J. P. van der Walt").
        caps = [i for i, t in enumerate(name_tokens) if t[:1].isupper()]
        keep = caps[-3] if len(caps) >= 3 else 0
        name_tokens, norms_name = name_tokens[keep:], norms_name[keep:]
    # "Overstating Surrey", "Finally Demi": a stray word before a name.
    if (
        len(name_tokens) >= 2
        and norms_name[0] not in _FIRST_NAMES
        and (norms_name[0] in lx.EN_LEADING_NOISE or norms_name[0].endswith(("ing", "ly")))
    ):
        name_tokens, norms_name = name_tokens[1:], norms_name[1:]
    # "Mayor of Carrowford Petra Halloran": the place a role is "of" ends the role.
    if (
        len(name_tokens) == 3
        and cut
        and norms[cut - 1] in ("of", "for", "the")
        and norms_name[0] not in _FIRST_NAMES
    ):
        cut += 1
        name_tokens, norms_name = name_tokens[1:], norms_name[1:]
    role_tokens = tokens[:cut]
    honor = [t for t in role_tokens if _norm(t) in _HONORIFICS]
    role_words = [t for t in role_tokens if _norm(t) not in _HONORIFICS]
    role = " ".join(role_words) if role_words else None
    if role is not None and all(_norm(t) in _CONNECTORS for t in role_words):
        role = None
    if role and role.lower().startswith("the "):
        role = role[4:]
    honor_gender = next((_HONORIFIC_GENDER[_norm(h)] for h in honor if _norm(h) in _HONORIFIC_GENDER), None)
    key = tuple(norms_name)
    return _ParsedRun(
        name=_strip_possessive(" ".join(name_tokens)),
        key=key,
        role=role,
        honor=bool(honor),
        honor_gender=honor_gender,
        known_first=key[0] in _FIRST_NAMES,
    )


_ACRONYM_GLUE = r"(?:,? (?:and |of |for |the |de |du |des )*)"


def _spelled_out(text: str, acronym: str) -> str | None:
    """The capitalised words whose initials spell ``acronym`` ("EDC" -> "Export Development Canada")."""
    if not acronym.isalpha():
        return None
    pattern = _ACRONYM_GLUE.join(rf"{c}[a-z][\w’'-]*" for c in acronym)
    m = re.search(rf"\b{pattern}\b", text)
    return m.group(0) if m else None


# Opening marks of a name quoted inside a role or a description, and their closing marks.
NAME_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}
# "X, who chairs the board," is the board's chair: the verbs a relative clause states a post with.
_WHO_ROLE_VERBS = {
    "chairs": "chair",
    "heads": "head",
    "leads": "leader",
    "runs": "head",
    "directs": "director",
    "manages": "manager",
    "founded": "founder",
    "co-founded": "co-founder",
    "owns": "owner",
    "coordinates": "coordinator",
}


class SpeakerIndex:
    """Entities of one briefing and the positions where each is mentioned."""

    def __init__(self, text: str, language: str, quoted: list[tuple[int, int]], title: str = "") -> None:
        self.text = text
        self.title = title
        self._title_lemmas: set[str] | None = None
        self.language = language
        self.cyrillic = language in ("uk", "ru")
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        self._quoted = quoted
        self._quote_starts = [q[0] for q in quoted]
        self._orgs: dict[str, Entity] = {}
        self.prefer_speakers = True
        self.speaker_window = 400
        self.unknown_window = 300
        self.prefer_subjects = True
        # Surname -> people who bear it, in order of first mention: a family shares one.
        self._by_surname: dict[str, list[Entity]] = {}
        self._last_named: dict[int, int] = {}  # id(entity) -> where it was last named, while scanning
        self._spelled: set[str] = set()  # acronyms already looked up
        self._descriptor_cache: dict[int, set[str]] = {}  # mention start -> words describing the person
        if self.cyrillic:
            self._scan_cyrillic()
        else:
            self._scan_english()
        self._merge_short_forms()
        self._gender_known = False  # worked out on the first pronoun, which not every briefing has
        self._starts = [m.start for m in self.mentions]  # mentions are in text order

    def _before(self, pos: int) -> list[Mention]:
        """Mentions that start before ``pos``, in text order."""
        return self.mentions[: bisect.bisect_left(self._starts, pos)]

    # --- scanning ------------------------------------------------------------------------------

    def _in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, pos) - 1
        return i >= 0 and pos < self._quoted[i][1]

    def in_quote(self, pos: int) -> bool:
        """Is ``pos`` inside a quotation?"""
        return self._in_quote(pos)

    def _scan_english(self) -> None:
        """Feed every capitalised run to ``_add_english_run``, split at sentence-final dots."""
        quoted = self._quoted
        qi, nq = 0, len(quoted)
        text = self.text
        # A first name held back before a quoted nickname: its tokens, start, and where the
        # surname must start.
        carry: tuple[list[str], int, int] | None = None
        for found in _EN_RUN.finditer(text):
            m, base = found, found.start()
            if carry is not None and base < carry[2] < m.end():
                # A run that reads on through the nickname ("Sonny' Ó Dubhda") holds the surname.
                m, base = _EN_RUN.match(text, carry[2]) or m, carry[2]
            if base and (text[base - 1].isalnum() or text[base - 1] in "'’"):
                continue  # "OS" in "iOS": a name starts a word
            # Names inside a quotation are never the speaker or an antecedent (quotes are sorted).
            while qi < nq and quoted[qi][1] <= base:
                qi += 1
            if qi < nq and quoted[qi][0] <= base:
                continue
            if carry is not None and base < carry[2]:
                continue  # the nickname itself
            parts = _split_run(m.group(0))
            if carry is not None:
                # 'Dr. Henrietta "Etta" Marlowe-Quinn': the name goes on after the nickname.
                head, head_start, surname_at = carry
                carry = None
                if parts and parts[0][0] == 0 and base == surname_at:
                    offset, length, tokens, _ = parts[0]
                    joined = [*head, *tokens]
                    parsed = _parse_en_run(tuple(joined))
                    if parsed is not None:
                        self._add_english_run(joined, head_start, base + length, parsed)
                    parts = parts[1:]
                else:
                    self._add_run_parts(head_start, [(0, 0, head, _parse_en_run(tuple(head)))])
            nick = _NICKNAME.match(text, m.end())
            if nick and parts and parts[-1][0] + parts[-1][1] == len(m.group(0)):
                # Hold the run's last name back until the surname after the nickname is read.
                offset, _, tokens, _ = parts[-1]
                carry = (tokens, base + offset, nick.end())
                parts = parts[:-1]
            self._add_run_parts(base, parts)
        if carry is not None:
            self._add_run_parts(carry[1], [(0, 0, carry[0], _parse_en_run(tuple(carry[0])))])

    def _add_run_parts(self, base: int, parts: list[_RunPart]) -> None:
        for offset, length, tokens, parsed in parts:
            if parsed is not None:
                end = base + offset + (length or len(" ".join(tokens)))
                self._add_english_run(tokens, base + offset, end, parsed)

    def _add_english_run(
        self, tokens: list[str], start: int, end: int, parsed: _ParsedRun | None = None
    ) -> None:
        if parsed is None:
            parsed = _parse_en_run(tuple(tokens))
            if parsed is None:
                return
        if parsed.split_at:
            # "Professor Ingrid Bakke of Northfield University": a person, then their organisation.
            k = parsed.split_at
            head_end = start + len(" ".join(tokens[:k]))
            self._add_english_run(tokens[:k], start, head_end)
            tail_start = self.text.find(tokens[k + 1], head_end)
            self._add_english_run(tokens[k + 1 :], tail_start, end)
            return
        in_quote = False  # _scan_english skips runs inside quotations
        key = parsed.key
        if parsed.is_org:
            ent = self._orgs.get(parsed.name.lower())
            if ent is None:
                ent = Entity(name=parsed.name, is_org=True, tokens=key)
                self._orgs[parsed.name.lower()] = ent
                self.entities.append(ent)
            self.mentions.append(Mention(start, end, ent, in_quote))
            return
        role = parsed.role
        if len(key) == 1 and not role and key[0].endswith(("ed", "ing", "ly")) and self._lower_follows(end):
            return  # "Asked whether ...", "Speaking after the vote": a participle, not a surname
        ent = self._match_person(key)
        if (
            ent is None
            and len(key) == 1
            and not role
            and not parsed.honor
            and not self._speaks(end, start, False)
            and not self._described(end, key[0])
        ):
            return  # a lone capitalised word we cannot tell from a place
        speaks = self._speaks(end, start)
        if ent is None and not role and not parsed.honor and not parsed.known_first:
            # "went to Carys Mbatha, a tenant organiser": a role after the name makes it a person's.
            described = self._role_after(end) is not None or _AGED.match(self.text, end) is not None
            if not described and self._after_place_prep(start):
                return  # "a shelter in Port Alva": a place, not a person ("to Brian Hemming" is one)
            if not described and self._after_the(start):
                return  # "the National Statistician", "the Tide Reckoner": a title, not a person
            if len(key) > 1 and (key[0] in _EN_PLACE_OPENERS or key[-1] in _EN_PLACE_ENDERS):
                return  # "the Greyhaven and St Brannock hospitals", "Corrin Vale": a place
            if self._in_apposition(start):
                return  # "Hanne Solberg, managing director of the operator Nordkap Cargo, said"
        if ent is None:
            ent = Entity(name=parsed.name, tokens=key)
            self.entities.append(ent)
            self._by_surname.setdefault(key[-1], []).append(ent)
        elif len(key) > len(ent.tokens) or _spells_out(key, ent.tokens):
            ent.name, ent.tokens = parsed.name, key
        if (not ent.role or _is_title(ent.role)) and (role or ent.seen < 2):
            # Roles come with the first mentions ("X, the minister, said"); later ones rarely add
            # one. A title or rank alone ("Professor", "Captain", "Cllr") is part of how the
            # person is addressed: what they do, said beside the name, is the role shown.
            before = role or self._role_before(start)
            found = self._role_after(end) or self._role_predicate(end)
            if before and not _is_title(before):
                ent.role = before
            else:
                ent.role = found or ent.role or before
        ent.seen += 1
        if role or parsed.honor or parsed.known_first or speaks:
            ent.confirmed = True
        if parsed.honor_gender:
            ent.gender_votes[parsed.honor_gender] = ent.gender_votes.get(parsed.honor_gender, 0) + 3
        in_quote = in_quote or self._is_aside(start, end)
        before = self.text[max(0, start - 3) : start].rstrip(" ")
        # "Unlike Al Mnajer, he ...": a sentence-initial name after a connective is not the subject.
        subject = (not before or before[-1] in ".!?\n") and _norm(tokens[0]) not in lx.EN_LEADING_NOISE
        self.mentions.append(Mention(start, end, ent, in_quote, speaks, subject))
        self._last_named[id(ent)] = start

    def _named_in_apposition(self, start: int, noun: str) -> Entity | None:
        """The person named right after the role ``noun`` that opens a sentence at ``start``,
        set off by a comma ("The shadow housing minister, Cordelia Ashgrove, ...")."""
        at = self.text.find(noun, start, start + 60)
        if at < 0:
            return None
        after = at + len(noun)
        k = bisect.bisect_left(self._starts, after)
        if k < len(self.mentions):
            men = self.mentions[k]
            if not men.entity.is_org and not men.in_quote and self.text[after : men.start] == ", ":
                return men.entity
        return None

    def named_after_role(self, start: int) -> Entity | None:
        """The person whose name the role opening a sentence at ``start`` runs into, with no
        punctuation between ("Председатель региональной службы по тарифам Елена Бухарова, ...",
        "директор КП «Теплосеть» Наталья Гринько"): the role is theirs, not an earlier holder's."""
        k = bisect.bisect_left(self._starts, start + 1)
        for men in self.mentions[k : k + 4]:
            between = _CLOSED_MARKS.sub("", self.text[start : men.start])
            if men.start - start > 120 or any(c in between for c in ",.;:!?\n—–«»"):
                return None
            if men.entity.is_org:
                continue  # the body the role belongs to: "председатель Думы Иван Петров"
            return None if men.in_quote else men.entity
        return None

    def _in_apposition(self, start: int) -> bool:
        """Is ``start`` inside the role set off by commas after the person named last ("Hanne
        Solberg, managing director of the private operator ⟨here⟩")? A name there is the body
        or place the role belongs to, not someone else."""
        last = next((m for m in reversed(self.mentions) if not m.entity.is_org), None)
        if last is None or last.end >= start or start - last.end > 100:
            return False
        between = self.text[last.end : start]
        if not between.startswith(", ") or any(c in between for c in '.;:!?\n"“”'):
            return False
        return any(_norm(w) in lx.EN_ROLE_WORDS for w in between.split())

    def _described(self, end: int, word: str) -> bool:
        """A lone name with a descriptive apposition is a person: "Yuni, a resident of Lampung"."""
        if word in _FIRST_NAMES and _FIRST_NAME_GOES_ON.match(self.text, end):
            # "Margaret, who is 81, ...", "Alan is less forgiving": a first name with a relative
            # clause or a verb after it is someone the story calls by first name.
            return True
        if word in _FIRST_NAMES or not word.endswith(("ian", "ese", "ish")):
            return self.text.startswith((", a ", ", an "), end) and self.text[end + 4 : end + 5].islower()
        return False  # "Syrian", "Chinese", "British": a nationality, not a name

    def _lower_follows(self, end: int) -> bool:
        nxt = self.text[end : end + 20].split(" ", 2)
        return len(nxt) > 1 and nxt[0] == "" and nxt[1][:1].islower() and nxt[1] not in lx.EN_SPEECH_VERBS

    def _after_the(self, start: int) -> bool:
        """Does a lower-case "the" come right before ``start``? A person's name never takes one."""
        return self.text[max(0, start - 4) : start] == "the "

    def _after_place_prep(self, start: int) -> bool:
        before = self.text[max(0, start - 16) : start].lower().split()
        if before and before[-1] == "the":
            before.pop()
        return bool(before) and before[-1] in _PLACE_PREPS

    def _speaks(self, end: int, start: int, appositive: bool = True) -> bool:
        """Is the mention the subject of a speech verb ("Smith said", "said Smith", "Smith, 52, told")?"""
        text = self.text
        after = text[end : end + 40].replace(",", " ").split(None, 3)  # "Lametti said.\n\n" too
        for w in after[:3]:
            lw = w.strip(".;:").lower()
            if lw in lx.EN_SPEECH_VERBS:
                # "Dr. Priya Venn, who represents Oldmere, said": the verb after a relative
                # clause is the person's it describes, not the clause's last name's.
                return not (text.startswith(",", end) and self._clause_of_person(start))

            if lw not in ("also", "has", "had", "later", "then", "previously", "who", "recently"):
                break
        before = text[max(0, start - 12) : start].split()
        if before and before[-1].lower() in lx.EN_SPEECH_VERBS and not _CLAUSE_VERB.match(text, end):
            # "said Smith", but not "says Skerrow has become ...": there the name begins what
            # was said.
            return True
        # "Hiram Macharia, marketing executive at LG, said", "Tim Guest with the authority says".
        if (
            appositive
            and end < len(text)
            and (text[end] == "," or text[end + 1 : end + 6].split(" ", 1)[0] in _ATTACH_PREPS)
            and not self._in_relative_clause(start)
        ):
            window = text[end : end + 200]
            stop = _CLAUSE_END.search(window)
            words = (window[: stop.start()] if stop else window).split()[:26]
            for i, w in enumerate(words):
                lw = w.strip(",").lower()
                if lw in lx.EN_SPEECH_VERBS:
                    return i == 0 or words[i - 1].endswith(",") or (text[end] == " " and i <= 6)
                if (
                    lw in ("and", "but", "or", "while")
                    and not words[min(i + 1, len(words) - 1)][:1].isupper()
                ):
                    return False  # a new clause ("Science and Economic Development" is still a name)
        return False

    def _in_relative_clause(self, start: int) -> bool:
        """ "Ray Tolliver, who has fished out of Tollan Quay for thirty years, says": a name
        inside someone else's relative clause is not the subject of the verb after it."""
        text = self.text
        comma = text.rfind(",", max(0, start - 120), start)
        if comma < 0 or any(c in text[comma:start] for c in ".;:!?\n"):
            return False
        return text[comma + 1 : start].split(None, 1)[:1] in (["who"], ["which"], ["whose"], ["where"])

    def _clause_of_person(self, start: int) -> bool:
        """Is ``start`` inside a relative clause that describes a person named right before it
        ("Dr. Priya Venn, who represents ⟨here⟩")? Not one about an unnamed source ("One
        tenant, who asked to be identified only as ⟨Dolores⟩"): that name is the source's."""
        if not self._in_relative_clause(start):
            return False
        comma = self.text.rfind(",", max(0, start - 120), start)
        return any(m.end == comma and not m.entity.is_org for m in self.mentions[-3:])

    def _is_aside(self, start: int, end: int) -> bool:
        """A photo credit or caption: "(Evan Vucci/Associated Press)", "Jane Doe/CBC"."""
        text = self.text
        if end < len(text) and text[end] == "/":
            return True
        if start > 0 and text[start - 1] == "/":
            return True
        open_at = text.rfind("(", max(0, start - 60), start)
        return open_at >= 0 and text.find(")", open_at, start) < 0

    def _role_before(self, start: int) -> str | None:
        """A role right before a name: "said defence ministry spokesman Ivan Petrenko", or a
        pre-posed appositive: "The agency's regional director, Samir Haddad, said"."""
        text = self.text
        if text[max(0, start - 2) : start] == ", ":
            dot = text.rfind(". ", 0, start - 2)
            clause_start = max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, start - 2) + 1, start - 120)
            phrase = text[clause_start : start - 2].strip()
            words = phrase.split()
            if (
                0 < len(words) <= 12
                and any(_norm(w) in lx.EN_ROLE_WORDS for w in words)
                and not any(_norm(w) in lx.EN_SPEECH_VERBS or w[-1:] in '"“”,' for w in words)
            ):
                if words[0] in ("Its", "Their") and len(words) <= 3:
                    # "The Kelden Nurses Association says ... Its president, Marta Juric": whose.
                    org = self.latest_org_before(start)
                    if org is not None:
                        return f"{' '.join(words[1:])} of the {org.name}"
                return phrase[4:] if phrase.startswith(("The ", "the ")) else phrase
        window = text[max(0, start - 80) : start]
        words = window.split()
        picked: list[str] = []
        extra = 0
        for w in reversed(words):
            n = _norm(w)
            if w.endswith((",", ".", ":", ";")) or any(c in w for c in '"“”«»'):
                break
            if not (n in lx.EN_ROLE_WORDS or n in lx.EN_ROLE_CONTEXT or n in lx.EN_ORG_WORDS):
                # A modifier of the role ("mayoral candidate", "then-Surrey"), but never a verb;
                # a capitalised one only inside an organisation's name ("Green Party leader").
                proper = (
                    w[:1].isupper()
                    and picked
                    and picked[-1][:1].isupper()
                    and _norm(picked[-1]) in lx.EN_ORG_WORDS
                )
                if not picked or extra >= 2 or not (w[:1].islower() or proper) or n in _ROLE_STOP:
                    break
                extra += 1
            picked.append(w)
        while picked and _norm(picked[-1]) in _CONNECTORS:
            picked.pop()
        if not picked or _norm(picked[0]) not in lx.EN_ROLE_WORDS:
            return None
        return " ".join(reversed(picked))

    def _role_predicate(self, end: int) -> str | None:
        """A role the sentence gives as its predicate: "Obafemi Strand-Lyall has been chief
        executive of the Water Services Regulator since 2021", "Chidinma Okafor took over as
        head of library services at Marfield County Council in January"."""
        m = _EN_ROLE_PREDICATE.match(self.text, end)
        if m is None:
            return None
        role = m.group("role").strip()
        words = role.split()
        if not words or len(words) > 14 or not any(_norm(w) in lx.EN_ROLE_WORDS for w in words[:3]):
            return None
        return role

    def _role_after(self, end: int) -> str | None:
        """An appositive role: "Jane Doe, a spokeswoman for the ministry, said"."""
        text = self.text
        if end >= len(text) or text[end] != ",":
            return None
        stop = end + 1
        limit = min(len(text), end + 120)
        while stop < limit and text[stop] not in ',.;:\n"“”«»':
            stop += 1
            if stop < limit and text[stop] in NAME_QUOTES:
                # 'director of the "Grain of the South" company': a quoted name inside the role.
                close = text.find(NAME_QUOTES[text[stop]], stop + 1, limit)
                if close > 0 and text[stop - 1] == " ":
                    stop = close + 1
        phrase = text[end + 1 : stop].strip()
        words = phrase.split()
        if not words or len(words) > 12:
            return None
        first = words[0].lower()
        if first == "who" and len(words) >= 3:
            # "Koval, who chairs the Port Operators' Association," / "Ruiz, who is the city's mayor,"
            verb = words[1].lower()
            if verb in _WHO_ROLE_VERBS:
                return f"{_WHO_ROLE_VERBS[verb]} of {' '.join(words[2:])}"
            if verb not in ("is", "was"):
                return None
            words = words[3:] if words[2].lower() in ("also", "now", "currently") else words[2:]
            phrase = " ".join(words)
            first = words[0].lower() if words else ""
        if first in ("who", "which", "that", "he", "she", "said", "says", "told", "added"):
            return None
        if first in ("the", "a", "an"):
            words = words[1:]
            phrase = " ".join(words)
        if not any(_norm(w) in lx.EN_ROLE_WORDS for w in words):
            return None
        return phrase or None

    def _scan_cyrillic(self) -> None:
        first_names_alone: list[Entity] = []  # people the text called by one word only
        self._scan_cyrillic_runs(first_names_alone)
        # "Ірина ... " before "Ірина Задорожня" is named in full: the first name is hers, not a
        # second person's, and the index knows too little to tell which mention is whose.
        full = [e for e in self.entities if not e.is_org and len(e.tokens) > 1]
        dropped = {
            id(e)
            for e in first_names_alone
            if len(e.tokens) == 1  # (not one a later mention named in full)
            and is_one_persons_first_name(e.tokens[0], self.language)
            and any(_cyr_same(f.tokens[0], e.tokens[0]) for f in full)
        }
        if dropped:
            self.entities = [e for e in self.entities if id(e) not in dropped]
            self.mentions = [m for m in self.mentions if id(m.entity) not in dropped]

    def _scan_cyrillic_runs(self, first_names_alone: list[Entity]) -> None:
        text = self.text
        covered = 0  # end of the last organisation's name: its words are not names of their own
        bodies = sorted(
            [*self._named_bodies(), *self._adjective_bodies(), *self._lowercase_bodies()], key=lambda b: b[0]
        )
        for m in _CYR_RUN.finditer(text):
            while bodies and bodies[0][0] <= m.start():
                b_start, b_end, body = bodies.pop(0)
                self.mentions.append(Mention(b_start, b_end, body, self._in_quote(b_start)))
                covered = max(covered, b_end)
            run = m.group(0)
            particles = _LOWER_WORD.search(run) is not None  # "Пітер ван Дейк"
            tokens = _join_particles(run.split()) if particles else run.split()
            start = m.start()
            if start < covered:
                # "Асоціації індустріальних парків Полісся Максим Зарудний": the words past the
                # body's name are a name of their own.
                rest = text[covered : m.end()].strip()
                if not rest or text[covered : covered + 1] not in (" ", ""):
                    continue
                start, tokens = (
                    m.end() - len(rest),
                    _join_particles(rest.split()) if particles else rest.split(),
                )
            # Initials start the name: what comes before them is a role or a place.
            initial_at = (
                next((i for i, t in enumerate(tokens) if _INITIAL.fullmatch(t)), None)
                if "." in m.group(0)
                else None
            )
            if initial_at is not None and initial_at < len(tokens) - 1:
                start = text.index(
                    tokens[initial_at], start + sum(len(t) + 1 for t in tokens[:initial_at]) - 1
                )
                tokens = tokens[initial_at:]
            prev = text[max(0, start - 40) : start].split()
            prev_word = prev[-1].lower().strip(",.") if prev else ""
            norms = [t.lower() for t in tokens]
            in_quote = self._in_quote(start)
            with_initials = initial_at is not None and initial_at < len(m.group(0).split()) - 1
            # Places and acronyms glued to the front of a name: "України Дмитро Кулеба", "МЗС Ольги".
            while (
                len(tokens) > 1
                and not with_initials
                and (norms[0] in _CYR_PLACES or tokens[0].isupper())
                and not any(_is_cyr_org(n, self.language) for n in norms[1:])
            ):
                start = text.index(tokens[0], start) + len(tokens[0])
                tokens, norms = tokens[1:], norms[1:]
            # A capitalised preposition or adverb opening the sentence: "В ООО ...", "Натомість".
            while len(tokens) > 1 and is_function_word(norms[0], self.language):
                start = text.index(tokens[0], start) + len(tokens[0])
                tokens, norms = tokens[1:], norms[1:]
            # A capitalised word the dictionary knows only as something else opens the run:
            # "Бібліотекаркою Ткачук стала", "Сын Берестова", "Сама Ткачук" (not a body's name).
            while (
                len(tokens) > 1
                and not with_initials
                and norms[0] not in _CYR_FIRST  # "Богдан": a first name the dictionary lacks
                and not is_patronymic(norms[1], self.language)
                and not is_possible_name(norms[0], self.language)
                and not _is_cyr_org(norms[0], self.language)
            ):
                start = text.index(tokens[0], start) + len(tokens[0])
                tokens, norms = tokens[1:], norms[1:]
            # A role opening the sentence: "Глава Кривушинского поселения Анна Гринёва".
            while len(tokens) > 1 and norms[0] in lx.CYR_ROLE_WORDS:
                start = text.index(tokens[0], start) + len(tokens[0])
                tokens, norms = tokens[1:], norms[1:]
            while start < len(text) and text[start] == " ":
                start += 1
            surname_first = (
                len(tokens) >= 3 and not with_initials and _surname_first(tokens[-3:], self.language)
            )
            # "Правительство Республики Северная Ирмия", "Правительство Северной Ирмии": a body's
            # noun in the nominative, then the place it governs, is one body, not a name.
            body_of_place = (
                len(tokens) >= 2
                and not with_initials
                and _is_cyr_org(norms[0], self.language)
                and is_nominative(norms[0], self.language)
                and is_genitive(norms[1], self.language)
                and not any(is_first_name(n, self.language) for n in norms[1:])
            )
            if len(tokens) >= 3 and not with_initials and not body_of_place:
                # A name is two words, or three with a patronymic ("Игорь Семёнович Бардин",
                # "Лебедева Анна Сергеевна"); words before it are a role or a place.
                keep = 3 if surname_first or _full_name_with_patronymic(tokens[-3:], self.language) else 2
                start = text.index(tokens[-keep], start)
                tokens, norms = tokens[-keep:], norms[-keep:]
            if (
                any(_is_cyr_org(n, self.language) for n in norms)
                or norms[0] in _CYR_PLACES
                or (len(tokens) == 1 and len(tokens[0]) > 1 and tokens[0].isupper())  # ТОВ, КП, МВС
            ):
                tail = self._cyr_org_tail(m.end())
                name = " ".join(_nominative_head(tokens, self.language)) + tail
                covered = m.end() + len(tail)
                ent = self._find_org(name) or (self._org_short_form(norms[0]) if name == tokens[0] else None)
                if ent is None:
                    ent = Entity(name=name, is_org=True, tokens=tuple(norms))
                    self.entities.append(ent)
                self.mentions.append(Mention(start, covered, ent, in_quote))
                continue

            if (len(tokens) == 1 or is_adjective(norms[-1], self.language)) and modifies_next_noun(
                text[m.end() : m.end() + 40], self.language
            ):
                # "Кривушинского сельского поселения", "в селе Кривцово Ольховского района": part
                # of a place's or body's name
                continue
            if (
                text[start - 1 : start] in _NAME_OPENING_MARKS
                and text[m.end() : m.end() + 1] in _NAME_CLOSING_MARKS
            ):
                continue  # 'гостиницы "Прибой"': a name in quote marks is a body's or a thing's
            if (
                len(tokens) == 1
                and prev_word in _CYR_OFFICE_OF_PLACE
                and self._match_person(tuple(norms)) is None
            ):
                continue  # "заместитель главы Кедровска": the place the office is of
            role = self._cyr_role_before(start)
            sentence_initial = not prev or prev[-1].endswith((".", "!", "?", "»", "—", "–"))
            if (
                len(tokens) == 1
                and not role
                and (sentence_initial or prev_word in _PLACE_PREPS)
                and self._match_person(tuple(norms)) is None
                and not (sentence_initial and self._first_name_going_on(norms[0], m.end()))
            ):
                continue  # a capitalised sentence opener or a place ("у Варшаві"), not a name
            if (
                len(tokens) == 2
                and not role
                and prev_word in ("в", "у", "во", "на")
                and not is_first_name(norms[0], self.language)
                and norms[0] not in _CYR_FIRST
            ):
                continue  # "в Липовій Балці": a place in the locative, not a person
            # Matching goes by the surname last, whatever order the text writes the name in.
            key = (norms[1], norms[2], norms[0]) if surname_first else tuple(norms)
            if particles:
                # "ван Дейк" is matched by "Дейк", as the text may name him later without "ван".
                key = tuple(k.rsplit(" ", 1)[-1] for k in key)
            ent = self._match_person(key)
            oblique = self._governed(_clause_tail(prev[-4:]))
            if oblique and not in_quote:
                # "Заместитель министра Е. В. Орлова сообщила": a past verb agreeing with the
                # name in the nominative makes the name its subject, whatever word precedes it.
                subject_gender = self._cyr_verb_gender(start, m.end())
                if subject_gender and may_be_nominative_name(tuple(tokens), self.language, subject_gender):
                    oblique = False
            # "професорку Лесю Вдовиченко": a feminine noun right before the name says it is a
            # woman's (a masculine one does not: "представитель МИД Регина Альтхоф").
            before = text[max(0, start - 30) : start].split()
            hint = "f" if before and animate_noun_gender(before[-1], self.language) == "f" else None
            relative = _CYR_RELATIVE_AFTER.match(text, m.end())
            if relative is not None:
                # "Мирослава Олексієнко, яка відповідає за ...": the relative pronoun's gender.
                hint = "f" if relative.group(1) in ("яка", "котра", "которая") else "m"
            morph = nominative_name(tuple(tokens), self.language, oblique, hint)
            name = morph[0] if morph else " ".join(_nominative(t, oblique, self.language) for t in tokens)
            if ent is None:
                if (
                    len(key) == 1
                    and not role
                    and not self._followed_by_verb(m.end())
                    and not self._first_name_as_subject(norms[0], start, m.end())
                ):
                    continue
                ent = Entity(name=name, tokens=key, name_from_oblique=oblique)
                if len(key) == 1 and not role:
                    first_names_alone.append(ent)
                self.entities.append(ent)
            elif (
                (
                    len(key) > len(ent.tokens)
                    or (
                        len(key) == len(ent.tokens)
                        and (ent.name_from_oblique or _spells_out(key, ent.tokens))
                        and not oblique
                    )
                )
                and not (_is_initial(key[0]) and not _is_initial(ent.tokens[0]))
            ) or (
                _is_initial(ent.tokens[0])
                and len(key) > 1
                and not _is_initial(key[0])
                and key[0][0] == ent.tokens[0][0]
                and not oblique
            ):
                # A first name written out is shown rather than its initial, whichever comes
                # first: "Марина Игоревна Ковальчук" stays after "М. И. Ковальчук", "А. М.
                # Кравченко" becomes "Андрій Кравченко".
                ent.name, ent.tokens, ent.name_from_oblique = name, key, oblique
            if role and (
                not ent.role or (ent.name_from_oblique is False and oblique is False and not ent.role)
            ):
                ent.role = role
            first = norms[0] if len(norms) > 1 else ""
            agrees = None if oblique or in_quote else self._cyr_verb_gender(start, m.end())
            if morph and morph[1]:
                # "М. І. Ковальчук пояснила": a surname either a man or a woman may bear reads
                # as a man's only as the likelier guess; the verb beside it tells, so no vote.
                # "Кривошапка відповіла": a verb of the other gender says the dictionary's only
                # reading ("Кривошапко"'s genitive) is not this name's.
                if (morph[2] or not agrees) and agrees in (None, morph[1]):
                    ent.gender_votes[morph[1]] = ent.gender_votes.get(morph[1], 0) + (2 if morph[2] else 1)
            elif first in lx.CYR_FEMALE_FIRST or (
                # "По словам Стрижова": a man's surname in the genitive is spelt as a woman's.
                norms and not oblique and _FEMALE_SURNAME.search(norms[-1])
            ):
                ent.gender_votes["f"] = ent.gender_votes.get("f", 0) + 2
            elif first in lx.CYR_MALE_FIRST:
                ent.gender_votes["m"] = ent.gender_votes.get("m", 0) + 2
            if agrees:
                ent.gender_votes[agrees] = ent.gender_votes.get(agrees, 0) + 1
            self.mentions.append(Mention(start, m.end(), ent, in_quote))
        for b_start, b_end, body in bodies:
            self.mentions.append(Mention(b_start, b_end, body, self._in_quote(b_start)))

    def _named_bodies(self) -> list[tuple[int, int, Entity]]:
        """Bodies named by a common noun and a name in quote marks, as Ukrainian and Russian
        write them: "громадська організація «Живі береги»", "Пригородная компания
        «Северогорский экспресс»" (adjectives, a noun the analyser knows as a body's, the name)."""
        out: list[tuple[int, int, Entity]] = []
        for m in _NAMED_BODY.finditer(self.text):
            noun_at = _WORD_BEFORE.search(self.text, max(0, m.start() - 80), m.start())
            if noun_at is None:
                continue
            noun = noun_at.group(0)
            base = lemma(noun.lower(), self.language)
            if base not in lx.CYR_ORG_LEMMAS or "служб" in base:
                continue  # "пресслужба «Поліської залізниці»": the name in quotes is the owner's
            start = noun_at.start()
            if self.text[start - 1 : start] in NAME_QUOTES:
                continue  # "ТОВ «Агрофірма „Зелена балка“»": the inner words are the name itself
            if is_nominative(noun.lower(), self.language):
                for adj in reversed(list(_CYR_WORD.finditer(self.text, max(0, start - 40), start))):
                    word = adj.group(0).lower()
                    if self.text[adj.end() : start].strip() or not is_adjective(word, self.language):
                        break
                    start = adj.start()
                name = self.text[start : m.end()]
            else:
                # "в компании «Дорстрой»": the body's name as it is, not in the sentence's case;
                # "муниципального унитарного предприятия «Водоканал»" with its adjectives.
                adjectives: list[str] = []
                for adj in reversed(list(_CYR_WORD.finditer(self.text, max(0, start - 40), start))):
                    word = adj.group(0).lower()
                    if self.text[
                        adj.end() : start - sum(len(a) + 1 for a in adjectives)
                    ].strip() or not is_adjective(word, self.language):
                        break
                    adjectives.insert(0, word)
                    if len(adjectives) == 3:
                        break
                phrase = nominative_phrase((*adjectives, noun.lower()), self.language) if adjectives else None
                if phrase is not None:
                    start -= sum(len(a) + 1 for a in adjectives)
                    name = phrase[:1].upper() + phrase[1:] + self.text[noun_at.end() : m.end()]
                else:
                    name = base + self.text[noun_at.end() : m.end()]
            ent = self._find_org(name)
            if ent is None:
                ent = Entity(name=name, is_org=True, tokens=(lemma(noun.lower(), self.language),))
                self.entities.append(ent)
            out.append((start, m.end(), ent))
        return out

    def _descriptors(self, men: Mention) -> set[str]:
        """``_cyr_descriptors`` of a mention, worked out on the first bare description that
        asks (most briefings have none)."""
        hit = self._descriptor_cache.get(men.start)
        if hit is None:
            hit = self._descriptor_cache[men.start] = self._cyr_descriptors(men.start, men.end)
        return hit

    def _cyr_descriptors(self, start: int, end: int) -> set[str]:
        """Dictionary forms of the lower-case words right before a name in its clause ("стал
        фермер Геннадий Осокин", "Очільниця фонду Марина Климчук") and of a short apposition
        after it ("Раиса Бойко, технолог сыроварни,")."""
        text = self.text
        window = text[max(0, start - 60) : start]
        cut = max(window.rfind(c) for c in ".!?;:«»—()\n,")
        words = _CYR_WORD.findall(window[cut + 1 :])[-4:]
        if end < len(text) and text[end] == ",":
            stop = min((k for k in (text.find(c, end + 1, end + 60) for c in ",.;") if k > 0), default=-1)
            apposition = _CYR_WORD.findall(text[end + 1 : stop]) if stop > 0 else []
            if 0 < len(apposition) <= 4 and apposition[0].islower():
                words += apposition
        return {lemma(w.lower(), self.language) for w in words if len(w) > 2}

    def _cyr_verb_gender(self, start: int, end: int) -> str | None:
        """The gender the verb agreeing with a name shows: "Ковальчук (також) зауважив",
        "— пояснила Гайова". A surname the dictionary does not know, or one both a man and a
        woman may bear, tells nothing by itself; its verb does."""
        text = self.text
        after = [w.rstrip(",.;:") for w in text[end : end + 40].split(None, 2)]
        if text[end : end + 1] == " " and after:
            word = after[0]
            if word.isalpha() and word.islower() and is_function_word(word, self.language) and len(after) > 1:
                word = after[1]
            if word.isalpha() and word.islower():
                told = past_verb_gender(word, self.language)
                if told:
                    return told
        before = text[max(0, start - 30) : start].split()
        if len(before) >= 2 and before[-2] in ("—", "–") and before[-1].isalpha():
            return past_verb_gender(before[-1], self.language)
        return None

    def beside_speech_verb(self, start: int, end: int) -> bool:
        """Is the name the subject of a speech verb: "Штольц розповіла, що ...", "Ковальчук
        також зауважив", "— пояснила Гайова"?"""
        text = self.text
        # The verb may come a few words on, in the same clause: "Лозовицкий ещё до начала
        # заседания заявил, что ...".
        clause = re.split(r"[,.;:!?«»—–\n]", text[end : end + 80], maxsplit=1)[0]
        words = [w.lower() for w in clause.split()[:6] if w.isalpha()]
        before = text[max(0, start - 30) : start].split()
        if len(before) >= 2 and before[-2] in ("—", "–"):
            words.append(before[-1].lower())
        lemmas = lx.UK_SPEECH_LEMMAS if self.language == "uk" else lx.RU_SPEECH_LEMMAS
        return any(w in _CYR_VERBS or speech_verb(w, self.language, lemmas)[0] for w in words)

    def _first_name_as_subject(self, word: str, start: int, end: int) -> bool:
        """ "Учительница местной школы Ирина принесла ...": a first name alone, after a person
        noun and before a past verb of its gender, is someone named by first name only; so is
        one a relative clause describes ("Олена, яка працює продавчинею"), one a verb follows
        ("Олена живе на крайній вулиці") and one right after a person noun of its gender
        ("пенсионерка Валентина", "Сапер Дмитро")."""
        if self._first_name_going_on(word, end):
            return True
        if not is_one_persons_first_name(word, self.language):
            return False
        before = _CYR_WORD.findall(self.text[max(0, start - 60) : start].lower())
        gender = self._cyr_verb_gender(start, end)
        if gender and any(person_noun_gender(w, self.language) == gender for w in before[-4:]):
            return True
        if not before or self.text[start - 1 : start] != " ":
            return False
        noun_gender = person_noun_gender(before[-1], self.language)
        named = nominative_name((self.text[start:end],), self.language, False)
        return noun_gender is not None and named is not None and named[1] == noun_gender

    def _first_name_going_on(self, word: str, end: int) -> bool:
        """Is ``word``, ending at ``end``, a one-person first name that a relative clause
        ("Олена, яка працює ..."), a person noun in apposition ("Петро, водій ...") or a verb
        in the third person or the past tense ("Олена живе ...", "Андрій повернувся ...") goes
        on from?"""
        if _CYR_RELATIVE_AFTER.match(self.text, end) is None:
            nxt = _CYR_WORD.match(self.text, end + 1) if self.text[end : end + 1] == " " else None
            apposed = _CYR_WORD.match(self.text, end + 2) if self.text[end : end + 2] == ", " else None
            if not (
                (nxt is not None and is_finite_third_person(nxt.group(0).lower(), self.language))
                # "Петро, водій молоковоза, ...": a person noun set off after the name.
                or (apposed is not None and person_noun_gender(apposed.group(0), self.language) is not None)
            ):
                return False
        return is_one_persons_first_name(word, self.language)

    def _followed_by_verb(self, end: int) -> bool:
        words = self.text[end : end + 30].split()
        verbs = lx.UK_SPEECH_VERBS if self.language == "uk" else lx.RU_SPEECH_VERBS
        return bool(words) and words[0].strip(",.:").lower() in verbs

    def _adjective_bodies(self) -> list[tuple[int, int, Entity]]:
        """Bodies named by adjectives and a common noun, with no name of their own in quote
        marks: "Вишнегірська обласна екологічна інспекція", "Областное управление по защите прав
        потребителей", "Національна комісія з регулювання комунальних послуг" (a capitalised
        adjective, lower-case ones, a noun the analyser knows as a body's in the nominative,
        and the genitive or "з"/"по" words that complete it)."""
        out: list[tuple[int, int, Entity]] = []
        lang = self.language
        for m in _ADJECTIVE_BODY.finditer(self.text):
            words = m.group(0).split()
            if not is_adjective(words[0].lower(), lang):
                continue  # most sentences open with a noun, a verb or a name
            # The noun naming the body after the adjectives ("раді" is a noun here, though it may
            # be an adjective too).
            at = 0
            for i, word in enumerate(words[1:], start=1):
                low = word.lower()
                if noun_lemma(low, lang, lx.CYR_ORG_LEMMAS) is not None:
                    at = i
                    break
                if not is_adjective(low, lang):
                    break
            noun = words[at]
            if not at or "служб" in noun:
                continue
            if noun_lemma(noun.lower(), lang, lx.CYR_ORG_LEMMAS, nominative=True) is None or not all(
                is_nominative(w.lower(), lang) for w in words[:at]
            ):
                continue  # named in the nominative first; later mentions are found by their noun
            head = " ".join(words[: at + 1])
            after = m.start() + len(head)
            if self.text[after : after + 2] in (" «", ' "', " „"):
                continue  # "Пригородная компания «Северогорский экспресс»": a named body
            tail = self._cyr_org_tail(after)
            tail += self._cyr_org_prep_tail(after + len(tail))
            before = self.text[max(0, m.start() - 3) : m.start()].rstrip(' «"„')
            opens_sentence = not before or before[-1] in ".!?\n—–:"
            if opens_sentence and at < 2 and not tail:
                continue  # "Нова компанія вийде на ринок": an adjective opening a sentence
            name = head + tail
            ent = self._find_org(name)
            if ent is None:
                ent = Entity(name=name, is_org=True, tokens=tuple(w.lower() for w in name.split()))
                self.entities.append(ent)
            out.append((m.start(), after + len(tail), ent))
        return out

    def _lowercase_bodies(self) -> list[tuple[int, int, Entity]]:
        """Bodies written in lower case whose name ends in a place: "в министерстве сельского
        хозяйства Заозёрного края", "прокуратуры города Зелёный Дол" ("Министерство сельского
        хозяйства Заозёрного края"), named in the nominative with a capital."""
        out: list[tuple[int, int, Entity]] = []
        for m in _LOWER_BODY.finditer(self.text):
            if m.start() and _WORD_CHAR.match(self.text, m.start() - 1):
                continue
            noun = m.group(0)
            base = lemma(noun, self.language)
            if base not in _CYR_OFFICE_NOUNS:
                continue
            tail = self._cyr_org_tail(m.end())
            if not any(w[:1].isupper() and len(w) > 3 for w in tail.split()):
                continue  # "управления образования (Н. П. Гурьева)": no name of its own
            name = base[:1].upper() + base[1:] + tail
            ent = self._find_org(name)
            if ent is None:
                ent = Entity(name=name, is_org=True, tokens=tuple(w.lower() for w in name.split()))
                self.entities.append(ent)
            out.append((m.start(), m.end() + len(tail), ent))
        return out

    def _cyr_org_prep_tail(self, end: int) -> str:
        """ "з регулювання комунальних послуг", "по защите прав потребителей": what the body is
        for, after "з" or "по", in words that are no verb and no name, up to punctuation."""
        m = _CYR_PREP_TAIL.match(self.text, end)
        if m is None:
            return ""
        kept: list[str] = []
        for word in m.group("words").split():
            low = word.lower()
            if low in _CYR_STOP or low in _CYR_VERBS or is_verb(low, self.language):
                break
            if kept and not is_genitive(low, self.language):
                break
            kept.append(word)
        return f" {m.group('prep')} " + " ".join(kept) if kept else ""

    def _cyr_org_tail(self, end: int) -> str:
        """Genitive words and a name in quote marks that complete an organisation's name
        ("Міністерство охорони здоров'я", "Ассоциация автоперевозчиков Ольховецкой области",
        "ООО «Мостострой-Север»")."""
        text = self.text
        if end >= len(text) or text[end] != " ":
            return ""
        kept: list[str] = []
        pos = end
        for _ in range(7):
            if text[pos : pos + 1] != " ":
                break
            nxt = text[pos + 1 : pos + 2]
            if nxt == "(" and kept:
                # "Ассоциация крестьянских (фермерских) хозяйств": a word in brackets that
                # glosses the one before.
                shut = text.find(")", pos + 2, pos + 40)
                inner = text[pos + 2 : shut] if shut > 0 else ""
                if inner and inner.islower() and len(inner.split()) <= 2:
                    kept.append(text[pos + 1 : shut + 1])
                    pos = shut + 1
                    continue
            closing = NAME_QUOTES.get(nxt)
            if closing is not None:
                close = text.find(closing, pos + 2, pos + 60)
                first = _CYR_WORD.match(text, pos + 2)
                if (
                    close > pos + 2
                    and text[pos + 2 : pos + 3].isupper()
                    # "Министерство ... области «Деловому вестнику» подтвердили": after the
                    # body's genitive words, a quoted name in another case is whom it told.
                    and (not kept or first is None or is_nominative(first.group(0).lower(), self.language))
                ):
                    kept.append(text[pos + 1 : close + 1])
                break
            m = _CYR_WORD.match(text, pos + 1)
            if m is None:
                break
            bare = m.group(0)
            low = bare.lower()
            if low in ("і", "и", "та") and kept and not kept[-1][:1].isupper():
                # "Министерство природных ресурсов и экологии Ветлужского края": a second field
                # of the same body, in the genitive like the first.
                field = _CYR_WORD.match(text, m.end() + 1)
                if (
                    text[m.end() : m.end() + 1] == " "
                    and field is not None
                    and field.group(0).islower()
                    and is_genitive(field.group(0), self.language)
                    and not is_nominative(field.group(0), self.language)
                ):
                    kept += [bare, field.group(0)]
                    pos = field.end()
                    continue
                break
            if low in ("і", "и", "та") and kept and kept[-1][:1].isupper():
                # "Асоціація водоканалів Заплавщини і Лісовщини": two places the body spans.
                place = _CYR_WORD.match(text, m.end() + 1)
                if (
                    text[m.end() : m.end() + 1] == " "
                    and place is not None
                    and place.group(0)[:1].isupper()
                    and is_genitive(place.group(0).lower(), self.language)
                ):
                    kept += [bare, place.group(0)]
                    pos = place.end()
                    continue
                break
            # A word in another case starts something else: a verb, or a person's name after
            # the body's ("Комісія Іван Петренко", "Асоціації ... Полісся Максим Зарудний").
            if low in _CYR_STOP or low in _CYR_VERBS or not is_genitive(low, self.language):
                break
            if bare[:1].isupper() and is_first_name(low, self.language):
                break
            kept.append(bare)
            pos = m.end()
        return (" " + " ".join(kept)) if kept else ""

    def _governed(self, words: list[str]) -> bool:
        """Do the words before a name put it in an oblique case ("за словами", "заместителя
        министра", "у Петренка")? A preposition does only when nothing but roles and adjectives
        comes between it and the name: in "фермер із Вербівської громади Петро Гуменюк" it
        governs "громади", and the name is in the nominative."""
        low = [w.lower().strip(",.") for w in words]
        for i, w in enumerate(low):
            if w not in _CYR_GEN_TRIGGERS:
                continue
            if w not in _CYR_PREP_TRIGGERS or all(
                b in _CYR_GEN_TRIGGERS or b in lx.CYR_ROLE_WORDS or is_adjective(b, self.language)
                for b in low[i + 1 :]
            ):
                return True
        return False

    def _cyr_role_before(self, start: int) -> str | None:
        """The lower-case role phrase before a Cyrillic name, from its head noun to the name."""
        before = self.text[max(0, start - 2) : start].rstrip(" ")
        if not before or before[-1] in ",.:—«":
            return None  # a name that opens its clause: no role runs into it
        window = self.text[max(0, start - 100) : start]
        # A quotation opened before the name ends the phrase, but a closed «...» is an
        # organisation's name inside the role: "директор КП «Теплосеть» Наталья Гринько".
        opened = window.rfind("«")
        if opened >= 0 and "»" in window[opened:]:
            opened = -1
        cut = max(window.rfind(","), window.rfind("."), window.rfind(":"), opened, window.rfind("—"))
        # "ведущий экономист Центра Вера Столярова и основатель компании ... Глеб Аристов": a
        # role never runs back over the name before it.
        offset = max(0, start - 100)
        named = [
            m.end - offset for m in self.mentions[-3:] if offset <= m.end <= start and not m.entity.is_org
        ]
        cut = max([cut, *(n - 1 for n in named)])
        window = window[cut + 1 :]
        if lx.CYR_ROLE_WORDS.isdisjoint(window.lower().split()):
            return None  # most capitalised words have no role word before them
        # A name in quote marks counts as one word: "директор предприятия «Ледовские тепловые сети»".
        tokens = list(_ROLE_TOKEN.finditer(window))
        words = [t.group(0) for t in tokens]
        for i, w in enumerate(words):
            if w.lower() in lx.CYR_ROLE_WORDS:
                rest = [x.lower() for x in words[i + 1 :]]
                # The role runs straight into the name: no verb and no place phrase in between,
                # but what the role is over ("заместитель главы по транспорту", "депутат от
                # округа", "голова комісії з питань бюджету") is part of it.
                if (
                    len(rest) > 7
                    or any(x in _PLACE_PREPS and x not in _ROLE_DOMAIN_PREPS for x in rest)
                    or any(x in _CYR_VERBS or (x.isalpha() and is_verb(x, self.language)) for x in rest)
                ):
                    continue
                # "генеральный директор", "главный архитектор", "перший заступник": the
                # adjectives before the head noun are part of the title.
                first = i
                while (
                    first > 0
                    and words[first - 1].isalpha()
                    and not is_function_word(words[first - 1].lower(), self.language)
                    and is_adjective(words[first - 1].lower(), self.language)
                    and not is_possible_name(words[first - 1], self.language)
                ):
                    first -= 1
                role = window[tokens[first].start() :].split()
                # "за словами речниці МЗС" -> "речниця МЗС": the role as the person's title.
                head = _ROLE_NOMINATIVE.get(role[i - first].lower())
                if head:
                    role[i - first] = head if role[i - first].islower() else head.capitalize()
                return " ".join(role) or None
        return None

    # --- lookups -------------------------------------------------------------------------------

    def _org_short_form(self, word: str) -> Entity | None:
        """ "Ассоциация" after "Ассоциация автоперевозчиков Ольховецкой области", "Комісія" after
        "Національна комісія з регулювання ...": the body last named in full whose head noun the
        word is, in any case ("Асоціації", "Комісія"); "Компанія" or "Предприятие" after "ТОВ
        «Сниводський цукор»": the company last named by its legal form."""
        base = lemma(word, self.language)
        company = base in _CYR_COMPANY_NOUNS
        seen: set[int] = set()
        for men in reversed(self.mentions):
            ent = men.entity
            if not ent.is_org or " " not in ent.name or id(ent) in seen:
                continue
            seen.add(id(ent))
            if self._org_head(ent) == base:
                return ent
            if company and ent.name.split()[0].lower() in _CYR_LEGAL_FORMS:
                return ent
        return None

    def _find_org(self, name: str) -> Entity | None:
        low = name.lower()
        for ent in self.entities:
            if ent.is_org and ent.name.lower() == low:
                return ent
        return None

    def _match_person(self, key: tuple[str, ...]) -> Entity | None:
        """The entity a (possibly shorter, possibly inflected) name refers to, most recent first."""
        cyr = self.cyrillic
        if not cyr:
            bearers = self._by_surname.get(key[-1], [])
            if len(key) == 1:
                # "Greenspan said": of a family, the one named last.
                if bearers:
                    return max(bearers, key=lambda e: self._last_named.get(id(e), -1))
                return None
            # "Ingrid Solvang" after "Tomas Solvang": the bearer whose first name agrees.
            for ent in reversed(bearers):
                if (
                    len(ent.tokens) == 1
                    or key[0][:1] == ent.tokens[0][:1]
                    or ent.tokens[-len(key) :] == key  # "Paz Akin" for Lorena Paz Akin
                ):
                    return ent
            return None
        # Forms of one name share their first three letters (``_cyr_same``): a cheap test first.
        stem = key[-1][:3]
        for ent in reversed(self.entities):
            if ent.is_org or not ent.tokens or not ent.tokens[-1].startswith(stem):
                continue
            if len(key) == 1:
                if _tokens_match(key[0], ent.tokens[-1], cyr):
                    return ent
                continue
            if _tokens_match(key[-1], ent.tokens[-1], cyr) and (
                len(ent.tokens) == 1 or key[0][:1] == ent.tokens[0][:1]
            ):
                return ent
        return None

    def _infer_gender(self) -> None:
        """Vote on each person's gender from names and the pronouns that follow their mentions."""
        cues = _GENDER_CUES.get(self.language, _GENDER_CUES["en"])
        for ent in self.entities:
            if ent.is_org or self.cyrillic:
                continue
            if len(ent.tokens) > 1 or ent.tokens[0] in _FIRST_NAMES:
                # (One word: someone the story calls by first name, "Margaret, who is 81".)
                first = ent.tokens[0]
                if first in lx.EN_MALE_NAMES:
                    ent.gender_votes["m"] = ent.gender_votes.get("m", 0) + 2
                elif first in lx.EN_FEMALE_NAMES:
                    ent.gender_votes["f"] = ent.gender_votes.get("f", 0) + 2
                elif _FEMALE_LATIN_SURNAME.search(ent.tokens[-1]):
                    ent.gender_votes["f"] = ent.gender_votes.get("f", 0) + 1
        # Pronoun right after a mention (same or next sentence, outside quotes) votes for it.
        # An unconfirmed full name that opens its sentence ("Mamadou Dia was on a business trip")
        # is a person too when a pronoun follows it.
        mentions = [
            m
            for m in self.mentions
            if not m.entity.is_org
            and not m.in_quote
            and (m.entity.confirmed or (m.subject and len(m.entity.tokens) > 1))
        ]
        for i, men in enumerate(mentions):
            if max(men.entity.gender_votes.values(), default=0) >= 3:
                continue  # a title or first name (and a pronoun or two) already settled it
            stop = mentions[i + 1].start if i + 1 < len(mentions) else len(self.text)
            stop = min(stop, men.end + 200)
            # A pronoun after a quote belongs to the quote's speaker, not to this mention.
            for mark in '"“«':
                q = self.text.find(mark, men.end, stop)
                if q >= 0:
                    stop = q
            # The first third-person pronoun after the mention (split + set lookups: a regex with
            # word boundaries costs several times more here).
            for w in self.text[men.end : stop].lower().split(None, 16)[:16]:
                g = cues.get(w.strip(_PUNCT))
                if g:
                    votes = men.entity.gender_votes
                    nxt = mentions[i + 1] if i + 1 < len(mentions) else None
                    if nxt is not None and nxt.start == stop and nxt.subject is False:
                        at = men.end + self.text[men.end : stop].lower().find(w)
                        between = self.text[men.end : at]
                        if ("\n" in between or ". " in between) and not any(
                            c in self.text[at : nxt.start] for c in ".!?\n"
                        ):
                            # "Dr. Wadekar said ...¶Closing her address, Prof. Iyengar
                            # returned": the pronoun of a new sentence is the name's it leads to.
                            votes = nxt.entity.gender_votes
                    votes[g] = votes.get(g, 0) + 1
                    break
        for ent in self.entities:
            v = ent.gender_votes
            m, f = v.get("m", 0), v.get("f", 0)
            ent.gender = "m" if m > f else "f" if f > m else None

    def _merge_short_forms(self) -> None:
        """Point "Mr. Hemming" or a lone surname at the full name, even when it comes later."""
        redirect: dict[int, Entity] = {}
        # "EDC" -> "Export Development Canada": an acronym of an organisation named in full.
        orgs = [e for e in self.entities if e.is_org]
        for ent in orgs:
            name = ent.name
            if " " in name or not name.isupper() or not 2 <= len(name) <= 6:
                continue
            for other in orgs:
                words = [w for w in other.name.split() if w[:1].isupper() and w.lower() not in _CONNECTORS]
                if other is not ent and (
                    (len(words) == len(name) and "".join(w[0] for w in words) == name)
                    # "ПАО «Кремнегорский металлургический комбинат» (КМК)": defined where named.
                    or any(
                        m.entity is other and self.text.startswith(f" ({name})", m.end) for m in self.mentions
                    )
                ):
                    redirect[id(ent)] = other
                    break
        full = [e for e in self.entities if not e.is_org and len(e.tokens) > 1]
        by_last: dict[str, list[Entity]] = {}
        for f in full:
            by_last.setdefault(f.tokens[-1], []).append(f)
        for ent in self.entities:
            if ent.is_org and not self.cyrillic and " " not in ent.name and not ent.name.isupper():
                # "says House" after "artistic director Christopher House": the surname, not an org.
                people = by_last.get(_norm(ent.name), [])
                # "the Corporation said" after "the Deccan Urban Mobility Corporation": the one
                # body named in full with that head.
                heads = [
                    o
                    for o in orgs
                    if len(o.tokens) > 1
                    # The head: the last word, or the one before "of" ("Vindhyachal Chamber of
                    # Industry and Commerce").
                    and ent.tokens[0]
                    == (o.tokens[o.tokens.index("of") - 1] if "of" in o.tokens[1:] else o.tokens[-1])
                    and not any(t in lx.EN_ROLE_WORDS for t in o.tokens)  # "Director of the Corporation"
                ]
                if len(people) == 1:
                    redirect[id(ent)] = people[0]
                elif not people and len(heads) == 1:
                    redirect[id(ent)] = heads[0]
                continue
            if self.cyrillic and self._by_name_and_patronymic(ent, full, redirect):
                continue
            if ent.is_org or len(ent.tokens) != 1:
                continue
            if self.cyrillic:
                matches = [f for f in full if _tokens_match(ent.tokens[0], f.tokens[-1], True)]
            else:
                # By surname, or else by first name ("Jordan" for Jordan Stewart in a feature).
                matches = by_last.get(ent.tokens[0]) or [f for f in full if f.tokens[0] == ent.tokens[0]]
            if len(matches) == 1 and id(ent) not in redirect:
                target = matches[0]
                target.role = target.role or ent.role
                for g, v in ent.gender_votes.items():
                    target.gender_votes[g] = target.gender_votes.get(g, 0) + v
                target.confirmed = target.confirmed or ent.confirmed
                redirect[id(ent)] = target
        if redirect:
            for men in self.mentions:
                men.entity = redirect.get(id(men.entity), men.entity)
            self.entities = [e for e in self.entities if id(e) not in redirect]

    def _by_name_and_patronymic(self, ent: Entity, full: list[Entity], redirect: dict[int, Entity]) -> bool:
        """ "Анна Петровна" after "Анна Петровна Горелова": the polite form of address is the
        same person, when only one full name begins with it. "Денис Сергеевич" after
        "Д. С. Черемных" spells out the initials: the person is shown as "Денис Сергеевич
        Черемных"."""
        if ent.is_org or len(ent.tokens) != 2 or not is_patronymic(ent.tokens[1], self.language):
            return False

        def initials_of(f: Entity) -> bool:
            return all(_is_initial(f.tokens[i]) and f.tokens[i][0] == ent.tokens[i][0] for i in (0, 1))

        matches = [
            f
            for f in full
            if len(f.tokens) == 3
            and f is not ent
            and (
                (_cyr_same(ent.tokens[0], f.tokens[0]) and _cyr_same(ent.tokens[1], f.tokens[1]))
                or initials_of(f)
            )
        ]
        if len(matches) != 1:
            return False
        target = matches[0]
        if initials_of(target) and len(ent.name.split()) == 2:
            target.name = f"{ent.name} {target.name.split()[-1]}"
            target.tokens = (*ent.tokens, target.tokens[-1])
        target.role = target.role or ent.role
        for g, v in ent.gender_votes.items():
            target.gender_votes[g] = target.gender_votes.get(g, 0) + v
        redirect[id(ent)] = target
        return True

    def surname_reading(self, ent: Entity, surface: str, gender: str | None) -> tuple[Entity, bool]:
        """A person named by surname alone (``surface``, read as ``ent``) when the briefing
        names more than one bearer of it ("Иван Петров и его жена Мария Петрова", two
        brothers): the one bearer whose gender the word's form or the verb tells ("Петров" is
        a man), and whether the reading is sure. Two bearers of one gender: not sure."""
        key = _norm(surface.strip(",."))
        bearers = [
            e
            for e in self.entities
            if not e.is_org and len(e.tokens) > 1 and _tokens_match(key, e.tokens[-1], self.cyrillic)
        ]
        if len(bearers) < 2:
            return ent, True
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        wanted = gender
        if wanted is None and self.cyrillic:
            morph = nominative_name((surface.strip(",."),), self.language, False)
            wanted = morph[1] if morph and morph[2] else None
        fits = [e for e in bearers if wanted is not None and e.gender == wanted]
        if len(fits) == 1:
            return fits[0], True
        return ent, False

    def lookup_name(self, name: str) -> Entity | None:
        """An entity for a bare name found in an attribution, by surname or, failing that, first name."""
        key = tuple(_norm(t) for t in name.split())
        if not key:
            return None
        persons = [e for e in self.entities if not e.is_org and e.tokens]
        by_surname = [e for e in persons if _tokens_match(key[-1], e.tokens[-1], self.cyrillic)]
        if len(by_surname) == 1:
            return by_surname[0]
        by_first = [e for e in persons if len(key) == 1 and _tokens_match(key[0], e.tokens[0], self.cyrillic)]
        return by_first[0] if len(by_first) == 1 else None

    def spell_out(self, ent: Entity) -> None:
        """Give a speaking acronym the full name the briefing spells out somewhere, even when not
        as one run ("Immigration, Refugees and Citizenship Canada" for IRCC). Done only for
        speakers: a text search per acronym is too dear for every organisation named."""
        name = ent.name
        if (
            ent.is_org
            and " " not in name
            and name.isupper()
            and 2 <= len(name) <= 6
            and name not in self._spelled
        ):
            self._spelled.add(name)
            full = _spelled_out(self.text, name)
            if full:
                ent.name = full

    def latest_org_before(self, pos: int) -> Entity | None:
        """The organisation most recently named before ``pos`` while the index is still being built."""
        for men in reversed(self.mentions):
            if men.start < pos and men.entity.is_org and not men.in_quote:
                return men.entity
        return None

    def latest_org(self, pos: int) -> Entity | None:
        """ "it said" / "the company said": the organisation most recently named before ``pos``.

        Failing that, a lone name that spoke but was never given a first name, title, role or
        gender ("Google said Thursday ... the company said"): organisations are named that way.
        """
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        lone: Entity | None = None
        for men in reversed(self._before(pos)):
            if men.start >= pos or men.in_quote:
                continue
            ent = men.entity
            if ent.is_org:
                return ent
            if lone is None and len(ent.tokens) == 1 and not ent.role and not ent.gender_votes:
                lone = ent
        return lone

    def paragraph_antecedent(
        self, pos: int, gender: str | None, exclude: tuple[int, int] | None = None
    ) -> Entity | None:
        """ "he"/"she" at ``pos`` read by salience within its own paragraph: the person the
        paragraph opens with as a definite role ("The minister also said she ..."), else the
        person of that gender named in the paragraph (the subject or a speaker first, then the
        nearest), else the one person of unknown gender it names ("According to ...,
        P. A. Lindgren, ... she said"). ``None`` when the paragraph does not settle it."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        para = self.text.rfind("\n", 0, pos) + 1
        if pos - para > _SALIENCE_SPAN:
            return None  # a long paragraph is no unit of salience: the nearest reading decides
        # "The minister also said she ...", "... The deputy minister smiled. '...,' she said",
        # "Міністерка відповіла ...": the holder of the role a sentence of this paragraph opens
        # with, the latest first.
        persons = self._persons_in(para, pos, exclude)
        opening = self._role_opening(para, pos, gender)
        if opening is not None:
            # "The economist nodded. Osei-Lindahl then turned to the minister. '...,' she said":
            # a sentence opened by a name after the role's is the later subject.
            later = [
                m
                for m in persons
                if m.subject and m.start > opening[1] and m.entity.gender in (gender, None) and gender
            ]
            return later[-1].entity if later else opening[0]
        if not persons and pos - para <= 2:
            # The quote opens its paragraph ("¶ «Старий закінчився», — пояснює вона."): the
            # paragraph before says whom it is about.
            # Past the blank lines between paragraphs; English keeps reading the line right
            # before (on ggt-quotes, features quote people the paragraph before never names).
            end = len(self.text[:para].rstrip()) if self.cyrillic else max(para - 1, 0)
            before = self.text.rfind("\n", 0, end) + 1
            if end - before <= _SALIENCE_SPAN:
                # "... Міський голова, який вийшов до журналістів, підтвердив ...¶ «...», —
                # додав він.": a role opening that paragraph's latest sentence, else its opener.
                holder = self.role_opener(before, end, gender)
                if holder is not None:
                    return holder
                opener = self._opener(before, self._persons_in(before, end, exclude))
                if opener is not None and opener.entity.gender in (gender, None):
                    return opener.entity
            return None
        # The person the paragraph opens with is what it is about ("Marek Oduya ... welcomed
        # ... When Quarshie asked ..., he shook his head. '...,' he said"), unless their
        # gender is another.
        opener = self._opener(para, persons)
        if opener is not None and opener.entity.gender in (gender, None):
            # "The chairman, Strand, opened by asking ... Okoro-Falk said the decision had been
            # taken before he joined. '...,' he said": a later speaker of the pronoun's gender.
            later = [
                m
                for m in persons
                if m.speaks
                and m.start > opener.start
                and m.entity is not opener.entity
                and gender
                and m.entity.gender == gender
                # "When Quarshie asked whether ..., he shook his head": the asker is not the one
                # who answers.
                and not _ASKS.match(self.text, m.end)
                # "Mrs Threlfall conceded that she and Dr Marchetti-Hale agreed ...": a name in
                # the opener's own reported speech is not a later speaker.
                and not _REPORTED_BY_OPENER.match(self.text, opener.end, m.start)
            ]
            return later[-1].entity if later else opener.entity
        agreeing = [m for m in persons if gender is None or m.entity.gender == gender]
        if agreeing:
            salient = [m for m in agreeing if m.subject or m.speaks]
            return (salient or agreeing)[-1].entity
        unknown = {m.entity.name: m.entity for m in persons if m.entity.gender is None}
        if len(unknown) == 1 and len(persons) == sum(1 for m in persons if m.entity.gender is None):
            return next(iter(unknown.values()))
        return None

    def role_opener(self, para: int, pos: int, gender: str | None) -> Entity | None:
        """Who holds the role that opens the latest sentence of ``[para, pos)`` to open with one
        ("Міністерка відповіла ...", "Після сесії голова ради ..."), when their gender fits
        ``gender``; else ``None``. A sentence's subject is the likeliest "she" or "he" after it."""
        opening = self._role_opening(para, pos, gender)
        return opening[0] if opening is not None else None

    def _role_opening(self, para: int, pos: int, gender: str | None) -> tuple[Entity, int] | None:
        """``role_opener`` with where the sentence it opens starts."""
        text = self.text
        pattern = _CYR_DEFINITE_ROLE if self.cyrillic else _DEFINITE_ROLE
        openings = [(o.start(), o.group(1).lower()) for o in pattern.finditer(text, para, pos)]
        if self.cyrillic:
            # "После голосования глава города ответил ...": a role in the nominative after a
            # fronted preposition and its noun still opens the sentence as its subject.
            # "Отдельно глава города поручил ...": after an adverb, too.
            openings += [
                (o.start(), o.group(2))
                for fronted in (_CYR_FRONTED_ROLE, _CYR_ADVERB_ROLE)
                for o in fronted.finditer(text, para, pos)
                if o.group(2) in lx.CYR_ROLE_WORDS
                and is_function_word(o.group(1).lower(), self.language)
                and is_nominative(o.group(2), self.language)
            ]
            # "Міський голова, який ...": an adjective before the role.
            openings += [
                (o.start(), o.group(2))
                for o in _CYR_ADJECTIVE_ROLE.finditer(text, para, pos)
                if o.group(2) in lx.CYR_ROLE_WORDS
                and is_adjective(o.group(1).lower(), self.language)
                and is_nominative(o.group(2), self.language)
            ]
            openings.sort()
        for start, noun in reversed(openings):
            if start > para and text[start - 2 : start] not in _SENTENCE_GAPS:
                continue
            if (
                self.cyrillic
                and noun not in lx.CYR_ROLE_WORDS
                and noun not in lx.CYR_OFFICIAL_NOUNS
                # "Генерал-майор підтримав ідею": a rank compounded with a role word.
                and noun.split("-")[0] not in lx.CYR_ROLE_WORDS
            ):
                continue
            # "The shadow housing minister, Cordelia Ashgrove, was on her feet": the name set
            # off right after the role is its holder.
            ent = self._named_in_apposition(start, noun)
            if ent is None and self.cyrillic:
                ent = self.named_after_role(start)
            ent = ent or self.by_role_noun(noun, start)
            if ent is None and self.cyrillic:
                # "Автор законопроекта, председатель комитета ..., Степан Кречетов": a role the
                # index did not keep, in the sentence that introduced the person; "Посадовець
                # пояснював": the official the paragraph names.
                ent = self.introduced_with(lemma(noun, self.language), start, gender)
                if ent is None and noun in lx.CYR_OFFICIAL_NOUNS and gender:
                    ent = self.only_person_of(start, gender)
            if ent is not None and not ent.is_org and (gender is None or ent.gender in (gender, None)):
                return ent, start
        return None

    def _persons_in(self, start: int, end: int, exclude: tuple[int, int] | None) -> list[Mention]:
        """People named outside quotations in ``[start, end)``, in text order."""
        return [
            men
            for men in self.mentions_in(start, end)
            if men.start >= start
            and men.end <= end
            and not men.in_quote
            and not men.entity.is_org
            and not (exclude and exclude[0] <= men.start < exclude[1])
        ]

    def _opener(self, para: int, persons: list[Mention]) -> Mention | None:
        """The first person of a paragraph when they open it, after at most a short role
        ("Урбанист Илья Миронов в целом поддержал ...")."""
        for first in persons:
            if self.text[first.end : first.end + 2] in ("'s", "’s") or self.text[
                first.start : first.end
            ].endswith(("'s", "’s")):
                continue  # "Brightfield's managing director, Sophie ...": the owner opens it
            lead = self.text[para : first.start]
            # A short role, or a role set off by a comma ("The agency's senior agronomist, Lise
            # Brenna, ..."), may come first; a sentence may not.
            words = lead.split()
            if any(c in lead for c in '.;:«»"“”') or len(words) > (6 if lead.rstrip().endswith(",") else 2):
                return None
            if "," in lead and not lead.rstrip().endswith(","):
                return None
            if self.cyrillic and self._oblique_mention(first):
                return None  # "По мнению Орловой, ...": a name in another case is not the subject
            return first
        return None

    def _oblique_mention(self, men: Mention) -> bool:
        """Is the name at ``men`` written in a case other than the nominative ("Орловой",
        "Соломиной" of Людмила Соломина)? The dictionary tells for names it knows; for others,
        a word that differs from the person's name in the nominative does."""
        words = tuple(self.text[men.start : men.end].split())
        if not may_be_nominative_name(words, self.language, None):
            return True
        ent = men.entity
        if ent.name_from_oblique:
            return False  # the name itself may be in the case the text first gave it
        own = {w.lower() for w in ent.name.split()}
        return any(w.lower() not in own for w in words)

    def body_subject(self, pos: int) -> Entity | None:
        """ "Upland Water ... said it had not ... «...», the company said": the name that opens
        the paragraph holding ``pos``, if it is an organisation or a name that could be one
        (no first name, title, role or gender: never shown to be a person)."""
        para = self.text.rfind("\n", 0, pos) + 1
        for men in self.mentions_in(para, pos):
            if men.start < para or men.in_quote:
                continue
            ent = men.entity
            first = ent.tokens[0] if len(ent.tokens) > 1 else ""
            known_first = first in _FIRST_NAMES or (self.cyrillic and is_first_name(first, self.language))
            if ent.is_org or (not ent.role and not ent.gender_votes and not known_first):
                return ent
            return None
        return None

    def last_speech_mention(self, pos: int) -> Mention | None:
        """The latest mention before ``pos`` that is the subject of a speech verb (direct or reported)."""
        for men in reversed(self._before(pos)):
            if men.start < pos and men.speaks and not men.in_quote:
                return men
        return None

    def named_before(self, ent: Entity, pos: int) -> bool:
        """Is ``ent`` mentioned before ``pos`` (outside quotations)?"""
        return any(m.entity is ent and m.end <= pos and not m.in_quote for m in self._before(pos))

    def mentions_before(self, pos: int) -> list[Mention]:
        """Mentions that start before ``pos``, in text order."""
        return self._before(pos)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        lo = bisect.bisect_left(self._starts, start - 120)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end > start]

    def by_pronoun(
        self, pos: int, gender: str | None, exclude: tuple[int, int] | None = None
    ) -> Entity | None:
        """The nearest earlier person outside quotes whose gender does not contradict ``gender``."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        fallback: Entity | None = None
        unconfirmed: Entity | None = None
        nearest: Mention | None = None
        for men in reversed(self._before(pos)):
            if men.start >= pos or men.in_quote or men.entity.is_org:
                continue
            if exclude and exclude[0] <= men.start < exclude[1]:
                continue
            ent = men.entity
            g = ent.gender
            if (
                gender is None
                or g == gender
                or (g is None and ent.confirmed and pos - men.start < self.unknown_window)
            ):
                if ent.confirmed or g is not None:
                    if nearest is None:
                        nearest = men
                        if men.speaks or men.subject or not self.prefer_speakers:
                            if g is None and gender is not None:
                                # "she said" after a speaker of unknown gender: a nearby
                                # speaker known to be a woman is the likelier one.
                                known = self._known_speaker(men, gender)
                                if known is not None:
                                    return known
                            return ent
                    elif (
                        (men.speaks or (self.prefer_subjects and men.subject and not nearest.subject))
                        and nearest.start - men.start < self.speaker_window
                        and (
                            gender is None
                            or g == gender
                            or (g is None and men.subject and len(ent.tokens) > 1)
                        )
                    ):
                        # "Smith said ... Jones was there. 'Quote,' he said": the speaker, not the bystander.
                        return ent
                    elif nearest.start - men.start >= self.speaker_window:
                        return nearest.entity
                    continue
                if unconfirmed is None:
                    unconfirmed = ent
            elif g is None and fallback is None:
                fallback = ent
        if nearest is not None:
            return nearest.entity
        return fallback or unconfirmed

    def salient_rival(self, ent: Entity, pos: int, gender: str | None) -> bool:
        """Did someone else whom the pronoun at ``pos`` could mean open a sentence or speak
        after ``ent`` was last named: someone of ``gender``, or of unknown gender who opened a
        sentence without speaking? Then "she said" has two readings a reader could take, and
        the nearest-speaker rule picking ``ent`` is a guess. (``by_pronoun`` ranks; this says
        whether the ranking was close.)"""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        for men in reversed(self._before(pos)):
            if men.in_quote or men.start >= pos:
                continue
            other = men.entity
            if other is ent:
                return False
            # A rival of unknown gender counts when it opened a sentence without speaking: the
            # topic the pronoun may continue, while ``ent`` won by having spoken. One who spoke
            # does not: "she said" after a woman who spoke and then someone of unknown gender
            # who spoke goes to the woman, as ``by_pronoun`` reads it.
            fits = (
                gender is None
                or other.gender == gender
                or (other.gender is None and (ent.gender is None or not men.speaks))
            )
            if not other.is_org and (men.subject or men.speaks) and fits:
                return True
        return False

    def unnamed_person_between(
        self, ent: Entity, pos: int, gender: str | None, since: int | None = None
    ) -> bool:
        """Does a sentence between ``ent``'s last mention and ``pos`` open with someone the
        text describes but does not name ("Пенсионерка из соседнего села ходит ...", "A local
        teacher cycles ...", "Одна з покупательниць ...")? A "she said" after it most likely
        means that person, so ``ent``, the nearest *named* person, is a guess. ``since``: where
        ``ent`` last spoke, when that is after their last mention."""
        last = None
        for men in reversed(self._before(pos)):
            if men.entity is ent and not men.in_quote:
                last = men
                break
        if last is None:
            return False
        text = self.text
        begin = last.end if since is None else max(last.end, since)
        # The words right after the name go on with its own sentence ("Ступак пообещала
        # обсудить ... на совете директоров"): no one new opens there.
        starts = [] if begin == last.end else [begin]
        for stop in ("\n", ". ", "! ", "? "):
            k = text.find(stop, begin, pos)
            while k >= 0:
                starts.append(k + len(stop))
                k = text.find(stop, k + 1, pos)
        unnamed = False
        for begin_at in sorted(set(starts)):
            start = begin_at
            while start < pos and text[start] in " \n":
                start += 1
            if start >= pos or self._in_quote(start) or text[start] in '«„“"—–-':
                continue
            noun_gender = self._unnamed_opener(start, min(pos, start + 80))
            if noun_gender is not None and (gender is None or noun_gender in (gender, "")):
                unnamed = True
            elif unnamed and not self.cyrillic and self._opens_with_role(start, min(pos, start + 120)):
                # "One county party official ... said ...¶ A former teacher, the senator built
                # her reputation ...": a later sentence is about the named official again.
                unnamed = False
        return unnamed

    def _opens_with_role(self, start: int, end: int) -> bool:
        """Does the sentence at ``start`` have a definite role as its subject ("The minister
        said", "A former teacher, the senator built")?"""
        m = _EN_ROLE_SUBJECT.match(self.text, start, end)
        return m is not None and any(w and _norm(w) in lx.EN_ROLE_WORDS for w in m.groups())

    def _unnamed_opener(self, start: int, end: int) -> str | None:
        """The gender (``""`` if untold) of a person noun among the first words of the sentence
        at ``start``, when no name follows it there; ``None`` when the sentence does not open
        with someone described."""
        anonymous = ANONYMOUS.search(self.text, start, min(end + 80, len(self.text)))
        if anonymous is not None and not _ends_a_sentence(self.text[start : anonymous.start()]):
            # "Представитель истца, попросивший не называть его фамилию, ...": someone who asked
            # not to be named.
            return ""
        head = re.split(r"[,;:—–«»\"“”()]", self.text[start:end], maxsplit=1)[0]
        if (
            not self.cyrillic
            and _EN_LEADING_PHRASE.match(head)
            and self.text[start + len(head) : start + len(head) + 1] == ","
        ):
            # "During public questions, one resident of ...": past a leading phrase.
            start += len(head) + 2
            head = re.split(r"[,;:—–«»\"“”()]", self.text[start:end], maxsplit=1)[0]
        all_words = [w.strip(".!?").lower() for w in head.split()]
        words = all_words[:4]
        if not words:
            return None
        if self.cyrillic:
            # Without articles a bare noun may mean someone named before ("Заместитель мэра
            # признал", "Мать отвечает"): only a noun marked as someone new counts, "one of"
            # ("Одна из покупательниц"), a modifier before it ("Місцева вчителька", "Пожилая
            # жительница") or a place after it ("Пенсионерка из соседнего села").
            if words[0] in ("один", "одна") and len(words) > 1 and words[1] in ("из", "з", "із"):
                found: str | None = "m" if words[0] == "один" else "f"
            elif words[0] in ("источник", "джерело", "источники", "джерела"):
                found = ""  # "Источник в администрации, знакомый с ...": someone unnamed
            else:
                found = None
                for i, w in enumerate(words):
                    if is_function_word(w, self.language):
                        break
                    gender = person_noun_gender(w, self.language)
                    if gender is None:
                        continue
                    modified = i > 0 and is_adjective(words[i - 1], self.language)
                    origin = i + 1 < len(all_words) and all_words[i + 1] in ("из", "з", "із")
                    noun = lemma(w, self.language)
                    # A bare noun that is no official's title and that the briefing gave no one
                    # ("Пенсионерка ходит к переправе") is someone new as well; a title
                    # ("Очільник відомства визнав") refers back to the official.
                    bare_new = (
                        i == 0
                        and w not in lx.CYR_ROLE_WORDS
                        and noun not in lx.CYR_ROLE_WORDS
                        and w not in lx.CYR_OFFICIAL_NOUNS
                        and not any(
                            not e.is_org and e.role and noun[: max(4, len(noun) - 2)] in e.role.lower()
                            for e in self.entities
                        )
                    )
                    if (
                        (modified or origin or bare_new)
                        and noun not in lx.CYR_KIN_LEMMAS
                        and not self.described_with(noun, start)
                    ):
                        found = gender
                    break
        else:
            if words[0] not in ("a", "an", "one", "another"):
                return None
            found = next((lx.EN_PERSON_NOUNS[w] for w in words[1:] if w in lx.EN_PERSON_NOUNS), None)
            if found is None and words[0] in ("one", "another") and len(words) > 1 and words[1].isalpha():
                found = ""  # "One stallholder, selling eggs ...": someone, of a kind we lack a word for
            if found is not None and self._opens_with_role(start, end + 40):
                # "A former science teacher from Alder Creek, the senator built ...": a fronted
                # description of a subject the text already knows.
                return None
        if found is None:
            return None
        # "Пенсионерка Нина Фомина ходит ...", "Командир зведеного загону ... полковник служби
        # цивільного захисту Р. Т. Безручко": a role before a name, not someone unnamed, however
        # long the role.
        clause = re.split(r"[,;:—–«»\"“”()]", self.text[start : start + 240], maxsplit=1)[0]
        if any(
            not m.entity.is_org and start <= m.start < start + len(clause) + 2
            for m in self.mentions_in(start, start + len(clause) + 2)
        ):
            return None
        return found

    def _known_speaker(self, after: Mention, gender: str) -> Entity | None:
        """The nearest speaking person of ``gender`` within ``speaker_window`` before ``after``."""
        for men in reversed(self._before(after.start)):
            if after.start - men.start >= self.speaker_window:
                return None
            if men.speaks and not men.in_quote and not men.entity.is_org and men.entity.gender == gender:
                return men.entity
        return None

    def described_as(self, noun: str, pos: int, gender: str | None) -> Entity | None:
        """ "— признаётся фермер", "— каже очільниця": the one person named before ``pos`` whom
        the briefing described with ``noun`` (a dictionary form) and whose gender agrees.
        ``None`` when nobody, or more than one person, fits: two readings are a guess."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        found: list[Entity] = []
        for men in self._before(pos):
            ent = men.entity
            if (
                not men.in_quote
                and not ent.is_org
                and (gender is None or ent.gender in (gender, None))
                and all(e is not ent for e in found)
                and noun in self._descriptors(men)
            ):
                found.append(ent)
        return found[0] if len(found) == 1 else None

    def org_by_head(self, words: list[str], pos: int) -> Entity | None:
        """ "the club", "the tenants' association": the body named last before ``pos`` whose name
        ends in the last of ``words`` and holds the others ("Harbour Tenants' Association"),
        or, failing that, named first after ``pos``."""
        if not words:
            return None
        head = words[-1].rstrip("s") if len(words[-1]) > 3 else words[-1]
        k = bisect.bisect_left(self._starts, pos)
        for men in [*reversed(self.mentions[:k]), *self.mentions[k:]]:
            ent = men.entity
            if not ent.is_org or men.in_quote:
                continue
            name = [w.strip(",.").lower() for w in ent.name.split()]
            if "of" in name[1:]:
                name = name[: name.index("of", 1)]  # "Environmental Protection Agency of the ..."
            if name and name[-1].rstrip("s") == head and all(w in name for w in words[:-1]):
                return ent
        return None

    def company_named_by_form(self, noun: str, pos: int) -> Entity | None:
        """ "в компании", "в агрофірмі" (``noun`` a dictionary form): the company last named
        before ``pos`` by its legal form ("АО «Хлебокомбинат „Северный“»")."""
        if noun not in _CYR_COMPANY_NOUNS:
            return None
        for men in reversed(self._before(pos)):
            ent = men.entity
            if ent.is_org and not men.in_quote and ent.name.split()[0].lower() in _CYR_LEGAL_FORMS:
                return ent
        return None

    def body_of_members(self, word: str, pos: int) -> Entity | None:
        """ "пчеловоды" after "Союз пчеловодов Ольховецкой области": the body named before
        ``pos`` whose name has ``word``'s noun in it, when ``word`` is a plural noun for people."""
        if not self.cyrillic or not word.isalpha():
            return None
        base = plural_noun_lemma(word, self.language)
        if base is None:
            return None
        for men in reversed(self._before(pos)):
            ent = men.entity
            if (
                ent.is_org
                and not men.in_quote
                and any(lemma(w, self.language) == base for w in ent.name.lower().split()[1:4])
            ):
                return ent
        return None

    def introduced_with(self, noun: str, pos: int, gender: str | None) -> Entity | None:
        """ "проректор": the one person named before ``pos``, of ``gender`` if told, whose
        sentence of first mention has a word of that dictionary form ("Проректор по научной
        работе, доктор наук, Вадим Олегович Рябинин напомнил"); ``None`` when nobody, or more
        than one person, fits."""
        found: list[Entity] = []
        seen: set[int] = set()
        for men in self._before(pos):
            ent = men.entity
            if men.in_quote or ent.is_org or id(ent) in seen:
                continue
            seen.add(id(ent))  # the first mention only: where the briefing introduces them
            if gender and ent.gender not in (gender, None):
                continue
            lo = max(self.text.rfind(". ", 0, men.start) + 1, self.text.rfind("\n", 0, men.start) + 1)
            # "Депутат ... Марат Шайхутдинов направил запрос министру Юрию Гельфанду": the words
            # before the minister's name that follow the deputy's are the minister's.
            lo = max(
                [
                    lo,
                    *(
                        m.end
                        for m in self.mentions_in(lo, men.start)
                        if m.end <= men.start and m.entity is not ent and not m.entity.is_org
                    ),
                ]
            )
            words = _CYR_WORD.findall(self.text[lo : men.start].lower())
            if any(lemma(w, self.language) == noun for w in words):
                found.append(ent)
        return found[0] if len(found) == 1 else None

    def other_person(self, ent: Entity, pos: int, gender: str | None) -> Entity | None:
        """The person other than ``ent``, of ``gender`` when told, named last before ``pos``
        outside quotations."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        for men in reversed(self._before(pos)):
            other = men.entity
            if men.in_quote or other.is_org or other is ent:
                continue
            if gender and other.gender not in (gender, None):
                continue
            return other
        return None

    def only_person_of(self, pos: int, gender: str) -> Entity | None:
        """The one person of ``gender`` the paragraph holding ``pos`` names before it, when the
        paragraph names no other person of that gender or of an untold one."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        para = self.text.rfind("\n", 0, pos) + 1
        people = {id(m.entity): m.entity for m in self._persons_in(para, pos, None)}
        if not people or any(e.gender != gender for e in people.values() if e.gender != "m"):
            return None
        of_gender = [e for e in people.values() if e.gender == gender]
        return of_gender[0] if len(of_gender) == 1 else None

    def introduced_as(self, phrase: str, pos: int) -> Entity | None:
        """ "the harbour master": the one person named before ``pos`` whose introduction, the
        words beside a mention up to the sentence's end ("Captain Emrys Dalgleish-Barr, harbour
        master and chief executive of ..."), has ``phrase``; ``None`` when nobody, or more than
        one person, does."""
        found: list[Entity] = []
        pattern = re.compile(rf"\b{re.escape(phrase)}\b")
        for men in self._before(pos):
            ent = men.entity
            if men.in_quote or ent.is_org or any(e is ent for e in found):
                continue
            lo = max(self.text.rfind(". ", 0, men.start), self.text.rfind("\n", 0, men.start), men.start - 80)
            hi = self.text.find(". ", men.end)
            hi = men.end + 120 if hi < 0 else min(hi, men.end + 120)
            before = self.text[max(lo, 0) : men.start].lower()
            whose = re.search(rf"\b{re.escape(phrase)} (?:to|of|for) ((?:\S+ ){{0,2}})$", before)
            if whose is not None and all(
                _norm(t) in _HONORIFICS or _norm(t) in lx.EN_ROLE_WORDS for t in whose.group(1).split()
            ):
                continue  # "an aide to Gov. Dana Whitlock-Ames": whose aide, not the aide
            around = before + " " + self.text[men.end : hi].lower()
            if pattern.search(around) or (ent.role and pattern.search(ent.role.lower())):
                found.append(ent)
        return found[0] if len(found) == 1 else None

    def described_with(self, noun: str, pos: int) -> bool:
        """Did the briefing describe anyone named before ``pos`` with ``noun``?"""
        return any(
            not men.in_quote and not men.entity.is_org and noun in self._descriptors(men)
            for men in self._before(pos)
        )

    def in_title(self, noun: str) -> bool:
        """Does the headline use ``noun`` (a dictionary form) for someone?"""
        if self._title_lemmas is None:
            words = _CYR_WORD.findall(self.title.lower()) if self.cyrillic else self.title.lower().split()
            self._title_lemmas = {lemma(w, self.language) if self.cyrillic else w for w in words}
        return noun in self._title_lemmas

    def topic_person(self, pos: int, gender: str | None) -> Entity | None:
        """The person the briefing is about up to ``pos``: named at least three times and twice
        as often as anyone else, of ``gender`` when one is given."""
        if not self._gender_known:
            self._infer_gender()
            self._gender_known = True
        counts: dict[int, int] = {}
        people: dict[int, Entity] = {}
        for men in self._before(pos):
            if not men.in_quote and not men.entity.is_org:
                counts[id(men.entity)] = counts.get(id(men.entity), 0) + 1
                people[id(men.entity)] = men.entity
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
            return None
        top = people[ranked[0][0]]
        return top if gender is None or top.gender == gender else None

    def by_role_noun(self, noun: str, pos: int, org: bool = False) -> Entity | None:
        """Resolve "the secretary" / "the ministry": the latest entity whose role or name has ``noun``.

        Looks back first; an organisation is often named in full only later ("the ministry said ...
        the Ministry of Defence"), so it then looks forward.
        """
        noun = noun.lower()
        k = bisect.bisect_left(self._starts, pos)
        before, after = self.mentions[:k], self.mentions[k:]
        if org and self.cyrillic:
            # "в інспекції": a body whose name is headed by the noun ("Державна інспекція ...")
            # before one that only has it in a genitive ("Прибузьке управління інспекції").
            for men in [*reversed(before), *after]:
                if (
                    men.entity.is_org
                    and not men.in_quote
                    and self._org_head(men.entity) == lemma(noun, self.language)
                ):
                    return men.entity
        for men in [*reversed(before), *after]:
            ent = men.entity
            if ent.is_org != org or (org and men.in_quote):
                continue  # (a body named only inside someone's words is not who speaks)
            hay = (ent.name if org else ent.role or "").lower().split()
            if (
                noun in hay
                or any(w.startswith(noun) or (self.cyrillic and _cyr_same(w, noun)) for w in hay)
                or (not org and spells_short_form(noun, hay))
            ):
                return ent
        return None

    def _org_head(self, ent: Entity) -> str | None:
        """The dictionary form of the noun that heads a body's name ("інспекція" of "Державна
        інспекція якості питної води")."""
        for word in ent.name.lower().split()[:4]:
            base = lemma(word.strip('«»"„“'), self.language)
            if base in lx.CYR_ORG_LEMMAS:
                return base
        return None
