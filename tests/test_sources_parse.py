"""Reading fetched documents as entries: every feed format, Ukrainian and Russian, broken and
hostile XML, HTML to plain text, links, dates, and what makes two entries the same."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Source
from bot.sources._article import extract_article
from bot.sources._entries import build_draft, canonical_link, cut_text, entry_hash, entry_key
from bot.sources._feeds import FeedEntry, FeedError, looks_like_page, parse_date, parse_feed
from bot.sources._html import html_to_text
from tests.feedserver import FEEDS

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
SOURCE = Source(id=7, url="https://water.example/feed", name="Water ministry", topics=("policy",))


def parse(
    name: str,
    *,
    content_type: str | None = None,
    max_entries: int = 50,
    url: str = "https://water.example/feed",
):
    return parse_feed(
        (FEEDS / name).read_bytes(), url=url, content_type=content_type, tz=KYIV, max_entries=max_entries
    )


def test_rss_2_entries_become_plain_text_with_their_links_and_dates():
    """An RSS item would keep its markup, scripts or javascript: link, or lose its date."""
    feed = parse("rss20.xml")
    assert feed.kind == "rss20" and feed.title == "Ministry of Water Resources: press releases"
    first, second, third = feed.entries
    assert first.title == "Reservoir levels reach a five-year high"
    assert first.guid == "water-2026-031"
    assert first.published == datetime(2026, 3, 3, 7, 15, tzinfo=UTC)
    assert first.tags == ("water",)
    assert first.text.startswith("The ministry said on Tuesday")
    assert "\n\n\u201cA wet winter" in first.text or '\n\n"A wet winter' in first.text
    assert "<" not in first.text and "javascript" not in first.text and "tracking" not in first.text
    assert not first.full  # only a description
    assert second.full and "forty metres" in second.text  # content:encoded preferred to the description
    assert third.text == (
        "The ministry signed a contract for an eleven-kilometre flood barrier along the lower valley on Friday."
        "\n\nWork starts in May and is due to finish before the autumn rains of next year."
    )


def test_atom_entries_resolve_relative_links_and_plain_titles():
    """An Atom entry's relative link would stay relative, or its HTML title keep its tags."""
    feed = parse("atom.xml", url="https://transport.example/feed.atom")
    assert feed.kind == "atom10"
    night, fares = feed.entries
    assert night.title == "Night buses return to six routes"
    assert night.link == "https://transport.example/news/night-buses"
    assert night.published == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)  # published, not updated
    assert night.guid == "tag:transport.example,2026:night-buses"
    assert fares.text == (
        "The authority froze fares on all city lines until 31 December.\n\n"
        "A review of discounts for students follows in the summer."
    )


def test_rss_1_0_is_read():
    """RDF-based RSS 1.0 feeds (common with statistics offices) would not be read at all."""
    feed = parse("rss10.rdf")
    assert feed.kind == "rss10"
    assert [e.title for e in feed.entries] == [
        "Consumer prices rose 0.4 per cent in February",
        "Employment edged up in the fourth quarter",
    ]
    assert feed.entries[0].published == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)


def test_json_feed_is_read_without_feedparser():
    """A JSON Feed (which feedparser does not read) would be refused as not a feed."""
    feed = parse("feed.json", content_type="application/feed+json")
    assert feed.kind == "json"
    tariff, solar = feed.entries
    assert tariff.guid == "https://energy.example/announcements/tariff-review"
    assert tariff.tags == ("energy", "heating") and tariff.full
    assert '"Households will see' in tariff.text and "<p>" not in tariff.text
    assert solar.guid == "1042"  # numeric ids are strings
    assert solar.text.startswith("The regulator granted")
    with pytest.raises(FeedError, match="JSON Feed version"):
        parse_feed(b'{"items": []}', url="x", content_type="application/json", tz=KYIV, max_entries=5)
    with pytest.raises(FeedError, match="not valid JSON"):
        parse_feed(b"{broken", url="x", content_type="application/json", tz=KYIV, max_entries=5)


