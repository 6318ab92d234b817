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

from bot import render
from bot.errors import PermissionDeniedError, UserFacingError
from bot.models import ScheduleKind
from bot.subscriptions import SubscribeRequest, SubscriptionDesk
from bot.timetable import WEEKDAYS, describe, zone_names
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

Postable = discord.TextChannel | discord.Thread


def missing_post_permissions(channel: Postable, me: discord.Member) -> list[str]:
    """What the bot lacks to post briefing cards in ``channel``."""
    perms = channel.permissions_for(me)
    send = (
        ("send_messages_in_threads", "Send Messages in Threads")
        if isinstance(channel, discord.Thread)
        else ("send_messages", "Send Messages")
    )
    # Without View or Send, Discord also drops Embed Links: name only the root cause.
    for needed in (("view_channel", "View Channel"), send, ("embed_links", "Embed Links")):
        if not getattr(perms, needed[0]):
            return [needed[1]]
    return []


class SubscriptionsCog(commands.Cog):
    """Each command carries Manage Server as its default permission and is guild-only:
    on a plain ``Cog`` those decorators reach Discord only when placed on the command."""

    def __init__(self, bot: BriefBot, desk: SubscriptionDesk) -> None:
        self.bot = bot
        self.desk = desk

    def _require_manager(self, interaction: discord.Interaction, action: str) -> discord.Guild:
        if interaction.guild is None or interaction.guild_id is None:
            raise UserFacingError("Subscriptions are per server: use this command in a server channel.")
        if not interaction.permissions.manage_guild:
            raise PermissionDeniedError(f"You need Manage Server to {action}.")
        return interaction.guild

    def _resolve_channel(self, interaction: discord.Interaction, channel_id: int, name: str) -> Postable:
        """The channel from the bot's own cache, so its server is the real one (the
        option's own guild id is just the interaction's)."""
        resolved = self.bot.get_channel(channel_id)
        guild = getattr(resolved, "guild", None)
        if guild is not None and guild.id != interaction.guild_id:
            raise PermissionDeniedError("You can only manage channels of this server.")
        if not isinstance(resolved, Postable):
            raise UserFacingError(f"I can't see #{name}; check that I have View Channel there.")
        return resolved

    @app_commands.command(name="subscribe", description="Post new briefings to a channel on a schedule")
    @app_commands.guild_only()
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
        guild = self._require_manager(interaction, "subscribe a channel")
        target = self._resolve_channel(interaction, channel.id, channel.name)
        missing = missing_post_permissions(target, guild.me)
        if missing:
            raise UserFacingError(f"I can't post in {target.mention}: I need {', '.join(missing)} there.")
        if alerts is not None:
            self._resolve_channel(interaction, alerts.id, alerts.name)
        # discord.py builds the option's Role on the interaction's guild, so its
        # ``guild`` is always this server: look the id up in this server's roles.
        if role is not None and guild.get_role(role.id) is None:
            raise PermissionDeniedError("The role must be in this server.")
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
        text = f"{outcome.verb} {target.mention}: {describe(stored)}"
        if stored.topics:
            text += f", topics {', '.join(stored.topics)}"
        if stored.keywords:
            text += f", keywords {', '.join(stored.keywords)}"
        if role is not None:
            text += f", mentioning {role.mention}"
        if outcome.next_digest is not None:
            text += f". Next digest {render.timestamp(outcome.next_digest, 'f')}"
        if backfill:
            text += f". Posting the {backfill} newest now"
        await interaction.edit_original_response(content=text + ".", allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_names(current)[:25]]

    @app_commands.command(name="unsubscribe", description="Stop posting briefings to a channel")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(channel="The channel to stop posting to")
    async def unsubscribe(
        self,
        interaction: discord.Interaction,
        channel: app_commands.AppCommandChannel | app_commands.AppCommandThread,
    ) -> None:
        guild = self._require_manager(interaction, "unsubscribe a channel")
        resolved = self.bot.get_channel(channel.id)
        channel_guild = getattr(resolved, "guild", None)
        if channel_guild is not None and channel_guild.id != guild.id:
            raise PermissionDeniedError("You can only manage channels of this server.")
        await self.desk.unsubscribe(channel.id, guild.id)
        log.info("channel %d unsubscribed by user %d", channel.id, interaction.user.id)
        await interaction.response.send_message(
            f"<#{channel.id}> will get no more briefings.", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="subscriptions", description="This server's subscribed channels and their schedules"
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        guild = self._require_manager(interaction, "see this server's subscriptions")
        subs = await self.desk.of_guild(guild.id)
        embed = discord.Embed(title="Subscriptions", colour=render.BRAND_COLOUR)
        for sub in subs[:25]:
            lines = [describe(sub)]
            if sub.topics:
                lines.append("Topics: " + ", ".join(sub.topics))
            if sub.keywords:
                lines.append("Keywords: " + ", ".join(sub.keywords))
            if sub.role_id:
                lines.append(f"Mentions <@&{sub.role_id}>")
            if sub.paused_reason:
                lines.append(f"⏸️ Paused: {sub.paused_reason}. /subscribe again to resume.")
            else:
                lines.append("▶️ Active")
                next_digest = self.desk.next_digest(sub)
                if next_digest is not None:
                    lines.append("Next: " + render.timestamp(next_digest, "f"))
            last = render.timestamp(sub.last_delivery_at, "R") if sub.last_delivery_at else "never"
            lines.append(f"Last delivery: {last}")
            embed.add_field(
                name=f"#{self._channel_name(sub.channel_id)}", value="\n".join(lines)[:1024], inline=False
            )
        if len(subs) > 25:
            embed.set_footer(text=f"Showing 25 of {len(subs)} subscriptions")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _channel_name(self, channel_id: int) -> str:
        channel = self.bot.get_channel(channel_id)
        return getattr(channel, "name", None) or str(channel_id)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(SubscriptionsCog(bot, bot.subscriptions))
