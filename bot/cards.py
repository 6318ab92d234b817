"""Briefings as Components V2 cards: a ``discord.ui.LayoutView`` per message.

The embed renderer (``bot.render``) stays the one place that escapes and cuts untrusted
text; a card reuses its helpers and adds the rules of Components V2 messages: no
``content`` and no embeds (the role ping becomes the first text display), at most
``MAX_COMPONENTS`` components counted through every level, and at most ``MAX_TEXT``
characters across all text displays. Every card checks itself against both before it is
returned, so no caller can build a card Discord would refuse.

Each briefing on a card carries buttons whose custom id names the action and the briefing
(``briefbot:card:summary:42``); ``cogs.cards`` registers a dynamic item for that pattern,
so a click is answered also on posts made before a restart. The buttons here are plain
``discord.ui.Button`` objects with those ids: rendering knows nothing of the callbacks.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Final

import discord

from bot import limits, render
from bot.i18n import ENGLISH, Localizer
from bot.models import Briefing, SummaryLength

log = logging.getLogger(__name__)

MAX_COMPONENTS: Final = 40  # every component of a message, nested ones included
MAX_TEXT: Final = 4000  # characters across all text displays of a message
BUTTON_URL: Final = 512  # a link button's url
BUTTON_LABEL: Final = 80
CUSTOM_ID: Final = 100

ACTIONS: Final = ("summary", "quotes", "full")
CUSTOM_ID_TEMPLATE: Final = r"briefbot:card:(?P<action>summary|quotes|full):(?P<briefing_id>[0-9]{1,19})"
_CUSTOM_ID = re.compile(CUSTOM_ID_TEMPLATE)

# One accent per topic, picked by a stable hash of its name (any case): a topic keeps
# its colour across posts, restarts and processes.
TOPIC_PALETTE: Final = (
    0x2E86AB,  # blue
    0xA23B72,  # plum
    0xD1700C,  # amber
    0x3B8D3B,  # green
    0x6C4AB6,  # violet
    0xC73E1D,  # brick
    0x1B998B,  # teal
    0x8F6B29,  # bronze
)

FULL_CARD_COMPONENTS: Final = 8  # a card of its own in a multi-card message: container, section,
# headline text, link button, action row and three buttons
COMPACT_COMPONENTS: Final = 3  # a line of a compact list: section, its text, its button


def custom_id(action: str, briefing_id: int) -> str:
    """The custom id of a card button: what to show, of which briefing."""
    if action not in ACTIONS:
        raise ValueError(f"unknown card action {action!r}")
    return f"briefbot:card:{action}:{briefing_id}"


def parse_custom_id(value: str) -> tuple[str, int] | None:
    """``(action, briefing_id)`` of a card button's custom id; None for any other id."""
    match = _CUSTOM_ID.fullmatch(value)
    return (match["action"], int(match["briefing_id"])) if match else None


def accent(briefing: Briefing) -> discord.Colour:
    """The card's accent: its first topic's colour, the newsroom navy without topics."""
    if not briefing.tags:
        return render.BRAND_COLOUR
    digest = hashlib.blake2b(briefing.tags[0].casefold().encode(), digest_size=2).digest()
    return discord.Colour(TOPIC_PALETTE[int.from_bytes(digest) % len(TOPIC_PALETTE)])


def button_labels(tr: Localizer) -> dict[str, str]:
    """The three buttons of every card, in the readers' language."""
    return {
        "summary": tr.gettext("Summary"),
        "quotes": tr.gettext("Quotes"),
        "full": tr.gettext("Full text"),
    }


def text_length(view: discord.ui.LayoutView) -> int:
    """Characters across the view's text displays (Discord counts these against ``MAX_TEXT``)."""
    return view.content_length()


def component_count(view: discord.ui.LayoutView) -> int:
    """Components of the view at every level, as Discord counts them."""
    return view.total_children_count


def briefing_card(
    briefing: Briefing,
    *,
    tr: Localizer = ENGLISH,
    ping: str | None = None,
    length: SummaryLength = SummaryLength.STANDARD,
) -> discord.ui.LayoutView:
    """One briefing's card: headline with its Source link, summary, key quote, buttons,
    footer. ``ping`` (role mentions and any note, from our own planner) leads the message."""
    view = _layout()
    used = 0
    if ping:
        lead = limits.truncate(ping, 1000)
        view.add_item(discord.ui.TextDisplay(lead))
        used += len(lead)
    container: discord.ui.Container[discord.ui.LayoutView] = discord.ui.Container(
        accent_colour=accent(briefing)
    )
    headline = _headline(briefing, tr, limit=limits.EMBED_TITLE)
    container.add_item(_with_link(headline, briefing, tr))
    footer = "-# " + render._footer(briefing, tr)
    quote = briefing.top_quote
    quote_text = ""
    if quote is not None:
        quote_text = f"**{tr.gettext('Key quote')}**\n" + render.quote_block(quote, 700, tr)
    used += len(headline) + len(footer) + len(quote_text)
    summary = briefing.summaries.get(length) or briefing.summaries.short or briefing.body
    room = min(3000, MAX_TEXT - used - 10)
    if summary.strip() and room > 40:
        container.add_item(
            discord.ui.TextDisplay(limits.truncate(render.escape(summary), room, link=_url(briefing)))
        )
    if quote_text:
        container.add_item(discord.ui.TextDisplay(quote_text))
    container.add_item(discord.ui.Separator())
    container.add_item(_buttons(briefing.id, tr))
    container.add_item(discord.ui.TextDisplay(footer))
    view.add_item(container)
    return _checked(view)