def test_ukrainian_and_russian_feeds_keep_their_letters_and_language():
    """A Cyrillic feed (UTF-8, or windows-1251 as declared) would come out as mojibake or as English."""
    [uk] = parse("uk.xml").entries
    [ru] = parse("ru.xml").entries
    assert uk.title == "Школи отримають нові підручники з математики"
    assert ru.title == "Совет утвердил план ремонта дорог"
    assert "«Сначала мы отремонтируем" in ru.text
    assert build_draft(SOURCE, uk, text=uk.text, now=NOW, max_chars=20_000).language == "uk"
    assert build_draft(SOURCE, ru, text=ru.text, now=NOW, max_chars=20_000).language == "ru"


def test_a_feed_in_the_wrong_encoding_is_read_or_refused_never_crashes():
    """A feed declaring UTF-8 but written in windows-1251 would crash the poll."""
    try:
        feed = parse("wrong-encoding.xml")
    except FeedError as exc:
        assert "not" in str(exc)
    else:
        assert all(isinstance(e.text, str) for e in feed.entries)


def test_malformed_xml_is_read_leniently_or_refused_with_the_reason():
    """An unclosed tag would crash the poll, or silently yield garbage titles."""
    with pytest.raises(
        FeedError, match=r"not well-formed XML \(.*mismatched tag\), and no entry could be read"
    ):
        parse("malformed.xml")
    sloppy = (
        b'<rss version="2.0"><channel><title>Port & harbour</title><item><title>Berth&nbsp;seven closes</title>'
        b"<guid>b7</guid><description>Dredging from 10 March & for two weeks.</description></item></channel></rss>"
    )
    [entry] = parse_feed(sloppy, url="x", content_type=None, tz=KYIV, max_entries=5).entries
    assert entry.title == "Berth seven closes" and entry.text == "Dredging from 10 March & for two weeks."
    with pytest.raises(FeedError, match="not an RSS, Atom or JSON feed"):
        parse_feed(b"just some words, not a feed", url="x", content_type="text/plain", tz=KYIV, max_entries=5)
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  ", url="x", content_type=None, tz=KYIV, max_entries=5)


def test_billion_laughs_is_refused_at_once():
    """A few hundred bytes of nested entities would expand to gigabytes in the parser."""
    started = time.perf_counter()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse("billion-laughs.xml")
    assert time.perf_counter() - started < 0.5


