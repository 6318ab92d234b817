"""Fuzzed ingest: random bytes, text, JSON shapes, dates and time zones.

The only outcomes are drafts or located ``IngestError``s, never an exception, and
every draft that comes out can be stored.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.ingest import parse_document, parse_text
from bot.ingest._text import DateError, parse_when
from bot.models import Draft
from storage import open_storage
from tests.helpers import analysis

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
KYIV = ZoneInfo("Europe/Kyiv")
NAMES = st.sampled_from(["brief.txt", "brief.md", "brief.json", "brief.bin", "-", "noext", "a.MARKDOWN"])
ZONES = st.sampled_from(["UTC", "Europe/Kyiv", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"])
# Text that exercises the parsers: datelines, headings, front matter, quotes, controls.
PIECES = st.sampled_from(
    [
        "14:30 02.03.2026\n",
        "02.03.2026\n",
        "31.02.2024 10:00\n",
        "2026-03-02T14:30+02:00\n",
        "---\n",
        "title: A\n",
        "tags: [a, b]\n",
        "# Heading\n",
        "\n\n",
        '"Quoted words," said Minister Anna Kovalenko.\n',
        "source: https://example.org/x\n",
        "source: javascript:alert(1)\n",
        "\u202e\u200b",
        "\ud800",
        "\x00",
        "\x07",
        "\r\n",
        "{",
        "[",
        "]",
        "}",
    ]
)
MIXED_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=12).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(st.text(max_size=60), JSON_VALUES),
        "body": st.one_of(st.text(max_size=200), st.lists(st.text(max_size=40), max_size=4), JSON_VALUES),
        "published_at": st.one_of(
            st.text(max_size=30), st.sampled_from(["2026-03-02", "31.02.2024"]), JSON_VALUES
        ),
        "source_url": st.one_of(st.text(max_size=40), st.sampled_from(["https://example.org/a", "ftp://x"])),
        "tags": st.one_of(st.lists(st.text(max_size=45), max_size=12), JSON_VALUES),
    },
)


def _check(drafts: list[Draft]) -> None:
    for d in drafts:
        assert d.title and d.body
        assert d.published_at.tzinfo is not None
        assert d.source_url is None or d.source_url.startswith(("http://", "https://"))
        for text in (d.title, d.body, *d.tags, d.source_url or ""):
            text.encode("utf-8")  # no lone surrogates: SQLite and Discord need real UTF-8


@FUZZ
@given(data=st.binary(max_size=600), name=NAMES)
@example(data=b'{"title": ' + b"9" * 5000 + b"}", name="brief.json")
@example(data=b"[" * 5000, name="brief.json")
@example(data="\ufeff# T\n\nBody".encode(), name="-")
@example(data=b"\xff\xfe" + "T\n\nB".encode("utf-16-le"), name="brief.txt")
def test_parse_document_never_raises_on_random_bytes(data: bytes, name: str):
    """Uploading an odd file would crash the import with a traceback instead of saying what is wrong."""
    result = parse_document(data, name, tz=KYIV, now=NOW, max_bytes=400)
    _check(result.drafts)
    assert all(str(e) for e in result.errors)


@FUZZ
@given(text=MIXED_TEXT, name=NAMES, zone=ZONES)
@example(
    text='{"title": "Surrogate \\ud800", "body": "b", "source_url": "https://e.org/\\ud800"}',
    name="a.json",
    zone="UTC",
)
def test_parse_text_never_raises_on_structured_noise(text: str, name: str, zone: str):
    """A pasted wire story, Markdown file or JSON with odd structure would crash the parser."""
    result = parse_text(text, name, tz=ZoneInfo(zone), now=NOW)
    _check(result.drafts)


@FUZZ
@given(items=st.one_of(FIELDS, st.lists(FIELDS, max_size=5), JSON_VALUES))
def test_json_of_any_shape_gives_drafts_or_located_errors(items: object):
    """A JSON import with wrong types (numbers for titles, objects for tags) would crash instead of naming the field."""
    text = json.dumps(items)
    result = parse_text(text, "batch.json", tz=KYIV, now=NOW)
    _check(result.drafts)
    for error in result.errors:
        assert error.origin.startswith("batch.json")


@FUZZ
@given(
    value=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\d{1,4}[-.:T ]\d{1,2}[-.:]\d{1,4}([ T]\d{1,2}:\d{2})?[zZ+-]?\d{0,4}", fullmatch=True),
    ),
    zone=ZONES,
)
@example(value="2026-03-29T02:30", zone="Europe/Kyiv")  # a wall time that does not exist
@example(value="9999-12-31T23:59:59+14:00", zone="UTC")
@example(value="2026-03-02T14:30:00.1234567", zone="UTC")
@example(value="00:00 29.02.2100", zone="UTC")
def test_dates_parse_to_utc_or_a_date_error(value: str, zone: str):
    """A strange publish time would crash ingest, or be stored without a time zone."""
    try:
        parsed = parse_when(value, ZoneInfo(zone))
    except DateError as exc:
        assert exc.describe()
    else:
        offset = parsed.utcoffset()
        assert parsed.tzinfo is not None and offset is not None and offset.total_seconds() == 0


def test_every_fuzzed_draft_can_be_stored(tmp_path: Path):
    """A draft the parser accepts could still be refused by the database (encoding, limits) mid-import."""
    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(open_storage(tmp_path / "fuzz.db"))

    @settings(max_examples=80, deadline=None)
    @given(text=MIXED_TEXT, name=NAMES)
    @example(text='{"title": "T \\ud800", "body": "B \\udfff", "tags": ["\\ud83d"]}', name="a.json")
    def store(text: str, name: str) -> None:
        result = parse_text(text, name, tz=KYIV, now=NOW)
        if result.drafts:
            loop.run_until_complete(storage.add_briefings([(d, analysis()) for d in result.drafts]))

    try:
        store()
    finally:
        loop.run_until_complete(storage.close())
        loop.close()