def cards_view(
    briefings: Sequence[Briefing],
    *,
    title: str | None = None,
    tr: Localizer = ENGLISH,
    ping: str | None = None,
) -> discord.ui.LayoutView:
    """Several briefings in one message (a digest, ``/latest count:N``).

    As many as fit get a card of their own with all three buttons; more (up to ten) share
    one container, a line each with a "Full text" button; beyond ten, a list with links,
    as the embed digest does."""
    chosen = list(briefings)
    view = _layout()
    used = 0
    leading = 0
    if ping:
        lead = limits.truncate(ping, 1000)
        view.add_item(discord.ui.TextDisplay(lead))
        used += len(lead)
        leading += 1
    if title:
        heading = "## " + limits.one_line(render.escape(title), limits.EMBED_TITLE)
        view.add_item(discord.ui.TextDisplay(heading))
        used += len(heading)
        leading += 1
    if not chosen:
        return _checked(view)
    share = (MAX_TEXT - used - 50) // len(chosen)
    if leading + FULL_CARD_COMPONENTS * len(chosen) <= MAX_COMPONENTS:
        for briefing in chosen:
            container: discord.ui.Container[discord.ui.LayoutView] = discord.ui.Container(
                accent_colour=accent(briefing)
            )
            container.add_item(_with_link(_entry(briefing, tr, share), briefing, tr))
            container.add_item(_buttons(briefing.id, tr))
            view.add_item(container)
    elif len(chosen) <= limits.EMBEDS_PER_MESSAGE:
        shared: discord.ui.Container[discord.ui.LayoutView] = discord.ui.Container(
            accent_colour=render.BRAND_COLOUR
        )
        label = button_labels(tr)["full"]
        for briefing in chosen:
            button: discord.ui.Button[discord.ui.LayoutView] = discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id("full", briefing.id)
            )
            shared.add_item(discord.ui.Section(_entry(briefing, tr, share), accessory=button))
        view.add_item(shared)
    else:
        view.add_item(_list(chosen, tr, MAX_TEXT - used - 20))
    return _checked(view)


def message_card(
    kind: str, briefings: Sequence[Briefing], *, tr: Localizer = ENGLISH, ping: str | None = None
) -> discord.ui.LayoutView:
    """An outbox message as a card, in the channel's language (also for corrections): a
    post of one briefing, or a digest."""
    if kind == "post" and len(briefings) == 1:
        return briefing_card(briefings[0], tr=tr, ping=ping)
    title = tr.ngettext("Digest: {n} new briefing", "Digest: {n} new briefings", len(briefings))
    return cards_view(briefings, title=title, tr=tr, ping=ping)


def latest_card(briefings: Sequence[Briefing], *, tr: Localizer = ENGLISH) -> discord.ui.LayoutView:
    """``/latest``: one card, or several in one message."""
    if len(briefings) == 1:
        return briefing_card(briefings[0], tr=tr)
    return cards_view(briefings, tr=tr)


# -- answers to the buttons ------------------------------------------------------------

FULL_TEXT_CHUNK: Final = 3800  # characters of the body per embed (one embed per message)
FULL_TEXT_MESSAGES: Final = 3  # the answer and two follow-ups; longer texts end with a link


def full_text_embeds(briefing: Briefing, tr: Localizer = ENGLISH) -> list[discord.Embed]:
    """The whole text, one embed per message: split at paragraphs (or words), at most
    ``FULL_TEXT_MESSAGES`` parts; a longer text ends with a link to its source."""
    url = _url(briefing)
    parts = _split(
        [render.escape(p.strip()) for p in briefing.paragraphs] or [render.escape(briefing.body)],
        FULL_TEXT_CHUNK,
    )
    if len(parts) > FULL_TEXT_MESSAGES:
        rest = "\n\n".join(parts[FULL_TEXT_MESSAGES - 1 :])
        parts = [*parts[: FULL_TEXT_MESSAGES - 1], limits.truncate(rest, FULL_TEXT_CHUNK, link=url)]
    title = limits.one_line(render.escape(briefing.title), limits.EMBED_TITLE)
    embeds = []
    for number, text in enumerate(parts, start=1):
        embed = discord.Embed(description=text or "—", colour=accent(briefing))
        if number == 1:
            embed.title = title
            embed.url = url
            embed.set_author(name=tr.gettext("Full text"))
        footer = tr.gettext("Briefing #{id}", id=briefing.id) + f" · {render.FOOTER_BRAND}"
        if len(parts) > 1:
            footer += f" · {number}/{len(parts)}"
        embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds


