"""Pure planning: what one channel gets from the new briefings, and the message nonces.

No I/O: it takes the subscription's state, the candidates and what the outbox already
holds, and returns a ``ChannelPlan`` for storage to record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import discord

from bot import render, replies
from bot.delivery.records import (
    Candidate,
    ChannelPlan,
    FilterRule,
    FilterVerdict,
    MessagePlan,
    SubscriptionState,
)
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


def _first_word(text: str, phrases: Sequence[str]) -> str | None:
    return next((k for k in phrases if k.strip() and _has_word(text, k)), None)


def filter_verdict(sub: Subscription, briefing: Candidate | Briefing) -> FilterVerdict:
    """Whether ``briefing`` passes ``sub``'s filters, and which rule decided.

    Exclusions beat inclusions: an excluded topic (any tag, any case) or an excluded keyword
    (a whole word in any of its forms, in title or body) keeps it out whatever else matches.
    Then listed topics (any one) and listed keywords (any one) must both match when set.
    """
    tags = {t.casefold() for t in briefing.tags}
    excluded = next((t for t in sub.exclude_topics if t.casefold() in tags), None)
    if excluded is not None:
        return FilterVerdict(False, FilterRule.EXCLUDED_TOPIC, topic=excluded)
    text = f"{briefing.title}\n{briefing.body}"
    word = _first_word(text, sub.exclude_keywords)
    if word is not None:
        return FilterVerdict(False, FilterRule.EXCLUDED_KEYWORD, keyword=word)
    topic = keyword = None
    if sub.topics:
        topic = next((t for t in sub.topics if t.casefold() in tags), None)
        if topic is None:
            return FilterVerdict(False, FilterRule.NO_TOPIC, topic=", ".join(sub.topics))
    if sub.keywords:
        keyword = _first_word(text, sub.keywords)
        if keyword is None:
            return FilterVerdict(False, FilterRule.NO_KEYWORD, keyword=", ".join(sub.keywords))
    if topic is None and keyword is None:
        return FilterVerdict(True, FilterRule.NO_FILTERS)
    return FilterVerdict(True, FilterRule.INCLUDED, topic=topic, keyword=keyword)


def matches(sub: Subscription, briefing: Candidate | Briefing) -> bool:
    """``filter_verdict(...).passed``."""
    return filter_verdict(sub, briefing).passed


def ping_roles(sub: Subscription, briefings: Iterable[Candidate | Briefing]) -> tuple[int, ...]:
    """The roles a message of these briefings mentions: the subscription's own role, then
    each role whose topic one of them carries."""
    tags = [tag for b in briefings for tag in b.tags]
    own = (sub.role_id,) if sub.role_id else ()
    return tuple(dict.fromkeys((*own, *sub.roles_for(tags))))


def ping_content(role_ids: Iterable[int | None]) -> str | None:
    """The mentions of these roles, as a message's content (None for none)."""
    mentions = [f"<@&{r}>" for r in role_ids if r]
    return " ".join(mentions) if mentions else None


def allowed_mentions(role_ids: Iterable[int | None]) -> discord.AllowedMentions:
    """Exactly these roles may be pinged: never @everyone, @here or a user."""
    roles = [discord.Object(r) for r in dict.fromkeys(role_ids) if r]
    if roles:
        return discord.AllowedMentions(everyone=False, users=False, roles=roles, replied_user=False)
    return discord.AllowedMentions.none()


