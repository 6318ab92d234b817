"""The fake Discord's model of the world: users, guilds, roles, channels, members, messages.

Everything here is plain data plus the JSON shapes Discord sends. Permission maths follows
Discord's documented algorithm (base permissions from roles, then channel overwrites for
@everyone, roles and the member), independently of discord.py, so the fake is an oracle
rather than a mirror of the client under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .components import IS_COMPONENTS_V2, text_of

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
PIN_MESSAGES = 1 << 51
ALL_PERMISSIONS = (1 << 53) - 1

#: What @everyone gets in a new server (roughly Discord's default).
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
#: What the bot's managed role gets unless a test says otherwise.
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | SEND_MESSAGES_IN_THREADS
)

# Channel types
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GROUP_DM = 3
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
ANNOUNCEMENT_THREAD = 10
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15
GUILD_MEDIA = 16
FORUM_TYPES = frozenset({GUILD_FORUM, GUILD_MEDIA})  # channels whose messages are all posts (threads)
REQUIRE_TAG = 1 << 4  # a forum's flag: every post needs a tag
PINNED = 1 << 1  # a forum post's flag
TAGS_PER_POST = 5
ARCHIVE_DURATIONS = frozenset({60, 1440, 4320, 10080})  # minutes
HAS_THREAD = 1 << 5  # a message's flag
CROSSPOSTED = 1 << 0  # a message's flag: published to the channel's followers
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})
PRIVATE_TYPES = frozenset({DM, GROUP_DM})
_CHANNEL_TYPE_NAMES = {
    "text": GUILD_TEXT,
    "voice": GUILD_VOICE,
    "category": GUILD_CATEGORY,
    "announcement": GUILD_ANNOUNCEMENT,
    "news": GUILD_ANNOUNCEMENT,
    "announcement_thread": ANNOUNCEMENT_THREAD,
    "thread": PUBLIC_THREAD,
    "public_thread": PUBLIC_THREAD,
    "private_thread": PRIVATE_THREAD,
    "forum": GUILD_FORUM,
    "media": GUILD_MEDIA,
}


class SnowflakeFactory:
    """Monotonic, time-based snowflakes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0
        self._counter = itertools.count()

    def __call__(self) -> int:
        with self._lock:
            ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
            value = (ms << 22) | (next(self._counter) & 0xFFF)
            if value <= self._last:
                value = self._last + 1
            self._last = value
            return value

    def advance_past(self, value: int) -> None:
        """Make every later snowflake larger than ``value`` (for hand-picked ids)."""
        with self._lock:
            self._last = max(self._last, value)


def iso(ts: float | None = None) -> str:
    return dt.datetime.fromtimestamp(time.time() if ts is None else ts, dt.UTC).isoformat()


def perm_value(value: Any) -> int:
    """Accept an int, a discord.Permissions (anything with ``.value``) or None."""
    if value is None:
        return 0
    return int(getattr(value, "value", value))


