"""The buttons of briefing cards: "Summary", "Quotes" and "Full text", answered privately.

A card's buttons carry the action and the briefing in their custom id (``bot.cards``). One
``DynamicItem`` registered with the client matches that pattern on any message, so a click
is answered whether the card was posted a minute ago or before the last restart, by any
process: nothing about the card is kept in memory.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import cards, render
from bot.client import handle_interaction_error
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.i18n.commands import reader
from bot.models import SummaryLength
from bot.newsroom import Newsroom

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
QUOTES_SHOWN = 5


class CardButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=cards.CUSTOM_ID_TEMPLATE,
):
    """A card's button, rebuilt from its custom id on every click."""

    def __init__(self, action: str, briefing_id: int) -> None:
        super().__init__(discord.ui.Button(custom_id=cards.custom_id(action, briefing_id)))
        self.action = action
        self.briefing_id = briefing_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        return cls(match["action"], int(match["briefing_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await answer(interaction, _newsroom(interaction), self.action, self.briefing_id)
        except Exception as exc:  # the tree's handler does not see component clicks
            await handle_interaction_error(interaction, exc)


async def answer(interaction: discord.Interaction, newsroom: Newsroom, action: str, briefing_id: int) -> None:
    """Answer the reader who clicked, and only them, in their language."""
    tr = reader(interaction)
    try:
        briefing = await newsroom.resolve(f"#{briefing_id}")
    except UserFacingError:
        raise UserFacingError(N_("This briefing is no longer available.")) from None
    if briefing.id != briefing_id:  # resolve() fell back to a title search
        raise UserFacingError(N_("This briefing is no longer available."))
    if action == "summary":
        # The card shows the standard summary already: the button gives the detailed one.
        messages = [[render.summary_embed(briefing, SummaryLength.DETAILED, tr)]]
    elif action == "quotes":
        messages = [
            render.quote_embeds(await newsroom.quotes(briefing=f"#{briefing_id}", limit=QUOTES_SHOWN), tr)
        ]
    else:  # one message per part of a long text
        messages = [[part] for part in cards.full_text_embeds(briefing, tr)]
    first, *rest = messages
    await interaction.response.send_message(embeds=first, ephemeral=True, allowed_mentions=NO_MENTIONS)
    for embeds in rest:
        await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)
    log.info("card %s of briefing %s answered in guild %s", action, briefing_id, interaction.guild_id)


def _newsroom(interaction: discord.Interaction) -> Newsroom:
    newsroom: Newsroom = interaction.client.newsroom  # type: ignore[attr-defined]
    return newsroom


async def setup(bot: BriefBot) -> None:
    bot.add_dynamic_items(CardButton)


async def teardown(bot: BriefBot) -> None:
    bot.remove_dynamic_items(CardButton)
