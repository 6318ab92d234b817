"""Small builders shared by the storage and core tests, and a lookup for the bot tests."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

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


def cached_guild(client: discord.Client, guild_id: int) -> discord.Guild:
    """The guild in ``client``'s cache, which the caller relies on being there."""
    guild = client.get_guild(guild_id)
    assert guild is not None, f"guild {guild_id} is not in the client's cache"
    return guild
