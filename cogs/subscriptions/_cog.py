"""The commands: /subscribe, /unsubscribe, the /subscriptions group and /notify.

Discord's default permission (Manage Server) is only a default that admins can change, so
every server-management command checks Manage Server again here, refuses channels of other
servers, and checks the bot can actually post before accepting. Each makes one call to the
``SubscriptionDesk`` and renders what it returns.
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
from bot.i18n.commands import reader, server
from bot.models import ScheduleKind
from bot.subscriptions import (
    MAX_PER_HOUR,
    OTHER_SERVER,
    STYLES,
    SubscribeOutcome,
    SubscribeRequest,
    SubscriptionDesk,
)
from bot.timetable import WEEKDAYS, describe, zone_names
from bot.webhooks import clean_name
from cogs.reader import NO_MENTIONS, briefing_choices
from cogs.subscriptions._follow import MODES, add_follows, check_follow_target, followed, refused_options
from cogs.subscriptions._forum_tags import check_create_tags
from cogs.subscriptions._notify import NotifyButton, assignable, check_plain, toggle_topic
from cogs.subscriptions._render import log_embed, message_link, subscriptions_embed
from cogs.subscriptions._webhook import check_webhook_target

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

Postable = discord.TextChannel | discord.Thread
Target = Postable | discord.ForumChannel  # forum and media channels take each briefing as a post
ChannelOption = app_commands.AppCommandChannel | app_commands.AppCommandThread

# Guild-installed and used in servers only: a server's subscriptions are its managers' business.
in_servers_only = app_commands.allowed_installs(guilds=True, users=False)
in_server_channels = app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)

MANAGE_REFUSAL = N_("You need Manage Server to manage this server's subscriptions.")


def missing_post_permissions(channel: Target, me: discord.Member) -> list[Message]:
    """What the bot lacks to post briefing cards in ``channel``, named as Discord names it.

    In a forum it creates posts (Send Messages, which Discord calls Create Posts there) and
    must read the forum's archived posts to make sure, after a crash, that it does not post
    one twice (Read Message History)."""
    perms = channel.permissions_for(me)
    send = (
        ("send_messages_in_threads", N_("Send Messages in Threads"))
        if isinstance(channel, discord.Thread)
        else ("send_messages", N_("Create Posts"))
        if isinstance(channel, discord.ForumChannel)
        else ("send_messages", N_("Send Messages"))
    )
    # Without View or Send, Discord also drops Embed Links: name only the root cause.
    for needed in (("view_channel", N_("View Channel")), send, ("embed_links", N_("Embed Links"))):
        if not getattr(perms, needed[0]):
            return [needed[1]]
    if isinstance(channel, discord.ForumChannel) and not perms.read_message_history:
        return [N_("Read Message History")]
    return []


def _outcome(verb: str, channel: str, schedule: str, tr: i18n.Localizer) -> str:
    if verb == "Resumed and updated":
        return tr.gettext("Resumed and updated {channel}: {schedule}", channel=channel, schedule=schedule)
    if verb == "Updated":
        return tr.gettext("Updated {channel}: {schedule}", channel=channel, schedule=schedule)
    return tr.gettext("Subscribed {channel}: {schedule}", channel=channel, schedule=schedule)


def _style_clause(style: str | None, tr: i18n.Localizer) -> str:
    """How the channel's posts look, when it chose (nothing: the operator's setting)."""
    if style == "components":
        return tr.gettext(", as cards")
    if style == "embed":
        return tr.gettext(", as classic embeds")
    return ""


def _subscribed(
    outcome: SubscribeOutcome, channel: str, role: discord.Role | None, backfill: int, tr: i18n.Localizer
) -> str:
    """What /subscribe answers: the subscription as stored, one clause a setting."""
    stored = outcome.subscription
    text = _outcome(outcome.verb, channel, describe(stored, tr), tr)
    if stored.topics:
        text += tr.gettext(", topics {topics}", topics=", ".join(stored.topics))
    if stored.keywords:
        text += tr.gettext(", keywords {keywords}", keywords=", ".join(stored.keywords))
    if stored.exclude_topics:
        text += tr.gettext(", never topics {topics}", topics=", ".join(stored.exclude_topics))
    if stored.exclude_keywords:
        text += tr.gettext(", never keywords {keywords}", keywords=", ".join(stored.exclude_keywords))
    if role is not None:
        text += tr.gettext(", mentioning {role}", role=role.mention)
    if stored.max_per_hour:
        text += tr.ngettext(", at most {n} post an hour", ", at most {n} posts an hour", stored.max_per_hour)
    if stored.thread_archive_minutes:
        text += tr.gettext(", a discussion thread on each post")
    if stored.publish:
        text += tr.gettext(", each post published to following servers (at most 10 an hour)")
    text += _style_clause(stored.card_style, tr)
    if stored.create_tags:
        text += tr.gettext(", missing forum tags created")
    if outcome.next_digest is not None:
        text += tr.gettext(". Next digest {when}", when=render.timestamp(outcome.next_digest, "f"))
    if backfill:
        text += tr.ngettext(". Posting the {n} newest now", ". Posting the {n} newest now", backfill)
    return text


class SubscriptionsCog(commands.Cog):
    """Each top-level command carries Manage Server as its default permission and is
    guild-only (on a plain ``Cog`` those decorators reach Discord only when placed on the
    command); the ``/subscriptions`` group carries them on the group."""

    group = app_commands.Group(
        name="subscriptions",
        description="This server's subscriptions: list, test, log, pause, move and topic pings",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
    )

    def __init__(self, bot: BriefBot, desk: SubscriptionDesk) -> None:
        self.bot = bot
        self.desk = desk

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(NotifyButton)  # the panels' buttons, also those posted before a restart

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(NotifyButton)

    # -- the checks only Discord can answer ------------------------------------------------

    def _require_manager(
        self, interaction: discord.Interaction, refusal: Message = MANAGE_REFUSAL
    ) -> discord.Guild:
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
        """A text channel or thread (for panels and alerts, which are messages)."""
        resolved = self._resolve_target(interaction, channel_id, name)
        if isinstance(resolved, discord.ForumChannel):
            raise UserFacingError(
                N_("{channel} is a forum: choose a text channel for this.", channel=resolved.mention)
            )
        return resolved

    def _resolve_target(self, interaction: discord.Interaction, channel_id: int, name: str) -> Target:
        """The channel from the bot's own cache, so its server is the real one (the
        option's own guild id is just the interaction's)."""
        resolved = self.bot.get_channel(channel_id)
        guild = getattr(resolved, "guild", None)
        if guild is not None and guild.id != interaction.guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
        if not isinstance(resolved, Target):
            raise UserFacingError(N_("I can't see #{name}; check that I have View Channel there.", name=name))
        return resolved

    def _postable(
        self, interaction: discord.Interaction, guild: discord.Guild, channel: ChannelOption
    ) -> Target:
        """A channel of this server the bot can post cards in (a forum: posts); an error
        naming what it lacks."""
        target = self._resolve_target(interaction, channel.id, channel.name)
        missing = missing_post_permissions(target, guild.me)
        if missing:
            tr = reader(interaction)
            raise UserFacingError(
                N_(
                    "I can't post in {channel}: I need {permissions} there.",
                    channel=target.mention,
                    permissions=", ".join(tr.text(m) for m in missing),
                )
            )
        return target

    def _check_threads(
        self, target: Target, guild: discord.Guild, tr: i18n.Localizer, *, wanted: bool
    ) -> None:
        """Discussion threads (when ``wanted``): only on a text or announcement channel's posts
        (a forum's posts are threads already), and the bot needs Create Public Threads there."""
        if not wanted:
            return
        if not isinstance(target, discord.TextChannel):
            raise UserFacingError(
                N_(
                    "Discussion threads need a text or announcement channel; {channel} is not one.",
                    channel=target.mention,
                )
            )
        if not target.permissions_for(guild.me).create_public_threads:
            needed = N_("Create Public Threads")
            raise UserFacingError(
                N_(
                    "I can't start discussion threads in {channel}: I need {permissions} there.",
                    channel=target.mention,
                    permissions=tr.text(needed),
                )
            )

    def _check_publish(self, target: Target, *, wanted: bool) -> None:
        """Publishing (when ``wanted``) needs an announcement channel."""
        if wanted and not (isinstance(target, discord.TextChannel) and target.is_news()):
            raise UserFacingError(
                N_(
                    "Only posts in an announcement channel can be published; {channel} is not one.",
                    channel=target.mention,
                )
            )

    def _this_server(self, guild: discord.Guild, channel_id: int) -> None:
        """Refuse a channel the bot knows to be another server's (one it cannot see, or that
        was deleted, is left to the service, which knows the subscription's server)."""
        channel_guild = getattr(self.bot.get_channel(channel_id), "guild", None)
        if channel_guild is not None and channel_guild.id != guild.id:
            raise PermissionDeniedError(OTHER_SERVER)

    # -- /subscribe and /unsubscribe ----------------------------------------------------------

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
        exclude_topics="Never these topics, whatever else matches (comma-separated tags)",
        exclude_keywords="Never briefings mentioning these words (comma-separated)",
        per_hour="Instant only: at most this many posts an hour; the rest come as one digest",
        thread="Text and announcement channels: a discussion thread on each post",
        thread_archive="How long a discussion thread stays open without messages",
        publish="Announcement channels: publish each post to the servers following the channel",
        mode="post: the bot posts here; follow: this channel follows a home channel through Discord",
        topic="mode:follow: the home channel to follow, by topic (default: all)",
        webhook="Post through a webhook with its own name and avatar (the bot needs Manage Webhooks)",
        webhook_name="webhook:true: the name its posts show (1-80 characters)",
        webhook_avatar="webhook:true: an https:// link to the avatar image of its posts",
        style="How posts look here: cards with buttons, or classic embeds (default: the bot's setting)",
        create_tags="Forums: create the tags a post's topics name and the forum lacks (needs Manage Channels)",
    )
    @app_commands.choices(  # type: ignore[misc]
        schedule=[app_commands.Choice(name=k.value, value=k.value) for k in ScheduleKind],
        day=[app_commands.Choice(name=d.title(), value=i) for i, d in enumerate(WEEKDAYS)],
        thread_archive=[
            app_commands.Choice(name="1 hour", value=60),
            app_commands.Choice(name="24 hours", value=1440),
            app_commands.Choice(name="3 days", value=4320),
            app_commands.Choice(name="1 week", value=10080),
        ],
        mode=[app_commands.Choice(name=m, value=m) for m in MODES],
        style=[app_commands.Choice(name=s, value=s) for s in STYLES],
    )
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: ChannelOption,
        schedule: str = "instant",
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        day: int | None = None,
        topics: app_commands.Range[str, 1, 300] | None = None,
        keywords: app_commands.Range[str, 1, 300] | None = None,
        backfill: app_commands.Range[int, 0, 5] = 0,
        role: discord.Role | None = None,
        alerts: app_commands.AppCommandChannel | None = None,
        exclude_topics: app_commands.Range[str, 1, 300] | None = None,
        exclude_keywords: app_commands.Range[str, 1, 300] | None = None,
        per_hour: app_commands.Range[int, 1, MAX_PER_HOUR] | None = None,
        thread: bool = False,
        thread_archive: int | None = None,
        publish: bool = False,
        mode: str = "post",
        topic: app_commands.Range[str, 1, 80] | None = None,
        webhook: bool = False,
        webhook_name: app_commands.Range[str, 1, 100] | None = None,
        webhook_avatar: app_commands.Range[str, 1, 600] | None = None,
        style: str | None = None,
        create_tags: bool = False,
    ) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction, N_("You need Manage Server to subscribe a channel."))
        if mode == "follow" and (webhook or webhook_name is not None or webhook_avatar is not None):
            raise UserFacingError(
                N_("mode:follow posts nothing from the bot, so it takes no webhook options.")
            )
        if mode == "follow":
            self.bot.follows.check_options(
                refused_options(
                    schedule=schedule if schedule != "instant" else None,
                    time=time,
                    timezone=timezone,
                    day=day is not None,
                    topics=topics,
                    keywords=keywords,
                    backfill=backfill,
                    role=role is not None,
                    alerts=alerts is not None,
                    exclude_topics=exclude_topics,
                    exclude_keywords=exclude_keywords,
                    per_hour=per_hour,
                    thread=thread or thread_archive is not None,
                    publish=publish,
                    style=style,
                    create_tags=create_tags,
                )
            )
            await self._follow(interaction, guild, channel, topic, tr)
            return
        if topic is not None:
            raise UserFacingError(
                N_("topic picks the home channel of mode:follow; to filter posts, use topics.")
            )
        target = self._postable(interaction, guild, channel)
        await self.bot.follows.refuse_if_following(target.id)
        self._check_threads(target, guild, tr, wanted=thread or thread_archive is not None)
        self._check_publish(target, wanted=publish)
        check_webhook_target(target, guild.me, tr, wanted=webhook)
        check_create_tags(target, guild.me, wanted=create_tags)
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
            exclude_topics=exclude_topics,
            exclude_keywords=exclude_keywords,
            per_hour=per_hour,
            thread=thread,
            thread_archive=thread_archive,
            publish=publish,
            forum=isinstance(target, discord.ForumChannel),
            webhook=webhook,
            webhook_name=webhook_name,
            webhook_avatar=webhook_avatar,
            style=style,
            create_tags=create_tags,
        )
        self.desk.check(request)  # a typo is answered at once
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.desk.subscribe(request)
        text = _subscribed(outcome, target.mention, role, backfill, tr) + "."
        if webhook:
            text += " " + tr.gettext("Posts come from the webhook {name}.", name=clean_name(webhook_name))
        await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

    async def _follow(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        channel: ChannelOption,
        topic: str | None,
        tr: i18n.Localizer,
    ) -> None:
        """/subscribe ... mode:follow: the channel follows a home channel through Discord."""
        self.bot.follows.home_channel(topic)  # follow mode on, the topic known: answered at once
        target = check_follow_target(self._resolve_target(interaction, channel.id, channel.name), guild.me)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.bot.follows.follow(target.id, guild.id, topic)
        text = followed(outcome, target.mention, self._channel_name, tr)
        await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("topic")
    async def _home_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in self.bot.follows.topics(current)[:25]]

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
    async def unsubscribe(self, interaction: discord.Interaction, channel: ChannelOption) -> None:
        guild = self._require_manager(interaction, N_("You need Manage Server to unsubscribe a channel."))
        self._this_server(guild, channel.id)
        text = reader(interaction).gettext(
            "{channel} will get no more briefings.", channel=f"<#{channel.id}>"
        )
        if await self.bot.follows.following(channel.id) is not None:
            # Deleting the follower webhook is a Discord call: answer "thinking…" first, so
            # a slow one cannot outlast the 3 seconds Discord gives the first reply.
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.bot.follows.unfollow(channel.id, guild.id)
            log.info("channel %d unfollowed by user %d", channel.id, interaction.user.id)
            await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
            return
        await self.desk.unsubscribe(channel.id, guild.id)
        log.info("channel %d unsubscribed by user %d", channel.id, interaction.user.id)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- /subscriptions ...  ---------------------------------------------------------------

    @group.command(name="list", description="This server's subscribed channels and their schedules")
    async def list_(self, interaction: discord.Interaction) -> None:
        tr = reader(interaction)
        guild = self._require_manager(
            interaction, N_("You need Manage Server to see this server's subscriptions.")
        )
        follows = await self.bot.follows.of_guild(guild.id)
        try:
            subs = await self.desk.of_guild(guild.id)
        except UserFacingError:  # none: fine when channels follow
            if not follows:
                raise
            subs = []
        embed = subscriptions_embed(subs, tr, name_of=self._channel_name, next_digest=self.desk.next_digest)
        add_follows(embed, follows, tr, self._channel_name, room=max(0, 25 - len(embed.fields)))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name="ping", description="Mention a role when a post to a channel carries a topic")
    @app_commands.describe(
        channel="The subscribed channel",
        topic="The topic (a tag) whose posts mention the role",
        role="The role to mention; leave out to stop mentioning one for this topic",
    )
    async def ping(
        self,
        interaction: discord.Interaction,
        channel: ChannelOption,
        topic: app_commands.Range[str, 1, 80],
        role: discord.Role | None = None,
    ) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        self._this_server(guild, channel.id)
        found = guild.get_role(role.id) if role is not None else None
        if role is not None and found is None:
            raise PermissionDeniedError(N_("The role must be in this server."))
        if found is not None:
            check_plain(guild, found)  # members must not hand themselves permissions
        outcome = await self.desk.set_topic_role(channel.id, guild.id, topic, found.id if found else None)
        where = f"<#{channel.id}>"
        if found is None:
            text = tr.gettext(
                "Posts to {channel} about '{topic}' will no longer mention a role.",
                channel=where,
                topic=outcome.topic,
            )
        else:
            text = tr.gettext(
                "Posts to {channel} about '{topic}' will mention {role}. Members opt in with /notify or a "
                "panel (/subscriptions panel).",
                channel=where,
                topic=outcome.topic,
                role=found.mention,
            )
            me = guild.me
            if not (found.mentionable or me.guild_permissions.mention_everyone):
                text += "\n" + tr.gettext(
                    "Note: I can't ping {role} yet: make it mentionable, or give me Mention @everyone, "
                    "@here and All Roles.",
                    role=found.mention,
                )
            if not assignable(guild, found):
                text += "\n" + tr.gettext(
                    "Note: members can't opt in until I have Manage Roles and my highest role is above {role}.",
                    role=found.mention,
                )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name="panel", description="Post buttons members press to get or stop topic pings")
    @app_commands.describe(channel="Where to post the panel (default: here)")
    async def panel(self, interaction: discord.Interaction, channel: ChannelOption | None = None) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        channel_id = channel.id if channel is not None else interaction.channel_id
        if channel_id is None:
            raise UserFacingError(N_("Name the channel to post the panel in."))
        target = self._resolve_channel(interaction, channel_id, channel.name if channel else "?")
        missing = missing_post_permissions(target, guild.me)
        if missing:
            raise UserFacingError(
                N_(
                    "I can't post in {channel}: I need {permissions} there.",
                    channel=target.mention,
                    permissions=", ".join(tr.text(m) for m in missing),
                )
            )
        topics = await self.desk.panel_topics(guild.id)
        posted_in = server(guild)  # a post in a channel: the server's language
        view = discord.ui.View(timeout=None)
        for topic in topics:
            view.add_item(NotifyButton(topic))
        embed = discord.Embed(
            title=posted_in.gettext("Topic pings"),
            description=posted_in.gettext(
                "Press a topic to be pinged when a briefing about it is posted here; press it again to stop."
            ),
            colour=render.BRAND_COLOUR,
        )
        message = await target.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        link = message_link(guild.id, target.id, message.id)
        text = tr.gettext("Posted the panel in {channel}: {link}", channel=target.mention, link=link)
        perms = target.permissions_for(guild.me)
        pinned = False
        if perms.pin_messages or perms.manage_messages:
            try:
                await message.pin(reason="briefbot /subscriptions panel")
                pinned = True
            except discord.HTTPException as exc:
                log.warning("could not pin the panel in channel %d: %s", target.id, exc)
        text += "\n" + (
            tr.gettext("I pinned it.")
            if pinned
            else tr.gettext("Pin it so members find it (I may not pin there).")
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name="test", description="Post the newest matching briefing now, marked as a test")
    @app_commands.describe(channel="The subscribed channel")
    async def test(self, interaction: discord.Interaction, channel: ChannelOption) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        target = self._postable(interaction, guild, channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self.desk.test_post(target.id, guild.id)
        text = tr.gettext(
            "Posted a test of #{id} {title} to {channel}: {link}. Nothing was recorded; real posts are unaffected.",
            id=posted.briefing_id,
            title=render.escape(posted.title)[:100],
            channel=target.mention,
            link=message_link(guild.id, target.id, posted.message_id),
        )
        await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

    @group.command(
        name="log", description="A channel's last deliveries, and why a briefing did or did not come"
    )
    @app_commands.describe(
        channel="The subscribed channel",
        briefing="Why this briefing was or was not delivered there (type words of its title)",
    )
    async def log_(
        self,
        interaction: discord.Interaction,
        channel: ChannelOption,
        briefing: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        self._this_server(guild, channel.id)
        found = await self.desk.log(channel.id, guild.id, briefing)
        embed = log_embed(
            found,
            tr,
            guild_id=guild.id,
            now=discord.utils.utcnow(),
            poll_seconds=self.bot.config.schedule.poll_seconds,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @log_.autocomplete("briefing")
    async def _briefing(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await briefing_choices(self.bot.newsroom, current, reader(interaction))

    @group.command(name="pause", description="Stop posting to a channel until resumed")
    @app_commands.describe(channel="The subscribed channel")
    async def pause(self, interaction: discord.Interaction, channel: ChannelOption) -> None:
        guild = self._require_manager(interaction)
        self._this_server(guild, channel.id)
        await self.desk.pause(channel.id, guild.id, interaction.user.id)
        text = reader(interaction).gettext(
            "Paused {channel}: nothing is posted there until /subscriptions resume; briefings that "
            "arrive meanwhile wait.",
            channel=f"<#{channel.id}>",
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name="resume", description="Post to a paused channel again")
    @app_commands.describe(channel="The paused channel")
    async def resume(self, interaction: discord.Interaction, channel: ChannelOption) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        self._this_server(guild, channel.id)
        resumed = await self.desk.resume(channel.id, guild.id)
        text = tr.gettext(
            "Resumed {channel}: {schedule}.", channel=f"<#{channel.id}>", schedule=describe(resumed, tr)
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(
        name="move", description="Move a subscription to another channel, settings and history kept"
    )
    @app_commands.rename(from_="from")
    @app_commands.describe(from_="The subscribed channel", to="The channel to post to instead")
    async def move(self, interaction: discord.Interaction, from_: ChannelOption, to: ChannelOption) -> None:
        tr = reader(interaction)
        guild = self._require_manager(interaction)
        self._this_server(guild, from_.id)
        target = self._postable(interaction, guild, to)
        forum = isinstance(target, discord.ForumChannel)
        moved = await self.desk.move(from_.id, target.id, guild.id, forum=forum)
        text = tr.gettext(
            "Moved the subscription of {old} to {new}: {schedule}. What {old} already got is not posted again.",
            old=f"<#{from_.id}>",
            new=target.mention,
            schedule=describe(moved, tr),
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- /notify: members choose their topic pings ------------------------------------------

    @app_commands.command(name="notify", description="Get pinged for a topic's briefings here, or stop")
    @app_commands.guild_only()
    @in_servers_only
    @in_server_channels
    @app_commands.describe(topic="The topic: the first use gives you its role, the next takes it away")
    async def notify(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 80]) -> None:
        await toggle_topic(self.bot, self.desk, interaction, topic)

    @notify.autocomplete("topic")
    async def _topic(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        mapping = await self.desk.topic_roles(interaction.guild_id)
        typed = current.strip().casefold()
        return [app_commands.Choice(name=t, value=t) for t in mapping if typed in t][:25]

    def _channel_name(self, channel_id: int) -> str:
        channel = self.bot.get_channel(channel_id)
        return getattr(channel, "name", None) or str(channel_id)
