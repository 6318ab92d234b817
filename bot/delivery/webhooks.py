"""Posting through a channel's branded webhook: what the engine needs of Discord for it
(``WebhookApi``), and the rules around it (``WebhookRoute``).

A webhook execution carries no nonce, so, as for forum posts, the engine records that a
post is being made (``started_at``) before the request and, after a crash, asks
``find`` for it before executing again. Executions wait for the message (``wait=true``)
so that its id is recorded.

Someone may delete the webhook in Discord's settings (404 Unknown Webhook). The first
time, the route makes a new one in the channel and posts through it; the second time, or
when the bot may no longer make one, it raises ``WebhookLost`` and the engine pauses the
subscription with that reason.

A webhook is made on Discord before it is recorded, so a crash in between leaves one the
bot no longer knows. Before making a webhook in a channel, ``delete_orphans`` deletes the
bot's own webhooks there that are not the recorded one and are older than
``ORPHAN_AFTER`` (younger ones may be a make in progress in another task): a channel never
fills up with them towards Discord's limit of 15.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

import discord

from bot.delivery.sender import DeliveryError, MessageGone, NoAccess, Rejected, Sender
from bot.models import ChannelWebhook, Secret

log = logging.getLogger(__name__)

RECREATE_LIMIT = 1  # losses after which the webhook is made again; past them, a pause
# A webhook of ours that no record names, this old, is left from a make a crash interrupted
# (a make records its webhook within seconds).
ORPHAN_AFTER = timedelta(minutes=10)


class WebhookGone(DeliveryError):  # noqa: N818 - reads better at the raise site
    """404 Unknown Webhook (code 10015): the webhook was deleted."""


class TooManyWebhooks(Rejected):
    """400 code 30007: the channel holds as many webhooks as Discord allows."""


class WebhookLost(DeliveryError):  # noqa: N818 - reads better at the raise site
    """The channel's webhook is gone for good: deleted again after being recreated, or
    (``denied``) the bot may not make a new one. ``str()`` is the pause reason (stored, in
    English)."""

    def __init__(self, reason: str, *, denied: bool = False) -> None:
        super().__init__(reason)
        self.denied = denied


class WebhookApi(Protocol):
    """Discord's webhook calls. Errors are the engine's (``bot.delivery.sender``), with
    ``WebhookGone`` for a deleted webhook."""

    async def create_webhook(self, channel_id: int, *, name: str) -> tuple[int, str]:
        """Make a webhook in the channel (needs Manage Webhooks); its id and token."""
        ...

    async def delete_webhook(self, webhook_id: int) -> None:
        """Delete a webhook the bot made; done already when it is gone."""
        ...

    async def own_webhooks(self, channel_id: int) -> list[tuple[int, datetime]]:
        """The incoming webhooks this application made in the channel, with when each was
        made (from its id)."""
        ...

    async def execute(
        self,
        hook: ChannelWebhook,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        """Post through the webhook under its name and avatar, waiting for the message; its id."""
        ...

    async def edit_message(
        self, hook: ChannelWebhook, message_id: int, *, embeds: Sequence[discord.Embed]
    ) -> None:
        """Edit a message the webhook posted (``MessageGone`` when it did not, or it was deleted)."""
        ...

    async def delete_message(self, hook: ChannelWebhook, message_id: int) -> None: ...

    async def find_message(
        self, hook: ChannelWebhook, *, title: str, since: datetime, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        """The id of a recent message the webhook posted in its channel after ``since``, whose
        first embed is titled ``title``, other than those of ``exclude``; None when there is none."""
        ...


class WebhookStore(Protocol):
    """The storage the route needs (``storage.interface.Webhooks``)."""

    async def get_webhook(self, channel_id: int) -> ChannelWebhook | None: ...

    async def put_webhook(self, hook: ChannelWebhook) -> ChannelWebhook: ...


class OwnWebhooks(Protocol):
    """What ``delete_orphans`` needs (``WebhookApi`` has it)."""

    async def own_webhooks(self, channel_id: int) -> list[tuple[int, datetime]]: ...

    async def delete_webhook(self, webhook_id: int) -> None: ...


async def delete_orphans(api: OwnWebhooks, channel_id: int, *, keep: int | None, now: datetime) -> int:
    """Delete the bot's own webhooks in the channel other than ``keep`` (the recorded one)
    made over ``ORPHAN_AFTER`` ago; how many. Best effort: a failure is logged and the
    caller makes its webhook anyway."""
    try:
        orphans = [
            webhook_id
            for webhook_id, made in await api.own_webhooks(channel_id)
            if webhook_id != keep and now - made >= ORPHAN_AFTER
        ]
        for webhook_id in orphans:
            await api.delete_webhook(webhook_id)
            log.info("channel %s: deleted webhook %s, left by an interrupted make", channel_id, webhook_id)
    except DeliveryError as exc:
        log.warning(
            "channel %s: could not look for webhooks left by an interrupted make: %s", channel_id, exc
        )
        return 0
    return len(orphans)


class WebhookRoute:
    """Posts, finds, edits and deletes a channel's messages through its webhook."""

    def __init__(self, storage: WebhookStore, api: WebhookApi, sender: Sender) -> None:
        self._storage = storage
        self._api = api
        self._sender = sender

    async def of_channel(self, channel_id: int) -> ChannelWebhook | None:
        return await self._storage.get_webhook(channel_id)

    async def post(
        self,
        hook: ChannelWebhook,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        """Execute the webhook; when it was deleted, make it again once and execute that."""
        try:
            return await self._api.execute(
                hook, content=content, embeds=embeds, allowed_mentions=allowed_mentions
            )
        except WebhookGone:
            fresh = await self._recreate(hook)
        try:
            return await self._api.execute(
                fresh, content=content, embeds=embeds, allowed_mentions=allowed_mentions
            )
        except WebhookGone as exc:  # deleted again within moments: treat as the second loss
            raise WebhookLost(_LOST_TWICE) from exc

    async def _recreate(self, hook: ChannelWebhook) -> ChannelWebhook:
        if hook.lost >= RECREATE_LIMIT:
            log.warning("channel %s: webhook %s deleted again", hook.channel_id, hook.webhook_id)
            raise WebhookLost(_LOST_TWICE)
        try:
            await delete_orphans(self._api, hook.channel_id, keep=None, now=datetime.now(UTC))
            webhook_id, token = await self._api.create_webhook(hook.channel_id, name=hook.name)
        except NoAccess as exc:
            raise WebhookLost(
                "the channel's webhook was deleted and the bot cannot make a new one "
                "(it needs Manage Webhooks there)",
                denied=True,
            ) from exc
        fresh = await self._storage.put_webhook(
            replace(hook, webhook_id=webhook_id, token=Secret(token), lost=hook.lost + 1, created_at=None)
        )
        log.info(
            "channel %s: webhook %s was deleted; made webhook %s instead",
            hook.channel_id,
            hook.webhook_id,
            fresh.webhook_id,
        )
        return fresh

    async def find(
        self,
        hook: ChannelWebhook,
        embeds: Sequence[discord.Embed],
        *,
        since: datetime,
        exclude: frozenset[int],
    ) -> int | None:
        """A post begun before a crash, when it is on Discord (by the webhook, with the
        same first embed title, after ``since``)."""
        title = embeds[0].title if embeds else None
        if not title:
            return None
        return await self._api.find_message(hook, title=title, since=since, exclude=exclude)

    async def edit(
        self, channel_id: int, hook: ChannelWebhook, message_id: int, *, embeds: Sequence[discord.Embed]
    ) -> None:
        """Edit through the webhook. A message it did not post (sent by the bot before the
        channel chose a webhook) or a webhook deleted since is edited by the bot instead,
        which also answers whether the message is still there."""
        try:
            await self._api.edit_message(hook, message_id, embeds=embeds)
        except (MessageGone, WebhookGone):
            await self._sender.edit(channel_id, message_id, embeds=embeds)

    async def delete(self, channel_id: int, hook: ChannelWebhook, message_id: int) -> None:
        """Delete through the webhook, or as the bot when the webhook cannot (as ``edit``)."""
        try:
            await self._api.delete_message(hook, message_id)
        except (MessageGone, WebhookGone):
            await self._sender.delete(channel_id, message_id)


_LOST_TWICE = "the channel's webhook was deleted again after the bot had made it anew"
