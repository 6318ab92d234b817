"""Editors' corrections of quotes: applied over the analysis, outliving re-analysis and edits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.corrections import apply_corrections, review, stale
from bot.models import CorrectionKind, Quote, QuoteCorrection
from tests.conftest import BotWorld
from tests.helpers import WIRE, analysis, draft, run

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
BODY = (
    'The port will stay open, the harbour master said. "We have two icebreakers on contract," '
    'she said. "Nobody will wait more than a day," an official added.'
)


def _q(text: str, speaker: str | None, score: float = 0.6) -> Quote:
    start = BODY.index(text)
    return Quote(text, speaker, None, start, start + len(text), score, 0.9)


FOUND = (
    _q("We have two icebreakers on contract,", "Ilse Vandermeer"),
    _q("Nobody will wait more than a day,", None),
)


def test_a_speaker_fix_drop_add_and_key_apply_by_the_quotes_words() -> None:
    """An editor's fix would be lost, applied to the wrong quote, or not shown first."""
    fixes = [
        QuoteCorrection(
            CorrectionKind.SPEAKER, "Nobody will wait more than a day,", "Piet Kramer", "port official"
        ),
        QuoteCorrection(CorrectionKind.DROP, "We have two icebreakers on contract,"),
        QuoteCorrection(CorrectionKind.ADD, "The port will stay open", "Ilse Vandermeer", "harbour master"),
        QuoteCorrection(CorrectionKind.KEY, "Nobody will wait more than a day,"),
    ]
    quotes = apply_corrections(FOUND, fixes, BODY)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The port will stay open", "Ilse Vandermeer"),
        ("Nobody will wait more than a day,", "Piet Kramer"),
    ]
    assert max(quotes, key=lambda q: q.score).speaker == "Piet Kramer"  # the key quote leads
    assert all(q.confidence == 1.0 for q in quotes)  # an editor's word is certain
    rows = review(FOUND, fixes, BODY)
    assert [(r.number, r.dropped, r.added, r.corrected, r.key) for r in rows] == [
        (1, False, True, False, False),
        (2, True, False, False, False),
        (3, False, False, True, True),
    ]


def test_corrections_follow_the_words_when_the_text_moves_and_go_stale_when_they_go() -> None:
    """A correction keyed by position would land on another quote after an edit."""
    fix = QuoteCorrection(CorrectionKind.SPEAKER, "Nobody will wait more than a day,", "Piet Kramer")
    moved_body = "A new first paragraph.\n\n" + BODY
    moved = tuple(
        Quote(
            q.text, q.speaker, None, moved_body.index(q.text), moved_body.index(q.text) + len(q.text), q.score
        )
        for q in FOUND
    )
    assert apply_corrections(moved, [fix], moved_body)[1].speaker == "Piet Kramer"
    rewritten = BODY.replace("Nobody will wait more than a day", "Waits will be short")
    assert stale([fix], rewritten) == [fix]


async def test_stored_corrections_survive_an_edit_and_feed_quote_search(storage):
    """After an editor fixed a speaker, an edit of the text or /quote speaker: would show the old one."""
    added = await storage.add_briefing(
        draft(body='Grid operators met on Monday.\n\n"We moved faster than expected," the deputy said.'),
        analysis(("We moved faster than expected,", None, None, 0.8)),
        now=NOW,
    )
    fix = QuoteCorrection(
        CorrectionKind.SPEAKER, "We moved faster than expected,", "Olena Marchuk", "Deputy Minister"
    )
    await storage.set_quote_correction(added.briefing_id, fix, editor_id=7, now=NOW)
    assert await storage.quote_corrections(added.briefing_id) == [fix]
    # Any write of the briefing (an edit, a re-analysis) applies it.
    edited = draft(
        body='Grid operators met on Monday in Lviv.\n\n"We moved faster than expected," the deputy said.'
    )
    briefing = await storage.update_briefing(
        added.briefing_id, edited, analysis(("We moved faster than expected,", None, None, 0.8)), now=NOW
    )
    assert [(q.speaker, q.speaker_role) for q in briefing.quotes] == [("Olena Marchuk", "Deputy Minister")]
    hits = await storage.find_quotes(speaker="marchuk", now=NOW)
    assert [h.quote.text for h in hits] == ["We moved faster than expected,"]
    assert await storage.remove_quote_corrections(added.briefing_id, fix.quote_text) == 1
    assert await storage.quote_corrections(added.briefing_id) == []


async def test_article_quotes_fixes_a_speaker_for_quote_and_the_list(bot_world: BotWorld):
    """A publisher could not correct a wrong speaker, or /quote kept showing the wrong one."""
    fake = bot_world.fake
    listed = await fake.slash(bot_world.publisher, bot_world.channel, "article quotes", {"briefing": "1"})
    embed = (await listed.wait_final()).embeds[0]
    assert embed["title"].startswith("Quotes of #1") and "**1.**" in embed["description"]
    fixed = await fake.slash(
        bot_world.publisher,
        bot_world.channel,
        "article quotes",
        {
            "briefing": "1",
            "action": "speaker",
            "number": 1,
            "speaker": "Wilhelmina Oduya",
            "role": "Harbour Master",
        },
    )
    message = await fixed.wait_final()
    assert message.content.startswith("Saved (speaker).")
    assert (
        "Wilhelmina Oduya" in message.embeds[0]["description"]
        and "corrected" in message.embeds[0]["description"]
    )
    answer = await fake.slash(bot_world.reader, bot_world.channel, "quote", {"speaker": "Oduya"})
    assert answer.final_message().embeds[0]["author"]["name"] == "Wilhelmina Oduya"
    wrong = await fake.slash(
        bot_world.publisher,
        bot_world.channel,
        "article quotes",
        {"briefing": "1", "action": "drop", "number": 99},
    )
    assert "give the quote's number, 1 to" in (await wrong.wait_final()).content


def test_cli_quotes_lists_fixes_and_adds(tmp_path: Path):
    """`briefbot quotes` could not review or correct a briefing's quotes without Discord."""
    wire = tmp_path / "grid.txt"
    wire.write_text(WIRE, encoding="utf-8")
    assert run(tmp_path, "add", str(wire)).returncode == 0
    listed = json.loads(run(tmp_path, "quotes", "1", "--json").stdout)
    assert listed["quotes"][0]["speaker"] == "Taras Melnyk"
    fixed = run(
        tmp_path, "quotes", "#1", "--fix", "1", "--name", "Taras Melnyk", "--role", "Minister of Energy"
    )
    assert fixed.returncode == 0, fixed.stderr
    shown = json.loads(run(tmp_path, "quote", "--speaker", "melnyk", "--json").stdout)
    assert shown[0]["speaker_role"] == "Minister of Energy"
    added = run(tmp_path, "quotes", "1", "--add", "Melnyk said the first tenders would open in April")
    assert added.returncode == 0, added.stderr
    missing = run(tmp_path, "quotes", "1", "--add", "words nobody wrote")
    assert missing.returncode == 1 and "not in briefing #1's text" in missing.stderr