# -- pieces ---------------------------------------------------------------------------


def _layout() -> discord.ui.LayoutView:
    # Never stored in the client's view store: the buttons are answered by the dynamic
    # items of ``cogs.cards``, which outlive any one view (and any restart).
    view = discord.ui.LayoutView(timeout=None)
    view.stop()
    return view


def _url(briefing: Briefing) -> str | None:
    return render._safe_url(briefing.source_url)


def _headline(briefing: Briefing, tr: Localizer, *, limit: int) -> str:
    title = limits.one_line(render.escape(briefing.title), limit)
    meta = [f"{render.timestamp(briefing.published_at)}"]
    if briefing.tags:
        meta.append(" · ".join("`" + t.replace("`", "ˋ") + "`" for t in briefing.tags[:8]))
    return f"### {title}\n-# " + limits.truncate(" · ".join(meta), 300)


def _entry(briefing: Briefing, tr: Localizer, share: int) -> str:
    """A briefing within a multi-card message: headline, date and id, short summary."""
    title = limits.one_line(render.escape(briefing.title), min(limits.EMBED_TITLE, max(share // 3, 40)))
    meta = f"{render.timestamp(briefing.published_at, 'd')} · #{briefing.id}"
    if briefing.corrected_at is not None:
        meta += " · " + tr.gettext("corrected")
    head = f"**{title}**\n-# {meta}\n"
    summary = briefing.summaries.short or briefing.body
    room = share - len(head)
    return head + (limits.truncate(render.escape(summary), room) if room > 30 else "")


def _with_link(text: str, briefing: Briefing, tr: Localizer) -> discord.ui.Item[discord.ui.LayoutView]:
    """The text beside a "Source" link button, or the text alone when there is no link."""
    url = _url(briefing)
    if url is None or len(url) > BUTTON_URL:
        return discord.ui.TextDisplay(text)
    link: discord.ui.Button[discord.ui.LayoutView] = discord.ui.Button(
        label=tr.gettext("Source"), style=discord.ButtonStyle.link, url=url
    )
    return discord.ui.Section(text, accessory=link)


def _buttons(briefing_id: int, tr: Localizer) -> discord.ui.ActionRow[discord.ui.LayoutView]:
    row: discord.ui.ActionRow[discord.ui.LayoutView] = discord.ui.ActionRow()
    styles = {"summary": discord.ButtonStyle.primary}
    for action, label in button_labels(tr).items():
        row.add_item(
            discord.ui.Button(
                label=label[:BUTTON_LABEL],
                style=styles.get(action, discord.ButtonStyle.secondary),
                custom_id=custom_id(action, briefing_id),
            )
        )
    return row


def _list(
    briefings: Sequence[Briefing], tr: Localizer, room: int
) -> discord.ui.Container[discord.ui.LayoutView]:
    lines = []
    for b in briefings:
        url = _url(b)
        label = limits.one_line(render.escape(b.title), 150)
        when = render.timestamp(b.published_at, "d")
        lines.append(f"• [{label}]({url}) · {when}" if url else f"• {label} (#{b.id}) · {when}")
    text = ""
    shown = 0
    for line in lines:
        if len(text) + len(line) + 1 > room - 80:
            break
        text += line + "\n"
        shown += 1
    if shown < len(lines):
        text += tr.ngettext("…and {n} more: use /latest", "…and {n} more: use /latest", len(lines) - shown)
    return discord.ui.Container(
        discord.ui.TextDisplay(text.strip() or "—"), accent_colour=render.BRAND_COLOUR
    )


def _split(paragraphs: Sequence[str], limit: int) -> list[str]:
    """Paragraphs packed into chunks of at most ``limit`` characters; a longer paragraph is
    cut at a space (or hard, with no space in its second half)."""
    chunks: list[str] = []
    current = ""
    for whole in paragraphs:
        paragraph = whole
        while len(paragraph) > limit:
            cut = paragraph.rfind(" ", limit // 2, limit)
            cut = cut if cut > 0 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) > limit:
            chunks.append(current)
            current = paragraph
        else:
            current = joined
    if current:
        chunks.append(current)
    return chunks


def _checked(view: discord.ui.LayoutView) -> discord.ui.LayoutView:
    """The view, after making sure Discord will take it (a bug here must not reach Discord
    as a rejected post that is never retried)."""
    count, text = component_count(view), text_length(view)
    if count > MAX_COMPONENTS or text > MAX_TEXT:
        raise ValueError(f"card over Discord's limits: {count} components, {text} characters of text")
    return view
