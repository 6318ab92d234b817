"""Briefings, quotes and search hits as Discord embeds.

The one place that decides how the product looks. Everything that comes from an
article or a user is escaped for Markdown and cut to Discord's limits here, so no
caller can produce an embed Discord would reject or a message that pings anyone.
The terminal demo prints these same embeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot import limits
from bot.corrections import QuoteReview
from bot.i18n import ENGLISH, Localizer
from bot.models import Briefing, Quote, QuoteHit, SearchHit, Source, SourceStatus, SummaryLength, WaitingDraft

BRAND_COLOUR = discord.Colour(0x1F4E79)  # newsroom navy
CORRECTION_COLOUR = discord.Colour(0xB7791F)
FOOTER_BRAND = "briefbot"

SNIPPET_MARKS = ("\ue000", "\ue001")


def escape(text: str) -> str:
    """Escape Markdown and neutralise mentions in untrusted text."""
    text = discord.utils.escape_markdown(text, as_needed=False)
    return discord.utils.escape_mentions(text)


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: each reader sees it in their own time zone."""
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def speaker_line(quote: Quote, tr: Localizer = ENGLISH) -> str:
    """``— **Name**, role``; a speaker the text only describes is shown as described."""
    if not quote.speaker:
        return f"— {escape(quote.speaker_role)}" if quote.speaker_role else "— " + tr.gettext("unattributed")
    line = f"— **{escape(quote.speaker)}**"
    if quote.speaker_role:
        line += f", {escape(quote.speaker_role)}"
    return line


def quote_block(quote: Quote, limit: int, tr: Localizer = ENGLISH) -> str:
    """The quote's exact words in a quote block, then its speaker, within ``limit``."""
    attribution = "\n" + speaker_line(quote, tr)
    words = limits.truncate(quote.text.strip(), max(limit - len(attribution) - 6, 20))
    body = "> “" + escape(words) + "”"
    return limits.truncate(body + attribution, limit)


def _safe_url(url: str | None) -> str | None:
    if url and url.startswith(("http://", "https://")) and len(url) <= limits.URL:
        return url
    return None


def _footer(briefing: Briefing, tr: Localizer) -> str:
    text = tr.gettext("Briefing #{id}", id=briefing.id) + f" · {FOOTER_BRAND}"
    if briefing.corrected_at is not None:
        # A footer cannot hold a Discord timestamp: the date is written out, in UTC.
        moment = briefing.corrected_at
        text += " · " + tr.gettext("corrected {date}, {time} UTC", date=tr.date(moment), time=tr.time(moment))
    return text


