"""Channel webhooks for the fake Discord: create, list, get and delete a channel's webhooks
(with the bot's token and Manage Webhooks), execute one (with its own token, a username and
avatar_url per message, ``wait=true`` answering with the message and 204 otherwise), and get,
edit and delete the messages it posted.

As on Discord: a webhook's name is 1 to 80 characters once trimmed, contains neither "clyde"
nor "discord" and is not "everyone", "here" or "system message" (any case), else 400 Invalid
Form Body naming ``name`` (``username`` on an execution); a channel holds at most 15 webhooks
(30007); a deleted webhook, or one whose channel was deleted, is 404 Unknown Webhook (10015);
a wrong token is 401 Invalid Webhook Token (50027); each webhook may take 5 requests per 2 s
(429 with Discord's rate-limit headers) while the fake's rate limits are on.

Interaction follow-ups use the same paths (``/webhooks/{application id}/{interaction
token}``): :meth:`ChannelWebhooks.or_interaction` sends a request to the channel webhook its
id names, and any other to the interaction handler.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import model
from .limits import _Bucket, error_body
from .model import Channel, Message

if TYPE_CHECKING:
    from .server import FakeDiscord

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NAME_LIMIT = 80
FORBIDDEN_PARTS = ("clyde", "discord")
FORBIDDEN_NAMES = frozenset({"everyone", "here", "system message"})


@dataclass(eq=False)
class Webhook:
    """An incoming webhook of a channel, made by the bot (``user_id``) or by someone else."""

    id: int
    guild_id: int
    channel_id: int
    name: str
    token: str
    user_id: int
    application_id: int | None
    avatar: str | None = None
    created_at: float = field(default_factory=time.time)

    def to_dict(self, *, with_token: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": 1,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "name": self.name,
            "avatar": self.avatar,
            "application_id": str(self.application_id) if self.application_id else None,
            "user": {"id": str(self.user_id), "username": "creator", "discriminator": "0", "avatar": None},
        }
        if with_token:
            data["token"] = self.token
        return data


def name_error(name: Any) -> str | None:
    """Discord's complaint about a webhook name or username; None when it would take it."""
    if not isinstance(name, str):
        return "Must be a string."
    trimmed = " ".join(name.split())
    if not 1 <= len(trimmed) <= NAME_LIMIT:
        return f"Must be between 1 and {NAME_LIMIT} in length."
    folded = trimmed.casefold()
    if any(part in folded for part in FORBIDDEN_PARTS) or folded in FORBIDDEN_NAMES:
        return f'Username cannot contain "{name}"'
    return None


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly ``Content-Type: application/json``, as discord.py compares it verbatim."""
    body = json.dumps(data).encode()
    return web.Response(
        body=body, status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def _error(
    code: int, status: int, message: str | None = None, errors: dict[str, Any] | None = None
) -> web.Response:
    return _json(error_body(code, message, errors), status=status)


def _form_error(field_name: str, message: str) -> web.Response:
    errors = {field_name: {"_errors": [{"code": "USERNAME_INVALID", "message": message}]}}
    return _error(50035, 400, "Invalid Form Body", errors)


class ChannelWebhooks:
    """The fake's channel webhooks (``fake.channel_webhooks``)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.hooks: dict[int, Webhook] = {}
        self.per_channel = 15
        self.limit = 5  # requests per webhook ...
        self.window = 2.0  # ... per this many seconds, while fake.ratelimits.enabled
        self._buckets: dict[int, _Bucket] = {}
        # Seconds an execution through a webhook (by id) is answered after its message is made:
        # a crash in between leaves a post on Discord whose id the bot never learned.
        self.answer_after: dict[int, float] = {}

    # ------------------------------------------------------------------ for tests
    def of_channel(self, channel: Channel | int) -> list[Webhook]:
        cid = channel if isinstance(channel, int) else channel.id
        return [h for h in self.hooks.values() if h.channel_id == cid]

    def add(self, channel: Channel, name: str = "Someone's hook") -> Webhook:
        """A webhook someone else (not the bot) made in the channel."""
        hook = Webhook(
            self.fake.snowflake(),
            channel.guild_id or 0,
            channel.id,
            name,
            secrets.token_urlsafe(32),
            self.fake.owner.id,
            None,
        )
        self.hooks[hook.id] = hook
        return hook

    def delete(self, hook: Webhook | int) -> None:
        """Someone deleted the webhook in the server's settings: it answers 10015 from now on."""
        self.hooks.pop(hook if isinstance(hook, int) else hook.id, None)

    def posts(self, channel: Channel | int) -> list[Message]:
        """Messages posted in the channel through webhooks, oldest first."""
        return [m for m in self.fake.channel_history(channel) if m.source == "webhook"]

    # ------------------------------------------------------------------ routes
    def add_routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        router.add_post(prefix + "/channels/{channel_id}/webhooks", self._create)
        router.add_get(prefix + "/channels/{channel_id}/webhooks", self._list)
        router.add_get(prefix + "/webhooks/{webhook_id}", self._get)
        router.add_delete(prefix + "/webhooks/{webhook_id}", self._delete)

    def or_interaction(self, interaction: Handler, action: str) -> Handler:
        """The handler for ``/webhooks/{app_id}/{token}...``: a channel webhook's ``action``
        when the id is one (or looks like one: not the application's), else ``interaction``."""
        handlers: dict[str, Handler] = {
            "execute": self._execute,
            "get": self._get_message,
            "edit": self._edit_message,
            "delete": self._delete_message,
        }
        own = handlers[action]

        async def dispatch(request: web.Request) -> web.StreamResponse:
            if int(request.match_info["app_id"]) == self.fake.application_id:
                return await interaction(request)
            return await own(request)

        return dispatch

    # ------------------------------------------------------------------ helpers
    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.fake.token}"

    def _channel(self, channel_id: int) -> Channel | None:
        for guild in self.fake.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def _follower_hooks(self) -> Any:
        """The fake's Channel Following webhooks (following.py), which share a channel's limit
        and ``DELETE /webhooks/{id}``; None in a fake without them."""
        return getattr(self.fake, "followers", None)

    def _followers(self, channel: Channel) -> list[Any]:
        followers = self._follower_hooks()
        return list(followers.in_channel(channel)) if followers is not None else []

    def _manage_error(self, channel: Channel) -> web.Response | None:
        if not self.fake.enforce_permissions:
            return None
        perms = self.fake.bot_permissions(channel)
        if not perms & model.VIEW_CHANNEL:
            return _error(50001, 403, "Missing Access")
        if not perms & model.MANAGE_WEBHOOKS:
            return _error(50013, 403, "Missing Permissions")
        return None

    def _hook(self, request: web.Request) -> Webhook | web.Response:
        """The webhook a token route names, checked: 10015 when gone (or its channel is), 50027
        for a wrong token; 429 past its rate limit."""
        hook = self.hooks.get(int(request.match_info["app_id"]))
        if hook is None or self._channel(hook.channel_id) is None:
            return _error(10015, 404, "Unknown Webhook")
        if not secrets.compare_digest(hook.token, request.match_info["token"]):
            return _error(50027, 401, "Invalid Webhook Token")
        return hook

    def _limited(self, hook: Webhook) -> tuple[dict[str, str], web.Response | None]:
        """Discord's per-webhook bucket: its headers, and the 429 past it."""
        limits = self.fake.ratelimits
        if not limits.enabled:
            return {}, None
        now = time.time()
        bucket = self._buckets.setdefault(hook.id, _Bucket(self.limit, self.window))
        wait = bucket.take(now)
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(bucket.remaining, 0)),
            "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(bucket.reset_at - now, 0):.3f}",
            "X-RateLimit-Bucket": limits.bucket_hash(f"/webhooks/{hook.id}"),
        }
        if wait <= 0:
            return headers, None
        limits.hits["user"] += 1
        headers.update({"X-RateLimit-Scope": "user", "Retry-After": f"{wait:.3f}", "Via": "1.1 google"})
        body = {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": False}
        return headers, _json(body, status=429, headers=headers)

    def _message(self, request: web.Request, hook: Webhook) -> Message | None:
        msg = self.fake.messages.get(int(request.match_info["message_id"]))
        if msg is None or msg.deleted or msg.webhook_id != hook.id or msg.channel_id != hook.channel_id:
            return None
        return msg

    # ------------------------------------------------------------------ bot-token routes
    async def _create(self, request: web.Request) -> web.Response:
        from .server import PAYLOAD  # the server imports this module

        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None:
            return _error(10003, 404, "Unknown Channel")
        refused = self._manage_error(channel)
        if refused is not None:
            return refused
        if channel.is_thread or channel.type == model.GUILD_CATEGORY:
            return _error(50024, 400, "Cannot execute action on this channel type")
        payload = request[PAYLOAD] or {}
        problem = name_error(payload.get("name"))
        if problem is not None:
            return _form_error("name", problem)
        if len(self.of_channel(channel)) + len(self._followers(channel)) >= self.per_channel:
            return _error(30007, 400, f"Maximum number of webhooks reached ({self.per_channel})")
        hook = Webhook(
            self.fake.snowflake(),
            channel.guild_id or 0,
            channel.id,
            " ".join(str(payload["name"]).split()),
            secrets.token_urlsafe(48),
            self.fake.bot_user.id,
            self.fake.application_id,
            avatar=payload.get("avatar"),
        )
        self.hooks[hook.id] = hook
        return _json(hook.to_dict(with_token=True))

    async def _list(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None:
            return _error(10003, 404, "Unknown Channel")
        refused = self._manage_error(channel)
        if refused is not None:
            return refused
        mine = self.fake.application_id
        listed = [h.to_dict(with_token=h.application_id == mine) for h in self.of_channel(channel)]
        return _json(listed + [h.to_dict() for h in self._followers(channel)])

    def _by_id(self, request: web.Request) -> Webhook | web.Response:
        if not self._authorised(request):
            return _error(0, 401, "401: Unauthorized")
        hook = self.hooks.get(int(request.match_info["webhook_id"]))
        channel = self._channel(hook.channel_id) if hook is not None else None
        if hook is None or channel is None:
            return _error(10015, 404, "Unknown Webhook")
        refused = self._manage_error(channel)
        return refused if refused is not None else hook

    async def _get(self, request: web.Request) -> web.Response:
        follower = self._follower_hooks()
        found = follower.webhooks.get(int(request.match_info["webhook_id"])) if follower is not None else None
        channel = self._channel(found.channel_id) if found is not None else None
        if found is not None and channel is not None and self._authorised(request):
            refused = self._manage_error(channel)  # a Channel Following webhook
            return refused if refused is not None else _json(found.to_dict())
        hook = self._by_id(request)
        if isinstance(hook, web.Response):
            return hook
        return _json(hook.to_dict(with_token=hook.application_id == self.fake.application_id))

    async def _delete(self, request: web.Request) -> web.Response:
        if int(request.match_info["webhook_id"]) not in self.hooks and self._follower_hooks() is not None:
            return await self.fake.followers.delete_webhook(request)  # a Channel Following webhook
        hook = self._by_id(request)
        if isinstance(hook, web.Response):
            return hook
        self.delete(hook)
        return web.Response(status=204)

    # ------------------------------------------------------------------ webhook-token routes
    async def _execute(self, request: web.Request) -> web.StreamResponse:
        from .server import FILES, PAYLOAD, _validate_message

        hook = self._hook(request)
        if isinstance(hook, web.Response):
            return hook
        headers, limited = self._limited(hook)
        if limited is not None:
            return limited
        channel = self._channel(hook.channel_id)
        assert channel is not None
        payload: dict[str, Any] = request[PAYLOAD] or {}
        if "username" in payload:
            problem = name_error(payload["username"])
            if problem is not None:
                return _form_error("username", problem)
        avatar_url = payload.get("avatar_url")
        if avatar_url is not None and not str(avatar_url).startswith(("https://", "http://")):
            return _form_error("avatar_url", "Not a well formed URL.")
        _validate_message(payload, request[FILES], creating=True)
        msg = self.fake._new_message(channel, payload, request[FILES], source="webhook")
        msg.webhook_id = hook.id
        msg.author = {
            "id": str(hook.id),
            "username": " ".join(str(payload.get("username") or hook.name).split()),
            "discriminator": "0000",
            "avatar": None,
            "bot": True,
        }
        self.fake._dispatch_message_event("MESSAGE_CREATE", msg)
        self.fake._notify()
        if self.answer_after.get(hook.id):
            await asyncio.sleep(self.answer_after[hook.id])
        if request.query.get("wait") in ("true", "1", "True"):
            return _json(msg.to_dict(), headers=headers)
        return web.Response(status=204, headers=headers)

    def _addressed(self, request: web.Request) -> tuple[Message, dict[str, str]] | web.Response:
        """The webhook message a token route names, with the webhook's rate-limit headers; or
        Discord's answer when the webhook is gone, limited, or the message unknown (10008)."""
        hook = self._hook(request)
        if isinstance(hook, web.Response):
            return hook
        headers, limited = self._limited(hook)
        if limited is not None:
            return limited
        msg = self._message(request, hook)
        if msg is None:
            return _error(10008, 404, "Unknown Message")
        return msg, headers

    async def _get_message(self, request: web.Request) -> web.Response:
        found = self._addressed(request)
        if isinstance(found, web.Response):
            return found
        msg, headers = found
        return _json(msg.to_dict(), headers=headers)

    async def _edit_message(self, request: web.Request) -> web.Response:
        from .server import FILES, PAYLOAD

        found = self._addressed(request)
        if isinstance(found, web.Response):
            return found
        msg, headers = found
        self.fake._edit(msg, request[PAYLOAD] or {}, request[FILES])
        self.fake._dispatch_message_event("MESSAGE_UPDATE", msg)
        return _json(msg.to_dict(), headers=headers)

    async def _delete_message(self, request: web.Request) -> web.Response:
        found = self._addressed(request)
        if isinstance(found, web.Response):
            return found
        msg, headers = found
        msg.deleted = True
        return web.Response(status=204, headers=headers)