def channel_type(value: int | str) -> int:
    if isinstance(value, str):
        return _CHANNEL_TYPE_NAMES[value]
    return int(value)


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False
    color: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.managed:
            data["tags"] = {"bot_id": None}
        return data

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Overwrite:
    """A channel permission overwrite; ``target`` is a Role or a User/Member."""

    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class Channel:
    id: int
    guild_id: int | None
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    topic: str | None = None
    owner_id: int | None = None  # threads
    archived: bool = False
    locked: bool = False
    recipients: list[User] = field(default_factory=list)  # DMs and group DMs
    flags: int = 0
    # forum and media channels: their tags ({"id", "name", "moderated", "emoji_id", "emoji_name"})
    available_tags: list[dict[str, Any]] = field(default_factory=list)
    # threads: a forum post's tags, when it was archived or unarchived last, after how long idle
    applied_tags: list[int] = field(default_factory=list)
    archive_timestamp: float = field(default_factory=time.time)
    auto_archive_duration: int = 1440

    @property
    def is_forum(self) -> bool:
        """A forum or media channel: each message in it starts a post (a thread)."""
        return self.type in FORUM_TYPES

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_private(self) -> bool:
        """A DM or group DM: no server, no permissions, only its recipients."""
        return self.type in PRIVATE_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_dict(self, *, include_guild_id: bool = True, viewer: int | None = None) -> dict[str, Any]:
        """The channel object; for a DM or group DM, its recipients other than ``viewer``."""
        data: dict[str, Any]
        if self.is_private:
            data = {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": None,
                "flags": 0,
                "recipients": [u.to_dict() for u in self.recipients if u.id != viewer],
            }
            if self.type == GROUP_DM:
                data.update(name=self.name or None, icon=None, owner_id=str(self.owner_id or 0))
            return data
        data = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "flags": self.flags,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        if include_guild_id and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        data["parent_id"] = str(self.parent_id) if self.parent_id else None
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id or 0),
                message_count=0,
                member_count=1,
                total_message_sent=0,
                applied_tags=[str(t) for t in self.applied_tags],
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(self.archive_timestamp),
                    "locked": self.locked,
                    "invitable": True,
                },
            )
        else:
            data.update(
                position=self.position,
                permission_overwrites=[o.to_dict() for o in self.overwrites],
                nsfw=False,
                topic=self.topic,
            )
            if self.is_forum:
                data.update(
                    available_tags=self.available_tags,
                    default_auto_archive_duration=self.auto_archive_duration,
                    default_thread_rate_limit_per_user=0,
                    default_reaction_emoji=None,
                    default_sort_order=None,
                    default_forum_layout=0,
                )
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso)

    @property
    def id(self) -> int:
        return self.user.id

    def to_dict(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    system_channel_id: int | None = None
    preferred_locale: str = "en-US"
    joined_at: str = field(default_factory=iso)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def shard_id(self, shard_count: int) -> int:
        return (self.id >> 22) % max(shard_count, 1)

    def channel_by_name(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    # --- permissions -------------------------------------------------------------------------
    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.everyone.permissions
        for role_id in member.role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def top_position(self, member: Member) -> int:
        """The position of the member's highest role (@everyone's 0 when it has none); the
        owner outranks every role."""
        if member.id == self.owner_id:
            return 1 << 30
        return max((self.roles[r].position for r in member.role_ids if r in self.roles), default=0)

    def permissions_in(self, member: Member, channel: Channel | None) -> int:
        """Discord's permission algorithm: base, then @everyone, role and member overwrites."""
        perms = self.base_permissions(member)
        if perms & ADMINISTRATOR or channel is None:
            return perms
        source = channel
        if channel.is_thread and channel.parent_id in self.channels:
            source = self.channels[channel.parent_id]
        overwrites = {(o.type, o.id): o for o in source.overwrites}
        everyone = overwrites.get((0, self.id))
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in member.role_ids:
            ow = overwrites.get((0, role_id))
            if ow:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        own = overwrites.get((1, member.id))
        if own:
            perms = (perms & ~own.deny) | own.allow
        if not perms & VIEW_CHANNEL:
            return 0
        if channel.is_thread and channel.locked and not perms & MANAGE_THREADS:
            perms &= ~SEND_MESSAGES_IN_THREADS
        return perms

    def to_dict(self, *, members: list[Member], unavailable: bool = False) -> dict[str, Any]:
        normal = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": self.preferred_locale,
            "features": [],
            "application_id": None,
            "max_members": 500000,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": self.joined_at,
            "large": False,
            "unavailable": unavailable,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [m.to_dict() for m in members],
            "channels": [c.to_dict(include_guild_id=False) for c in normal],
            "threads": [c.to_dict() for c in threads],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass(eq=False)
class Attachment:
    """A file a test hands to the bot (served by the fake at ``url``) or one the bot uploaded."""

    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        return data


_MENTION_RE = re.compile(r"<@!?(\d+)>|<@&(\d+)>|@(everyone|here)")


@dataclass(eq=False)
class Message:
    """A message as recorded by the fake (channel post, interaction response or follow-up)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    nonce: str | int | None = None
    enforce_nonce: bool = False
    flags: int = 0
    tts: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    message_reference: dict[str, Any] | None = None
    source: str = "channel"  # channel | interaction | followup | webhook
    interaction_id: int | None = None
    webhook_id: int | None = None
    created_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    deleted: bool = False
    deferred: bool = False  # a type-5 "thinking" placeholder not yet edited
    pinned: bool = False
    thread_id: int | None = None  # the thread started from it (which has the message's id)
    edits: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    process: int | None = None  # the launched bot process that created it (gateway.process_of)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    def apply(self, payload: dict[str, Any]) -> None:
        """Apply a create/edit payload (only keys present change, as in Discord)."""
        defaults: tuple[tuple[str, Any], ...] = (
            ("content", ""),
            ("embeds", []),
            ("components", []),
            ("allowed_mentions", None),
            ("flags", 0),
            ("tts", False),
        )
        for key, empty in defaults:
            if key in payload:
                value = payload[key]
                setattr(self, key, empty if value is None else value)

    def pings(self) -> dict[str, Any]:
        """Who this message would notify, from its content and ``allowed_mentions``.

        Follows Discord's rules: without ``allowed_mentions`` everything in the content pings;
        with it, only what ``parse`` or the explicit ``users``/``roles`` lists allow. A
        Components V2 message's mentions are in its text displays.
        """
        users: set[int] = set()
        roles: set[int] = set()
        everyone = False
        text = text_of(self.components) if self.flags & IS_COMPONENTS_V2 else self.content or ""
        for user_id, role_id, word in _MENTION_RE.findall(text):
            if user_id:
                users.add(int(user_id))
            elif role_id:
                roles.add(int(role_id))
            elif word:
                everyone = True
        am = self.allowed_mentions
        if am is None:
            return {"everyone": everyone, "users": sorted(users), "roles": sorted(roles)}
        parse = set(am.get("parse") or [])
        allowed_users = {int(u) for u in am.get("users") or []}
        allowed_roles = {int(r) for r in am.get("roles") or []}
        return {
            "everyone": everyone and "everyone" in parse,
            "users": sorted(u for u in users if "users" in parse or u in allowed_users),
            "roles": sorted(r for r in roles if "roles" in parse or r in allowed_roles),
        }

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 20 if self.source == "interaction" else 0,
            "author": self.author,
            "content": self.content or "",
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": self.pings()["everyone"],
            "mentions": [],
            "mention_roles": [str(r) for r in self.pings()["roles"]],
            "attachments": [a.to_dict() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": self.pinned,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data
