"""``/subscribe ... webhook:true``: the checks only the cog can make (the channel's type and
the bot's permissions there, read at run time), before the service makes the webhook."""

from __future__ import annotations

import discord

from bot import i18n
from bot.errors import UserFacingError
from bot.i18n import N_, Message


def missing_webhook_permissions(channel: discord.TextChannel, me: discord.Member) -> list[Message]:
    """What the bot lacks to post through a webhook in ``channel``: making the webhook needs
    Manage Webhooks, and making sure after a crash that a post is not made twice means
    reading the channel's recent messages (Read Message History)."""
    perms = channel.permissions_for(me)
    missing = []
    if not perms.manage_webhooks:
        missing.append(N_("Manage Webhooks"))
    if not perms.read_message_history:
        missing.append(N_("Read Message History"))
    return missing


def check_webhook_target(
    target: discord.abc.GuildChannel | discord.Thread, me: discord.Member, tr: i18n.Localizer, *, wanted: bool
) -> None:
    """Webhook posts (when ``wanted``) need a text or announcement channel (a webhook cannot
    start forum posts here, nor live in a thread) where the bot has what it needs."""
    if not wanted:
        return
    if not isinstance(target, discord.TextChannel):
        raise UserFacingError(
            N_(
                "webhook:true needs a text or announcement channel; {channel} is not one.",
                channel=target.mention,
            )
        )
    missing = missing_webhook_permissions(target, me)
    if missing:
        raise UserFacingError(
            N_(
                "I can't post through a webhook in {channel}: I need {permissions} there.",
                channel=target.mention,
                permissions=", ".join(tr.text(m) for m in missing),
            )
        )
