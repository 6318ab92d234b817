"""A fake Discord on loopback: REST (aiohttp) and the gateway, with a builder for the world.

Typical use (the fixtures in :mod:`tests.fakediscord.fixtures` do this for you)::

    fake = FakeDiscord()
    guild = fake.add_guild(name="Newsroom")
    chan = fake.add_channel(guild, name="briefings")
    await fake.start()
    with fake.patch_discord():          # discord.py now talks to the fake
        async with fake.run_bot(bot):   # bot.start(fake.token) in a task
            ...
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import secrets
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
from aiohttp import web

from . import components, model
from .edits import EditLimits
from .following import Followers
from .forum_tags import patch_forum_tags
from .gateway import IDENTIFY_WINDOW, Gateway, process_of
from .interactions import InteractionDriver, InteractionRecord
from .limits import ERRORS, MESSAGE_ROUTE, Fault, FaultInjector, RateLimiter, error_body
from .model import Attachment, Channel, Guild, Member, Message, Overwrite, Role, User
from .webhooks import ChannelWebhooks

log = logging.getLogger(__name__)

# typed request-storage keys where aiohttp has them (3.12+), plain strings before
_key = getattr(web, "RequestKey", None)
PAYLOAD: Any = _key("payload", object) if _key else "payload"
FILES: Any = _key("files", list) if _key else "files"

API_PREFIX = "/api/v10"
T = TypeVar("T")
ClientT = TypeVar("ClientT", bound=discord.Client)

# Discord's message limits, enforced like Discord does (400 Invalid Form Body).
CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}
FIELDS_PER_EMBED = 25
NONCE_LIMIT = 25
MESSAGE_ROUTES = (MESSAGE_ROUTE, "/channels/{channel_id}/messages/{message_id}")
# The locales Discord accepts in ``name_localizations`` and ``description_localizations``.
DISCORD_LOCALES = frozenset(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk "
    "hi th zh-CN ja zh-TW ko".split()
)


class DiscordError(Exception):
    """Raised inside a handler to answer with Discord's error JSON."""

    def __init__(self, code: int, status: int | None = None, message: str | None = None, errors: Any = None):
        super().__init__(code)
        self.code = code
        self.status = status or ERRORS.get(code, (400, ""))[0]
        self.body = error_body(code, message, errors)


@dataclass
class RequestRecord:
    method: str
    route: str  # the registered template, e.g. "/channels/{channel_id}/messages"
    path: str
    payload: Any
    status: int = 0
    process: int | None = None  # the launched bot process that sent it (gateway.process_of)
    at: float = field(default_factory=time.time)
    channel_id: int | None = None


@dataclass
class CommandSync:
    method: str
    guild_id: int | None
    payload: Any
    at: float = field(default_factory=time.time)


