"""Channel Following in the fake Discord: follower webhooks, and the copies Discord makes
of a published message in every channel that follows its announcement channel.

As Discord documents it: ``POST /channels/{id}/followers`` (``webhook_channel_id`` in the
body) makes the target channel follow the announcement channel ``id``, by creating a
Channel Follower webhook (type 2) in the target; it needs Manage Webhooks in the target
(403, 50013), an announcement channel to follow (400, 50024) and a text or announcement
target (400, 50024), and a channel holds at most 15 webhooks (400, 30007). It answers with
the followed channel object ``{channel_id, webhook_id}``. ``DELETE /webhooks/{id}`` (Manage
Webhooks in the webhook's channel; 404, 10015 when unknown) ends the follow.

When a message is published (crossposted), Discord itself posts a copy in every following
channel: no request of the bot's, so nothing counted against its rate limits. The copy
comes from the follower webhook, named after the source server and channel, has the
IS_CROSSPOST flag and a ``message_reference`` to the original; an edit of the original
reaches every copy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import model
from .model import Channel, Message

if TYPE_CHECKING:
    from .server import FakeDiscord

CHANNEL_FOLLOWER = 2  # webhook type
IS_CROSSPOST = 1 << 1  # a message's flag: the copy of a message published in a followed channel
MAX_WEBHOOKS_PER_CHANNEL = 15
GUILD_MESSAGES_INTENT = 1 << 9
FOLLOWABLE_TARGETS = frozenset({model.GUILD_TEXT, model.GUILD_ANNOUNCEMENT})
_EDITED_KEYS = ("content", "embeds", "components", "flags")


@dataclass
class FollowerWebhook:
    id: int
    guild_id: int
    channel_id: int  # the following channel, where the copies appear
    source_guild_id: int
    source_channel_id: int
    name: str
    source_guild_name: str = ""
    source_channel_name: str = ""
    user_id: int = 0  # who made it: the bot, or a manager in Discord's app

    def to_dict(self) -> dict[str, Any]:
        """As ``GET /channels/{id}/webhooks`` lists it: type 2, no token, the followed
        channel and its server as ``source_channel`` {id, name} and ``source_guild`` {id,
        name, icon}."""
        return {
            "id": str(self.id),
            "type": CHANNEL_FOLLOWER,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "name": self.name,
            "avatar": None,
            "application_id": None,
            "user": {"id": str(self.user_id), "username": "creator", "discriminator": "0", "avatar": None},
            "source_guild": {"id": str(self.source_guild_id), "name": self.source_guild_name, "icon": None},
            "source_channel": {"id": str(self.source_channel_id), "name": self.source_channel_name},
        }


class Followers:
    """The fake's follower webhooks, by id and by followed channel, and the copies made."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.webhooks: dict[int, FollowerWebhook] = {}
        self._by_source: dict[int, dict[int, FollowerWebhook]] = {}
        self._copies: dict[int, list[int]] = {}  # original message id -> its copies' ids

    # ------------------------------------------------------------------ world building and queries
    def add(self, source: Channel, target: Channel, *, user_id: int | None = None) -> FollowerWebhook:
        """Make ``target`` follow ``source`` as a server manager would in Discord's app (or,
        with the bot's ``user_id``, as the bot did)."""
        src_guild = self.fake.guilds[source.guild_id or 0]
        hook = FollowerWebhook(
            id=self.fake.snowflake(),
            guild_id=target.guild_id or 0,
            channel_id=target.id,
            source_guild_id=src_guild.id,
            source_channel_id=source.id,
            name=f"{src_guild.name} #{source.name}"[:80],
            source_guild_name=src_guild.name,
            source_channel_name=source.name,
            user_id=user_id if user_id is not None else self.fake.owner.id,
        )
        self.webhooks[hook.id] = hook
        self._by_source.setdefault(source.id, {})[hook.id] = hook
        return hook

    def following(self, source: Channel | int) -> list[FollowerWebhook]:
        """The follower webhooks of an announcement channel."""
        return list(self._by_source.get(_id(source), {}).values())

    def in_channel(self, channel: Channel | int) -> list[FollowerWebhook]:
        cid = _id(channel)
        return [h for h in self.webhooks.values() if h.channel_id == cid]

    def copies(self, channel: Channel | int) -> list[Message]:
        """The crossposted copies in a following channel, oldest first."""
        cid = _id(channel)
        return [
            m
            for m in self.fake.messages.values()
            if m.channel_id == cid and m.source == "crosspost" and not m.deleted
        ]

    def copies_of(self, message: Message | int) -> list[Message]:
        mid = message if isinstance(message, int) else message.id
        return [self.fake.messages[i] for i in self._copies.get(mid, [])]

    # ------------------------------------------------------------------ REST handlers
    async def follow(self, request: web.Request) -> web.Response:
        """POST /channels/{channel_id}/followers."""
        from .server import PAYLOAD, DiscordError, _json

        fake = self.fake
        _guild, source = fake._channel(int(request.match_info["channel_id"]))
        if fake.enforce_permissions and not fake.bot_permissions(source) & model.VIEW_CHANNEL:
            raise DiscordError(50001)
        if source.type != model.GUILD_ANNOUNCEMENT:
            raise DiscordError(50024, 400, "Cannot execute action on this channel type")
        payload = request[PAYLOAD] or {}
        raw_target = payload.get("webhook_channel_id") if isinstance(payload, dict) else None
        try:
            target_id = int(raw_target)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors = {
                "webhook_channel_id": {
                    "_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]
                }
            }
            raise DiscordError(50035, 400, "Invalid Form Body", errors) from None
        _target_guild, target = fake._channel(target_id)
        if target.type not in FOLLOWABLE_TARGETS:
            raise DiscordError(50024, 400, "Cannot execute action on this channel type")
        if fake.enforce_permissions and not fake.bot_permissions(target) & model.MANAGE_WEBHOOKS:
            raise DiscordError(50013)
        others = getattr(fake, "channel_webhooks", None)  # webhooks.py: the same 15 a channel
        held = len(self.in_channel(target)) + (len(others.of_channel(target)) if others is not None else 0)
        if held >= MAX_WEBHOOKS_PER_CHANNEL:
            raise DiscordError(30007, 400, "Maximum number of webhooks reached (15)")
        hook = self.add(source, target, user_id=fake.bot_user.id)
        fake._dispatch_if_live(
            "WEBHOOKS_UPDATE",
            lambda _s: {"guild_id": str(hook.guild_id), "channel_id": str(hook.channel_id)},
            hook.guild_id,
        )
        return _json({"channel_id": str(source.id), "webhook_id": str(hook.id)})

    async def delete_webhook(self, request: web.Request) -> web.Response:
        """DELETE /webhooks/{webhook_id} of a follower webhook (``webhooks.py`` routes it here):
        needs the bot's token (the middleware lets every /webhooks/ route through without one,
        for the token-bearing routes) and Manage Webhooks in the webhook's channel."""
        from .server import DiscordError, _json

        fake = self.fake
        if request.headers.get("Authorization") != f"Bot {fake.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        hook = self.webhooks.get(int(request.match_info["webhook_id"]))
        guild = fake.guilds.get(hook.guild_id) if hook is not None else None
        channel = guild.channels.get(hook.channel_id) if hook is not None and guild is not None else None
        if hook is None or channel is None:  # a deleted channel took its webhooks with it
            raise DiscordError(10015)
        if fake.enforce_permissions and not fake.bot_permissions(channel) & model.MANAGE_WEBHOOKS:
            raise DiscordError(50013)
        self.remove(hook)
        return web.Response(status=204)

    def remove(self, hook: FollowerWebhook) -> None:
        """The webhook deleted (by the bot, or by a manager in Discord's app): copies stop."""
        self.webhooks.pop(hook.id, None)
        self._by_source.get(hook.source_channel_id, {}).pop(hook.id, None)

    # ------------------------------------------------------------------ hooks from the server
    def crossposted(self, original: Message) -> None:
        """Discord's own copies of a just-published message, one per following channel."""
        hooks = self.following(original.channel_id)
        if not hooks:
            return
        fake = self.fake
        reference = {
            "channel_id": str(original.channel_id),
            "guild_id": str(original.guild_id),
            "message_id": str(original.id),
        }
        listening = [s for s in fake.gateway.live_sessions() if s.intents & GUILD_MESSAGES_INTENT]
        made = self._copies.setdefault(original.id, [])
        for hook in hooks:
            guild = fake.guilds.get(hook.guild_id)
            if guild is None or hook.channel_id not in guild.channels:
                continue  # a deleted channel takes its webhooks with it
            copy = Message(
                id=fake.snowflake(),
                channel_id=hook.channel_id,
                guild_id=hook.guild_id,
                author={
                    "id": str(hook.id),
                    "username": hook.name,
                    "discriminator": "0000",
                    "avatar": None,
                    "bot": True,
                },
                content=original.content,
                embeds=[dict(e) for e in original.embeds],
                components=list(original.components),
                allowed_mentions={"parse": []},  # a copy pings no one in the following server
                flags=IS_CROSSPOST,
                message_reference=dict(reference),
                source="crosspost",
                webhook_id=hook.id,
                created_at=time.time(),  # when this copy exists: the last is made last
            )
            fake.messages[copy.id] = copy
            made.append(copy.id)
            if listening:
                fake._dispatch_message_event("MESSAGE_CREATE", copy)

    def edited(self, original: Message, payload: dict[str, Any]) -> None:
        """An edit of a published message reaches its copies (the flags stay theirs)."""
        if not original.flags & model.CROSSPOSTED:
            return
        changes = {k: payload[k] for k in _EDITED_KEYS if k in payload and k != "flags"}
        for copy in self.copies_of(original):
            if copy.deleted:
                continue
            copy.apply(changes)
            copy.edited_at = original.edited_at or time.time()
            self.fake._dispatch_message_event("MESSAGE_UPDATE", copy)


def _id(obj: Any) -> int:
    return obj if isinstance(obj, int) else int(obj.id)
