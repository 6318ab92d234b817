"""Server-manager commands: /subscribe, /unsubscribe, /subscriptions.

Discord's default permission (Manage Server) is only a default that admins can
change, so each command checks Manage Server again here, refuses channels of
other servers, and checks the bot can actually post before accepting.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n, render
from bot.errors import PermissionDeniedError, UserFacingError
from bot.i18n import N_, Message
from bot.i18n.commands import reader
from bot.models import ScheduleKind
from bot.subscriptions import SubscribeRequest, SubscriptionDesk
from bot.timetable import WEEKDAYS, describe, zone_names
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

Postable = discord.TextChannel | discord.Thread

# Guild-installed and used in servers only: a server's subscriptions are its managers' business.
in_servers_only = app_commands.allowed_installs(guilds=True, users=False)
in_server_channels = app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)

OTHER_SERVER = N_("You can only manage channels of this server.")


def missing_post_permissions(channel: Postable, me: discord.Member) -> list[Message]:
    """What the bot lacks to post briefing cards in ``channel``, named as Discord names it."""
    perms = channel.permissions_for(me)
    send = (
        ("send_messages_in_threads", N_("Send Messages in Threads"))
        if isinstance(channel, discord.Thread)
        else ("send_messages", N_("Send Messages"))
    )
    # Without View or Send, Discord also drops Embed Links: name only the root cause.
    for needed in (("view_channel", N_("View Channel")), send, ("embed_links", N_("Embed Links"))):
        if not getattr(perms, needed[0]):
            return [needed[1]]
    return []


def _outcome(verb: str, channel: str, schedule: str, tr: i18n.Localizer) -> str:
    if verb == "Resumed and updated":
        return tr.gettext("Resumed and updated {channel}: {schedule}", channel=channel, schedule=schedule)
    if verb == "Updated":
        return tr.gettext("Updated {channel}: {schedule}", channel=channel, schedule=schedule)
    return tr.gettext("Subscribed {channel}: {schedule}", channel=channel, schedule=schedule)


class SubscriptionsCog(commands.Cog):
    """Each command carries Manage Server as its default permission and is guild-only:
    on a plain ``Cog`` those decorators reach Discord only when placed on the command."""

    def __init__(self, bot: BriefBot, desk: SubscriptionDesk) -> None:
        self.bot = bot
        self.desk = desk

    def _require_manager(self, interaction: discord.Interaction, refusal: Message) -> discord.Guild:
        """The server, from the bot's own cache: a command used where the bot is not a member
        (a user install) has no subscriptions to manage."""
        guild = self.bot.get_guild(interaction.guild_id) if interaction.guild_id is not None else None
        if guild is None:
            raise UserFacingError(
                N_("Subscriptions are per server: use this command in a server channel where I am a member.")
            )
        if not interaction.permissions.manage_guild:
            raise PermissionDeniedError(refusal)
        return guild

    def _resolve_channel(self, interaction: discord.Interaction, channel_id: int, name: str) -> Postable:
        """The channel from the bot's own cache, so its server is the real one (the
        option's own guild id is just the interaction's)."""
        resolved = self.bot.get_channel(channel_id)
        guild = getattr(resolved, "guild", None)
        if guild is not None and guild.id != interaction.guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
        if not isinstance(resolved, Postable):
            raise UserFacingError(N_("I can't see #{name}; check that I have View Channel there.", name=name))
        return resolved

    @app_commands.command(name="subscribe", description="Post new briefings to a channel on a schedule")
    @app_commands.guild_only()
    @in_servers_only
    @in_server_channels
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        channel="Where to post",
        schedule="instant (as they arrive), hourly, daily or weekly digests",
        time="For daily/weekly: HH:MM, 24-hour (default 09:00)",
        timezone="IANA time zone for the time, e.g. Europe/Kyiv",
        day="For weekly: which day",
        topics="Only these topics (comma-separated tags)",
        keywords="Only briefings mentioning these words (comma-separated)",
        backfill="Also post this many of the newest briefings now (0-5)",
        role="A role to mention with each post",
        alerts="Where to tell managers if posting here fails",
    )
    @app_commands.choices(  # type: ignore[misc]
        schedule=[app_commands.Choice(name=k.value, value=k.value) for k in ScheduleKind],
        day=[app_commands.Choice(name=d.title(), value=i) for i, d in enumerate(WEEKDAYS)],
    )
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: app_commands.AppCommandChannel | app_commands.AppCommandThread,
        schedule: str = "instant",
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        day: int | None = None,
        topics: app_commands.Range[str, 1, 300] | None = None,
        keywords: app_commands.Range[str, 1, 300] | None = None,
        backfill: app_commands.Range[int, 0, 5] = 0,
        role: discord.Role | None = None,
        alerts: app_commands.AppCommandChannel | None = None,
    ) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction, N_("You need Manage Server to subscribe a channel."))
        target = self._resolve_channel(interaction, channel.id, channel.name)
        missing = missing_post_permissions(target, guild.me)
        if missing:
            raise UserFacingError(
                N_(
                    "I can't post in {channel}: I need {permissions} there.",
                    channel=target.mention,
                    permissions=", ".join(tr.text(m) for m in missing),
                )
            )
        if alerts is not None:
            self._resolve_channel(interaction, alerts.id, alerts.name)
        # discord.py builds the option's Role on the interaction's guild, so its
        # ``guild`` is always this server: look the id up in this server's roles.
        if role is not None and guild.get_role(role.id) is None:
            raise PermissionDeniedError(N_("The role must be in this server."))
        request = SubscribeRequest(
            channel_id=target.id,
            guild_id=guild.id,
            schedule=schedule,
            time=time,
            timezone=timezone,
            day=day,
            topics=topics,
            keywords=keywords,
            role_id=role.id if role else None,
            alerts_channel_id=alerts.id if alerts else None,
            backfill=backfill,
        )
        self.desk.check(request)  # a typo is answered at once
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.desk.subscribe(request)
        stored = outcome.subscription
        text = _outcome(outcome.verb, target.mention, describe(stored, tr), tr)
        if stored.topics:
            text += tr.gettext(", topics {topics}", topics=", ".join(stored.topics))
        if stored.keywords:
            text += tr.gettext(", keywords {keywords}", keywords=", ".join(stored.keywords))
        if role is not None:
            text += tr.gettext(", mentioning {role}", role=role.mention)
        if outcome.next_digest is not None:
            text += tr.gettext(". Next digest {when}", when=render.timestamp(outcome.next_digest, "f"))
        if backfill:
            text += tr.ngettext(". Posting the {n} newest now", ". Posting the {n} newest now", backfill)
        await interaction.edit_original_response(content=text + ".", allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_names(current)[:25]]

    @app_commands.command(name="unsubscribe", description="Stop posting briefings to a channel")
    @app_commands.guild_only()
    @in_servers_only
    @in_server_channels
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(channel="The channel to stop posting to")
    async def unsubscribe(
        self,
        interaction: discord.Interaction,
        channel: app_commands.AppCommandChannel | app_commands.AppCommandThread,
    ) -> None:
        guild = self._require_manager(interaction, N_("You need Manage Server to unsubscribe a channel."))
        resolved = self.bot.get_channel(channel.id)
        channel_guild = getattr(resolved, "guild", None)
        if channel_guild is not None and channel_guild.id != guild.id:
            raise PermissionDeniedError(OTHER_SERVER)
        await self.desk.unsubscribe(channel.id, guild.id)
        log.info("channel %d unsubscribed by user %d", channel.id, interaction.user.id)
        await interaction.response.send_message(
            reader(interaction).gettext("{channel} will get no more briefings.", channel=f"<#{channel.id}>"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="subscriptions", description="This server's subscribed channels and their schedules"
    )
    @app_commands.guild_only()
    @in_servers_only
    @in_server_channels
    @app_commands.default_permissions(manage_guild=True)
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        tr = reader(interaction)
        guild = self._require_manager(
            interaction, N_("You need Manage Server to see this server's subscriptions.")
        )
        subs = await self.desk.of_guild(guild.id)
        embed = discord.Embed(title=tr.gettext("Subscriptions"), colour=render.BRAND_COLOUR)
        for sub in subs[:25]:
            lines = [describe(sub, tr)]
            if sub.topics:
                lines.append(tr.gettext("Topics: {topics}", topics=", ".join(sub.topics)))
            if sub.keywords:
                lines.append(tr.gettext("Keywords: {keywords}", keywords=", ".join(sub.keywords)))
            if sub.role_id:
                lines.append(tr.gettext("Mentions {role}", role=f"<@&{sub.role_id}>"))
            if sub.paused_reason:
                # The reason is stored as the engine wrote it, in English.
                lines.append(
                    "⏸️ "
                    + tr.gettext("Paused: {reason}. /subscribe again to resume.", reason=sub.paused_reason)
                )
            else:
                lines.append("▶️ " + tr.gettext("Active"))
                next_digest = self.desk.next_digest(sub)
                if next_digest is not None:
                    lines.append(tr.gettext("Next: {when}", when=render.timestamp(next_digest, "f")))
            if sub.last_delivery_at:
                last = render.timestamp(sub.last_delivery_at, "R")
                lines.append(tr.gettext("Last delivery: {when}", when=last))
            else:
                lines.append(tr.gettext("Last delivery: never"))
            embed.add_field(
                name=f"#{self._channel_name(sub.channel_id)}", value="\n".join(lines)[:1024], inline=False
            )
        if len(subs) > 25:
            embed.set_footer(
                text=tr.ngettext(
                    "Showing 25 of {n} subscriptions", "Showing 25 of {n} subscriptions", len(subs)
                )
            )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _channel_name(self, channel_id: int) -> str:
        channel = self.bot.get_channel(channel_id)
        return getattr(channel, "name", None) or str(channel_id)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(SubscriptionsCog(bot, bot.subscriptions))
