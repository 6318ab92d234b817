"""The engine's ``WebhookApi`` over a real ``discord.Client``: branded webhooks made, executed,
searched, edited and deleted, with Discord's errors mapped to the engine's.

Creating, listing and deleting a webhook go through ``client.http`` with the bot's token
(they need Manage Webhooks); executing and editing its messages go through discord.py's
``Webhook`` with the webhook's own token, which handles the webhook's rate limit (5
requests per 2 s) itself. The token is handed to discord.py and nowhere else: it is never
logged, and ``Secret`` keeps it out of every ``repr``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import TypeVar

import discord
from discord.http import Route

from bot.delivery.sender import ChannelGone, MessageGone, Rejected
from bot.delivery.webhooks import TooManyWebhooks, WebhookGone
from bot.discord_sender import REQUEST_TIMEOUT_SECONDS, call_discord
from bot.models import ChannelWebhook

log = logging.getLogger(__name__)

T = TypeVar("T")

UNKNOWN_WEBHOOK = 10015
MAX_WEBHOOKS = 30007  # the channel holds as many webhooks as Discord allows
INCOMING = 1  # a webhook's type: made to post (2: Channel Following, 3: an application's)
HISTORY_PAGE = 100  # messages per GET /channels/{id}/messages (Discord's most)
HISTORY_PAGES = 10  # pages looked through when reconciling: a channel's last 1,000 messages


class DiscordWebhooks:
    """``WebhookApi`` for ``DeliveryEngine`` and the subscription service."""

    def __init__(self, client: discord.Client, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self._client = client
        self._timeout = timeout

    async def create_webhook(self, channel_id: int, *, name: str) -> tuple[int, str]:
        try:
            data = await self._call(
                self._client.http.create_webhook(
                    channel_id, name=name, reason="branded briefings (/subscribe)"
                )
            )
        except Rejected as exc:
            cause = exc.__cause__
            if isinstance(cause, discord.HTTPException) and cause.code == MAX_WEBHOOKS:
                raise TooManyWebhooks(str(exc)) from cause
            raise
        log.info("channel %s: made webhook %s", channel_id, data["id"])
        return int(data["id"]), str(data["token"])

    async def delete_webhook(self, webhook_id: int) -> None:
        route = Route("DELETE", "/webhooks/{webhook_id}", webhook_id=webhook_id)
        try:
            await self._call(self._client.http.request(route, reason="briefings unsubscribed"))
        except WebhookGone:
            return  # deleted already
        log.info("deleted webhook %s", webhook_id)

    async def own_webhooks(self, channel_id: int) -> list[tuple[int, datetime]]:
        """The channel's incoming webhooks this application made (type 1, our application
        id), with when each was made, from its snowflake."""
        listed = await self._call(self._client.http.channel_webhooks(channel_id))
        mine = str(self._client.application_id)
        return [
            (int(w["id"]), discord.utils.snowflake_time(int(w["id"])))
            for w in listed
            if w.get("type") == INCOMING and w.get("application_id") == mine
        ]

    def _webhook(self, hook: ChannelWebhook) -> discord.Webhook:
        return discord.Webhook.partial(hook.webhook_id, hook.token.reveal(), client=self._client)

    async def execute(
        self,
        hook: ChannelWebhook,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        webhook = self._webhook(hook)
        sent = await self._call(
            webhook.send(
                content or discord.utils.MISSING,
                username=hook.name,
                avatar_url=hook.avatar_url or discord.utils.MISSING,
                embeds=list(embeds),
                allowed_mentions=allowed_mentions,
                wait=True,
            )
        )
        if sent is None:  # pragma: no cover - wait=True always returns the message
            raise WebhookGone("no message returned")
        return sent.id

    async def edit_message(
        self, hook: ChannelWebhook, message_id: int, *, embeds: Sequence[discord.Embed]
    ) -> None:
        await self._call(self._webhook(hook).edit_message(message_id, embeds=list(embeds)))

    async def delete_message(self, hook: ChannelWebhook, message_id: int) -> None:
        await self._call(self._webhook(hook).delete_message(message_id))

    async def find_message(
        self, hook: ChannelWebhook, *, title: str, since: datetime, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        after = discord.utils.time_snowflake(since)
        for _ in range(HISTORY_PAGES):
            page = await self._call(self._client.http.logs_from(hook.channel_id, HISTORY_PAGE, after=after))
            for message in page:
                embeds = message.get("embeds") or []
                if (
                    str(message.get("webhook_id")) == str(hook.webhook_id)
                    and int(message["id"]) not in exclude
                    and embeds
                    and embeds[0].get("title") == title
                ):
                    return int(message["id"])
            if len(page) < HISTORY_PAGE:
                return None
            after = max(int(m["id"]) for m in page)  # the next, newer page
        log.warning("channel %s: no webhook post titled %r among the newest messages", hook.channel_id, title)
        return None

    async def _call(self, request: Awaitable[T]) -> T:
        """``call_discord``, with a deleted webhook (10015) told apart from a deleted channel."""
        try:
            return await call_discord(request, self._timeout)
        except (ChannelGone, MessageGone) as exc:
            cause = exc.__cause__
            if isinstance(cause, discord.NotFound) and cause.code == UNKNOWN_WEBHOOK:
                raise WebhookGone(str(exc)) from cause
            raise