def briefing_embed(
    briefing: Briefing,
    *,
    length: SummaryLength = SummaryLength.STANDARD,
    budget: int = limits.EMBEDS_TOTAL,
    with_quote: bool = True,
    tr: Localizer = ENGLISH,
) -> discord.Embed:
    """The standard briefing card: linked title, publish time, summary, top quote, tags.

    ``budget`` caps the embed's total characters so several fit in one message.
    """
    url = _safe_url(briefing.source_url)
    # Title and topics are capped by the budget too: ten cards with 256-character
    # titles and topic lines would otherwise overrun a digest's 6,000 characters.
    title = limits.one_line(escape(briefing.title), min(limits.EMBED_TITLE, max(budget // 3, 60)))
    embed = discord.Embed(
        title=title,
        url=url,
        colour=CORRECTION_COLOUR if briefing.corrected_at else BRAND_COLOUR,
        timestamp=briefing.published_at,
    )
    embed.set_footer(text=_footer(briefing, tr))
    fields: list[tuple[str, str, bool]] = [
        (
            tr.gettext("Published"),
            f"{timestamp(briefing.published_at)} ({timestamp(briefing.published_at, 'R')})",
            True,
        )
    ]
    quote = briefing.top_quote if with_quote else None
    if quote is not None:
        block = quote_block(quote, min(limits.EMBED_FIELD_VALUE, max(budget // 4, 120)), tr)
        fields.append((tr.gettext("Key quote"), block, False))
    if briefing.tags:
        # A backtick in a tag would close its code span early and restyle the line.
        tags = " · ".join("`" + t.replace("`", "ˋ") + "`" for t in briefing.tags)
        fields.append((tr.gettext("Topics"), limits.truncate(tags, min(256, max(budget // 6, 40))), True))
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    # Whatever budget remains goes to the summary.
    room = min(limits.EMBED_DESCRIPTION, budget - len(embed) - 4)
    summary = briefing.summaries.get(length) or briefing.summaries.short or briefing.body
    if room > 40:
        embed.description = limits.truncate(escape(summary), room, link=url)
    return embed


def briefing_embeds(
    briefings: Sequence[Briefing],
    *,
    length: SummaryLength = SummaryLength.STANDARD,
    tr: Localizer = ENGLISH,
) -> list[discord.Embed]:
    """Up to 10 briefing cards sharing the 6,000-character message budget fairly."""
    chosen = list(briefings)[: limits.EMBEDS_PER_MESSAGE]
    if not chosen:
        return []
    share = (limits.EMBEDS_TOTAL - 50) // len(chosen)
    return [
        briefing_embed(b, length=length, budget=share, with_quote=len(chosen) <= 5, tr=tr) for b in chosen
    ]


def length_name(length: SummaryLength, tr: Localizer = ENGLISH) -> str:
    """A summary length as readers see it."""
    names = {
        SummaryLength.SHORT: tr.gettext("short"),
        SummaryLength.STANDARD: tr.gettext("standard"),
        SummaryLength.DETAILED: tr.gettext("detailed"),
    }
    return names.get(length, length.value)


def summary_embed(briefing: Briefing, length: SummaryLength, tr: Localizer = ENGLISH) -> discord.Embed:
    url = _safe_url(briefing.source_url)
    embed = discord.Embed(
        title=limits.one_line(escape(briefing.title), limits.EMBED_TITLE),
        url=url,
        colour=BRAND_COLOUR,
        timestamp=briefing.published_at,
    )
    embed.set_author(name=tr.gettext("Summary · {length}", length=length_name(length, tr)))
    embed.set_footer(text=_footer(briefing, tr))
    embed.description = limits.truncate(escape(briefing.summaries.get(length)), 3000, link=url)
    return embed


def quote_embeds(hits: Sequence[QuoteHit], tr: Localizer = ENGLISH) -> list[discord.Embed]:
    """One card per quote: exact words in a quote block, speaker and role, source."""
    embeds = []
    share = (limits.EMBEDS_TOTAL - 50) // max(len(hits), 1)
    for hit in hits[: limits.EMBEDS_PER_MESSAGE]:
        url = _safe_url(hit.source_url)
        embed = discord.Embed(colour=BRAND_COLOUR, timestamp=hit.briefing.published_at)
        speaker = hit.quote.speaker or tr.gettext("Unattributed")
        embed.set_author(name=limits.one_line(speaker, limits.EMBED_AUTHOR))
        source = limits.one_line(escape(hit.briefing.title), 200)
        # A link of up to 2,048 characters would eat the card's share: name the source without it.
        source_line = f"[{source}]({url})" if url and len(url) < share // 4 else source
        when = timestamp(hit.briefing.published_at, "D")
        tail = "\n\n" + tr.gettext("From {source} · {date}", source=source_line, date=when)
        author = embed.author.name or ""
        room = min(limits.EMBED_DESCRIPTION, share - len(author) - 40) - len(tail)
        embed.description = quote_block(hit.quote, max(room, 200), tr) + tail
        embed.set_footer(text=tr.gettext("Briefing #{id}", id=hit.briefing.id) + f" · {FOOTER_BRAND}")
        embeds.append(embed)
    return embeds


def search_embed(
    query: str,
    hits: Sequence[SearchHit],
    *,
    total: int,
    page: int,
    pages: int,
    at_least: bool = False,
    tr: Localizer = ENGLISH,
) -> discord.Embed:
    embed = discord.Embed(
        title=limits.one_line(tr.gettext("Search: {query}", query=query), limits.EMBED_TITLE),
        colour=BRAND_COLOUR,
    )
    # Share the message budget: ten hits of 1,024 characters would break 6,000.
    share = (limits.EMBEDS_TOTAL - 400) // max(len(hits), 1)
    for hit in hits:
        url = _safe_url(hit.source_url)
        start, end = SNIPPET_MARKS  # escape() leaves these private-use marks alone
        snippet = escape(" ".join(hit.snippet.split()))
        name = limits.one_line(f"#{hit.briefing.id} · {escape(hit.briefing.title)}", limits.EMBED_FIELD_NAME)
        link = "\n[" + tr.gettext("Source") + f"]({url})" if url else ""
        when = f" · {timestamp(hit.briefing.published_at, 'D')}"
        room = min(limits.EMBED_FIELD_VALUE, share - len(name)) - len(link) - len(when) - 4
        cut = limits.truncate(snippet.replace(start, "**").replace(end, "**"), room - 2)
        if cut.count("**") % 2:  # a highlight cut open: close it
            cut = cut.removesuffix("…") + "**…"
        value = cut + when + link
        embed.add_field(name=name, value=value, inline=False)
    if at_least:
        count = tr.ngettext("{n}+ result", "{n}+ results", total)
    else:
        count = tr.ngettext("{n} result", "{n} results", total)
    where = tr.gettext("page {page} of {pages}", page=tr.number(page), pages=tr.number(pages))
    embed.set_footer(text=f"{count} · {where} · {FOOTER_BRAND}")
    return embed


def digest_embeds(
    briefings: Sequence[Briefing], *, title: str, tr: Localizer = ENGLISH
) -> list[discord.Embed]:
    """A digest: up to 10 cards, and beyond that a compact list with links."""
    if len(briefings) <= limits.EMBEDS_PER_MESSAGE:
        return briefing_embeds(briefings, length=SummaryLength.SHORT, tr=tr)
    lines = []
    for b in briefings:
        url = _safe_url(b.source_url)
        label = limits.one_line(escape(b.title), 150)
        lines.append(
            f"• [{label}]({url}) · {timestamp(b.published_at, 'd')}" if url else f"• {label} (#{b.id})"
        )
    embed = discord.Embed(title=limits.one_line(title, limits.EMBED_TITLE), colour=BRAND_COLOUR)
    text = ""
    shown = 0
    for line in lines:
        if len(text) + len(line) + 1 > limits.EMBED_DESCRIPTION - 40:
            break
        text += line + "\n"
        shown += 1
    if shown < len(lines):
        text += tr.ngettext("…and {n} more: use /latest", "…and {n} more: use /latest", len(lines) - shown)
    embed.description = text
    count = tr.ngettext("{n} briefing", "{n} briefings", len(briefings))
    embed.set_footer(text=f"{count} · {FOOTER_BRAND}")
    return [embed]


def message_fits(content: str | None, embeds: Sequence[discord.Embed]) -> bool:
    """True when Discord would accept this message's size."""
    if content and len(content) > limits.CONTENT:
        return False
    return len(embeds) <= limits.EMBEDS_PER_MESSAGE and sum(len(e) for e in embeds) <= limits.EMBEDS_TOTAL


def quote_review_embed(review: QuoteReview, tr: Localizer = ENGLISH) -> discord.Embed:
    """An editor's numbered list of a briefing's quotes, corrections marked."""
    briefing = review.briefing
    mark_names = {
        "dropped": tr.gettext("dropped"),
        "added": tr.gettext("added"),
        "corrected": tr.gettext("corrected"),
        "key": tr.gettext("key"),
    }
    lines: list[str] = []
    budget = limits.EMBED_DESCRIPTION - 200
    for row in review.quotes:
        q = row.quote
        marks = [mark_names.get(mark, mark) for mark in row.marks]
        if q.speaker is not None and not row.corrected and not row.added and q.confidence < 1.0:
            marks.append(tr.gettext("confidence {score}", score=f"{q.confidence:.2f}"))
        words = limits.one_line(q.text, 160)
        line = f"**{row.number}.** “{escape(words)}” {speaker_line(q, tr)}"
        if marks:
            line += f" · _{', '.join(marks)}_"
        if row.dropped:
            line = f"~~{line}~~"
        if len("\n".join([*lines, line])) > budget:
            lines.append(
                tr.ngettext(
                    "… and {n} more (use the CLI: briefbot quotes {id})",
                    "… and {n} more (use the CLI: briefbot quotes {id})",
                    len(review.quotes) - len(lines),
                    id=briefing.id,
                )
            )
            break
        lines.append(line)
    if not lines:
        lines.append(tr.gettext("No quotes found. Add one with action:add and its exact words in text:."))
    for c in review.stale:
        lines.append(
            tr.gettext(
                "Stale correction ({kind}): “{words}” is no longer in the text.",
                kind=c.kind.value,
                words=escape(limits.one_line(c.quote_text, 60)),
            )
        )
    title = tr.gettext("Quotes of #{id}: {title}", id=briefing.id, title=briefing.title)
    embed = discord.Embed(
        title=limits.one_line(title, limits.EMBED_TITLE),
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=BRAND_COLOUR,
    )
    embed.set_footer(
        text=tr.gettext("Correct with /article quotes action: speaker | drop | key | add | undo")
    )
    return embed


def draft_embed(
    waiting: WaitingDraft, *, position: int, total: int, tr: Localizer = ENGLISH
) -> discord.Embed:
    """A review-mode draft as an editor reviews it: its title, text, source and link."""
    draft = waiting.draft
    url = _safe_url(draft.source_url)
    embed = discord.Embed(
        title=limits.one_line(escape(draft.title), limits.EMBED_TITLE),
        url=url,
        colour=CORRECTION_COLOUR,
        timestamp=draft.published_at,
    )
    footer = tr.gettext("Draft #{id}", id=waiting.id) + f" · {position}/{total}"
    if waiting.edited:
        footer += " · " + tr.gettext("edited")
    embed.set_footer(text=footer)
    embed.add_field(name=tr.gettext("Source"), value=escape(waiting.source_name or "—")[:256], inline=True)
    embed.add_field(name=tr.gettext("Published"), value=f"{timestamp(draft.published_at)}", inline=True)
    if draft.tags:
        tags = " · ".join("`" + t.replace("`", "ˋ") + "`" for t in draft.tags)
        embed.add_field(name=tr.gettext("Topics"), value=limits.truncate(tags, 256), inline=True)
    embed.description = limits.truncate(escape(draft.body), 3000, link=url)
    return embed


def sources_embed(sources: Sequence[Source], tr: Localizer = ENGLISH) -> discord.Embed:
    """Every source with its mode, interval and status, one line each."""
    lines = []
    for s in sources:
        mode = tr.gettext("review") if s.mode.value == "review" else tr.gettext("publish")
        state = {
            SourceStatus.ACTIVE: tr.gettext("active"),
            SourceStatus.FAILING: tr.gettext("failing"),
            SourceStatus.PAUSED: tr.gettext("paused"),
        }[s.status]
        line = f"`#{s.id}` **{escape(s.name)[:80]}** · {mode} · " + tr.ngettext(
            "every {n} minute", "every {n} minutes", s.interval_minutes
        )
        line += f" · {state}"
        if s.status_reason and s.status is SourceStatus.FAILING:
            line += f": {escape(s.status_reason)[:200]}"
        lines.append(line + f"\n{escape(s.url)[:300]}")
    embed = discord.Embed(title=tr.gettext("Sources"), colour=BRAND_COLOUR)
    embed.description = limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    return embed
