"""Whatever a server sends, reading it never raises anything but ``FeedError``, and HTML
always comes out as plain text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sources._article import extract_article
from bot.sources._feeds import FeedError, parse_feed
from bot.sources._html import html_to_text

UTC = ZoneInfo("UTC")
FRAGMENTS = [
    "<rss version='2.0'>", "<channel>", "<item>", "<title>", "</title>", "<description>", "</item>",
    "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<content type='html'>", "<![CDATA[", "]]>",
    "<!DOCTYPE x [", "<!ENTITY a 'b'>", "]>", "&a;", "&amp;", "&#0;", "&#x110000;", "<guid>", "<link>",
    "{", "}", '"version": "https://jsonfeed.org/version/1.1"', '"items": [', "]", "<?xml version='1.0'?>",
    "<script>", "<p>", "</p>", "<br>", "\x00", "\ud800", "é", "Ж",
]  # fmt: skip
documents = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=10), max_size=40).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    body=documents,
    content_type=st.sampled_from([None, "application/rss+xml", "application/json", "text/html"]),
)
def test_reading_any_document_raises_only_feed_error(body: bytes, content_type: str | None):
    """A hostile or broken server would crash the poll with a parser's exception."""
    try:
        feed = parse_feed(
            body, url="https://x.example/feed", content_type=content_type, tz=UTC, max_entries=5
        )
    except FeedError:
        return
    assert len(feed.entries) <= 5
    for entry in feed.entries:
        assert isinstance(entry.title, str) and isinstance(entry.text, str)


@settings(max_examples=200, deadline=None)
@given(html=st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join))
def test_html_always_becomes_plain_text(html: str):
    """Markup or a script from a feed would reach a briefing."""
    text = html_to_text(html)
    assert "<script" not in text.lower() and "<p>" not in text


@settings(max_examples=60, deadline=None)
@given(body=documents)
def test_the_article_extractor_never_raises(body: bytes):
    """A malformed page would crash a full-text poll instead of falling back to the feed's text."""
    extract_article(body, "https://x.example/page", UTC)
