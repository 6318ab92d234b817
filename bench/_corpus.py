"""Synthetic, original briefings for the benchmarks: no data from outside.

Each briefing is a Markdown document (front matter with publish time, source URL and
tags; a ``# Title``; paragraphs) of 200-1,500 words, written from sentence templates.
It attributes direct quotes to named speakers with roles the way wire copy does
("Deputy Minister Olena Marchuk said ... "Quote," Marchuk said."), so the real ingest
and NLP find speakers and quotes in it.

Everything is seeded: the same ``seed`` and index always give the same document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FIRST = (
    "Olena Andriy Iryna Mykola Oksana Taras Halyna Petro Natalia Serhiy Yulia Dmytro Kateryna Bohdan "
    "Maria Viktor Svitlana Roman Larysa Ivan Anna Pavlo Tetiana Yurii Sofia Oleh Daria Maksym Inna Vasyl "
    "Margaret David Helen James Claire Thomas Sarah Michael Emma Daniel Laura Peter Ruth Simon Alice "
    "Mark Joanna Paul Karen Hugh Nadia Tomasz Agnieszka Piotr Ewa Jan Marta Lukas Greta Henrik Ingrid "
    "Pierre Camille Luca Giulia Mateo Lucia Ahmed Leila Kenji Aiko Ravi Priya Samuel Grace Omar Amina"
).split()
LAST = (
    "Marchuk Koval Shevchenko Bondarenko Tkachenko Kravchenko Oliynyk Lysenko Herasymenko Nazarenko "
    "Melnyk Savchenko Rudenko Moroz Pavlenko Boyko Kovalenko Levchenko Hnatiuk Romaniuk Dovzhenko "
    "Symonenko Ostapenko Yakovenko Zinchenko Fedorenko Marchenko Sydorenko Petrenko Klymenko Vasylenko "
    "Holub Polishchuk Bilyk Kuzmenko Tymoshuk Hrytsenko Prokopenko Danylyuk Ivanyshyn Karpenko Lytvyn "
    "Harrington Whitfield Ashworth Pemberton Caldwell Fairbanks Holloway Kensington Lindqvist Marlowe "
    "Okafor Rasmussen Sandoval Thornbury Underhill Vasquez Winterbourne Yardley Abernathy Blackwood "
    "Castellano Delacroix Eriksen Fontaine Galloway Hargreaves Ingram Jablonski Kowalczyk Lindgren "
    "Nowak Wisniewski Dabrowski Lewandowski Zielinski Novak Horvat Kovac Petrovic Jovanovic Nikolaidis "
    "Papadopoulos Demir Yilmaz Kaya Haddad Mansour Tanaka Nakamura Sato Mehta Sharma Iyer Mensah Owusu"
).split()
ROLES = (
    "Deputy Foreign Minister",
    "Finance Minister",
    "Energy Minister",
    "Deputy Minister for Regional Development",
    "Health Minister",
    "Education Minister",
    "the committee chair, MP",
    "Mayor",
    "Governor",
    "Deputy Prime Minister",
    "the central bank governor",
    "Infrastructure Minister",
    "Justice Minister",
    "the ombudsman",
    "Agriculture Minister",
    "Defence Minister",
    "Social Policy Minister",
    "the head of the customs service",
    "the chief economist",
    "EU Ambassador",
)
TOPICS = (
    "energy grid shipping insurance trade housing parliament health rail education customs water "
    "agriculture defence budget taxation pensions labour migration climate transport telecoms "
    "cybersecurity justice anticorruption sanctions diplomacy reconstruction banking inflation "
    "employment veterans demining ports aviation roads heating procurement digital"
).split()
PLACES = (
    "Kyiv Odesa Lviv Kharkiv Dnipro Zaporizhzhia Mykolaiv Chernihiv Poltava Vinnytsia Brussels Warsaw "
    "Berlin London Geneva Vienna Prague Vilnius Riga Tallinn Bucharest Chisinau Paris Rome Madrid"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
SUBJECTS = (
    "the government",
    "the ministry",
    "the regional council",
    "the coordination group",
    "parliament's budget committee",
    "the national regulator",
    "the partnership fund",
    "the state energy company",
    "the port authority",
    "the city council",
    "the insurers' association",
    "the customs service",
    "the statistics office",
    "the development bank",
    "the housing agency",
    "the railway operator",
)
VERBS = (
    "has agreed",
    "plans",
    "is preparing",
    "has proposed",
    "will publish",
    "expects",
    "has set aside money",
    "intends",
    "has been asked",
    "is under pressure",
)
OBJECTS = (
    "to simplify the rules for small exporters",
    "to speed up payments to displaced families",
    "to rebuild the damaged substations before winter",
    "to widen the list of approved shipping routes",
    "to cut waiting times at the western border crossings",
    "to publish the draft rules for public consultation",
    "to fund the repair of school shelters",
    "to merge three overlapping compensation schemes",
    "to raise the cap on guaranteed loans for farmers",
    "to audit every procurement contract above ten million",
    "to link the customs systems of five neighbouring countries",
    "to move heating subsidies onto a single digital register",
    "to extend emergency power supplies to hospitals",
    "to train two thousand new inspectors by the spring",
    "to replace paper permits with an online single window",
    "to review the tariffs for household water supply",
)
TAILS = (
    "by the end of the quarter",
    "before the heating season",
    "within six months",
    "next year",
    "after the next budget vote",
    "once partners confirm their share",
    "in the coming weeks",
    "as soon as the legal review is complete",
    "despite objections from several regions",
    "according to a draft seen by reporters",
)
FACTS = (
    "The programme is expected to cost about {n} million euros over three years.",
    "Officials said {n} applications had been received since the scheme opened.",
    "About {p} percent of the money would come from partner governments.",
    "The previous plan, adopted in {y}, was never fully funded.",
    "Grain terminals in the {place} region were working at about {p} percent of capacity.",
    "The committee voted {n2} to {n3} in favour, with several abstentions.",
    "Waiting times at the border have fallen to about {h} hours from {h2} in the summer.",
    "Prices for household heating rose by {p} percent last year.",
    "Inspectors visited {n} sites in the {place} region last month.",
    "The agency employs about {n} people and has offices in {place} and {place2}.",
)
QUOTE_SENTENCES = (
    "We have told our partners the same thing for two years: the money is there, the plans are there, "
    "but the rules eat the time",
    "A scheme that takes eighteen months to pay a claim is a scheme that exists only on paper",
    "Families need an answer in weeks, not in seasons",
    "We are not nationalising anything; we are putting a floor under it",
    "If the rules are clear, the investors will come back, and they will come back quickly",
    "Nobody at the table asked for a third check, because the numbers have been checked twice",
    "Every winter we repair the same lines, and every winter we promise it will be the last time",
    "This bill ends a lottery that has lasted far too long",
    "The border is not a wall, it is a service, and a service should be measured by how long people wait",
    "We will publish every contract, every price and every name, and let people judge for themselves",
    "Our members want one map, not six",
    "Cheaper credit is worth nothing if the bank cannot reach the farmer",
    "The hospitals cannot wait for the next budget; they need generators now",
    "We did not ask for charity, we asked for a fair share of the risk",
    "Schools must open in September, with or without the new shelters, so we are building both",
    "The data shows that the reform works where councils actually use it",
)
SAY = ("said", "told reporters", "said in a statement", "told the committee", "added")


@dataclass(frozen=True, slots=True)
class Speaker:
    first: str
    last: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def speaker_pool(count: int, seed: int = 7) -> list[Speaker]:
    """``count`` distinct speakers (first × last names), each with a fixed role."""
    rng = random.Random(seed)
    pairs = [(f, la) for la in LAST for f in FIRST]
    rng.shuffle(pairs)
    return [Speaker(f, la, rng.choice(ROLES)) for f, la in pairs[:count]]


@dataclass(frozen=True, slots=True)
class Generated:
    text: str  # the Markdown document
    title: str
    words: int
    tags: tuple[str, ...]
    published_at: datetime
    speakers: tuple[str, ...]


EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


class Corpus:
    """Seeded briefing generator. ``doc(i)`` is deterministic in ``(seed, i)``."""

    def __init__(self, *, seed: int = 1, speakers: int = 3000, span_days: int = 2400) -> None:
        self.seed = seed
        self.speakers = speaker_pool(speakers, seed)
        self.span = span_days * 86400

    def _rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def words_for(self, rng: random.Random) -> int:
        """Realistic spread: log-normal around ~550 words, clipped to 200-1,500."""
        return max(200, min(1500, int(rng.lognormvariate(6.3, 0.45))))

    def title(self, rng: random.Random, speaker: Speaker | None = None) -> str:
        obj = rng.choice(OBJECTS)[3:]
        lead = speaker.last if speaker else rng.choice(SUBJECTS).capitalize()
        return (
            f"{lead}: {rng.choice(PLACES)} {rng.choice(('plan', 'talks', 'deal', 'review', 'vote'))} to {obj}"
        )

    def sentence(self, rng: random.Random) -> str:
        if rng.random() < 0.45:
            return rng.choice(FACTS).format(
                n=rng.randint(12, 950),
                n2=rng.randint(9, 30),
                n3=rng.randint(0, 8),
                p=rng.randint(5, 95),
                y=rng.randint(2009, 2023),
                h=rng.randint(2, 9),
                h2=rng.randint(10, 40),
                place=rng.choice(PLACES),
                place2=rng.choice(PLACES),
            )
        subject = rng.choice(SUBJECTS)
        return f"{subject[0].upper()}{subject[1:]} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."

    def quote_text(self, rng: random.Random) -> str:
        parts = rng.sample(QUOTE_SENTENCES, rng.randint(1, 2))
        return ". ".join(parts)

    def doc(self, index: int, *, words: int | None = None, published_at: datetime | None = None) -> Generated:
        rng = self._rng(index)
        target = words or self.words_for(rng)
        cast = rng.sample(self.speakers, rng.randint(1, 3))
        main = cast[0]
        tags = tuple(rng.sample(TOPICS, rng.randint(1, 4)))
        when = published_at or EPOCH + timedelta(seconds=rng.randrange(self.span))
        title = f"{self.title(rng, main)} ({index})"
        paras: list[str] = [
            f"{main.role} {main.name} said on {rng.choice(WEEKDAYS)} that {rng.choice(SUBJECTS)} "
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."
        ]
        count = len(paras[0].split())
        turn = 0
        introduced = {main.name}
        quotes = 0
        while count < target:
            turn += 1
            if turn % 3 == 1:
                who = cast[quotes % len(cast)]
                quotes += 1
                if who.name not in introduced:
                    introduced.add(who.name)
                    intro = (
                        f"{who.name}, {who.role.removeprefix('the ')}, {rng.choice(('welcomed', 'criticised'))} "
                        f"the plan but warned that {rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
                        f"{rng.choice(OBJECTS)}."
                    )
                    paras.append(intro)
                    count += len(intro.split())
                paras.append(f'"{self.quote_text(rng)}," {who.last} {rng.choice(SAY)}.')
            else:
                paras.append(" ".join(self.sentence(rng) for _ in range(rng.randint(2, 4))))
            count += len(paras[-1].split())
        body = "\n\n".join(paras)
        front = (
            f"---\npublished: {when:%Y-%m-%d %H:%M}\n"
            f"source: https://example.org/briefings/{self.seed}/{index}\n"
            f"tags: {', '.join(tags)}\n---\n\n"
        )
        return Generated(
            front + f"# {title}\n\n{body}\n",
            title,
            count,
            tags,
            when.replace(second=0, microsecond=0),
            tuple(s.name for s in cast),
        )
