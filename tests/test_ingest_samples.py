"""The sample briefings shipped in ``bot/samples/`` (used by ``briefbot demo``)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.ingest import detect_format, parse_document, sample_paths
from bot.models import Draft

KYIV = ZoneInfo("Europe/Kyiv")


def _quote_count(body: str) -> int:
    return body.count('"') // 2 + body.count("«") + body.count("“")


@pytest.fixture(scope="module")
def drafts() -> list[Draft]:
    out: list[Draft] = []
    for path in sample_paths():
        result = parse_document(path.read_bytes(), path.name, tz=KYIV)
        assert result.errors == [], [str(e) for e in result.errors]
        out.extend(result.drafts)
    return out


def test_sample_paths_sorted_and_present() -> None:
    """`briefbot demo` finds no samples, or loads them in a different order on each machine."""
    paths = sample_paths()
    assert paths == sorted(paths, key=lambda p: p.name)
    assert all(p.is_file() for p in paths)
    assert len(paths) >= 7


def test_samples_cover_every_format() -> None:
    """The demo no longer exercises one of the ingest formats."""
    kinds = Counter(detect_format(p.read_text(encoding="utf-8"), p.name) for p in sample_paths())
    assert kinds["wire"] >= 3
    assert kinds["markdown"] >= 2
    assert kinds["json"] >= 1
    assert kinds["plain"] >= 1


def test_all_samples_parse_without_errors(drafts: list[Draft]) -> None:
    """`briefbot demo` prints ingest failures for the briefings it ships with."""
    assert len(drafts) == 8
    assert len({d.title for d in drafts}) == 8


def test_samples_are_realistic_briefings(drafts: list[Draft]) -> None:
    """Demo output has nothing to summarise or quote, or links to real sites."""
    for d in drafts:
        words = len(d.body.split())
        assert 250 <= words <= 600, (d.origin, words)
        assert _quote_count(d.body) >= 3, d.origin
        assert d.tags, d.origin
        assert d.source_url is not None
        host = urlsplit(d.source_url).hostname or ""
        assert host.endswith(("example.org", "example.com")), d.origin
        assert datetime(2026, 1, 1, tzinfo=UTC) <= d.published_at <= datetime(2027, 1, 1, tzinfo=UTC)


def test_samples_include_a_ukrainian_wire_story(drafts: list[Draft]) -> None:
    """The demo stops showing that Ukrainian briefings are handled."""
    ukrainian = [d for d in drafts if d.language == "uk"]
    assert len(ukrainian) == 1
    assert ukrainian[0].origin.endswith(".txt")


def test_samples_spread_over_several_days(drafts: list[Draft]) -> None:
    """The demo's /latest and digests show everything at one moment."""
    assert len({d.published_at.date() for d in drafts}) >= 5
