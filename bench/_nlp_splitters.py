"""Compare our sentence splitter with pysbd and syntok: edge-case accuracy and speed.

Run with ``python -m bench.nlp --splitters``; pysbd/syntok are optional and skipped when absent.
The cases are the ones news briefings need (abbreviations, initials, decimals, quotes, dialogue
dashes); each is scored as exact match of the full split.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.nlp.sentences import split_sentences

CASES: list[tuple[str, str, list[str]]] = [
    (
        "en",
        "U.S. Secretary of State Antony Blinken arrived on Jan. 5. He met officials.",
        ["U.S. Secretary of State Antony Blinken arrived on Jan. 5.", "He met officials."],
    ),
    (
        "en",
        "Dr. Ruth Kessler spoke first. Mr. J. R. Smith replied.",
        ["Dr. Ruth Kessler spoke first.", "Mr. J. R. Smith replied."],
    ),
    ("en", "Growth was 3.5 percent. Inflation fell.", ["Growth was 3.5 percent.", "Inflation fell."]),
    (
        "en",
        "The vote on Bill No. 12 failed. Debate resumes today.",
        ["The vote on Bill No. 12 failed.", "Debate resumes today."],
    ),
    (
        "en",
        "The sanctions hit the U.S. The move was expected.",
        ["The sanctions hit the U.S.", "The move was expected."],
    ),
    ("en", 'He said "we will win." Then he left.', ['He said "we will win."', "Then he left."]),
    ("en", '"Why now?" she asked. Nobody answered.', ['"Why now?" she asked.', "Nobody answered."]),
    ("en", "The talks ended at 5 p.m. on Friday.", ["The talks ended at 5 p.m. on Friday."]),
    (
        "en",
        "Gen. Mark Ortiz and Sen. Lee met. They agreed.",
        ["Gen. Mark Ortiz and Sen. Lee met.", "They agreed."],
    ),
    (
        "uk",
        "«Ми не відступимо», — сказав він. Президент В. Петренко заявив про це. Наступного дня все змінилося.",
        [
            "«Ми не відступимо», — сказав він.",
            "Президент В. Петренко заявив про це.",
            "Наступного дня все змінилося.",
        ],
    ),
    (
        "uk",
        "Ціна зросла на 2,5 відсотка. Уряд відреагував.",
        ["Ціна зросла на 2,5 відсотка.", "Уряд відреагував."],
    ),
    (
        "ru",
        "«Что дальше?» — спросил он. Это т. н. мирный план. Цена выросла.",
        ["«Что дальше?» — спросил он.", "Это т. н. мирный план.", "Цена выросла."],
    ),
    ("ru", "Заявление сделал А. С. Волков. Он ушел.", ["Заявление сделал А. С. Волков.", "Он ушел."]),
]


def _splitters() -> dict[str, Callable[[str, str], list[str]]]:
    out: dict[str, Callable[[str, str], list[str]]] = {"briefbot": split_sentences}
    try:
        import pysbd

        segs = {lang: pysbd.Segmenter(language=lang, clean=False) for lang in ("en", "ru")}
        # pysbd has no Ukrainian rules; its Russian rules are the closest.
        out["pysbd"] = lambda text, lang: [
            s.strip() for s in segs["ru" if lang == "uk" else lang].segment(text)
        ]
    except ImportError:
        pass
    try:
        from syntok import segmenter

        def _syntok(text: str, lang: str) -> list[str]:
            sentences = []
            for para in segmenter.analyze(text):
                for sent in para:
                    start = sent[0].offset - len(sent[0].spacing)
                    sentences.append(
                        text[start + len(sent[0].spacing) : sent[-1].offset + len(sent[-1].value)]
                    )
            return sentences

        out["syntok"] = _syntok
    except ImportError:
        pass
    return out


def compare(bodies: list[str]) -> None:
    """Print edge-case accuracy and ms per ~800-word body for each available splitter."""
    print("\n| splitter | edge cases right | ms per briefing |")
    print("|---|---|---|")
    for name, split in _splitters().items():
        right = sum(split(text, lang) == want for lang, text, want in CASES)
        start = time.process_time()
        n = 0
        while time.process_time() - start < 1.0:
            for body in bodies:
                split(body, "en")
                n += 1
        ms = (time.process_time() - start) / n * 1000
        print(f"| {name} | {right}/{len(CASES)} | {ms:.2f} |")
