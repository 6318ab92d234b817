"""Who may publish: the one run-time check /article and /source share.

Discord's command permissions are only a default that server admins can change, so each
publisher command asks this itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import PermissionDeniedError
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.client import BriefBot

PUBLISHER_ONLY = N_("Only publishers can change briefings (ask the bot's operator to add you or your role).")


def require_publisher(bot: BriefBot, interaction: discord.Interaction) -> None:
    """A publisher, in a server the bot is in (Discord offers /article and /source nowhere else)."""
    if interaction.guild_id is None or bot.get_guild(interaction.guild_id) is None:
        raise PermissionDeniedError(PUBLISHER_ONLY)
    if not bot.is_publisher(interaction.user):
        raise PermissionDeniedError(PUBLISHER_ONLY)
