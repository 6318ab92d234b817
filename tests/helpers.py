"""Small builders shared by the storage and core tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Analysis, Draft, Quote, Summaries


def draft(
    title: str = "Council agrees grid-security package",
    body: str = 'Ministers agreed a package on Tuesday.\n\n"We moved faster than expected," said Minister Olena Marchuk.',
    *,
    published: datetime | None = None,
    url: str | None = "https://example.org/grid",
    tags: tuple[str, ...] = ("energy",),
    language: str = "en",
) -> Draft:
    return Draft(
        title=title,
        body=body,
        published_at=published or datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        source_url=url,
        tags=tags,
        language=language,
    )


def analysis(
    *quotes: tuple[str, str | None, str | None, float], summary: str = "Ministers agreed a package."
) -> Analysis:
    return Analysis(
        Summaries(summary, summary, summary),
        tuple(Quote(text, speaker, role, 0, len(text), score) for text, speaker, role, score in quotes),
    )