def held_nonce(channel_id: int, hold_until: datetime) -> str:
    """The nonce of the hourly cap's digest for one channel and hour: every run in that hour
    adds its rows to the same message."""
    key = f"{channel_id}:held:{int(hold_until.timestamp())}"
    return hashlib.blake2b(key.encode(), digest_size=NONCE_LENGTH // 2).hexdigest()


def _recorded(sub: Subscription, briefing_id: int, recorded: set[tuple[int, int]]) -> bool:
    """In the outbox of this channel, or of one the subscription was moved from."""
    return any((channel, briefing_id) in recorded for channel in sub.channel_ids)


@dataclass(frozen=True, slots=True)
class HourlyCap:
    """Where an instant channel stands against its cap: posts planned this hour, and when
    the hour ends."""

    used: int
    hour_ends: datetime


def plan_channel(
    state: SubscriptionState,
    candidates: Sequence[Candidate],
    recorded: set[tuple[int, int]],
    *,
    now: datetime,
    catchup_max: int,
    digest: bool,
    tr: Localizer = ENGLISH,
    cap: HourlyCap | None = None,
) -> ChannelPlan:
    """Decide what one channel gets from ``candidates`` (sorted by id); a note it gets is in
    the channel's language ``tr``.

    The cursor moves past every published briefing up to the first one still under
    embargo, so an embargoed briefing is looked at again on later runs. An instant
    channel gets at most ``catchup_max`` posts (the newest); the older ones are
    recorded as skipped and the last post says how many more there are. With a ``cap``
    (its ``max_per_hour``), the posts beyond what is left of this hour's allowance are
    held for the hour's digest instead, oldest posted first.
    """
    sub = state.subscription
    low = state.low_id
    cursor = low
    blocked = False
    fresh: list[Candidate] = []
    for candidate in candidates:
        if candidate.id <= low:
            continue
        if candidate.published_at > now:
            blocked = True
            continue
        if not blocked:
            cursor = candidate.id
        if not _recorded(sub, candidate.id, recorded) and matches(sub, candidate):
            fresh.append(candidate)
    if digest:
        messages: tuple[MessagePlan, ...] = ()
        if fresh:
            ids = [c.id for c in fresh]
            roles = ping_roles(sub, fresh)
            messages = (
                MessagePlan(
                    message_nonce(sub.channel_id, ids), "digest", tuple(ids), ping_content(roles), roles
                ),
            )
        return ChannelPlan(sub.channel_id, messages, (), "", cursor, ran=True)
    messages = _instant_messages(sub, fresh, catchup_max=catchup_max, tr=tr, cap=cap)
    skipped = tuple(c.id for c in fresh[: max(0, len(fresh) - catchup_max)])
    return ChannelPlan(sub.channel_id, messages, skipped, "catch-up limit", cursor)


def _instant_messages(
    sub: Subscription,
    fresh: list[Candidate],
    *,
    catchup_max: int,
    tr: Localizer,
    cap: HourlyCap | None,
) -> tuple[MessagePlan, ...]:
    """An instant channel's messages for the ``fresh`` briefings (oldest first): a post for
    each of the newest ``catchup_max``, the last one noting how many older ones were
    skipped, and past the hourly cap one held digest instead of the rest."""
    skipped = max(0, len(fresh) - catchup_max)
    posting = fresh[skipped:]
    held: list[Candidate] = []
    if cap is not None and sub.max_per_hour > 0:
        allowed = max(0, sub.max_per_hour - cap.used)
        posting, held = posting[:allowed], posting[allowed:]
    plans = []
    for index, candidate in enumerate(posting):
        roles = ping_roles(sub, (candidate,))
        content = ping_content(roles)
        if skipped and index == len(posting) - 1:
            note = tr.ngettext("+{n} more: use /latest", "+{n} more: use /latest", skipped)
            content = f"{content}\n{note}" if content else note
        nonce = message_nonce(sub.channel_id, [candidate.id])
        plans.append(MessagePlan(nonce, "post", (candidate.id,), content, roles))
    if held and cap is not None:
        roles = ping_roles(sub, held)
        nonce = held_nonce(sub.channel_id, cap.hour_ends)
        ids = tuple(c.id for c in held)
        plans.append(MessagePlan(nonce, "digest", ids, None, roles, hold_until=cap.hour_ends))
    return tuple(plans)


def plan_backfill(
    state: SubscriptionState, chosen: Sequence[Candidate], recorded: set[tuple[int, int]]
) -> ChannelPlan:
    """The ``backfill:N`` briefings a new subscription asked for, less those already
    recorded: as posts on an instant schedule, as one digest on the others."""
    sub = state.subscription
    by_id = {c.id: c for c in chosen if not _recorded(sub, c.id, recorded)}
    ids = sorted(by_id)
    messages: tuple[MessagePlan, ...] = ()
    if ids and sub.schedule is ScheduleKind.INSTANT:
        posts = []
        for i in ids:
            roles = ping_roles(sub, (by_id[i],))
            posts.append(
                MessagePlan(message_nonce(sub.channel_id, [i]), "post", (i,), ping_content(roles), roles)
            )
        messages = tuple(posts)
    elif ids:
        roles = ping_roles(sub, by_id.values())
        nonce = message_nonce(sub.channel_id, ids)
        messages = (MessagePlan(nonce, "digest", tuple(ids), ping_content(roles), roles),)
    return ChannelPlan(sub.channel_id, messages, cursor_id=state.cursor_id)


def render_message(kind: str, briefings: Sequence[Briefing], tr: Localizer = ENGLISH) -> list[discord.Embed]:
    """The embeds of an outbox message in the channel's language (also used to re-render
    it for corrections)."""
    if kind == "post" and len(briefings) == 1:
        return replies.post(briefings[0], tr=tr).embeds
    title = tr.ngettext("Digest: {n} new briefing", "Digest: {n} new briefings", len(briefings))
    return render.digest_embeds(briefings, title=title, tr=tr)


POST_TITLE_LIMIT = 100  # Discord's limit on a thread's (a forum post's) name


def post_title(kind: str, briefings: Sequence[Briefing], tr: Localizer = ENGLISH) -> str:
    """The title of a forum post or discussion thread: the headline, or the digest's title."""
    if kind == "post" and len(briefings) == 1:
        title = " ".join(briefings[0].title.split())
    else:
        title = tr.ngettext("Digest: {n} new briefing", "Digest: {n} new briefings", len(briefings))
    if len(title) > POST_TITLE_LIMIT:
        title = title[: POST_TITLE_LIMIT - 1].rstrip() + "…"
    return title or "—"


def post_topics(briefings: Sequence[Briefing]) -> tuple[str, ...]:
    """The topics of a message's briefings, in order, each once (any case)."""
    seen: dict[str, str] = {}
    for briefing in briefings:
        for tag in briefing.tags:
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())
