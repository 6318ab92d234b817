"""Corrections that reach a posted copy Discord will not edit: a reply to it instead.

Discord limits how often a channel's messages older than an hour may be edited (30046) and
how often a published announcement may be (20022). Past either, the engine's edit of a copy
is refused (``EditRefused``) and would be refused again for a while, so it is never retried:
the corrected card goes out as a reply to the copy (pinging nobody), and the outbox records
it on the copy's rows. A later correction of the same briefing edits that reply; only when
the reply cannot be edited either (gone, or refused too) is another one posted.

Exactly once: a reply carries a nonce derived from the copy (Discord answers a repeated nonce
with the message it made), and before the request the outbox records that it is begun. A
reply begun and not recorded (a crash, a timeout) is first looked for among the replies to
the copy made since; ``recover`` finishes such replies at start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import discord

from bot.clock import Clock
from bot.delivery.planner import NONCE_LENGTH
from bot.delivery.records import CorrectionReply, PostedCopy
from bot.delivery.sender import DeliveryError, EditRefused, MessageGone, Replies
from bot.i18n import Localizer
from storage.interface import CorrectionReplies

log = logging.getLogger(__name__)

RECONCILE_SLACK = timedelta(minutes=1)  # clock skew allowed between us and Discord's snowflakes
NOTE_MARK = "correction posted as a reply"  # starts the delivery-log note this module writes
REASONS = {
    30046: "Discord allows only so many edits of messages older than an hour (30046)",
    20022: "Discord allows only so many edits of a published announcement (20022)",
}

Request = Callable[[int, Callable[[], Awaitable[None]]], Awaitable[None]]
"""``request(channel_id, call)``: one Discord call in the channel's rate-limit slot, transient
errors retried (the engine's ``_retrying``)."""


def reply_nonce(copy: PostedCopy, previous_reply: int | None) -> str:
    """A deterministic nonce for the reply to ``copy`` that follows ``previous_reply`` (None:
    the first), so that sending it again returns the same message."""
    key = f"reply:{copy.channel_id}:{copy.message_id}:{previous_reply or 0}"
    return hashlib.blake2b(key.encode(), digest_size=NONCE_LENGTH // 2).hexdigest()


def refusal_reason(exc: EditRefused) -> str:
    """Why Discord did not edit the copy, in English as stored in the delivery log."""
    if exc.code in REASONS:
        return REASONS[exc.code]
    # discord.py gives up on a long wait without the code: one of the two limits.
    return (
        f"Discord refused the edit ({exc}): its limit on edits of messages older than an hour "
        "(30046) or of a published announcement (20022)"
    )


def log_note(earlier: str | None, reply_id: int, reason: str) -> str:
    """What the delivery log says of a copy corrected by a reply: the copy's earlier note (a
    publish note, say) less any earlier reply note, then this one."""
    kept = [part for part in (earlier or "").split("; ") if part and not part.startswith(NOTE_MARK)]
    return "; ".join([*kept, f"{NOTE_MARK} (message {reply_id}): {reason}"])


class CorrectionReplier:
    """Posts, records and edits the correction replies of copies Discord will not edit."""

    def __init__(
        self,
        storage: CorrectionReplies,
        replies: Replies,
        clock: Clock,
        *,
        language: Callable[[int], Localizer],
        request: Request,
        lock: Callable[[int], AbstractAsyncContextManager[None]],
    ) -> None:
        self._storage = storage
        self._replies = replies
        self._clock = clock
        self._language = language
        self._request = request
        self._lock = lock

    async def edit_reply(self, copy: PostedCopy, embeds: Sequence[discord.Embed]) -> bool:
        """A copy corrected by a reply before: edit the reply to show this correction. False
        when the copy has no reply yet, or when its reply is gone or refused (then ``post``)."""
        record = await self._storage.correction_reply(copy.channel_id, copy.nonce)
        if record is None or record.reply_id is None:
            return False
        reply_id = record.reply_id
        try:
            await self._request(
                copy.channel_id,
                lambda: self._replies.edit_reply(copy.channel_id, copy.message_id, reply_id, embeds=embeds),
            )
        except (MessageGone, EditRefused) as exc:
            log.info("channel %s: correction reply %s not editable (%s)", copy.channel_id, reply_id, exc)
            return False
        return True

    async def delete_reply(self, copy: PostedCopy) -> None:
        """The copy was deleted (its briefing removed): so goes its correction reply, which
        shows the briefing too."""
        record = await self._storage.correction_reply(copy.channel_id, copy.nonce)
        if record is None or record.reply_id is None:
            return
        reply_id = record.reply_id
        with contextlib.suppress(MessageGone):  # deleted by someone already
            await self._request(
                copy.channel_id,
                lambda: self._replies.delete_reply(copy.channel_id, copy.message_id, reply_id),
            )

    async def post(self, copy: PostedCopy, embeds: Sequence[discord.Embed], exc: EditRefused) -> int:
        """Discord refused to edit ``copy``: reply to it with the corrected ``embeds``, once.
        The reply's id; Discord's errors are raised as they are."""
        record = await self._storage.correction_reply(copy.channel_id, copy.nonce)
        reason = refusal_reason(exc)
        found = await self._begun(copy, record)
        if found is not None:
            await self._storage.mark_replied(
                copy.channel_id,
                copy.nonce,
                found,
                note=log_note(record.note if record else None, found, reason),
            )
            await self._request(
                copy.channel_id,
                lambda: self._replies.edit_reply(copy.channel_id, copy.message_id, found, embeds=embeds),
            )
            return found
        resuming = record is not None and record.reply_id is None and record.started_at is not None
        started = record.started_at if resuming and record is not None else None
        previous = record.reply_id if record is not None else None
        await self._storage.mark_reply_started(copy.channel_id, copy.nonce, now=started or self._clock.now())
        content = self._language(copy.channel_id).gettext(
            "✏️ Correction: the post above could not be edited, so here is its corrected version."
        )
        made: list[int] = []

        async def send() -> None:
            made.append(
                await self._replies.reply(
                    copy.channel_id,
                    copy.message_id,
                    content=content,
                    embeds=embeds,
                    nonce=reply_nonce(copy, previous),
                )
            )

        await self._request(copy.channel_id, send)
        reply_id = made[-1]
        await self._storage.mark_replied(
            copy.channel_id,
            copy.nonce,
            reply_id,
            note=log_note(record.note if record else None, reply_id, reason),
        )
        log.info(
            "channel %s: message %s not editable (%s): correction posted as reply %s",
            copy.channel_id,
            copy.message_id,
            reason,
            reply_id,
        )
        return reply_id

    async def _begun(self, copy: PostedCopy, record: CorrectionReply | None) -> int | None:
        """A reply begun before and not recorded: its id when it is on Discord."""
        if record is None or record.reply_id is not None or record.started_at is None:
            return None
        return await self._replies.find_reply(
            copy.channel_id, copy.message_id, since=record.started_at - RECONCILE_SLACK
        )

    async def recover(self, render: Callable[[PostedCopy], Awaitable[Sequence[discord.Embed] | None]]) -> int:
        """At start-up: finish the replies begun and not recorded (found on Discord, or posted
        now with the copy's current briefings). How many were finished.

        Each copy is finished under its channel's lock (``lock``, the one the engine's edits
        hold) and only if still begun: a correction of the same copy may run meanwhile (the
        dispatcher's sweep of marked copies), and may have found and recorded the reply."""
        done = 0
        for copy in await self._storage.begun_replies():
            async with self._lock(copy.channel_id):
                record = await self._storage.correction_reply(copy.channel_id, copy.nonce)
                if record is None or record.reply_id is not None or record.started_at is None:
                    continue
                embeds = await render(copy)
                if embeds is None:
                    continue
                try:
                    await self.post(copy, embeds, EditRefused("refused before a restart"))
                except DeliveryError as exc:
                    log.warning("channel %s: correction reply still not posted: %s", copy.channel_id, exc)
                    continue
            done += 1
        return done
