"""/subscribe ... mode:follow: the Discord-side checks and the replies of follow mode.

A following channel gets the home channel's posts as Discord copies them, so the options
that shape the bot's own posts do not apply; the bot needs Manage Webhooks in the channel
(Discord's follower is a webhook there), which Discord's default bot role lacks."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot import i18n
from bot.errors import UserFacingError
from bot.following import FollowOutcome
from bot.i18n import N_
from bot.models import Follow

MODES = ("post", "follow")


def refused_options(**given: object) -> list[str]:
    """The names of the options a manager set (not left at their default) that follow mode
    refuses, in the order given; names only, never what was typed."""
    return [name for name, value in given.items() if value]


def check_follow_target(target: object, me: discord.Member) -> discord.TextChannel:
    """A text or announcement channel whose webhooks the bot may manage."""
    if not isinstance(target, discord.TextChannel):
        mention = getattr(target, "mention", "?")
        raise UserFacingError(
            N_("Only a text or announcement channel can follow; {channel} is not one.", channel=mention)
        )
    if not target.permissions_for(me).manage_webhooks:
        raise UserFacingError(
            N_(
                "I can't make {channel} follow: I need Manage Webhooks there (Discord delivers "
                "the copies through a webhook it adds to the channel).",
                channel=target.mention,
            )
        )
    return target


def home_name(name_of: Callable[[int], str], follow: Follow) -> str:
    return f"#{name_of(follow.home_channel_id)}"


def followed(outcome: FollowOutcome, channel: str, name_of: Callable[[int], str], tr: i18n.Localizer) -> str:
    """What /subscribe mode:follow answers."""
    home = home_name(name_of, outcome.follow)
    if not outcome.changed:
        return tr.gettext("{channel} already follows {home}.", channel=channel, home=home)
    return tr.gettext(
        "{channel} now follows {home}: each briefing published there ({topic}) appears here as "
        "Discord's copy, without this channel's own filters, pings or digests.",
        channel=channel,
        home=home,
        topic=outcome.follow.topic,
    )


def add_follows(
    embed: discord.Embed, follows: list[Follow], tr: i18n.Localizer, name_of: Callable[[int], str], room: int
) -> None:
    """One field a following channel ("follows #home-channel"), as many as ``room`` allows."""
    for follow in follows[:room]:
        embed.add_field(
            name=f"#{name_of(follow.channel_id)}",
            value=tr.gettext(
                "Follows {home} ({topic}) through Discord: every post published there, no filters of its own",
                home=home_name(name_of, follow),
                topic=follow.topic,
            ),
            inline=False,
        )
