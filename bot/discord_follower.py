"""``bot.following.Follower`` over discord.py's HTTP client: follow a home announcement
channel into a server's channel, find and delete the follower webhooks that do it; and
``bot.home_channels.HomeChannelReader``: what the bot may do in a home channel.

Raw routes rather than ``TextChannel.follow``: the home channel may be on another
process's shards, out of this one's cache, and deleting needs only the webhook's id."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, cast

import discord
from discord.http import HTTPClient, Route

from bot.delivery.sender import ChannelGone, NoAccess, Rejected
from bot.discord_sender import REQUEST_TIMEOUT_SECONDS, call_discord
from bot.following import MAX_WEBHOOKS, FollowerWebhook, TooManyWebhooks
from bot.home_channels import HomeChannelState

log = logging.getLogger(__name__)

CHANNEL_FOLLOWER = 2  # Discord's webhook type of a Channel Follower webhook
# What posting and publishing cards in a home channel needs; without View or Send, Discord
# drops Embed Links too, so only the first one missing is named.
HOME_PERMISSIONS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)


class DiscordFollower:
    def __init__(self, http: HTTPClient, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self._http = http
        self._timeout = timeout

    async def follow(self, home_channel_id: int, channel_id: int) -> int:
        """POST /channels/{home}/followers: Discord answers with the follower webhook's id."""
        try:
            # discord.py types the answer as None; Discord sends the followed channel object.
            request = cast(
                Awaitable[dict[str, Any]],
                self._http.follow_webhook(home_channel_id, webhook_channel_id=channel_id),
            )
            data = await call_discord(request, self._timeout)
        except Rejected as exc:
            cause = exc.__cause__
            if isinstance(cause, discord.HTTPException) and cause.code == MAX_WEBHOOKS:
                raise TooManyWebhooks(str(cause)) from cause
            raise
        return int(data["webhook_id"])

    async def follower_webhooks(self, channel_id: int) -> list[FollowerWebhook]:
        """GET /channels/{id}/webhooks (Manage Webhooks), the follower webhooks only: type 2,
        with the followed channel in ``source_channel``."""
        data = await call_discord(self._http.channel_webhooks(channel_id), self._timeout)
        found = []
        for hook in cast(list[dict[str, Any]], data):
            source = hook.get("source_channel") or {}
            if hook.get("type") == CHANNEL_FOLLOWER and source.get("id") is not None:
                found.append(FollowerWebhook(int(hook["id"]), int(source["id"])))
        return found

    async def unfollow(self, webhook_id: int) -> None:
        """DELETE /webhooks/{id}; 404 Unknown Webhook means someone deleted it already."""
        route = Route("DELETE", "/webhooks/{webhook_id}", webhook_id=webhook_id)
        try:
            await call_discord(self._http.request(route), self._timeout)
        except ChannelGone:
            log.info("follower webhook %d was already deleted", webhook_id)


class DiscordHomeChannels:
    """A home channel as this process sees it: from the cache when its server is on this
    process's shards (with the bot's permissions there), else by GET /channels/{id} (its
    existence, type and server only: permissions need the server's roles)."""

    def __init__(self, client: discord.Client, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self._client = client
        self._timeout = timeout

    async def read(self, channel_id: int) -> HomeChannelState:
        channel = self._client.get_channel(channel_id)
        if isinstance(channel, discord.abc.GuildChannel):
            me = channel.guild.me
            if me is None:
                return HomeChannelState(
                    True,
                    channel_type=channel.type.value,
                    guild_id=channel.guild.id,
                    permissions_checked=False,
                )
            perms = channel.permissions_for(me)
            missing = next((name for attr, name in HOME_PERMISSIONS if not getattr(perms, attr)), None)
            return HomeChannelState(
                True,
                channel_type=channel.type.value,
                guild_id=channel.guild.id,
                missing=(missing,) if missing else (),
            )
        try:
            data = cast(
                dict[str, Any], await call_discord(self._client.http.get_channel(channel_id), self._timeout)
            )
        except ChannelGone:
            return HomeChannelState(False)
        except NoAccess:
            return HomeChannelState(True, visible=False)
        guild_id = data.get("guild_id")
        return HomeChannelState(
            True,
            channel_type=int(data["type"]),
            guild_id=int(guild_id) if guild_id is not None else None,
            permissions_checked=False,
        )
