"""Cards without Discord: every card fits Discord's Components V2 limits, untrusted text is
escaped, buttons name their briefing, and a long text is split within embed limits."""

from __future__ import annotations

from typing import Any

import pytest

from bot import cards, limits
from bot.i18n import localizer
from bot.models import Quote, Summaries
from tests.fakediscord.components import count, text_length, text_of, walk
from tests.test_render import briefing


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["custom_id"] for c in walk(components) if c.get("custom_id")]


def long_briefing(number: int) -> Any:
    words = "word " * 2000
    return briefing(
        id=number,
        title=("Headline " * 60).strip(),
        body=words,
        summaries=Summaries(words, words, words),
        quotes=(Quote("q " * 800, "Speaker " * 30, "Role " * 60, 0, 10, 0.9),),
        tags=tuple(f"topic{i}" for i in range(20)),
        source_url="https://example.org/" + "a" * 400,
    )


@pytest.mark.parametrize("number", [1, 2, 4, 5, 6, 10, 11, 40])
def test_every_card_fits_discord_s_limits(number: int):
    """A digest or /latest with many long briefings would be refused by Discord (over 40
    components or 4,000 characters of text), and the post lost."""
    briefings = [long_briefing(i) for i in range(1, number + 1)]
    for view in (
        cards.message_card("digest", briefings, ping="<@&1> <@&2>"),
        cards.latest_card(briefings[:5]),
        cards.message_card("post", briefings[:1], ping="<@&1>"),
    ):
        components = view.to_components()
        assert count(components) <= cards.MAX_COMPONENTS
        assert text_length(components) <= cards.MAX_TEXT


def test_a_digest_keeps_a_button_for_every_briefing_it_shows():
    """Readers of a big digest would have no way to open a briefing's text."""
    briefings = [briefing(id=i) for i in range(1, 11)]
    ids = custom_ids(cards.message_card("digest", briefings).to_components())
    assert {cards.parse_custom_id(i)[1] for i in ids} == set(range(1, 11))  # type: ignore[index]
    few = custom_ids(cards.message_card("digest", briefings[:3]).to_components())
    assert len(few) == 9  # three buttons each


def test_untrusted_text_cannot_ping_or_restyle_a_card():
    """A headline or quote could ping @everyone or a role, or break the card's Markdown."""
    hostile = briefing(
        title="@everyone **bold** <@&123456789012345678>",
        summaries=Summaries("@here", "@here [link](https://evil.example)", "x"),
        quotes=(Quote("<@456789012345678901> said", "@everyone", None, 0, 1, 1.0),),
    )
    text = text_of(cards.briefing_card(hostile).to_components())
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert "<@&123456789012345678>" not in text and "<@456789012345678901>" not in text
    assert "**bold**" not in text


def test_button_ids_name_the_action_and_the_briefing():
    """A click would open the wrong briefing, or another bot's button would be taken for ours."""
    assert cards.parse_custom_id(cards.custom_id("quotes", 42)) == ("quotes", 42)
    assert cards.parse_custom_id("briefbot:card:delete:42") is None
    assert cards.parse_custom_id("other:card:summary:42") is None
    assert all(len(cards.custom_id(a, 10**18)) <= cards.CUSTOM_ID for a in cards.ACTIONS)


def test_the_buttons_speak_the_server_s_language():
    """A Ukrainian server would get English buttons."""
    labels = {
        c.get("label") for c in walk(cards.briefing_card(briefing(), tr=localizer("uk")).to_components())
    }
    assert {"Резюме", "Цитати", "Повний текст"} <= labels


def test_a_long_text_is_split_into_parts_that_fit_and_ends_with_a_link():
    """Full text of a long briefing would be refused by Discord, or cut without a way to read on."""
    paragraph = "Sentence of the report. " * 100
    parts = cards.full_text_embeds(briefing(body="\n\n".join([paragraph] * 2)))
    assert len(parts) == 2
    assert all(len(p) <= limits.EMBEDS_TOTAL and len(p.description or "") <= 4096 for p in parts)
    huge = cards.full_text_embeds(briefing(body="\n\n".join([paragraph] * 40)))
    assert len(huge) == cards.FULL_TEXT_MESSAGES
    assert "(https://example.org/grid)" in (huge[-1].description or "")


def test_each_topic_keeps_its_accent_colour():
    """Cards of one topic would change colour from post to post."""
    a = cards.accent(briefing(tags=("Energy", "eu")))
    assert a == cards.accent(briefing(tags=("energy",)))
    assert a.value in cards.TOPIC_PALETTE
