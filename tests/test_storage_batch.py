"""Batched imports (``briefbot add`` of many files): one transaction, one report per file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.config import Config
from bot.newsroom import Newsroom

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def _markdown(title: str, url: str) -> bytes:
    return (
        f"---\nsource_url: {url}\npublished: 2026-12-01T09:00:00Z\ntags: [energy]\n---\n# {title}\n\n"
        f'Ministers met on Tuesday to agree the {title.lower()}.\n\n"We moved faster than expected," '
        "said Minister Olena Marchuk.\n"
    ).encode()


async def test_batch_import_reports_each_file_and_skips_repeats(storage):
    """A batch import would hide which file failed, store a repeat twice, or drop the good files."""
    newsroom = Newsroom(storage, Config(), clock=ManualClock(NOW))
    listing = json.dumps(
        [
            {"title": "Port tariffs frozen", "body": "The port froze its tariffs.", "source_url": None},
            {"title": "", "body": "No title here."},
        ]
    ).encode()
    reports = await newsroom.import_documents(
        [
            (_markdown("Grid package", "https://example.org/grid"), "grid.md"),
            (b"\x00\x01\x02 not text", "broken.md"),
            (_markdown("Grid package", "https://example.org/grid"), "grid-again.md"),
            (listing, "list.json"),
        ]
    )
    assert [r.added for r in reports] == [1, 0, 0, 1]
    assert [r.failed for r in reports] == [0, 1, 0, 1]
    assert reports[2].duplicates == 1
    assert reports[2].items[0].briefing_id == reports[0].items[0].briefing_id
    assert "broken.md" in reports[1].items[0].origin
    assert await storage.count_briefings() == 2
    again = await newsroom.import_documents([(_markdown("Grid package", "https://example.org/grid"), "g.md")])
    assert again[0].duplicates == 1 and await storage.count_briefings() == 2
    assert await newsroom.import_documents([]) == []
