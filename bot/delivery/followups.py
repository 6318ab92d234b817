"""Exactly-once discussion threads and publishes: what to do after a crash between them and
the outbox recording the post.

Neither starting a thread from a message nor publishing it takes a nonce. Before either
request the engine records that it is about to make it (``followups_started_at`` on the
message's rows). A post found pending with that mark was interrupted: once its message is
sent again (the same message, by its nonce), Discord is asked what was done to it (GET
message: ``HAS_THREAD``, ``CROSSPOSTED``) before a thread or a publish is asked for again,
so that neither is repeated and a publish made before the crash is counted, never held for a
publish digest that would publish the briefing a second time. Without the mark there is
nothing to ask: the common path costs no request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.clock import Clock
from bot.delivery.records import Followups, PendingMessage
from bot.delivery.sender import DeliveryError, Forums
from bot.models import Subscription
from storage import Storage

log = logging.getLogger(__name__)

NOTHING_DONE = Followups()


class FollowupGuard:
    """Records a post's thread and publish as begun, and reads them back after a crash.
    ``slot(channel_id)`` is the engine's rate-limit slot for one request."""

    def __init__(
        self,
        storage: Storage,
        forums: Forums,
        clock: Clock,
        *,
        slot: Callable[[int], AbstractAsyncContextManager[None]],
    ) -> None:
        self._storage = storage
        self._forums = forums
        self._clock = clock
        self._slot = slot

    async def begin(self, channel_id: int, nonce: str) -> None:
        """Right before a thread or publish request: it may be done on Discord from now on."""
        await self._storage.mark_followups_started(channel_id, nonce, now=self._clock.now())

    async def done(self, sub: Subscription, message: PendingMessage, message_id: int) -> Followups:
        """What was done on Discord to a post whose thread or publish was begun before (a crash);
        nothing for a post with neither begun. When Discord cannot say, nothing: the requests
        are repeated, and Discord refuses a second thread (160004) or publish (40033)."""
        if not (sub.publish or sub.thread_archive_minutes):
            return NOTHING_DONE
        if await self._storage.followups_started(sub.channel_id, message.nonce) is None:
            return NOTHING_DONE
        try:
            async with self._slot(sub.channel_id):
                found = await self._forums.followups(sub.channel_id, message_id)
        except DeliveryError as exc:
            log.warning("channel %s: message %s not read back: %s", sub.channel_id, message_id, exc)
            return NOTHING_DONE
        log.info(
            "channel %s: message %s after a crash: thread %s, published %s",
            sub.channel_id,
            message_id,
            found.thread,
            found.published,
        )
        return found
