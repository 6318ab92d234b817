"""The subscription service's side of branded webhooks: validating ``webhook_name`` and
``webhook_avatar``, making the channel's webhook when a manager asks for one, and deleting
the webhook the bot made when the channel stops using it (``webhook:false``, unsubscribe,
a move to another channel).

A new ``/subscribe ... webhook:true`` always makes a fresh webhook and then deletes the one
before it: the old one may have been deleted already (that is how a subscription paused for
a lost webhook resumes), and asking Discord first would cost the same request. Webhooks of
ours left in the channel by a make that a crash interrupted are deleted first
(``bot.delivery.webhooks.delete_orphans``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import NoReturn, Protocol

from bot.delivery.sender import ChannelGone, DeliveryError, NoAccess
from bot.delivery.webhooks import TooManyWebhooks, delete_orphans
from bot.errors import UserFacingError
from bot.i18n import N_, Message
from bot.models import ChannelWebhook, Secret
from bot.webhooks import avatar_problem, clean_name, name_problem

log = logging.getLogger(__name__)


class WebhookMaker(Protocol):
    """The Discord calls this needs (``bot.delivery.webhooks.WebhookApi``'s first three)."""

    async def create_webhook(self, channel_id: int, *, name: str) -> tuple[int, str]: ...

    async def delete_webhook(self, webhook_id: int) -> None: ...

    async def own_webhooks(self, channel_id: int) -> list[tuple[int, datetime]]: ...


class WebhookRows(Protocol):
    """The storage this needs (``storage.interface.Webhooks``)."""

    async def put_webhook(self, hook: ChannelWebhook) -> ChannelWebhook: ...

    async def get_webhook(self, channel_id: int) -> ChannelWebhook | None: ...

    async def delete_webhook(self, channel_id: int) -> bool: ...


def check_options(*, wanted: bool, name: str | None, avatar: str | None, forum: bool) -> None:
    """The webhook options of a ``/subscribe``, validated without I/O; a ``UserFacingError``
    naming the option that is wrong."""
    if not wanted:
        if name is not None or avatar is not None:
            raise UserFacingError(N_("webhook_name and webhook_avatar only apply with webhook:true."))
        return
    if forum:
        raise UserFacingError(N_("webhook:true needs a text or announcement channel, not a forum."))
    for problem in (name_problem(clean_name(name)), avatar_problem(avatar.strip()) if avatar else None):
        if problem is not None:
            _refuse(problem)


def _refuse(problem: Message) -> NoReturn:
    raise UserFacingError(problem)


class Branding:
    """Makes, records and deletes the webhooks of subscribed channels."""

    def __init__(self, storage: WebhookRows, api: WebhookMaker) -> None:
        self._storage = storage
        self._api = api

    async def make(self, channel_id: int, name: str | None, avatar: str | None) -> ChannelWebhook:
        """A new webhook in the channel (not yet recorded: the subscription is written first);
        a ``UserFacingError`` saying what stopped Discord."""
        cleaned = clean_name(name)
        channel = f"<#{channel_id}>"
        recorded = await self._storage.get_webhook(channel_id)
        await delete_orphans(
            self._api, channel_id, keep=recorded.webhook_id if recorded else None, now=datetime.now(UTC)
        )
        try:
            webhook_id, token = await self._api.create_webhook(channel_id, name=cleaned)
        except NoAccess as exc:
            raise UserFacingError(
                N_("I can't make a webhook in {channel}: I need Manage Webhooks there.", channel=channel)
            ) from exc
        except TooManyWebhooks as exc:
            raise UserFacingError(
                N_(
                    "{channel} already has as many webhooks as Discord allows: delete one in the "
                    "channel's settings (Integrations), then try again.",
                    channel=channel,
                )
            ) from exc
        except ChannelGone as exc:
            raise UserFacingError(N_("That channel no longer exists.")) from exc
        except DeliveryError as exc:
            log.warning("channel %s: webhook not made: %s", channel_id, exc)
            raise UserFacingError(
                N_("Discord did not make the webhook in {channel}; please try again.", channel=channel)
            ) from exc
        return ChannelWebhook(
            channel_id, webhook_id, Secret(token), cleaned, avatar.strip() if avatar else None
        )

    async def settle(self, channel_id: int, fresh: ChannelWebhook | None) -> None:
        """After the subscription is written: record ``fresh`` as the channel's webhook (or
        none), and delete the one it replaces."""
        previous = await self._storage.get_webhook(channel_id)
        if fresh is not None:
            await self._storage.put_webhook(fresh)
        elif previous is not None:
            await self._storage.delete_webhook(channel_id)
        if previous is not None and (fresh is None or previous.webhook_id != fresh.webhook_id):
            await self._delete_on_discord(previous)

    async def drop(self, channel_id: int) -> None:
        """The channel stops using its webhook (unsubscribed, moved): delete it, then forget it."""
        previous = await self._storage.get_webhook(channel_id)
        if previous is None:
            return
        await self._delete_on_discord(previous)
        await self._storage.delete_webhook(channel_id)

    async def _delete_on_discord(self, hook: ChannelWebhook) -> None:
        """Best effort: a webhook the bot may no longer delete stays, and the log says so."""
        try:
            await self._api.delete_webhook(hook.webhook_id)
        except DeliveryError as exc:
            log.warning("channel %s: webhook %s not deleted: %s", hook.channel_id, hook.webhook_id, exc)
