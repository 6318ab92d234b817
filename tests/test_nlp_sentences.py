"""Sentence splitting for English, Ukrainian and Russian briefings."""

from __future__ import annotations

import pytest

from bot.nlp import detect_language, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "U.S. Secretary of State Antony Blinken arrived on Jan. 5. He met officials.",
            ["U.S. Secretary of State Antony Blinken arrived on Jan. 5.", "He met officials."],
        ),
        (
            "Dr. Ruth Kessler spoke first. Mr. J. R. Smith replied.",
            ["Dr. Ruth Kessler spoke first.", "Mr. J. R. Smith replied."],
        ),
        ("Growth was 3.5 percent. Inflation fell.", ["Growth was 3.5 percent.", "Inflation fell."]),
        (
            "The vote on Bill No. 12 failed. Debate resumes today.",
            ["The vote on Bill No. 12 failed.", "Debate resumes today."],
        ),
        (
            "The sanctions hit the U.S. The move was expected.",
            ["The sanctions hit the U.S.", "The move was expected."],
        ),
        ('He said "we will win." Then he left.', ['He said "we will win."', "Then he left."]),
        ('"Why now?" she asked. Nobody answered.', ['"Why now?" she asked.', "Nobody answered."]),
        ("The talks ended at 5 p.m. on Friday.", ["The talks ended at 5 p.m. on Friday."]),
    ],
)
def test_english_edge_cases(text: str, expected: list[str]) -> None:
    """Summaries would cut sentences at "U.S.", "Dr.", initials, decimals or quotes if this broke."""
    assert split_sentences(text, "en") == expected


def test_ukrainian_dialogue_dash_and_initials() -> None:
    """Ukrainian summaries would split "«...», — сказав він" or "В. Зеленський" mid-sentence if this broke."""
    text = "«Ми не відступимо», — сказав він. Президент В. Петренко заявив про це у вівторок. Наступного дня все змінилося."
    assert split_sentences(text, "uk") == [
        "«Ми не відступимо», — сказав він.",
        "Президент В. Петренко заявив про це у вівторок.",
        "Наступного дня все змінилося.",
    ]


def test_russian_question_in_quote_and_abbreviation() -> None:
    """Russian summaries would break on "т. н." or on a question inside guillemets if this broke."""
    text = "«Что дальше?» — спросил он. Это т. н. мирный план. Цена выросла на 2,5 процента."
    assert split_sentences(text, "ru") == [
        "«Что дальше?» — спросил он.",
        "Это т. н. мирный план.",
        "Цена выросла на 2,5 процента.",
    ]


def test_line_breaks_are_boundaries() -> None:
    """A headline or byline line would merge into the first sentence of a summary if this broke."""
    assert split_sentences("By Clara Voss\nGENEVA - Talks stalled on Friday.", "en") == [
        "By Clara Voss",
        "GENEVA - Talks stalled on Friday.",
    ]


def test_sentences_are_exact_substrings() -> None:
    """Summaries could contain words that are not in the briefing if split output were rewritten."""
    text = "First point here.  Second   point there!\n\nThird point, finally?"
    for sentence in split_sentences(text, "en"):
        assert sentence in text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The ministry said on Friday.", "en"),
        ("Міністерство повідомило про це в п'ятницю.", "uk"),
        ("Министерство сообщило об этом в пятницу.", "ru"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    """Briefings would be split and quoted with the wrong language rules if detection broke."""
    assert detect_language(text) == language
