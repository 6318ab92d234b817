"""Fuzzed rendering: whatever a briefing holds, every message fits Discord's limits.

Embed title 256, description 4096, field name 256 and value 1024, 25 fields,
10 embeds and 6,000 characters across a message, content 2,000.
"""

from __future__ import annotations

from datetime import UTC, datetime

import discord
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import limits, render, replies
from bot.models import Briefing, BriefingRef, Quote, QuoteHit, SearchHit, Summaries, SummaryLength
from bot.newsroom import ImportReport, ItemReport

FUZZ = settings(max_examples=60, deadline=None)
# Long texts are built by repetition: generating thousands of random characters
# is what makes a fuzz test slow, and repetition finds the same limit bugs.
REPEATED = st.tuples(st.text(min_size=1, max_size=12), st.integers(1, 1200)).map(
    lambda t: (t[0] * t[1])[:9000]
)
TEXT = st.one_of(
    st.text(max_size=200),
    REPEATED,
    st.sampled_from(
        ["*" * 5000, "@everyone " * 600, "\\" * 5000, "<@&1>" * 900, "||x||" * 1000, ". " * 4000]
    ),
)
SHORT = st.one_of(st.text(max_size=80), st.sampled_from(["`" * 300, "*" * 400, "x" * 1000]))
URLS = st.one_of(
    st.none(),
    st.just("https://example.org/" + "a" * 2100),
    st.just("javascript:alert(1)"),
    st.text(max_size=20).map(lambda t: "https://example.org/" + t),
)
WHEN = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
QUOTES = st.builds(
    Quote,
    TEXT,
    st.one_of(st.none(), SHORT),
    st.one_of(st.none(), SHORT),
    st.just(0),
    st.just(1),
    st.floats(0, 1),
)
BRIEFINGS = st.builds(
    Briefing,
    id=st.integers(1, 10**12),
    title=st.one_of(SHORT, TEXT),
    body=TEXT,
    published_at=WHEN,
    source_url=URLS,
    tags=st.lists(SHORT, max_size=12).map(tuple),
    language=st.just("en"),
    summaries=st.builds(Summaries, TEXT, TEXT, TEXT),
    quotes=st.lists(QUOTES, max_size=3).map(tuple),
    created_at=WHEN,
    updated_at=WHEN,
    corrected_at=st.one_of(st.none(), WHEN),
)


def assert_fits(embeds: list[discord.Embed], content: str | None = None) -> None:
    assert len(embeds) <= limits.EMBEDS_PER_MESSAGE
    assert content is None or len(content) <= limits.CONTENT
    for embed in embeds:
        data = embed.to_dict()
        assert len(data.get("title", "")) <= limits.EMBED_TITLE
        assert len(data.get("description", "")) <= limits.EMBED_DESCRIPTION
        assert len(data.get("fields", [])) <= limits.EMBED_FIELDS
        for field in data.get("fields", []):
            assert 0 < len(field["name"]) <= limits.EMBED_FIELD_NAME
            assert 0 < len(field["value"]) <= limits.EMBED_FIELD_VALUE
        assert len(data.get("footer", {}).get("text", "")) <= limits.EMBED_FOOTER
        assert len(data.get("author", {}).get("name", "")) <= limits.EMBED_AUTHOR
        assert len(data.get("url", "")) <= limits.URL
    assert sum(len(e) for e in embeds) <= limits.EMBEDS_TOTAL, [len(e) for e in embeds]


@FUZZ
@given(
    text=st.text(max_size=3000), limit=st.integers(0, 3000), link=st.one_of(st.none(), st.text(max_size=100))
)
@example(text="a" * 10, limit=1, link="https://x")
@example(text="Sentence one. " * 50, limit=20, link="https://example.org/" + "x" * 30)
def test_truncate_never_exceeds_the_limit(text: str, limit: int, link: str | None):
    """A long text would be cut past Discord's limit, so the whole message is rejected."""
    cut = limits.truncate(text, limit, link=link)
    assert len(cut) <= max(limit, 0)
    if len(text) <= limit:
        assert cut == text


@FUZZ
@given(briefings=st.lists(BRIEFINGS, min_size=1, max_size=12), length=st.sampled_from(list(SummaryLength)))
def test_briefing_cards_always_fit(briefings: list[Briefing], length: SummaryLength):
    """A long or odd briefing would make Discord reject /latest, /summary or a posted card."""
    assert_fits(render.briefing_embeds(briefings, length=length))
    assert_fits([render.summary_embed(briefings[0], length)])
    assert_fits(replies.post(briefings[0]).embeds)
    assert_fits(render.digest_embeds(briefings, title="Digest: " + briefings[0].title))


@FUZZ
@given(
    hits=st.lists(st.tuples(QUOTES, BRIEFINGS, URLS), min_size=1, max_size=3),
    search=st.lists(st.tuples(BRIEFINGS, URLS, TEXT), min_size=1, max_size=10),
    query=st.text(max_size=300),
)
def test_quote_and_search_cards_always_fit(hits, search, query: str):
    """A long quote, speaker or snippet would make Discord reject /quote or /search."""
    quote_hits = [QuoteHit(q, BriefingRef(b.id, b.title, b.published_at), u) for q, b, u in hits]
    assert_fits(render.quote_embeds(quote_hits))
    marks = render.SNIPPET_MARKS
    search_hits = [
        SearchHit(BriefingRef(b.id, b.title, b.published_at), u, marks[0] + s + marks[1], 1.0)
        for b, u, s in search
    ]
    assert_fits([render.search_embed(query, search_hits, total=10**6, page=9999, pages=10**5)])


@FUZZ
@given(
    items=st.lists(
        st.builds(
            ItemReport,
            st.text(max_size=50),
            st.sampled_from(["added", "duplicate", "failed"]),
            st.one_of(st.none(), SHORT),
            st.integers(1, 10**9),
            st.one_of(st.none(), TEXT),
        ),
        max_size=300,
    )
)
def test_import_report_always_fits(items):
    """A big import with long error reasons would make Discord reject the report, hiding what failed."""
    assert_fits(replies.import_report(ImportReport(tuple(items))).embeds)


def test_three_long_quotes_with_long_links_fit():
    """Regression (found by the fuzzer): /quote with three long quotes from briefings with 2,000-character
    links went one character past Discord's 6,000, so Discord rejected the answer."""
    when = datetime(2000, 1, 1, tzinfo=UTC)
    ref = BriefingRef(1, "", when)
    quote = Quote("000" * 619, None, None, 0, 1, 0.0)
    long_url = "https://example.org/" + "a" * 2020
    for url in (None, long_url):
        hits = [QuoteHit(quote, ref, url), QuoteHit(quote, ref, url), QuoteHit(quote, ref, long_url)]
        assert_fits(render.quote_embeds(hits))
    speaker = Quote("word " * 2000, "S" * 300, "R" * 300, 0, 1, 1.0)
    assert_fits(render.quote_embeds([QuoteHit(speaker, BriefingRef(10**12, "T" * 300, when), long_url)] * 3))
