"""What each reader command answers, as data: content plus embeds.

The Discord cogs send these replies; the terminal demo prints them. Keeping the
answer here means the two can never drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import discord

from bot import cards, limits, render
from bot.config import CardStyle
from bot.i18n import ENGLISH, Localizer
from bot.models import Briefing, SummaryLength
from bot.newsroom import ImportReport, Newsroom
from storage import SEARCH_WINDOW

SEARCH_PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class Reply:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    # For paged results: which page this is and how many exist.
    page: int = 1
    pages: int = 1
    # A Components V2 card instead of content and embeds.
    view: discord.ui.LayoutView | None = None


async def latest(
    newsroom: Newsroom,
    count: int = 1,
    topic: str | None = None,
    *,
    tr: Localizer = ENGLISH,
    style: CardStyle = "embed",
) -> Reply:
    """The newest briefings, as embeds or as the same cards subscribed channels get."""
    briefings = await newsroom.latest(count, topic)
    if style == "components":
        return Reply(view=cards.latest_card(briefings, tr=tr))
    return Reply(embeds=render.briefing_embeds(briefings, tr=tr))


async def summary(
    newsroom: Newsroom, briefing: str | None, length: SummaryLength, *, tr: Localizer = ENGLISH
) -> Reply:
    found = await newsroom.resolve(briefing)
    return Reply(embeds=[render.summary_embed(found, length, tr)])


async def quote(
    newsroom: Newsroom,
    *,
    speaker: str | None = None,
    briefing: str | None = None,
    contains: str | None = None,
    tr: Localizer = ENGLISH,
) -> Reply:
    hits = await newsroom.quotes(speaker=speaker, briefing=briefing, contains=contains, limit=3)
    return Reply(embeds=render.quote_embeds(hits, tr))


async def search(
    newsroom: Newsroom,
    query: str,
    *,
    page: int = 1,
    limit: int = SEARCH_PAGE_SIZE,
    tr: Localizer = ENGLISH,
) -> Reply:
    """One page of ranked hits; ``limit`` is the page size the reader asked for."""
    limit = max(1, min(limit, 10))
    hits, total = await newsroom.search(query, limit=limit, offset=(page - 1) * limit)
    pages = max(1, math.ceil(total / limit))
    embed = render.search_embed(
        query, hits, total=total, page=page, pages=pages, at_least=total >= SEARCH_WINDOW, tr=tr
    )
    return Reply(embeds=[embed], page=page, pages=pages)


def post(briefing: Briefing, *, tr: Localizer = ENGLISH) -> Reply:
    """What a subscribed channel receives for one new briefing."""
    return Reply(embeds=[render.briefing_embed(briefing, tr=tr)])


def import_report(report: ImportReport, *, tr: Localizer = ENGLISH) -> Reply:
    """Summarise an import: what was added, what was a duplicate, what failed and why (the
    parser's reasons stay in English: they quote the file and name its fields)."""
    counts = tr.gettext(
        "{added} added, {duplicates} duplicate, {failed} failed",
        added=tr.number(report.added),
        duplicates=tr.number(report.duplicates),
        failed=tr.number(report.failed),
    )
    lines = [f"**{counts}**"]
    for item in report.items:
        if item.outcome == "added":
            lines.append(f"✅ #{item.briefing_id} {render.escape(item.title or '')}")
        elif item.outcome == "duplicate":
            duplicate = tr.gettext("duplicate of #{id}", id=item.briefing_id)
            lines.append(f"↩️ {duplicate} {render.escape(item.title or '')}")
        else:
            lines.append(f"❌ {render.escape(item.reason or item.origin)}")
    text = "\n".join(lines)
    embed = discord.Embed(title=tr.gettext("Import"), colour=render.BRAND_COLOUR)
    embed.description = limits.truncate(text, limits.EMBED_DESCRIPTION)
    return Reply(embeds=[embed])
