"""Fuzzed search and autocomplete input: FTS5 syntax, stray quotes, very long and unusual Unicode.

Whatever a reader types, ``build_match`` yields a MATCH expression SQLite accepts (or
None), and every query path answers with results or the project's own error, never an
FTS5 syntax error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.config import Config
from bot.errors import UserFacingError
from bot.newsroom import Newsroom
from storage import Storage
from storage.sqlite.fts import build_match
from tests.helpers import analysis, draft
from tests.storage_fixtures import BACKENDS, open_backend

FUZZ = settings(max_examples=120, deadline=None)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "-",
        "^",
        ":",
        "(",
        ")",
        "+",
        "NEAR",
        "NEAR(",
        "AND",
        "OR",
        "NOT",
        "title:",
        "{title body}:",
        "\u0000",
        "\u202e",
        "ǅ",
        "ß",
        "İ",
        "😀",
        "\ufeff",
        '-"',
        '""',
        "'",
        "\\",
        "%",
        "_",
        " ",
        "grid",
        "minister",
    ]
)
QUERIES = st.one_of(
    st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=15).map(" ".join),
    st.lists(SYNTAX, max_size=20).map("".join),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
)
REGRESSIONS = [
    '"unbalanced',
    'grid"',
    '-"',
    "NEAR(grid minister, 2)",
    "title:grid",
    "{title}: grid",
    "grid*",
    "-grid",
    "- - -",
    '""',
    "^grid",
    "grid OR NOT AND",
    "a" * 5000,
    "ǅ" * 300,
    "\u0000grid",
]


@pytest.fixture(params=sorted(BACKENDS))
def world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[asyncio.AbstractEventLoop, Storage, Newsroom]]:
    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(open_backend(request.param, tmp_path))
    loop.run_until_complete(
        storage.add_briefings(
            [
                (draft(), analysis(("We moved faster than expected.", "Olena Marchuk", "Minister", 1.0))),
                (
                    draft(title="Water security plan", body='Minister said "grid" NEAR water.', url=None),
                    analysis(("Water is security.", "Ivan Petrenko-Kovalenko", None, 0.5)),
                ),
            ]
        )
    )
    try:
        yield loop, storage, Newsroom(storage, Config(), clock=ManualClock(NOW))
    finally:
        loop.run_until_complete(storage.close())
        loop.close()


@FUZZ
@given(query=QUERIES)
def test_build_match_only_emits_quoted_terms(query: str):
    """A reader's query could smuggle FTS5 operators (NEAR, column filters, ^) past the quoting."""
    match = build_match(query)
    if match is None:
        return
    outside = ""
    in_string = False
    for ch in match:
        if ch == '"':
            in_string = not in_string
        elif not in_string:
            outside += ch
    assert not in_string, match
    # Outside the quoted terms: only our own operators (AND, NOT, a word's forms ORed in brackets).
    assert set(outside.replace("AND", "").replace("NOT", "").replace("OR", "")) <= {" ", "*", "(", ")"}, match


def test_search_and_autocomplete_accept_anything(world):
    """Typing FTS5 syntax or odd Unicode into /search or an autocomplete would show readers an error or a traceback."""
    loop, storage, newsroom = world

    @FUZZ
    @given(query=QUERIES)
    def check(query: str) -> None:
        async def run() -> None:
            with contextlib.suppress(UserFacingError):
                await newsroom.search(query, limit=5)
            await storage.titles_matching(query, now=NOW)
            await storage.titles_matching(query, include_embargoed=True)
            await storage.speakers_matching(query)
            await storage.latest(5, topic=query, now=NOW)
            await storage.find_quotes(speaker=query, contains=query, now=NOW)
            with contextlib.suppress(UserFacingError):
                await newsroom.resolve(query)

        loop.run_until_complete(run())

    for query in REGRESSIONS:
        check = example(query=query)(check)
    check()


def test_found_briefings_are_found_whatever_the_quoting(world):
    """Quoting a word or leaving a quote open would stop /search finding a briefing that contains it."""
    loop, _, newsroom = world
    for query in ("grid", '"grid', 'grid"', '"water security"', "water -nothing", "-nothing water"):
        _, total = loop.run_until_complete(newsroom.search(query))
        assert total >= 1, query
