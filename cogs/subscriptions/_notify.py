"""Topic roles members give themselves: ``/notify topic:`` and the buttons of a panel.

Which roles a topic gives is the service's rule (``SubscriptionDesk.roles_to_notify``); whether
the bot may hand a role out is Discord's: it needs Manage Roles and a highest role above the
role, checked here on the bot's own cache each time, and Discord's own refusal (403, code
50013) is answered the same way should the cache be behind.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.client import handle_interaction_error
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.i18n.commands import reader
from bot.subscriptions import MAX_TOPIC_LENGTH, SubscriptionDesk, fold_topic
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NOTIFY_PREFIX = "briefbot:notify:"
MISSING_PERMISSIONS = 50013


def check_plain(guild: discord.Guild, role: discord.Role) -> None:
    """Raise unless ``role`` is one members may give themselves: not @everyone, not a bot's or
    an integration's, and granting no permission beyond what @everyone has (else /notify would
    hand out those permissions to anyone who asks)."""
    if role.is_default() or role.managed:
        raise UserFacingError(
            N_(
                "{role} can't be given to members: it is @everyone, or a bot's or an integration's role.",
                role=role.mention,
            )
        )
    if role.permissions.value & ~guild.default_role.permissions.value:
        raise UserFacingError(
            N_(
                "{role} grants permissions beyond @everyone's, so members may not give it to "
                "themselves: use a role without permissions for topic pings.",
                role=role.mention,
            )
        )


def check_assignable(guild: discord.Guild, role: discord.Role) -> None:
    """Raise, saying what to fix, unless the bot can give ``role`` to members now."""
    me = guild.me
    check_plain(guild, role)
    if not me.guild_permissions.manage_roles:
        raise UserFacingError(
            N_(
                "I need the Manage Roles permission to give {role}; ask a server manager to grant it to me.",
                role=role.mention,
            )
        )
    if role >= me.top_role:
        raise UserFacingError(
            N_(
                "I can't give {role}: it is not below my highest role, {mine}. A server manager can drag "
                "my role above it in Server Settings → Roles.",
                role=role.mention,
                mine=me.top_role.mention,
            )
        )


def assignable(guild: discord.Guild, role: discord.Role) -> bool:
    try:
        check_assignable(guild, role)
    except UserFacingError:
        return False
    return True


async def toggle_topic(
    bot: discord.Client, desk: SubscriptionDesk, interaction: discord.Interaction, topic: str
) -> None:
    """Give the member the roles of ``topic``, or take them if they have them all; reply."""
    guild = bot.get_guild(interaction.guild_id) if interaction.guild_id is not None else None
    member = interaction.user
    if guild is None or not isinstance(member, discord.Member):
        raise UserFacingError(N_("Topic pings are per server: use this in a server where I am a member."))
    role_ids = await desk.roles_to_notify(guild.id, topic)
    roles = [role for role in (guild.get_role(i) for i in role_ids) if role is not None]
    if not roles:
        raise UserFacingError(
            N_(
                "The role for '{topic}' no longer exists; a manager can set another with /subscriptions ping.",
                topic=fold_topic(topic),
            )
        )
    for role in roles:
        check_assignable(guild, role)
    held = [role for role in roles if member.get_role(role.id) is not None]
    why = f"briefbot /notify: topic {fold_topic(topic)!r}"
    try:
        if held and len(held) == len(roles):
            await member.remove_roles(*held, reason=why)
        else:
            await member.add_roles(*(r for r in roles if r not in held), reason=why)
    except discord.Forbidden as exc:
        log.warning("guild %d: Discord refused a topic role (code %s)", guild.id, exc.code)
        if exc.code == MISSING_PERMISSIONS:
            raise UserFacingError(
                N_(
                    "Discord refused to change your roles (Missing Permissions): I need Manage Roles and "
                    "my highest role above {roles}. Ask a server manager.",
                    roles=", ".join(r.mention for r in roles),
                )
            ) from exc
        raise
    tr = reader(interaction)
    mentions = ", ".join(r.mention for r in roles)
    if held and len(held) == len(roles):
        text = tr.gettext(
            "You will no longer be pinged for '{topic}' ({roles} taken away).",
            topic=fold_topic(topic),
            roles=mentions,
        )
    else:
        text = tr.gettext(
            "You will be pinged for '{topic}' from now on ({roles} given). Do the same again to stop.",
            topic=fold_topic(topic),
            roles=mentions,
        )
    log.info("guild %d: member %d toggled the roles of a topic", guild.id, member.id)
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class NotifyButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(re.escape(NOTIFY_PREFIX) + rf"(?P<topic>.{{1,{MAX_TOPIC_LENGTH}}})"),
):
    """A topic's button on a panel: pressing it is ``/notify topic:``. The topic is in the
    button's custom id, so a panel keeps working across restarts and for topics set later."""

    def __init__(self, topic: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=topic[:MAX_TOPIC_LENGTH],
                style=discord.ButtonStyle.secondary,
                custom_id=f"{NOTIFY_PREFIX}{topic}",
            )
        )
        self.topic = topic

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> NotifyButton:
        return cls(match["topic"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("BriefBot", interaction.client)
        try:
            await toggle_topic(bot, bot.subscriptions, interaction, self.topic)
        except Exception as exc:  # a button's errors go through the one handler too
            await handle_interaction_error(interaction, exc)
