"""Pure planning: what one channel gets from the new briefings, and the message nonces.

No I/O: it takes the subscription's state, the candidates and what the outbox already
holds, and returns a ``ChannelPlan`` for storage to record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

import discord

from bot import render, replies
from bot.delivery.records import Candidate, ChannelPlan, MessagePlan, SubscriptionState
from bot.i18n import ENGLISH, Localizer
from bot.models import Briefing, ScheduleKind, Subscription
from bot.wordforms import keyword_pattern

NONCE_LENGTH = 24  # Discord accepts at most 25 characters
DIGEST_KINDS = (ScheduleKind.HOURLY, ScheduleKind.DAILY, ScheduleKind.WEEKLY)


def message_nonce(channel_id: int, briefing_ids: Iterable[int]) -> str:
    """A deterministic nonce of 24 characters for one message to one channel."""
    key = f"{channel_id}:{'.'.join(str(i) for i in sorted(briefing_ids))}"
    return hashlib.blake2b(key.encode(), digest_size=NONCE_LENGTH // 2).hexdigest()


def _has_word(text: str, phrase: str) -> bool:
    return keyword_pattern(phrase.strip()).search(text) is not None


def matches(sub: Subscription, briefing: Candidate | Briefing) -> bool:
    """Topics (any tag) and keywords (any, as whole words in any of their forms, in title or
    body) both must match when set."""
    if sub.topics:
        tags = {t.casefold() for t in briefing.tags}
        if not any(t.casefold() in tags for t in sub.topics):
            return False
    if sub.keywords:
        text = f"{briefing.title}\n{briefing.body}"
        if not any(_has_word(text, k) for k in sub.keywords if k.strip()):
            return False
    return True


def ping_content(role_id: int | None) -> str | None:
    return f"<@&{role_id}>" if role_id else None


def allowed_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Exactly the chosen role may be pinged, nothing else."""
    if role_id:
        return discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role_id)])
    return discord.AllowedMentions.none()


def plan_channel(
    state: SubscriptionState,
    candidates: Sequence[Candidate],
    recorded: set[tuple[int, int]],
    *,
    now: datetime,
    catchup_max: int,
    digest: bool,
    tr: Localizer = ENGLISH,
) -> ChannelPlan:
    """Decide what one channel gets from ``candidates`` (sorted by id); a note it gets is in
    the channel's language ``tr``.

    The cursor moves past every published briefing up to the first one still under
    embargo, so an embargoed briefing is looked at again on later runs. An instant
    channel gets at most ``catchup_max`` posts (the newest); the older ones are
    recorded as skipped and the last post says how many more there are.
    """
    sub = state.subscription
    low = state.low_id
    cursor = low
    blocked = False
    fresh: list[int] = []
    for candidate in candidates:
        if candidate.id <= low:
            continue
        if candidate.published_at > now:
            blocked = True
            continue
        if not blocked:
            cursor = candidate.id
        if (sub.channel_id, candidate.id) not in recorded and matches(sub, candidate):
            fresh.append(candidate.id)
    ping = ping_content(sub.role_id)
    if digest:
        messages: tuple[MessagePlan, ...] = ()
        if fresh:
            messages = (
                MessagePlan(message_nonce(sub.channel_id, fresh), "digest", tuple(fresh), ping, sub.role_id),
            )
        return ChannelPlan(sub.channel_id, messages, (), "", cursor, ran=True)
    skipped: list[int] = []
    if len(fresh) > catchup_max:
        skipped, fresh = fresh[:-catchup_max], fresh[-catchup_max:]
    plans = []
    for index, briefing_id in enumerate(fresh):
        content = ping
        if skipped and index == len(fresh) - 1:
            note = tr.ngettext("+{n} more: use /latest", "+{n} more: use /latest", len(skipped))
            content = f"{ping}\n{note}" if ping else note
        plans.append(
            MessagePlan(
                message_nonce(sub.channel_id, [briefing_id]), "post", (briefing_id,), content, sub.role_id
            )
        )
    return ChannelPlan(sub.channel_id, tuple(plans), tuple(skipped), "catch-up limit", cursor)


def plan_backfill(
    state: SubscriptionState, chosen: Sequence[Candidate], recorded: set[tuple[int, int]]
) -> ChannelPlan:
    """The ``backfill:N`` briefings a new subscription asked for, less those already
    recorded: as posts on an instant schedule, as one digest on the others."""
    sub = state.subscription
    ids = sorted(c.id for c in chosen if (sub.channel_id, c.id) not in recorded)
    ping = ping_content(sub.role_id)
    messages: tuple[MessagePlan, ...] = ()
    if ids and sub.schedule is ScheduleKind.INSTANT:
        messages = tuple(
            MessagePlan(message_nonce(sub.channel_id, [i]), "post", (i,), ping, sub.role_id) for i in ids
        )
    elif ids:
        messages = (MessagePlan(message_nonce(sub.channel_id, ids), "digest", tuple(ids), ping, sub.role_id),)
    return ChannelPlan(sub.channel_id, messages, cursor_id=state.cursor_id)


def render_message(kind: str, briefings: Sequence[Briefing], tr: Localizer = ENGLISH) -> list[discord.Embed]:
    """The embeds of an outbox message in the channel's language (also used to re-render
    it for corrections)."""
    if kind == "post" and len(briefings) == 1:
        return replies.post(briefings[0], tr=tr).embeds
    title = tr.ngettext("Digest: {n} new briefing", "Digest: {n} new briefings", len(briefings))
    return render.digest_embeds(briefings, title=title, tr=tr)
