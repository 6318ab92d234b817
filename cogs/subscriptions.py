"""Server-manager commands: /subscribe, /unsubscribe, /subscriptions.

Discord's default permission (Manage Server) is only a default that admins can
change, so each command checks Manage Server again here, refuses channels of
other servers, and checks the bot can actually post before accepting.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.errors import PermissionDeniedError, UserFacingError
from bot.models import ScheduleKind, Subscription
from bot.schedule import WEEKDAYS, describe, next_run, parse_schedule_options
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

POSTABLE = [
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
]
Postable = discord.TextChannel | discord.Thread


def _split_list(text: str | None, *, lower: bool = True) -> tuple[str, ...]:
    if not text:
        return ()
    items = [" ".join(part.split()) for part in text.split(",")]
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen[item.casefold() if lower else item] = None
    return tuple(seen)[:20]


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


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SubscriptionsCog(commands.Cog):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

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
        options = parse_schedule_options(
            schedule, time, timezone, day, self.bot.config.schedule.default_timezone
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        storage = self.bot.storage
        existing = await storage.get_subscription(target.id)
        sub = Subscription(
            channel_id=target.id,
            guild_id=guild.id,
            schedule=options.schedule,
            time=options.time,
            weekday=options.weekday,
            timezone=options.timezone,
            topics=_split_list(topics),
            keywords=_split_list(keywords),
            role_id=role.id if role else None,
            alerts_channel_id=alerts.id if alerts else None,
            since_briefing_id=existing.since_briefing_id if existing else await storage.max_briefing_id(),
        )
        if existing is not None:
            sub = replace(sub, created_at=existing.created_at)
        stored = await self.bot.subscribe(sub, backfill=backfill)
        verb = (
            "Resumed and updated"
            if existing and existing.paused_reason
            else "Updated"
            if existing
            else "Subscribed"
        )
        text = f"{verb} {target.mention}: {describe(stored)}"
        if stored.topics:
            text += f", topics {', '.join(stored.topics)}"
        if stored.keywords:
            text += f", keywords {', '.join(stored.keywords)}"
        if role is not None:
            text += f", mentioning {role.mention}"
        if stored.schedule not in (ScheduleKind.INSTANT,):
            when = next_run(stored, discord.utils.utcnow())
            text += f". Next digest {render.timestamp(when, 'f')}"
        if backfill:
            text += f". Posting the {backfill} newest now"
        log.info(
            "channel %d subscribed (%s) in guild %d by user %d",
            target.id,
            stored.schedule,
            guild.id,
            interaction.user.id,
        )
        await interaction.edit_original_response(content=text + ".", allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        from bot.schedule import _zones_by_folded_name

        folded = current.strip().casefold()
        names = sorted(z for key, z in _zones_by_folded_name().items() if folded in key)
        return [app_commands.Choice(name=z, value=z) for z in names[:25]]

    @app_commands.command(name="unsubscribe", description="Stop posting briefings to a channel")
    @app_commands.describe(channel="The channel to stop posting to")
    async def unsubscribe(
        self,
        interaction: discord.Interaction,
        channel: app_commands.AppCommandChannel | app_commands.AppCommandThread,
    ) -> None:
        self._require_manager(interaction, "unsubscribe a channel")
        existing = await self.bot.storage.get_subscription(channel.id)
        resolved = self.bot.get_channel(channel.id)
        guild_id = existing.guild_id if existing else getattr(getattr(resolved, "guild", None), "id", None)
        if guild_id is not None and guild_id != interaction.guild_id:
            raise PermissionDeniedError("You can only manage channels of this server.")
        if existing is None or not await self.bot.unsubscribe(channel.id):
            raise UserFacingError(f"<#{channel.id}> has no subscription.")
        log.info("channel %d unsubscribed by user %d", channel.id, interaction.user.id)
        await interaction.response.send_message(
            f"<#{channel.id}> will get no more briefings.", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="subscriptions", description="This server's subscribed channels and their schedules"
    )
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        guild = self._require_manager(interaction, "see this server's subscriptions")
        subs = await self.bot.storage.subscriptions(guild_id=guild.id)
        if not subs:
            raise UserFacingError("No channel here is subscribed yet: use /subscribe.")
        now = discord.utils.utcnow()
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
                if sub.schedule is not ScheduleKind.INSTANT:
                    lines.append("Next: " + render.timestamp(next_run(sub, now), "f"))
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
    await bot.add_cog(SubscriptionsCog(bot))
