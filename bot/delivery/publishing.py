"""Publishing past Discord's hourly limit: one digest instead of each post.

Discord allows about ``PUBLISH_BUDGET`` publishes (crossposts) per announcement channel an
hour. A ``publish:true`` channel past that still gets each post, unpublished; the post joins
the channel's open publish digest (``storage.hold_for_publish_digest``). Once the channel's
publishes of the last hour allow one more, the next run posts that digest (a digest message
like the others, led by a note, with its own nonce) and publishes it, so that following
servers get every briefing. A 429 on a publish leaves the digest for later: never retried
in a loop.

Exactly once: the digest is recorded 'sending' before its message is sent with its nonce
(a crash repeats the send with the same nonce, and Discord answers with the message it
made), 'posted' with the message's id before it is published (after a crash the message
is read back, and published only when Discord says it is not), then 'published'.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.delivery.planner import NONCE_LENGTH, render_message
from bot.delivery.records import PublishDigest
from bot.delivery.sender import DeliveryError, Forums, Sender, TransientError
from bot.delivery.status import RunReport
from bot.i18n import Localizer
from bot.models import Briefing, Subscription
from storage import Storage

log = logging.getLogger(__name__)

PUBLISH_BUDGET = 10  # publishes per announcement channel an hour (Discord's limit)
PUBLISH_WINDOW = timedelta(hours=1)
# After a 429 on a publish with no wait given: how long the channel's digest waits.
PUBLISH_PAUSE = PUBLISH_WINDOW / PUBLISH_BUDGET
# What the delivery log keeps (in English, like pause reasons) of a post left unpublished.
HELD_NOTE = (
    f"not published yet: the channel's {PUBLISH_BUDGET} publishes of the last hour are used "
    "(Discord's limit); it goes to the following servers in the next publish digest"
)

# The message as a Components V2 card (led by a line) when the channel takes cards, else None.
Card = Callable[[str, Sequence[Briefing], Subscription, str | None], discord.ui.LayoutView | None]


class PublishDigester:
    """Posts and publishes the publish digests whose channel may publish again.

    ``slot(channel_id)`` is the engine's rate-limit slot for one request; ``lock(channel_id)``
    serialises the channel's sends; ``may_send()`` is the engine's fence and invalid-request
    budget; ``card`` renders a Components V2 card when the operator chose cards."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        channels: Forums,
        clock: Clock,
        *,
        language: Callable[[int], Localizer],
        slot: Callable[[int], AbstractAsyncContextManager[None]],
        lock: Callable[[int], AbstractAsyncContextManager[None]],
        may_send: Callable[[], Awaitable[bool]],
        card: Card,
    ) -> None:
        self._storage = storage
        self._sender = sender
        self._channels = channels
        self._clock = clock
        self._language = language
        self._slot = slot
        self._lock = lock
        self._may_send = may_send
        self._card = card
        self._not_before: dict[int, datetime] = {}  # after a 429: the channel's digest waits

    async def hold(self, channel_id: int, nonce: str) -> None:
        """A post Discord took was left unpublished (the channel's publishes are used): it goes
        in the channel's next publish digest. Called before the post is recorded as sent, so a
        crash in between holds it again rather than losing it."""
        digest = await self._storage.hold_for_publish_digest(
            channel_id, nonce, digest_nonce=secrets.token_hex(NONCE_LENGTH // 2), now=self._clock.now()
        )
        log.info("channel %s: post %s held for publish digest %s", channel_id, nonce, digest)

    def refused(self, channel_id: int, exc: TransientError, now: datetime) -> None:
        """Discord answered a publish with a 429: the channel publishes nothing until the
        wait it asked for is over (its count of publishes is not ours alone)."""
        self._not_before[channel_id] = now + _wait(exc)

    async def may_publish(self, channel_id: int, now: datetime) -> bool:
        """Whether the channel's publishes of the last hour allow one more."""
        if self._not_before.get(channel_id, now) > now:
            return False
        used = await self._storage.publish_count(channel_id, now - PUBLISH_WINDOW)
        return used < PUBLISH_BUDGET

    async def send_due(self) -> RunReport:
        """Post and publish every publish digest whose channel may publish again."""
        report = RunReport()
        for channel_id in await self._storage.publish_digest_channels():
            if not await self._may_send():
                report.held += 1
                break
            async with self._lock(channel_id):
                await self._send_one(channel_id, report)
        return report

    async def _send_one(self, channel_id: int, report: RunReport) -> None:
        digest = await self._storage.due_publish_digest(channel_id)
        if digest is None:
            return
        now = self._clock.now()
        sub = await self._storage.get_subscription(channel_id)
        if sub is None or not sub.publish or sub.forum:
            await self._give_up(digest, "the subscription no longer publishes this channel")
            return
        if sub.paused_reason or not await self.may_publish(channel_id, now):
            return  # waits for the next run: never a request that Discord would refuse
        message_id = digest.message_id
        try:
            if message_id is None:
                briefings = await self._storage.get_briefings(list(digest.briefing_ids))
                if not briefings:
                    await self._give_up(digest, "its briefings were removed")
                    return
                await self._storage.mark_publish_digest(channel_id, digest.nonce, "sending", now=now)
                message_id = await self._post(sub, digest, briefings)
                await self._storage.mark_publish_digest(
                    channel_id, digest.nonce, "posted", now=self._clock.now(), message_id=message_id
                )
                await self._publish(channel_id, message_id)
            elif not await self._published_already(channel_id, message_id):  # else: before a crash
                await self._publish(channel_id, message_id)
        except TransientError as exc:
            self.refused(channel_id, exc, now)
            log.warning("channel %s: publish digest %s waits: %s", channel_id, digest.nonce, exc)
            report.deferred += 1
            return
        except DeliveryError as exc:
            await self._give_up(digest, f"not published: {exc}")
            report.failed += 1
            return
        await self._storage.mark_publish_digest(channel_id, digest.nonce, "published", now=self._clock.now())
        log.info(
            "channel %s: publish digest %s of %d briefing(s) published as %s",
            channel_id,
            digest.nonce,
            len(digest.briefing_ids),
            message_id,
        )
        report.sent += 1

    async def _publish(self, channel_id: int, message_id: int) -> None:
        async with self._slot(channel_id):
            await self._channels.publish(channel_id, message_id)

    async def _published_already(self, channel_id: int, message_id: int) -> bool:
        """A digest posted and not recorded as published: Discord says whether it was (a
        crash after the publish), so that it is not asked for again."""
        async with self._slot(channel_id):
            return (await self._channels.followups(channel_id, message_id)).published

    async def _post(self, sub: Subscription, digest: PublishDigest, briefings: Sequence[Briefing]) -> int:
        """The digest's message, with its nonce: sent again after a crash, Discord answers
        with the message it made."""
        tr = self._language(digest.channel_id)
        note = tr.ngettext(
            "📣 For the servers following this channel: {n} briefing posted here while its "
            "publishes of the hour were used up.",
            "📣 For the servers following this channel: {n} briefings posted here while its "
            "publishes of the hour were used up.",
            len(briefings),
        )
        view = self._card("digest", briefings, sub, note)
        embeds = render_message("digest", briefings, tr) if view is None else []
        async with self._slot(digest.channel_id):
            return await self._sender.send(
                digest.channel_id,
                content=note if view is None else None,
                embeds=embeds,
                nonce=digest.nonce,
                allowed_mentions=discord.AllowedMentions.none(),
                view=view,
            )

    async def _give_up(self, digest: PublishDigest, why: str) -> None:
        log.warning("channel %s: publish digest %s given up: %s", digest.channel_id, digest.nonce, why)
        await self._storage.mark_publish_digest(
            digest.channel_id, digest.nonce, "failed", now=self._clock.now(), note=why
        )


def _wait(exc: TransientError) -> timedelta:
    """How long a 429 on a publish asks to wait (at least ``PUBLISH_PAUSE``)."""
    cause = exc.__cause__
    retry = getattr(cause, "retry_after", None)
    if isinstance(retry, int | float) and retry > 0:
        return max(timedelta(seconds=float(retry)), PUBLISH_PAUSE)
    return PUBLISH_PAUSE