class FakeDiscord(InteractionDriver):
    """The fake server. Build the world, ``await start()``, point discord.py at it, drive it."""

    def __init__(
        self,
        *,
        token: str | None = None,
        shard_count: int = 1,
        bot_name: str = "BriefBot",
        owner_name: str = "owner",
        team: bool = False,
    ) -> None:
        self.snowflake = model.SnowflakeFactory()
        self.token = token or f"fake.{secrets.token_urlsafe(24)}"
        self.shard_count = shard_count
        # GET /gateway/bot's session_start_limit.max_concurrency: shards of one rate-limit
        # bucket (shard_id % max_concurrency) may IDENTIFY once per 5 s. Refusing a faster
        # IDENTIFY (INVALID_SESSION, as Discord does) is off unless a test turns it on; every
        # IDENTIFY is logged either way (gateway.identify_log, gateway.identify_bursts()).
        self.max_concurrency = 1
        self.enforce_identify_concurrency = False
        self.identify_window = IDENTIFY_WINDOW
        self.bot_user = User(self.snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = User(self.snowflake(), owner_name)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.team_members: list[User] = []
        self.team_id: int | None = self.snowflake() if team else None
        if team:
            self.team_members.append(self.owner)
        self.guilds: dict[int, Guild] = {}
        # DMs and group DMs by id; the users who installed the app to their account.
        self.private_channels: dict[int, Channel] = {}
        self.user_installs: set[int] = set()
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, Attachment] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs: list[CommandSync] = []
        self.requests: list[RequestRecord] = []
        self.unhandled: list[RequestRecord] = []
        self.interactions: dict[int, InteractionRecord] = {}
        self.enforce_permissions = True
        self.enforce_interaction_deadline = True
        self.interaction_deadline = 3.0
        self.nonce_window = 300.0
        # Publishing (crossposting) in an announcement channel: Discord's hourly limit per channel.
        self.publish_limit = 10
        self.publish_window = 3600.0
        self.publishes: dict[int, list[float]] = {}
        self.followers = Followers(self)  # Channel Following: follower webhooks and copies
        # Edits of old and of published messages (30046, 20022): off until a test sets them.
        self.edit_limits = EditLimits()
        # How often wait_until re-checks between changes in the fake, for conditions on the
        # client's own state (its cache, is_ready()) that the fake is not told about.
        self.recheck_interval = 0.05
        self.faults = FaultInjector()
        self.ratelimits = RateLimiter()
        self.channel_webhooks = ChannelWebhooks(self)  # webhooks made in channels (webhooks.py)
        self.gateway = Gateway(self)
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self._change: asyncio.Event | None = None
        self._background: set[asyncio.Future[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ============================================================================== lifecycle
    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        for conn in list(self.gateway.connections):
            if not conn.ws.closed:
                conn.closed = True
                conn.outbox.put_nowait(None)
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=1001)
        for task in list(self._background):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/gateway-resume"

    def patch_discord(self) -> contextlib.AbstractContextManager[None]:
        """Point discord.py (this process only) at this fake until the block exits."""
        from .patch import pointed_at

        return pointed_at(self.base_url)

    def launch_command(self, entry_point: str, *argv: str, python: str | None = None) -> list[str]:
        """argv for running ``entry_point`` (``"pkg.module:func"``) as a subprocess against the fake."""
        import sys

        return [
            python or sys.executable,
            "-m",
            "tests.fakediscord.launch",
            "--base-url",
            self.base_url,
            "--",
            entry_point,
            *argv,
        ]

    @contextlib.asynccontextmanager
    async def run_bot(
        self, bot: ClientT, *, ready: bool = False, timeout: float = 20.0
    ) -> AsyncIterator[ClientT]:
        """Run ``bot.start(fake.token)`` in a task; yield once every shard has identified.

        ``ready=True`` also waits for discord.py's ``on_ready`` (which comes ``guild_ready_timeout``
        seconds after the last GUILD_CREATE, 2 s by default). On exit the bot is closed.
        """
        identified = len(self.gateway.identifies)
        task = asyncio.create_task(bot.start(self.token), name="fake-discord-bot")

        def started() -> bool:
            if task.done():
                return True
            return len(self.gateway.identifies) >= identified + self.shard_count

        try:
            await self.wait_until(started, timeout=timeout, what="the bot to identify on every shard")
            if task.done():
                task.result()  # re-raise a start-up failure
                raise RuntimeError("bot.start() returned before identifying")
            if ready:
                await asyncio.wait_for(bot.wait_until_ready(), timeout)
            yield bot
        finally:
            if not bot.is_closed():
                await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout)

    # ============================================================================== waiting
    def _notify(self) -> None:
        if self._change is not None:
            self._change.set()
        self._change = asyncio.Event()

    async def wait_until(
        self, predicate: Callable[[], T | None], *, timeout: float = 10.0, what: str = "condition"
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every change in the fake, and
        every ``recheck_interval`` seconds in between)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake discord: timed out after {timeout}s waiting for {what}")
            if self._change is None:
                self._change = asyncio.Event()
            event = self._change
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, self.recheck_interval))

    async def wait_for_messages(
        self, channel: Channel | int, count: int = 1, *, timeout: float = 10.0
    ) -> list[Message]:
        """Wait until ``channel`` holds at least ``count`` bot posts; return them (oldest first)."""
        cid = _id(channel)
        return await self.wait_until(
            lambda: msgs if len(msgs := self.posts(cid)) >= count else None,
            timeout=timeout,
            what=f"{count} message(s) in channel {cid}",
        )

    async def wait_for_resume(self, shard_id: int = 0, count: int = 1, *, timeout: float = 20.0) -> None:
        await self.wait_until(
            lambda: (
                self.gateway.session_for_shard(shard_id).resumes >= count
                and self.gateway.session_for_shard(shard_id).connection is not None
            ),
            timeout=timeout,
            what=f"shard {shard_id} to resume",
        )

    async def wait_for_identify(self, count: int = 1, *, timeout: float = 20.0) -> None:
        await self.wait_until(
            lambda: len(self.gateway.identifies) >= count, timeout=timeout, what=f"{count} IDENTIFY(s)"
        )

    # ============================================================================== world builder
    def add_user(self, username: str = "user", *, global_name: str | None = None, bot: bool = False) -> User:
        user = User(self.snowflake(), username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def add_team_member(self, user: User) -> User:
        if self.team_id is None:
            raise ValueError("FakeDiscord(team=True) is needed for team members")
        self.team_members.append(user)
        return user

    def add_guild(
        self,
        name: str = "Guild",
        *,
        owner: User | None = None,
        everyone_permissions: Any = model.DEFAULT_EVERYONE,
        bot_permissions: Any = model.DEFAULT_BOT_PERMISSIONS,
        with_bot: bool = True,
        locale: str = "en-US",
        shard: int | None = None,
    ) -> Guild:
        """A guild with @everyone, the bot as a member (managed role ``bot_permissions``) and an owner.

        ``shard`` picks an id that lands on that shard (``(id >> 22) % shard_count``).
        """
        owner = owner or self.add_user(f"{name.lower().replace(' ', '-')}-owner")
        guild_id = self.snowflake()
        if shard is not None:
            while (guild_id >> 22) % self.shard_count != shard:
                guild_id += 1 << 22
            self.snowflake.advance_past(guild_id)
        guild = Guild(guild_id, name, owner.id, preferred_locale=locale)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", model.perm_value(everyone_permissions))
        self.guilds[guild.id] = guild
        guild.members[owner.id] = Member(owner, guild.id)
        if with_bot:
            bot_role = Role(
                self.snowflake(),
                guild.id,
                self.bot_user.username,
                model.perm_value(bot_permissions),
                position=1,
                managed=True,
            )
            guild.roles[bot_role.id] = bot_role
            guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, [bot_role.id])
        self._dispatch_if_live(
            "GUILD_CREATE", lambda s: self.guild_create_payload(guild, s.intents), guild.id
        )
        return guild

    def install_for_user(self, user: User | Member) -> User:
        """``user`` adds the app to their account (a user install, ``integration_type=1``): its
        user-installable commands follow them into DMs, group DMs and servers without the bot."""
        account = user.user if isinstance(user, Member) else user
        self.user_installs.add(account.id)
        return account

    def add_dm(self, user: User | Member, other: User | Member | None = None) -> Channel:
        """A DM between ``user`` and ``other``, or with the bot when ``other`` is omitted."""
        first = user.user if isinstance(user, Member) else user
        second = self.bot_user if other is None else other.user if isinstance(other, Member) else other
        channel = Channel(self.snowflake(), None, "", model.DM, recipients=[first, second])
        self.private_channels[channel.id] = channel
        return channel

    def add_group_dm(self, owner: User | Member, *others: User | Member, name: str = "") -> Channel:
        """A group DM of ``owner`` and ``others`` (the bot cannot be in one)."""
        users = [u.user if isinstance(u, Member) else u for u in (owner, *others)]
        if any(u.id == self.bot_user.id for u in users):
            raise ValueError("bots cannot be added to group DMs")
        channel = Channel(self.snowflake(), None, name, model.GROUP_DM, recipients=users)
        channel.owner_id = users[0].id
        self.private_channels[channel.id] = channel
        return channel

    def bot_role(self, guild: Guild) -> Role:
        member = guild.members[self.bot_user.id]
        return next(guild.roles[r] for r in member.role_ids if guild.roles[r].managed)

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def add_role(
        self,
        guild: Guild,
        name: str = "role",
        *,
        permissions: Any = 0,
        mentionable: bool = False,
        position: int | None = None,
    ) -> Role:
        """A new role, at the top of the role list unless ``position`` says where (the bot's
        own role is at 1, so by default the bot cannot give a role made later: Discord's
        hierarchy; move the bot's role up with ``update_role``)."""
        role = Role(
            self.snowflake(),
            guild.id,
            name,
            model.perm_value(permissions),
            position=len(guild.roles) if position is None else position,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self._dispatch_if_live(
            "GUILD_ROLE_CREATE", lambda s: {"guild_id": str(guild.id), "role": role.to_dict()}, guild.id
        )
        return role

    def add_member(
        self,
        guild: Guild,
        user: User | None = None,
        *,
        roles: list[Role] | tuple[Role, ...] = (),
        permissions: Any = None,
        nick: str | None = None,
    ) -> Member:
        """Add ``user`` (a new one if omitted) to ``guild``. ``permissions`` adds a role holding them."""
        user = user or self.add_user()
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{user.username}-perms", permissions=permissions).id)
        member = Member(user, guild.id, role_ids, nick=nick)
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild: Guild,
        name: str = "general",
        *,
        type: int | str = model.GUILD_TEXT,
        overwrites: dict[Any, tuple[Any, Any]] | list[Overwrite] | None = None,
        parent: Channel | None = None,
        topic: str | None = None,
        system: bool = False,
    ) -> Channel:
        """Add a channel. ``overwrites`` maps a Role/User/Member to ``(allow, deny)`` permissions.

        ``type`` is a Discord channel type or one of "text", "announcement", "thread",
        "private_thread", "category", "forum". Threads need ``parent``.
        """
        ctype = model.channel_type(type)
        channel = Channel(
            self.snowflake(),
            guild.id,
            name,
            ctype,
            position=len(guild.channels),
            parent_id=parent.id if parent else None,
            topic=topic,
        )
        if channel.is_thread:
            if parent is None:
                raise ValueError("a thread needs a parent channel")
            channel.owner_id = self.bot_user.id
        channel.overwrites = _overwrites(guild, overwrites)
        guild.channels[channel.id] = channel
        if system:
            guild.system_channel_id = channel.id
        event = "THREAD_CREATE" if channel.is_thread else "CHANNEL_CREATE"
        self._dispatch_if_live(event, lambda s: channel.to_dict(), guild.id)
        return channel

    def update_role(
        self,
        role: Role,
        *,
        permissions: Any = None,
        position: int | None = None,
        mentionable: bool | None = None,
    ) -> Role:
        """Change a role as a server admin would (its permissions, its place in the role list,
        whether anyone may mention it) and tell the bot (GUILD_ROLE_UPDATE)."""
        if permissions is not None:
            role.permissions = model.perm_value(permissions)
        if position is not None:
            role.position = position
        if mentionable is not None:
            role.mentionable = mentionable
        self._dispatch_if_live(
            "GUILD_ROLE_UPDATE",
            lambda s: {"guild_id": str(role.guild_id), "role": role.to_dict()},
            role.guild_id,
        )
        return role

    def notified(self, message: Message) -> dict[str, Any]:
        """Who a bot's message in a server really notifies: what ``pings()`` allows, less what
        Discord drops for the author's permissions (a role that is not mentionable, and
        @everyone/@here, need Mention Everyone in that channel)."""
        pings = message.pings()
        guild = self.guilds.get(message.guild_id or 0)
        channel = guild.channels.get(message.channel_id) if guild is not None else None
        if guild is None or channel is None:
            return pings
        perms = self.bot_permissions(channel)
        mention_all = bool(perms & model.MENTION_EVERYONE)
        roles = [
            r for r in pings["roles"] if r in guild.roles and (mention_all or guild.roles[r].mentionable)
        ]
        return {**pings, "everyone": pings["everyone"] and mention_all, "roles": roles}

    def set_overwrite(self, channel: Channel, target: Any, *, allow: Any = 0, deny: Any = 0) -> None:
        """Change one overwrite on ``channel`` (and tell the bot, as Discord would)."""
        guild = self.guilds[channel.guild_id or 0]
        new = _overwrites(guild, {target: (allow, deny)})[0]
        channel.overwrites = [o for o in channel.overwrites if (o.type, o.id) != (new.type, new.id)] + [new]
        self._dispatch_if_live("CHANNEL_UPDATE", lambda s: channel.to_dict(), guild.id)

    def add_attachment(
        self, filename: str, data: bytes | str, *, content_type: str | None = None
    ) -> Attachment:
        """A file the bot can fetch from the fake (use as an ATTACHMENT option value)."""
        raw = data.encode() if isinstance(data, str) else data
        att = Attachment(self.snowflake(), filename, raw, content_type)
        att.url = f"{self.base_url}/attachments/{att.id}/{filename}"
        self.attachments[att.id] = att
        return att

    def guild_create_payload(self, guild: Guild, intents: int = 0) -> dict[str, Any]:
        from .gateway import GUILD_MEMBERS_INTENT

        members = list(guild.members.values())
        if not intents & GUILD_MEMBERS_INTENT:
            members = [m for m in members if m.id == self.bot_user.id]
        return guild.to_dict(members=members)

    # ============================================================================== gateway controls
    def _dispatch_if_live(self, event: str, build: Callable[[Any], Any], guild_id: int | None) -> None:
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        if guild is not None and self.bot_user.id not in guild.members:
            return  # the bot hears nothing of a server it is not in
        for session in self.gateway.live_sessions():
            if guild_id is None or self.gateway.guild_in_session(session, guild_id):
                session.dispatch(event, build(session))

    def dispatch(
        self, event: str, data: Any, *, guild: Guild | int | None = None, shard_id: int | None = None
    ) -> int:
        """Send any DISPATCH event to the shard serving ``guild`` (or ``shard_id``)."""
        return self.gateway.dispatch(event, data, guild_id=_id(guild) if guild else None, shard_id=shard_id)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel: later REST calls get 404 Unknown Channel; the bot gets CHANNEL_DELETE."""
        guild = self.guilds[channel.guild_id or 0]
        guild.channels.pop(channel.id, None)
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        self._dispatch_if_live(event, lambda s: channel.to_dict(), guild.id)

    def add_forum(
        self,
        guild: Guild,
        name: str = "forum",
        *,
        tags: Sequence[str] = (),
        require_tag: bool = False,
        media: bool = False,
        overwrites: dict[Any, tuple[Any, Any]] | list[Overwrite] | None = None,
    ) -> Channel:
        """A forum (or media) channel with these tags: every message in it starts a post."""
        forum = self.add_channel(
            guild, name, type=model.GUILD_MEDIA if media else model.GUILD_FORUM, overwrites=overwrites
        )
        forum.flags = model.REQUIRE_TAG if require_tag else 0
        forum.available_tags = [
            {
                "id": str(self.snowflake()),
                "name": tag,
                "moderated": False,
                "emoji_id": None,
                "emoji_name": None,
            }
            for tag in tags
        ]
        self._dispatch_if_live("CHANNEL_UPDATE", lambda s: forum.to_dict(), guild.id)
        return forum

    def tag_id(self, forum: Channel, name: str) -> int:
        return next(int(t["id"]) for t in forum.available_tags if t["name"] == name)

    def forum_posts(self, forum: Channel | int) -> list[tuple[Channel, Message]]:
        """The posts in a forum, oldest first: each thread and its starter message (whose id
        is the thread's); a post whose thread was deleted is gone."""
        fid = _id(forum)
        posts = []
        for guild in self.guilds.values():
            for thread in guild.channels.values():
                if thread.is_thread and thread.parent_id == fid:
                    starter = self.messages.get(thread.id)
                    if starter is not None and not starter.deleted:
                        posts.append((thread, starter))
        return sorted(posts, key=lambda p: p[0].id)

    def archive_thread(self, thread: Channel) -> None:
        """Archive a thread as Discord does after its inactivity period (THREAD_UPDATE)."""
        thread.archived = True
        thread.archive_timestamp = time.time()
        self._dispatch_if_live("THREAD_UPDATE", lambda s: thread.to_dict(), thread.guild_id)

    def remove_guild(self, guild: Guild, *, unavailable: bool = False) -> None:
        """The bot is removed from (or, with ``unavailable``, loses) the guild: GUILD_DELETE."""
        data: dict[str, Any] = {"id": str(guild.id)}
        if unavailable:
            data["unavailable"] = True
        self._dispatch_if_live("GUILD_DELETE", lambda s: data, guild.id)
        if not unavailable:
            self.guilds.pop(guild.id, None)

    async def drop_connection(self, shard_id: int = 0, *, code: int = 4000) -> None:
        await self.gateway.drop(shard_id, code=code)

    def send_reconnect(self, shard_id: int = 0) -> None:
        """Op 7 RECONNECT: the client should reconnect and RESUME."""
        self.gateway.send_op(shard_id, 7)

    def invalidate_session(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        """Op 9 INVALID_SESSION: the client must RESUME (resumable) or IDENTIFY again."""
        self.gateway.invalidate(shard_id, resumable=resumable)

    # ============================================================================== queries
    def posts(self, channel: Channel | int, *, include_deleted: bool = False) -> list[Message]:
        """Messages the bot created with POST /channels/{id}/messages, oldest first."""
        cid = _id(channel)
        return [
            m
            for m in self.messages.values()
            if m.channel_id == cid and m.source == "channel" and (include_deleted or not m.deleted)
        ]

    def channel_history(self, channel: Channel | int) -> list[Message]:
        """What a user would see in the channel: posts and non-ephemeral interaction messages."""
        cid = _id(channel)
        return [
            m for m in self.messages.values() if m.channel_id == cid and not m.deleted and not m.ephemeral
        ]

    def command(self, name: str, *, guild: Guild | int | None = None) -> dict[str, Any]:
        """The synced command called ``name`` (guild commands first when ``guild`` is given)."""
        pools = []
        if guild is not None:
            pools.append(self.guild_commands.get(_id(guild), []))
        pools.append(self.global_commands)
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        synced = sorted({c["name"] for p in pools for c in p})
        raise LookupError(f"no synced command {name!r}; synced: {synced}")

    @property
    def command_writes(self) -> int:
        """How many command-writing requests (PUT/POST/PATCH/DELETE) the bot made."""
        return sum(1 for s in self.command_syncs if s.method != "GET")

    def inject(
        self,
        *,
        status: int | None = None,
        code: int | None = None,
        channel: Channel | int | None = None,
        route: str | None = None,
        method: str | None = None,
        delay: float = 0.0,
        times: int | None = None,
        retry_after: float = 0.25,
        is_global: bool = False,
        delay_response: float = 0.0,
    ) -> Fault:
        """Make matching requests fail (or just be slow). See :class:`limits.Fault`.

        ``code`` alone picks Discord's status for it (50001/50013 -> 403, 10003 -> 404).
        ``delay_response``: the request is carried out at once and its answer is late (a
        client that dies meanwhile never learns that, say, its post was made).
        """
        if status is None and code is not None:
            status = ERRORS[code][0]
        return self.faults.add(
            Fault(
                status=status,
                code=code,
                channel_id=_id(channel) if channel is not None else None,
                route=route,
                method=method,
                delay=delay,
                times=times,
                retry_after=retry_after,
                is_global=is_global,
                delay_response=delay_response,
            )
        )

    # ============================================================================== HTTP plumbing
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        info = request.match_info
        resource = info.route.resource
        route = resource.canonical[len(API_PREFIX) :] if resource is not None else request.path
        fallback = route == "/{tail}"
        if fallback:
            route = request.path[len(API_PREFIX) :]
        channel_id = _int_or_none(info.get("channel_id"))
        payload, files = await _read_body(request)
        request[PAYLOAD], request[FILES] = payload, files
        record = RequestRecord(
            request.method,
            route,
            request.path,
            payload,
            channel_id=channel_id,
            process=process_of(request.headers),
        )
        self.requests.append(record)
        try:
            response = await self._guarded(request, handler, record)
        finally:
            self._notify()
        record.status = response.status
        if fallback:
            self.unhandled.append(record)
        return response

    async def _guarded(
        self, request: web.Request, handler: Callable[..., Any], record: RequestRecord
    ) -> web.StreamResponse:
        method, route = record.method, record.route
        needs_auth = not route.startswith(("/interactions/", "/webhooks/")) and route != "/gateway"
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        faults = self.faults.match(method, route, record.channel_id)
        headers: dict[str, str] = {}
        if not any(f.status is not None for f in faults):  # an injected answer is not Discord's
            # Discord counts a request against its limits as it arrives, however slowly it then
            # answers: a slow (delayed) response does not move the request into a later window.
            headers, limited = self.ratelimits.check(method, route, record.channel_id)
            if limited is not None:
                return _json(limited, status=429, headers={"Via": "1.1 google", **headers})
        for fault in faults:
            fault.hits += 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status == 429:
                self.ratelimits.hits["injected"] += 1
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(fault.retry_after),
                    "X-RateLimit-Scope": "global" if fault.is_global else "user",
                }
                if fault.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": fault.is_global,
                }
                return _json(body, status=429, headers=headers)
            if fault.status is not None:
                code = fault.code if fault.code is not None else 0
                msg = ERRORS.get(code, (0, f"{fault.status}: injected"))[1]
                if fault.status >= 500 and fault.code is None:
                    return web.Response(status=fault.status, text=f"{fault.status}: injected upstream error")
                return _json(error_body(code, msg), status=fault.status)
        try:
            response = await handler(request)
        except DiscordError as exc:
            response = _json(exc.body, status=exc.status)
        late = max((f.delay_response for f in faults), default=0.0)
        if late:
            await asyncio.sleep(late)
        response.headers.update(headers)
        return response

    def _routes(self, app: web.Application) -> None:
        r = app.router
        p = API_PREFIX
        get, post, put, patch, delete = r.add_get, r.add_post, r.add_put, r.add_patch, r.add_delete
        r.add_get("/gateway", self.gateway.handle)
        r.add_get("/gateway-resume", self.gateway.handle)
        r.add_get("/attachments/{attachment_id}/{filename}", self._get_attachment)
        get(p + "/users/@me", self._users_me)
        get(p + "/users/{user_id}", self._get_user)
        get(p + "/gateway", self._gateway)
        get(p + "/gateway/bot", self._gateway_bot)
        get(p + "/oauth2/applications/@me", self._application)
        get(p + "/applications/@me", self._application)
        for prefix in (
            "/applications/{app_id}/commands",
            "/applications/{app_id}/guilds/{guild_id}/commands",
        ):
            get(p + prefix, self._list_commands)
            put(p + prefix, self._put_commands)
            post(p + prefix, self._post_command)
            get(p + prefix + "/{command_id}", self._get_command)
            patch(p + prefix + "/{command_id}", self._patch_command)
            delete(p + prefix + "/{command_id}", self._delete_command)
        post(p + "/interactions/{interaction_id}/{token}/callback", self._interaction_callback)
        # Interaction follow-ups and channel webhooks share these paths (webhooks.py tells them apart).
        hooks = self.channel_webhooks
        hooks.add_routes(r, p)
        post(p + "/webhooks/{app_id}/{token}", hooks.or_interaction(self._webhook_execute, "execute"))
        message = p + "/webhooks/{app_id}/{token}/messages/{message_id}"
        get(message, hooks.or_interaction(self._webhook_get, "get"))
        patch(message, hooks.or_interaction(self._webhook_edit, "edit"))
        delete(message, hooks.or_interaction(self._webhook_delete, "delete"))
        get(p + "/channels/{channel_id}", self._get_channel)
        patch(p + "/channels/{channel_id}", self._patch_channel)
        delete(p + "/channels/{channel_id}", self._delete_channel)
        post(p + "/channels/{channel_id}/threads", self._start_thread)
        post(p + "/channels/{channel_id}/messages/{message_id}/threads", self._start_message_thread)
        post(p + "/channels/{channel_id}/messages/{message_id}/crosspost", self._crosspost)
        post(p + "/channels/{channel_id}/followers", self.followers.follow)
        get(p + "/channels/{channel_id}/threads/archived/public", self._archived_threads)
        get(p + "/guilds/{guild_id}/threads/active", self._active_threads)
        post(p + "/channels/{channel_id}/typing", self._typing)
        post(p + "/channels/{channel_id}/messages", self._create_message)
        get(p + "/channels/{channel_id}/messages", self._list_messages)
        get(p + "/channels/{channel_id}/messages/{message_id}", self._get_message)
        patch(p + "/channels/{channel_id}/messages/{message_id}", self._edit_message)
        delete(p + "/channels/{channel_id}/messages/{message_id}", self._delete_message)
        get(p + "/guilds/{guild_id}", self._get_guild)
        get(p + "/guilds/{guild_id}/channels", self._get_guild_channels)
        get(p + "/guilds/{guild_id}/roles", self._get_guild_roles)
        get(p + "/guilds/{guild_id}/members/{user_id}", self._get_member)
        put(p + "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._add_member_role)
        delete(p + "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._remove_member_role)
        put(p + "/channels/{channel_id}/messages/pins/{message_id}", self._pin_message)
        r.add_route("*", p + "/{tail:.*}", self._not_found)

    # ============================================================================== REST handlers
    async def _not_found(self, request: web.Request) -> web.Response:
        log.warning("fake discord: unhandled %s %s", request.method, request.path)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        att = self.attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")

    async def _users_me(self, request: web.Request) -> web.Response:
        data = self.bot_user.to_dict()
        data.update(verified=True, mfa_enabled=False, flags=0, locale="en-US")
        return _json(data)

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise DiscordError(10013, 404, "Unknown User")
        return _json(user.to_dict())

    async def _gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": self.max_concurrency,
                },
            }
        )

    async def _application(self, request: web.Request) -> web.Response:
        data: dict[str, Any] = {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "interactions_endpoint_url": None,
            "bot": self.bot_user.to_dict(),
            "owner": self.owner.to_dict(),
            "team": None,
        }
        if self.team_id is not None:
            data["owner"] = {
                "id": str(self.team_id),
                "username": f"team{self.team_id}",
                "discriminator": "0",
                "avatar": None,
                "global_name": None,
                "flags": 1024,
            }
            data["team"] = {
                "id": str(self.team_id),
                "name": "Team",
                "icon": None,
                "owner_user_id": str(self.owner.id),
                "members": [
                    {
                        "membership_state": 2,
                        "team_id": str(self.team_id),
                        "user": u.to_dict(),
                        "role": "admin",
                        "permissions": ["*"],
                    }
                    for u in self.team_members
                ],
            }
        return _json(data)

    # ---------------------------------------------------------------- application commands
    def _command_pool(self, request: web.Request) -> tuple[int | None, list[dict[str, Any]]]:
        if int(request.match_info["app_id"]) != self.application_id:
            raise DiscordError(50035, 400, "Invalid application id")
        gid = _int_or_none(request.match_info.get("guild_id"))
        if gid is None:
            return None, self.global_commands
        if gid not in self.guilds:
            raise DiscordError(50001)
        return gid, self.guild_commands.setdefault(gid, [])

    def _materialise(
        self, guild_id: int | None, body: dict[str, Any], old: dict[str, Any] | None
    ) -> dict[str, Any]:
        _validate_command(body)
        cmd = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            **body,
            "id": old["id"] if old else str(self.snowflake()),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
        }
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
        return cmd

    async def _list_commands(self, request: web.Request) -> web.Response:
        gid, pool = self._command_pool(request)
        self.command_syncs.append(CommandSync("GET", gid, None))
        return _json(pool)

    async def _put_commands(self, request: web.Request) -> web.Response:
        gid, pool = self._command_pool(request)
        payload = request[PAYLOAD] or []
        if len(payload) > 100:
            raise DiscordError(50035, 400, "Too many application commands")
        self.command_syncs.append(CommandSync("PUT", gid, payload))
        by_key = {(c["name"], c.get("type", 1)): c for c in pool}
        new = [
            self._materialise(gid, body, by_key.get((body["name"], body.get("type", 1)))) for body in payload
        ]
        pool[:] = new
        return _json(new)

    async def _post_command(self, request: web.Request) -> web.Response:
        gid, pool = self._command_pool(request)
        body = request[PAYLOAD]
        self.command_syncs.append(CommandSync("POST", gid, body))
        key = (body["name"], body.get("type", 1))
        old = next((c for c in pool if (c["name"], c.get("type", 1)) == key), None)
        cmd = self._materialise(gid, body, old)
        if old is not None:
            pool[pool.index(old)] = cmd
        else:
            pool.append(cmd)
        return _json(cmd, status=200 if old else 201)

    def _find_command(self, request: web.Request) -> tuple[int | None, list[dict[str, Any]], dict[str, Any]]:
        gid, pool = self._command_pool(request)
        cid = request.match_info["command_id"]
        for cmd in pool:
            if cmd["id"] == cid:
                return gid, pool, cmd
        raise DiscordError(10063, 404, "Unknown application command")

    async def _get_command(self, request: web.Request) -> web.Response:
        return _json(self._find_command(request)[2])

    async def _patch_command(self, request: web.Request) -> web.Response:
        gid, pool, cmd = self._find_command(request)
        self.command_syncs.append(CommandSync("PATCH", gid, request[PAYLOAD]))
        new = self._materialise(gid, {**cmd, **request[PAYLOAD]}, cmd)
        pool[pool.index(cmd)] = new
        return _json(new)

    async def _delete_command(self, request: web.Request) -> web.Response:
        gid, pool, cmd = self._find_command(request)
        self.command_syncs.append(CommandSync("DELETE", gid, None))
        pool.remove(cmd)
        return web.Response(status=204)

    # ---------------------------------------------------------------- guilds and channels
    def _guild(self, request: web.Request) -> Guild:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None or self.bot_user.id not in guild.members:
            raise DiscordError(10004)
        return guild

    def _channel(self, channel_id: int) -> tuple[Guild, Channel]:
        for guild in self.guilds.values():
            channel = guild.channels.get(channel_id)
            if channel is not None:
                if self.bot_user.id not in guild.members:
                    raise DiscordError(50001)
                return guild, channel
        private = self.private_channels.get(channel_id)
        if private is not None and all(u.id != self.bot_user.id for u in private.recipients):
            raise DiscordError(50001)  # other people's DMs: a user install answers only through interactions
        raise DiscordError(10003)

    def bot_permissions(self, channel: Channel) -> int:
        guild = self.guilds[channel.guild_id or 0]
        return guild.permissions_in(guild.members[self.bot_user.id], channel)

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild.to_dict(members=[])
        for key in ("channels", "threads", "members", "voice_states", "presences"):
            data.pop(key, None)
        data["approximate_member_count"] = len(guild.members)
        return _json(data)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return _json([c.to_dict() for c in guild.channels.values() if not c.is_thread])

    async def _get_guild_roles(self, request: web.Request) -> web.Response:
        return _json([r.to_dict() for r in self._guild(request).roles.values()])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(10007, 404, "Unknown Member")
        return _json(member.to_dict())

    def _role_change(self, request: web.Request) -> tuple[Guild, Member, Role]:
        """The member and role of a role change, after Discord's checks: the bot needs Manage
        Roles and a highest role above the role (else 403, code 50013)."""
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(10007)
        role = guild.roles.get(int(request.match_info["role_id"]))
        if role is None or role.id == guild.id:
            raise DiscordError(10011)
        bot = guild.members[self.bot_user.id]
        if self.enforce_permissions and (
            not guild.base_permissions(bot) & model.MANAGE_ROLES or role.position >= guild.top_position(bot)
        ):
            raise DiscordError(50013)
        return guild, member, role

    def _member_updated(self, guild: Guild, member: Member) -> None:
        """GUILD_MEMBER_UPDATE, sent only to sessions with the privileged GUILD_MEMBERS intent."""
        from .gateway import GUILD_MEMBERS_INTENT

        data = {"guild_id": str(guild.id), **member.to_dict()}
        for session in self.gateway.live_sessions():
            if session.intents & GUILD_MEMBERS_INTENT and self.gateway.guild_in_session(session, guild.id):
                session.dispatch("GUILD_MEMBER_UPDATE", data)

    async def _add_member_role(self, request: web.Request) -> web.Response:
        guild, member, role = self._role_change(request)
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)
            self._member_updated(guild, member)
        return web.Response(status=204)

    async def _remove_member_role(self, request: web.Request) -> web.Response:
        guild, member, role = self._role_change(request)
        if role.id in member.role_ids:
            member.role_ids.remove(role.id)
            self._member_updated(guild, member)
        return web.Response(status=204)

    async def _pin_message(self, request: web.Request) -> web.Response:
        """Pin a message: the bot needs Pin Messages (or Manage Messages) in the channel."""
        cid = int(request.match_info["channel_id"])
        _guild, channel = self._channel(cid)
        if self.enforce_permissions and not self.bot_permissions(channel) & (
            model.PIN_MESSAGES | model.MANAGE_MESSAGES
        ):
            raise DiscordError(50013)
        msg = self._message(cid, int(request.match_info["message_id"]))
        msg.pinned = True
        return web.Response(status=204)

    async def _get_channel(self, request: web.Request) -> web.Response:
        _guild, channel = self._channel(int(request.match_info["channel_id"]))
        if self.enforce_permissions and not self.bot_permissions(channel) & model.VIEW_CHANNEL:
            raise DiscordError(50001)
        return _json(channel.to_dict())

    async def _typing(self, request: web.Request) -> web.Response:
        _guild, channel = self._channel(int(request.match_info["channel_id"]))
        if self.enforce_permissions and not self.bot_permissions(channel) & model.VIEW_CHANNEL:
            raise DiscordError(50001)
        return web.Response(status=204)

    async def _create_message(self, request: web.Request) -> web.Response:
        _guild, channel = self._channel(int(request.match_info["channel_id"]))
        payload: dict[str, Any] = request[PAYLOAD] or {}
        files: list[Attachment] = request[FILES]
        if channel.is_forum or channel.type == model.GUILD_CATEGORY:
            raise DiscordError(50008)  # a forum takes posts (POST /channels/{id}/threads)
        if self.enforce_permissions:
            perms = self.bot_permissions(channel)
            send = model.SEND_MESSAGES_IN_THREADS if channel.is_thread else model.SEND_MESSAGES
            if not perms & model.VIEW_CHANNEL:
                raise DiscordError(50001)
            if not perms & send or (files and not perms & model.ATTACH_FILES):
                raise DiscordError(50013)
            if channel.is_thread and channel.archived:
                raise DiscordError(50083, 400, "Thread is archived")
        _validate_message(payload, files, creating=True)
        nonce = payload.get("nonce")
        now = time.time()
        if nonce is not None and payload.get("enforce_nonce"):
            seen = self._nonces.get((channel.id, str(nonce)))
            if seen is not None and now - seen[1] < self.nonce_window and seen[0] in self.messages:
                return _json(self.messages[seen[0]].to_dict())
        msg = self._new_message(channel, payload, files, source="channel")
        msg.process = process_of(request.headers)
        if nonce is not None and payload.get("enforce_nonce"):
            self._nonces[(channel.id, str(nonce))] = (msg.id, now)
        self._dispatch_message_event("MESSAGE_CREATE", msg)
        return _json(msg.to_dict())

    def _new_message(
        self,
        channel: Channel | None,
        payload: dict[str, Any],
        files: list[Attachment],
        *,
        source: str,
        channel_id: int | None = None,
        guild_id: int | None = None,
        interaction_id: int | None = None,
        message_id: int | None = None,
    ) -> Message:
        author = self.bot_user.to_dict()
        msg = Message(
            id=message_id or self.snowflake(),
            channel_id=channel.id if channel else (channel_id or 0),
            guild_id=channel.guild_id if channel else guild_id,
            author=author,
            nonce=payload.get("nonce"),
            enforce_nonce=bool(payload.get("enforce_nonce")),
            message_reference=payload.get("message_reference"),
            source=source,
            interaction_id=interaction_id,
            webhook_id=self.application_id if source != "channel" else None,
            raw=payload,
        )
        msg.apply(payload)
        msg.attachments = self._keep_files(files, payload)
        self.messages[msg.id] = msg
        return msg

    def _keep_files(self, files: list[Attachment], payload: dict[str, Any]) -> list[Attachment]:
        kept = []
        for att in files:
            att.id = self.snowflake()
            att.url = f"{self.base_url}/attachments/{att.id}/{att.filename}"
            self.attachments[att.id] = att
            kept.append(att)
        return kept

    def _dispatch_message_event(self, event: str, msg: Message) -> None:
        guild_messages = 1 << 9
        if msg.guild_id is None:
            return
        data = msg.to_dict()
        for session in self.gateway.live_sessions():
            if session.intents & guild_messages and self.gateway.guild_in_session(session, msg.guild_id):
                session.dispatch(event, data)

    def _message(self, channel_id: int, message_id: int) -> Message:
        msg = self.messages.get(message_id)
        if msg is None or msg.deleted or msg.channel_id != channel_id or msg.ephemeral:
            raise DiscordError(10008)
        return msg

    async def _list_messages(self, request: web.Request) -> web.Response:
        _guild, channel = self._channel(int(request.match_info["channel_id"]))
        if self.enforce_permissions and not self.bot_permissions(channel) & model.READ_MESSAGE_HISTORY:
            raise DiscordError(50001)
        q = request.query
        msgs = sorted(self.channel_history(channel), key=lambda m: m.id, reverse=True)
        if "before" in q:
            msgs = [m for m in msgs if m.id < int(q["before"])]
        if "after" in q:
            msgs = [m for m in msgs if m.id > int(q["after"])]
        limit = min(int(q.get("limit", 50)), 100)
        # With only ``after``: the oldest after it, still newest first (discord.py pages on that).
        if "after" in q and "before" not in q:
            return _json([m.to_dict() for m in msgs[-limit:]])
        return _json([m.to_dict() for m in msgs[:limit]])

    async def _get_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        self._channel(cid)
        return _json(self._message(cid, int(request.match_info["message_id"])).to_dict())

    def _edit(self, msg: Message, payload: dict[str, Any], files: list[Attachment]) -> Message:
        _validate_message({**msg.raw, **payload}, files, creating=False)
        refused = components.check_edit(msg.flags, msg.content, msg.embeds, payload)
        if refused:
            raise _form_error(refused)
        ephemeral = msg.flags & 64
        msg.edits.append(payload)
        msg.apply(payload)
        msg.flags |= ephemeral
        if files or "attachments" in payload:
            keep_ids = {int(a["id"]) for a in payload.get("attachments") or [] if "id" in a}
            msg.attachments = [a for a in msg.attachments if a.id in keep_ids] + self._keep_files(
                files, payload
            )
        msg.edited_at = time.time()
        msg.deferred = False
        return msg

    def _unarchived(self, channel: Channel) -> None:
        """Messages in an archived thread can be neither sent, edited nor deleted (50083)."""
        if channel.is_thread and channel.archived:
            raise DiscordError(50083)

    async def _edit_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        self._unarchived(self._channel(cid)[1])
        msg = self._message(cid, int(request.match_info["message_id"]))
        if msg.source == "webhook":  # only the webhook edits its messages (webhooks.py)
            raise DiscordError(50005, 403, "Cannot edit a message authored by another user")
        refused = self.edit_limits.check(msg)
        if refused is not None:
            return refused
        self._edit(msg, request[PAYLOAD] or {}, request[FILES])
        self._dispatch_message_event("MESSAGE_UPDATE", msg)
        self.followers.edited(msg, request[PAYLOAD] or {})
        return _json(msg.to_dict())

    async def _delete_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        self._unarchived(self._channel(cid)[1])
        msg = self._message(cid, int(request.match_info["message_id"]))
        msg.deleted = True
        return web.Response(status=204)

    # ---------------------------------------------------------------- threads and forum posts
    async def _start_thread(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/threads: in a forum or media channel, a post (a thread and its
        starter message, which has the thread's id). Needs View Channel and Send Messages
        (Create Posts); tags must be the forum's own, at most five, and one at least when the
        forum requires it (40067)."""
        guild, channel = self._channel(int(request.match_info["channel_id"]))
        payload: dict[str, Any] = request[PAYLOAD] or {}
        if not channel.is_forum:
            raise DiscordError(0, 400, "fake: only forum posts are modelled on this route")
        if self.enforce_permissions:
            perms = self.bot_permissions(channel)
            if not perms & model.VIEW_CHANNEL:
                raise DiscordError(50001)
            if not perms & model.SEND_MESSAGES:
                raise DiscordError(50013)
        name = payload.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            raise _form_error({"name": "Must be between 1 and 100 in length."})
        message = payload.get("message")
        if not isinstance(message, dict):
            raise _form_error({"message": "This field is required"})
        _validate_message(message, request[FILES], creating=True)
        known = {int(t["id"]) for t in channel.available_tags}
        applied = [int(t) for t in payload.get("applied_tags") or []]
        if len(applied) > model.TAGS_PER_POST:
            raise _form_error({"applied_tags": "Must be 5 or fewer in length."})
        if any(t not in known for t in applied):
            raise _form_error({"applied_tags": "Unknown tag."})
        if channel.flags & model.REQUIRE_TAG and not applied:
            raise DiscordError(40067)
        thread = Channel(
            self.snowflake(),
            guild.id,
            name.strip(),
            model.PUBLIC_THREAD,
            parent_id=channel.id,
            owner_id=self.bot_user.id,
            applied_tags=list(dict.fromkeys(applied)),
            auto_archive_duration=int(payload.get("auto_archive_duration") or channel.auto_archive_duration),
        )
        guild.channels[thread.id] = thread
        starter = self._new_message(thread, message, request[FILES], source="channel", message_id=thread.id)
        starter.process = process_of(request.headers)
        self._dispatch_if_live(
            "THREAD_CREATE", lambda s: {**thread.to_dict(), "newly_created": True}, guild.id
        )
        self._dispatch_message_event("MESSAGE_CREATE", starter)
        return _json({**thread.to_dict(), "message": starter.to_dict()}, status=201)

    async def _start_message_thread(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/messages/{id}/threads: a public thread (an announcement thread in
        an announcement channel) started from a message, with the message's id; needs Create
        Public Threads; one per message (160004)."""
        cid = int(request.match_info["channel_id"])
        guild, channel = self._channel(cid)
        payload: dict[str, Any] = request[PAYLOAD] or {}
        if channel.type not in (model.GUILD_TEXT, model.GUILD_ANNOUNCEMENT):
            raise DiscordError(50024, 400, "Cannot execute action on this channel type")
        if self.enforce_permissions:
            perms = self.bot_permissions(channel)
            if not perms & model.VIEW_CHANNEL:
                raise DiscordError(50001)
            if not perms & model.CREATE_PUBLIC_THREADS:
                raise DiscordError(50013)
        msg = self._message(cid, int(request.match_info["message_id"]))
        name = payload.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            raise _form_error({"name": "Must be between 1 and 100 in length."})
        duration = payload.get("auto_archive_duration")
        if duration is not None and int(duration) not in model.ARCHIVE_DURATIONS:
            raise _form_error({"auto_archive_duration": "Value must be one of {60, 1440, 4320, 10080}."})
        if msg.thread_id is not None:
            raise DiscordError(160004)
        thread = Channel(
            msg.id,
            guild.id,
            name.strip(),
            model.ANNOUNCEMENT_THREAD if channel.type == model.GUILD_ANNOUNCEMENT else model.PUBLIC_THREAD,
            parent_id=channel.id,
            owner_id=self.bot_user.id,
            auto_archive_duration=int(duration or 1440),
        )
        guild.channels[thread.id] = thread
        msg.thread_id = thread.id
        msg.flags |= model.HAS_THREAD
        self._dispatch_if_live(
            "THREAD_CREATE", lambda s: {**thread.to_dict(), "newly_created": True}, guild.id
        )
        return _json(thread.to_dict(), status=201)

    async def _crosspost(self, request: web.Request) -> web.Response:
        """POST .../crosspost: publish a message of an announcement channel to its followers.
        The bot's own message needs Send Messages (another's, Manage Messages); once only
        (40033); and at most ``publish_limit`` publishes per channel in ``publish_window``
        seconds, past which Discord answers 429 with the wait (up to the hour) in
        ``retry_after``."""
        cid = int(request.match_info["channel_id"])
        _guild, channel = self._channel(cid)
        if channel.type != model.GUILD_ANNOUNCEMENT:
            raise DiscordError(50068)
        msg = self._message(cid, int(request.match_info["message_id"]))
        if self.enforce_permissions:
            perms = self.bot_permissions(channel)
            own = msg.author.get("id") == str(self.bot_user.id)
            if not perms & model.VIEW_CHANNEL:
                raise DiscordError(50001)
            if not perms & (model.SEND_MESSAGES if own else model.MANAGE_MESSAGES):
                raise DiscordError(50013)
        if msg.flags & model.CROSSPOSTED:
            raise DiscordError(40033)
        now = time.time()
        recent = [t for t in self.publishes.get(cid, []) if now - t < self.publish_window]
        if len(recent) >= self.publish_limit:
            wait = round(recent[0] + self.publish_window - now, 3)
            self.ratelimits.hits["publish"] += 1
            body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
            headers = {"Retry-After": str(int(wait) + 1), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
            return _json(body, status=429, headers=headers)
        self.publishes[cid] = [*recent, now]
        msg.flags |= model.CROSSPOSTED
        self._dispatch_message_event("MESSAGE_UPDATE", msg)
        self.followers.crossposted(msg)  # Discord's copies in the following channels
        return _json(msg.to_dict())

    def _visible_threads(self, guild: Guild) -> list[Channel]:
        return [
            c
            for c in guild.channels.values()
            if c.is_thread and (not self.enforce_permissions or self.bot_permissions(c) & model.VIEW_CHANNEL)
        ]

    async def _active_threads(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}/threads/active: every unarchived thread the bot can see."""
        guild = self._guild(request)
        threads = [c for c in self._visible_threads(guild) if not c.archived]
        return _json({"threads": [t.to_dict() for t in threads], "members": []})

    async def _archived_threads(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/threads/archived/public: newest archived first, ``before`` an
        ISO timestamp, ``limit`` (2-100, default 50); needs Read Message History."""
        guild, channel = self._channel(int(request.match_info["channel_id"]))
        if self.enforce_permissions:
            perms = self.bot_permissions(channel)
            if not perms & model.VIEW_CHANNEL:
                raise DiscordError(50001)
            if not perms & model.READ_MESSAGE_HISTORY:
                raise DiscordError(50013)
        q = request.query
        limit = int(q.get("limit", 50))
        if not 2 <= limit <= 100:
            raise _form_error({"limit": "Must be between 2 and 100."})
        threads = [
            c
            for c in self._visible_threads(guild)
            if c.parent_id == channel.id and c.archived and c.type != model.PRIVATE_THREAD
        ]
        threads.sort(key=lambda c: c.archive_timestamp, reverse=True)
        if "before" in q:
            before = dt.datetime.fromisoformat(q["before"]).timestamp()
            threads = [c for c in threads if c.archive_timestamp < before]
        page = threads[:limit]
        return _json(
            {"threads": [t.to_dict() for t in page], "members": [], "has_more": len(threads) > limit}
        )

    async def _patch_channel(self, request: web.Request) -> web.Response:
        """PATCH /channels/{id} for a thread: unarchiving an unlocked thread needs only Send
        Messages; locking needs Manage Threads; anything else on an archived thread that does
        not unarchive it fails (50083); other fields: the thread's owner or Manage Threads."""
        guild, thread = self._channel(int(request.match_info["channel_id"]))
        payload: dict[str, Any] = request[PAYLOAD] or {}
        if thread.is_forum and set(payload) == {"available_tags"}:  # a forum's tags (forum_tags.py)
            patch_forum_tags(self, guild, thread, payload)
            return _json(thread.to_dict())
        if not thread.is_thread:
            raise DiscordError(0, 400, "fake: only threads can be modified here")
        perms = self.bot_permissions(thread)
        manage = bool(perms & model.MANAGE_THREADS) or not self.enforce_permissions
        if self.enforce_permissions and not perms & model.VIEW_CHANNEL:
            raise DiscordError(50001)
        unarchive = payload.get("archived") is False
        if thread.archived and not unarchive:
            raise DiscordError(50083)
        if unarchive and thread.locked and not manage:
            raise DiscordError(50013)
        if unarchive and not manage and not perms & model.SEND_MESSAGES:
            raise DiscordError(50013)
        if "locked" in payload and not manage:
            raise DiscordError(50013)
        others = set(payload) - {"archived", "locked"}
        if others and not manage and thread.owner_id != self.bot_user.id:
            raise DiscordError(50013)
        if "archived" in payload and bool(payload["archived"]) != thread.archived:
            thread.archived = bool(payload["archived"])
            thread.archive_timestamp = time.time()
        if "locked" in payload:
            thread.locked = bool(payload["locked"])
        if "name" in payload:
            thread.name = str(payload["name"])
        if "auto_archive_duration" in payload:
            thread.auto_archive_duration = int(payload["auto_archive_duration"])
        if "applied_tags" in payload:
            thread.applied_tags = [int(t) for t in payload["applied_tags"]]
        self._dispatch_if_live("THREAD_UPDATE", lambda s: thread.to_dict(), guild.id)
        return _json(thread.to_dict())

    async def _delete_channel(self, request: web.Request) -> web.Response:
        """DELETE /channels/{id} of a thread (a forum post with it): needs Manage Threads."""
        _guild, thread = self._channel(int(request.match_info["channel_id"]))
        if not thread.is_thread:
            raise DiscordError(0, 400, "fake: only threads can be deleted here")
        if self.enforce_permissions and not self.bot_permissions(thread) & model.MANAGE_THREADS:
            raise DiscordError(50013)
        for msg in self.messages.values():
            if msg.channel_id == thread.id:
                msg.deleted = True
        self.delete_channel(thread)
        return _json(thread.to_dict())

    # ---------------------------------------------------------------- interactions & webhooks
    async def _interaction_callback(self, request: web.Request) -> web.Response:
        rec = self.interactions.get(int(request.match_info["interaction_id"]))
        if rec is None or rec.token != request.match_info["token"]:
            raise DiscordError(10062)
        payload = request[PAYLOAD] or {}
        if rec.callback is not None:
            raise DiscordError(40060)
        if self.enforce_interaction_deadline and time.monotonic() - rec.sent_at > self.interaction_deadline:
            rec.late_callback = payload
            raise DiscordError(10062)
        ctype = int(payload["type"])
        data = payload.get("data") or {}
        rec.callback = {"type": ctype, "data": data}
        rec.callback_at = time.monotonic()
        files: list[Attachment] = request[FILES]
        message: Message | None = None
        if ctype in (4, 5):
            if ctype == 4:
                _validate_message(data, files, creating=True)
            message = self._new_message(
                None,
                data if ctype == 4 else {"flags": data.get("flags", 0)},
                files,
                source="interaction",
                channel_id=rec.channel_id,
                guild_id=rec.guild_id,
                interaction_id=rec.id,
            )
            message.deferred = ctype == 5
            rec.original_id = message.id
        elif ctype == 7:
            message = self.messages.get(rec.original_id or 0)
            if message is None:
                raise DiscordError(10008)
            self._edit(message, data, files)
        elif ctype == 8:
            choices = data.get("choices", [])
            if len(choices) > 25:
                raise DiscordError(50035, 400, "Must be 25 or fewer in length.")
        elif ctype == 9:
            if not data.get("custom_id") or not data.get("title"):
                raise DiscordError(50035)
        elif ctype != 6:
            raise DiscordError(50035, 400, f"Invalid interaction response type {ctype}")
        body: dict[str, Any] = {
            "interaction": {
                "id": str(rec.id),
                "type": rec.type,
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            body["interaction"]["response_message_id"] = str(message.id)
            body["resource"] = {"type": ctype, "message": message.to_dict()}
        return _json(body)

    def _webhook_interaction(self, request: web.Request) -> InteractionRecord:
        if int(request.match_info["app_id"]) != self.application_id:
            raise DiscordError(10015)
        token = request.match_info["token"]
        rec = next((r for r in self.interactions.values() if r.token == token), None)
        if rec is None or rec.callback is None:
            raise DiscordError(10015)
        return rec

    def _webhook_message(self, request: web.Request, rec: InteractionRecord) -> Message:
        mid = request.match_info["message_id"]
        msg = self.messages.get(rec.original_id or 0) if mid == "@original" else self.messages.get(int(mid))
        if (
            msg is None
            or msg.deleted
            or (mid != "@original" and msg.id not in rec.followup_ids and msg.id != rec.original_id)
        ):
            raise DiscordError(10008)
        return msg

    async def _webhook_execute(self, request: web.Request) -> web.Response:
        rec = self._webhook_interaction(request)
        payload = request[PAYLOAD] or {}
        files: list[Attachment] = request[FILES]
        _validate_message(payload, files, creating=True)
        msg = self._new_message(
            None,
            payload,
            files,
            source="followup",
            channel_id=rec.channel_id,
            guild_id=rec.guild_id,
            interaction_id=rec.id,
        )
        rec.followup_ids.append(msg.id)
        if request.query.get("wait") in ("true", "1", "True"):
            return _json(msg.to_dict())
        return web.Response(status=204)

    async def _webhook_get(self, request: web.Request) -> web.Response:
        rec = self._webhook_interaction(request)
        return _json(self._webhook_message(request, rec).to_dict())

    async def _webhook_edit(self, request: web.Request) -> web.Response:
        rec = self._webhook_interaction(request)
        msg = self._webhook_message(request, rec)
        self._edit(msg, request[PAYLOAD] or {}, request[FILES])
        return _json(msg.to_dict())

    async def _webhook_delete(self, request: web.Request) -> web.Response:
        rec = self._webhook_interaction(request)
        self._webhook_message(request, rec).deleted = True
        return web.Response(status=204)


# ================================================================================== helpers
def _id(obj: Any) -> int:
    return int(getattr(obj, "id", obj))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _overwrites(guild: Guild, spec: dict[Any, tuple[Any, Any]] | list[Overwrite] | None) -> list[Overwrite]:
    if spec is None:
        return []
    if isinstance(spec, list):
        return list(spec)
    result = []
    for key, (allow, deny) in spec.items():
        target = key.everyone if isinstance(key, Guild) else key
        kind = 0 if isinstance(target, Role) else 1
        result.append(Overwrite(_id(target), kind, model.perm_value(allow), model.perm_value(deny)))
    return result


async def _read_body(request: web.Request) -> tuple[Any, list[Attachment]]:
    """JSON body, or multipart/form-data with ``payload_json`` and ``files[n]`` parts."""
    files: list[Attachment] = []
    if request.content_type == "multipart/form-data":
        payload: Any = None
        reader = await request.multipart()
        while True:
            part: Any = await reader.next()
            if part is None:
                break
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            elif part.filename is not None:
                data = await part.read(decode=False)
                files.append(Attachment(0, part.filename, bytes(data), part.headers.get("Content-Type")))
        return payload, files
    if not request.can_read_body:
        return None, files
    raw = await request.read()
    if not raw:
        return None, files
    try:
        return json.loads(raw), files
    except ValueError:
        return raw.decode(errors="replace"), files


def _form_error(errors: dict[str, str]) -> DiscordError:
    return DiscordError(
        50035,
        400,
        "Invalid Form Body",
        {k: {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": v}]} for k, v in errors.items()},
    )


def _validate_message(payload: dict[str, Any], files: list[Attachment], *, creating: bool) -> None:
    """Discord's size limits on a message payload (400 Invalid Form Body / 50006 empty)."""
    errors: dict[str, str] = {}
    content = payload.get("content") or ""
    if len(content) > CONTENT_LIMIT:
        errors["content"] = f"Must be {CONTENT_LIMIT} or fewer in length."
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        errors["embeds"] = f"Must be {EMBEDS_PER_MESSAGE} or fewer in length."
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            value = embed.get(key) or ""
            total += len(value)
            if len(value) > limit:
                errors[f"embeds.{i}.{key}"] = f"Must be {limit} or fewer in length."
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_PER_EMBED:
            errors[f"embeds.{i}.fields"] = f"Must be {FIELDS_PER_EMBED} or fewer in length."
        for j, fld in enumerate(fields):
            for key, limit in FIELD_LIMITS.items():
                value = fld.get(key) or ""
                total += len(value)
                if len(value) > limit:
                    errors[f"embeds.{i}.fields.{j}.{key}"] = f"Must be {limit} or fewer in length."
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048:
            errors[f"embeds.{i}.footer.text"] = "Must be 2048 or fewer in length."
        if len(author) > 256:
            errors[f"embeds.{i}.author.name"] = "Must be 256 or fewer in length."
    if total > EMBED_TOTAL:
        errors["embeds"] = f"Embed size exceeds maximum size of {EMBED_TOTAL}"
    nonce = payload.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE_LIMIT:
        errors["nonce"] = f"Must be {NONCE_LIMIT} or fewer in length."
    if creating:
        errors.update(components.check_create(payload))
    if errors:
        raise _form_error(errors)
    if creating and not (
        content
        or embeds
        or files
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
    ):
        raise DiscordError(50006)


def valid_command_name(name: str) -> bool:
    """Discord's rule for chat-input command and option names, localised ones included:
    ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where a letter has a lowercase."""
    if not 1 <= len(name) <= 32 or name != name.lower():
        return False
    for char in name:
        category = unicodedata.category(char)
        script = unicodedata.name(char, "").split(" ")[0]
        if char not in "-_" and category[0] not in "LN" and script not in ("DEVANAGARI", "THAI"):
            return False
    return True


def _validate_localizations(
    item: dict[str, Any], path: str, errors: dict[str, str], *, names: bool = True
) -> None:
    """``name_localizations`` (names) and ``description_localizations`` (1-100 characters),
    keyed by locales Discord knows (400 Invalid Form Body otherwise)."""
    for locale, value in (item.get("name_localizations") or {}).items():
        if locale not in DISCORD_LOCALES:
            errors[f"{path}.name_localizations.{locale}"] = "Invalid locale"
        elif names and not valid_command_name(value):
            errors[f"{path}.name_localizations.{locale}"] = "Command name is invalid"
        elif not names and not 1 <= len(value) <= 100:
            errors[f"{path}.name_localizations.{locale}"] = "Must be between 1 and 100 in length."
    for locale, value in (item.get("description_localizations") or {}).items():
        if locale not in DISCORD_LOCALES:
            errors[f"{path}.description_localizations.{locale}"] = "Invalid locale"
        elif not 1 <= len(value) <= 100:
            errors[f"{path}.description_localizations.{locale}"] = "Must be between 1 and 100 in length."


def _unique_localized_names(options: list[dict[str, Any]], path: str, errors: dict[str, str]) -> None:
    """Sibling options may not share a name in any locale."""
    locales = {loc for o in options for loc in (o.get("name_localizations") or {})}
    for locale in locales:
        seen = [(o.get("name_localizations") or {}).get(locale, o["name"]) for o in options]
        if len(seen) != len(set(seen)):
            errors[f"{path}.name_localizations.{locale}"] = "Application command option names must be unique"


def _validate_command(body: dict[str, Any]) -> None:
    name = body.get("name") or ""
    errors: dict[str, str] = {}
    if not 1 <= len(name) <= 32:
        errors["name"] = "Must be between 1 and 32 in length."
    if body.get("type", 1) == 1:
        if not valid_command_name(name):
            errors["name"] = "Command name is invalid"
        if not 1 <= len(body.get("description") or "") <= 100:
            errors["description"] = "Must be between 1 and 100 in length."
        _validate_localizations(body, "", errors)
    if not set(body.get("contexts") or []) <= {0, 1, 2}:
        errors["contexts"] = "Value must be one of {0, 1, 2}."
    if not set(body.get("integration_types") or []) <= {0, 1}:
        errors["integration_types"] = "Value must be one of {0, 1}."

    def walk(options: list[dict[str, Any]], path: str) -> None:
        if len(options) > 25:
            errors[path] = "Must be 25 or fewer in length."
        _unique_localized_names(options, path, errors)
        for i, opt in enumerate(options):
            if not valid_command_name(opt.get("name") or ""):
                errors[f"{path}.{i}.name"] = "Command name is invalid"
            if not 1 <= len(opt.get("description") or "") <= 100:
                errors[f"{path}.{i}.description"] = "Must be between 1 and 100 in length."
            _validate_localizations(opt, f"{path}.{i}", errors)
            if len(opt.get("choices") or []) > 25:
                errors[f"{path}.{i}.choices"] = "Must be 25 or fewer in length."
            for j, choice in enumerate(opt.get("choices") or []):
                _validate_localizations(choice, f"{path}.{i}.choices.{j}", errors, names=False)
            walk(opt.get("options") or [], f"{path}.{i}.options")

    walk(body.get("options") or [], "options")
    if errors:
        raise _form_error(errors)


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly ``Content-Type: application/json``, as discord.py compares it verbatim."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