def test_external_entities_never_read_a_local_file(tmp_path: Path):
    """An XXE feed would make the bot read a file on its own machine and post it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    body = (FEEDS / "xxe.xml").read_text().replace("SECRET_PATH", str(secret)).encode()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body, url="x", content_type="application/rss+xml", tz=KYIV, max_entries=5)
    # In UTF-16 the prolog check must still see it.
    utf16 = body.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(utf16.encode("utf-16"), url="x", content_type="application/xml", tz=KYIV, max_entries=5)


def test_entity_declarations_past_the_prolog_check_are_refused_by_the_parser():
    """A declaration the byte check misses (an unusual encoding) would reach a parser that expands it."""
    body = '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>'
    with pytest.raises(FeedError, match="entities"):
        parse_feed(body.encode("utf-32"), url="x", content_type="application/xml", tz=KYIV, max_entries=5)


def test_the_newest_entries_come_first_and_are_capped():
    """A feed listing old items first, or listing thousands, would import the wrong ones or all of them."""
    items = "".join(
        f"<item><title>Item {n}</title><guid>g{n}</guid><pubDate>{day:02d} Mar 2026 10:00:00 +0000</pubDate>"
        f"<description>Text {n}.</description></item>"
        for n, day in ((1, 1), (2, 5), (3, 3), (4, 4))
    )
    body = f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    feed = parse_feed(body, url="x", content_type=None, tz=KYIV, max_entries=3)
    assert [e.title for e in feed.entries] == ["Item 2", "Item 4", "Item 3"]


def test_dates_without_an_offset_are_in_the_source_s_zone():
    """A feed writing local times without an offset would be read as UTC, hours off."""
    assert parse_date("2026-03-02T10:00:00", KYIV) == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert parse_date("Mon, 02 Mar 2026 10:00:00 +0000", KYIV) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert parse_date("2026-03-02T10:00:00Z", KYIV) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert parse_date("the other day", KYIV) is None and parse_date(None, KYIV) is None


def test_html_becomes_paragraphs_of_plain_text():
    """Markup, scripts or entities would reach the briefing text and Discord."""
    html = (
        "<h2>Heading</h2><p>One &amp; <b>two</b> &#8212; three</p><br><br>Loose line"
        "<style>p{color:red}</style><ul><li>first</li><li>second</li></ul><img src=x alt='a chart'>"
    )
    assert (
        html_to_text(html) == "Heading\n\nOne & two \u2014 three\n\nLoose line\n\nfirst\n\nsecond\n\na chart"
    )


def test_links_are_canonical_and_only_http():
    """utm_ parameters or a javascript: link would make one story two, or reach a reader."""
    assert (
        canonical_link("HTTPS://Water.Example:443/press/x?utm_source=rss&id=5&fbclid=abc#top")
        == "https://water.example/press/x?id=5"
    )
    assert canonical_link("http://water.example") == "http://water.example/"
    assert canonical_link("javascript:alert(1)") is None
    assert canonical_link("data:text/html,hi") is None
    entry = FeedEntry(
        guid=None, link="javascript:alert(1)", title="T", text="Body text.", full=True, published=None
    )
    assert build_draft(SOURCE, entry, text=entry.text, now=NOW, max_chars=1000).source_url is None


def test_what_makes_an_entry_the_same_and_what_changes_it():
    """A re-stamped or re-tracked entry would count as a correction; a numeric GUID would collide across feeds."""
    base = FeedEntry("12345", "https://a.example/x?utm_source=rss", "Title", "Body.", True, NOW)
    restamped = FeedEntry(
        "12345",
        "https://a.example/x?utm_medium=feed",
        "Title",
        "Body.",
        True,
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    corrected = FeedEntry("12345", "https://a.example/x", "Title", "Body, corrected.", True, NOW)
    assert entry_hash(base) == entry_hash(restamped) != entry_hash(corrected)
    assert entry_key(1, base) == "id:source:1:12345" != entry_key(2, base)
    uri = FeedEntry("https://a.example/x", None, "T", "B", True, None)
    assert entry_key(1, uri) == entry_key(2, uri) == "id:https://a.example/x"
    no_guid = FeedEntry(None, "https://a.example/x?utm_source=a", "T", "B", True, None)
    assert entry_key(1, no_guid) == "link:https://a.example/x"


def test_an_entry_becomes_a_draft_within_the_limits():
    """A future date would hold an entry back as an embargo; a huge entry or its tags would break storage."""
    entry = FeedEntry(
        "g",
        "https://a.example/x",
        "",
        "First paragraph here.\n\n" + "word " * 3000,
        True,
        datetime(2030, 1, 1, tzinfo=UTC),
        tags=(*(f"tag {n}" for n in range(20)), "x" * 60),
    )
    draft = build_draft(SOURCE, entry, text=entry.text, now=NOW, max_chars=2000)
    assert draft.published_at == NOW
    assert draft.title == "First paragraph here."
    assert len(draft.body) <= 2000 and draft.body.endswith("…")
    assert draft.tags[0] == "policy" and len(draft.tags) == 10 and all(len(t) <= 40 for t in draft.tags)
    assert cut_text("short", 100) == "short"


def test_pages_are_told_from_feeds_and_their_article_extracted():
    """A page followed as a source would be parsed as a broken feed, or yield menus and footers."""
    page = (FEEDS / "page.html").read_bytes()
    assert looks_like_page(page, "text/html; charset=utf-8")
    assert not looks_like_page((FEEDS / "rss20.xml").read_bytes(), "text/html")  # a feed served as HTML
    article = extract_article(page, "https://civil.example/statements/spring-floods", KYIV)
    assert article is not None
    assert article.title == "Statement on the spring flood season"
    assert article.text.startswith("The Civil Protection Service has moved forty pumping units")
    assert "Home" not in article.text and "Statements" not in article.text.split("\n\n")[0][:20]
    assert article.canonical_url == "https://civil.example/statements/spring-floods"
    assert article.published == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)


def test_a_page_declaring_entities_expands_nothing():
    """An HTML page carrying a billion-laughs DOCTYPE would blow up the article extractor."""
    laughs = (FEEDS / "billion-laughs.xml").read_text().split("]>")[0] + "]>"
    page = (
        laughs + "<html><body><article><p>" + "Real words here. " * 30 + "&lol9;</p></article></body></html>"
    ).encode()
    started = time.perf_counter()
    article = extract_article(page, "https://x.example/", KYIV)
    assert time.perf_counter() - started < 2
    assert article is None or "lollol" not in article.text
