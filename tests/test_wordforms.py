"""Word forms: what a typed search word or subscription keyword also finds."""

from __future__ import annotations

import pytest

from bot.wordforms import keyword_pattern


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("tariff", "Tariffs rise again"),
        ("tariffs", "The tariff review"),
        ("sanction", "Two banks were sanctioned"),
        ("plan", "the planned cut"),
        ("subsidy", "new subsidies for farms"),
        ("taxes", "a tax cut"),
        ("charge", "charged with fraud"),
        ("power grid", "Power grids failed"),
        ("зерно", "експорт зерна через Дунай"),
        ("теплосеть", "ремонт теплосетей"),
        ("Київ", "рейс з Києва до Львова"),
        ("контракти", "підписання нових контрактів"),
        ("тариф", "Нові тарифи"),
    ],
)
def test_a_keyword_finds_other_forms_of_its_word(keyword: str, text: str) -> None:
    """A subscription to 'sanction' would miss the briefing that says 'sanctioned'."""
    assert keyword_pattern(keyword).search(text)


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("grid", "Gridlock in parliament"),
        ("art", "artificial intelligence"),
        ("power grid", "power in the grid"),
        ("контракти", "контрактник звільнився"),
        ("Київ", "зламаний кий лежав на столі"),
    ],
)
def test_a_keyword_is_still_a_whole_word(keyword: str, text: str) -> None:
    """A subscription to 'grid' would start posting every briefing about gridlock."""
    assert not keyword_pattern(keyword).search(text)
