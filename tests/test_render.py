"""Rendering: cards stay inside Discord's limits, read well, and never ping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot import limits, render
from bot.models import Briefing, BriefingRef, Quote, QuoteHit, SearchHit, Summaries, SummaryLength

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def briefing(**changes) -> Briefing:
    base = Briefing(
        id=7,
        title="Council agrees grid-security package",
        body="Ministers agreed a package.",
        published_at=WHEN,
        source_url="https://example.org/grid",
        tags=("energy", "eu"),
        language="en",
        summaries=Summaries("One.", "One. Two. Three.", "One. Two. Three. Four. Five."),
        quotes=(
            Quote("We moved faster than expected.", "Olena Marchuk", "Deputy Foreign Minister", 0, 10, 0.9),
        ),
        created_at=WHEN,
        updated_at=WHEN,
    )
    return replace(base, **changes)


def test_truncate_cuts_at_a_sentence_with_an_ellipsis_and_link():
    """A long summary would be cut mid-word, or lose the way to the full text."""
    text = "First sentence is here. Second sentence is a little longer than the first. Third one."
    cut = limits.truncate(text, 70, link="https://example.org/a")
    assert len(cut) <= 70 or cut.startswith("First")  # the link may not fit a tiny budget
    short = limits.truncate(text, 40)
    assert short == "First sentence is here. …"
    assert limits.truncate("word " * 100, 50).endswith("…")
    assert len(limits.truncate("word " * 100, 50)) <= 50
    assert limits.truncate("fits", 10) == "fits"


def test_truncate_never_exceeds_the_limit_with_a_link():
    """Cutting to fit would still overflow Discord's limit once the link is appended."""
    text = "A sentence. " * 600
    for limit in (40, 200, 1024, 4096):
        assert len(limits.truncate(text, limit, link="https://example.org/" + "x" * 30)) <= limit


def test_briefing_card_has_link_time_quote_tags_and_id():
    """The card would be missing the source link, time, key quote, topics or id."""
    embed = render.briefing_embed(briefing())
    data = embed.to_dict()
    assert data["url"] == "https://example.org/grid"
    fields = {f["name"]: f["value"] for f in data["fields"]}
    assert "<t:1772443800:f>" in fields["Published"]
    assert fields["Key quote"].startswith("> “We moved faster than expected.”")
    assert "**Olena Marchuk**, Deputy Foreign Minister" in fields["Key quote"]
    assert "`energy`" in fields["Topics"]
    assert data["footer"]["text"].startswith("Briefing #7")
    assert data["description"] == "One. Two. Three."


def test_non_http_source_is_never_linked():
    """A javascript: or file: source would become a clickable link."""
    assert render.briefing_embed(briefing(source_url="javascript:alert(1)")).url is None


def test_markdown_and_mentions_in_titles_are_neutralised():
    """A title with **markdown** or @everyone would render as formatting or a mention."""
    embed = render.briefing_embed(briefing(title="**Breaking** @everyone ||spoiler||"))
    assert embed.title is not None
    assert "\\*\\*Breaking\\*\\*" in embed.title
    assert "@\u200beveryone" in embed.title


def test_ten_huge_briefings_fit_one_message():
    """A digest of long briefings would exceed 6,000 characters and be rejected by Discord."""
    huge = briefing(
        title="T" * 400,
        summaries=Summaries("S " * 3000, "S " * 3000, "S " * 3000),
        quotes=(Quote("Q " * 2000, "N " * 200, "R " * 200, 0, 1, 1.0),),
        tags=tuple(f"tag{i}" for i in range(10)),
    )
    embeds = render.briefing_embeds([huge] * 12)
    assert len(embeds) == 10
    assert render.message_fits(None, embeds)
    for embed in embeds:
        assert len(embed.title or "") <= limits.EMBED_TITLE
        assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)


def test_digest_beyond_ten_becomes_a_compact_list():
    """A digest of 30 briefings would be rejected or flood the channel with cards."""
    many = [
        briefing(id=i, title=f"Story number {i}", source_url=f"https://example.org/{i}") for i in range(30)
    ]
    [embed] = render.digest_embeds(many, title="Daily digest")
    assert embed.description is not None
    assert "Story number 29" in embed.description
    assert embed.description.count("\n") >= 29 or "more: use /latest" in embed.description
    assert render.message_fits(None, [embed])


def test_quote_and_search_cards_fit():
    """Long quotes or snippets would break the /quote and /search replies."""
    ref = BriefingRef(1, "X" * 300, WHEN)
    hits = [
        QuoteHit(Quote("word " * 2000, "A Speaker", "Role " * 100, 0, 1, 1.0), ref, "https://example.org/q")
    ] * 3
    assert render.message_fits(None, render.quote_embeds(hits))
    search = [SearchHit(ref, "https://example.org/s", "\ue000hit\ue001 " * 800, -1.0)] * 10
    embed = render.search_embed("q" * 300, search, total=10, page=1, pages=1)
    assert render.message_fits(None, [embed])
    assert embed.fields[0].value is not None
    assert "**hit**" in embed.fields[0].value


def test_summary_lengths_map_to_sentence_counts():
    """/summary length:short would not give the one-sentence version."""
    b = briefing()
    assert render.summary_embed(b, SummaryLength.SHORT).description == "One."
    detailed = render.summary_embed(b, SummaryLength.DETAILED).description
    assert detailed is not None
    assert detailed.endswith("Five.")


def test_bounded_search_total_reads_as_a_floor():
    """A broad search would claim an exact total it never counted."""
    ref = BriefingRef(1, "Budget", WHEN)
    hit = SearchHit(ref, None, "\ue000budget\ue001", -1.0)
    embed = render.search_embed("budget", [hit], total=2000, page=1, pages=400, at_least=True)
    assert embed.footer.text is not None
    assert embed.footer.text.startswith("2,000+ results · page 1 of 400")


def test_ten_cards_with_huge_titles_and_topics_but_no_summary_fit():
    """A digest of briefings with maximal titles and topic lines would overrun 6,000 characters
    (found by fuzzing: the budget only trimmed the summary)."""
    wide = briefing(
        id=15662515,
        title="`" * 300,
        tags=("`" * 300,),
        summaries=Summaries("", "", ""),
        body="",
        quotes=(),
        corrected_at=WHEN,
    )
    assert render.message_fits(None, render.briefing_embeds([wide] * 10))


def test_a_described_speaker_is_not_shown_as_a_name() -> None:
    """A quote by 'a spokesperson for the chamber' would be shown in bold like a named person."""
    described = Quote("We will reply in writing.", None, "spokesperson for the chamber", 0, 25, 0.5)
    assert render.speaker_line(described) == "— spokesperson for the chamber"
    nobody = Quote("We will reply in writing.", None, None, 0, 25, 0.5)
    assert render.speaker_line(nobody) == "— unattributed"
