"""``/subscribe ... create_tags:true``: the checks only the cog can make (the channel's type and
the bot's permissions there, read at run time) before the subscription lets the bot create the
forum tags its posts' topics name."""

from __future__ import annotations

import discord

from bot.errors import UserFacingError
from bot.i18n import N_


def check_create_tags(
    target: discord.abc.GuildChannel | discord.Thread, me: discord.Member, *, wanted: bool
) -> None:
    """Creating tags (when ``wanted``) needs a forum or media channel where the bot has Manage
    Channels: Discord edits a forum's tags as a change of the channel."""
    if not wanted:
        return
    if not isinstance(target, discord.ForumChannel):
        raise UserFacingError(
            N_(
                "create_tags:true needs a forum or media channel; {channel} is not one.",
                channel=target.mention,
            )
        )
    if not target.permissions_for(me).manage_channels:
        raise UserFacingError(
            N_(
                "I can't create tags in {channel}: I need Manage Channels there. Give me that "
                "permission in the forum, or subscribe without create_tags.",
                channel=target.mention,
            )
        )
