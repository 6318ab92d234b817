"""Why a briefing was or was not delivered to a channel: pure reasoning over what storage holds.

``explain`` takes a subscription's state, the briefing and the outbox rows it has in the
subscription's channels, and says what happened or what it waits for; ``explanation_text``
and ``filter_text`` put that in words, in the reader's language, with times and channels
written by the caller (Discord timestamps in a reply, ISO times in the terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot import timetable
from bot.delivery.planner import DIGEST_KINDS, filter_verdict
from bot.delivery.publish_log import publish_note
from bot.delivery.records import (
    Candidate,
    DeliveryRecord,
    Explanation,
    FilterRule,
    FilterVerdict,
    Reason,
    SubscriptionState,
)
from bot.i18n import ENGLISH, Localizer
from bot.models import Briefing

# Which outbox row tells the story when a briefing has several (a moved subscription's).
_STATE_ORDER = {"sent": 0, "pending": 1, "failed": 2, "skipped": 3}


def explain(
    state: SubscriptionState,
    briefing: Candidate | Briefing,
    records: Sequence[DeliveryRecord],
    *,
    now: datetime,
) -> Explanation:
    """What became of ``briefing`` in this subscription's channels, or what it waits for.

    An outbox row is the record of what happened (sent, failed, skipped, held for the hourly
    cap's digest, waiting to be sent); without one, the first reason that applies: stored
    before the subscription began, kept out by its filters, under embargo, the subscription
    paused, passed over under earlier filters, or waiting for the next digest or run.
    """
    sub = state.subscription
    if records:
        record = min(records, key=lambda r: (_STATE_ORDER.get(r.state, 9), -r.created_at.timestamp()))
        return _from_record(state, record, now)
    if briefing.id <= sub.since_briefing_id:
        return Explanation(Reason.BEFORE_START, at=sub.created_at)
    verdict = filter_verdict(sub, briefing)
    if not verdict.passed:
        return Explanation(Reason.FILTERED, filter=verdict)
    if briefing.published_at > now:
        return Explanation(Reason.EMBARGOED, at=briefing.published_at, filter=verdict)
    if sub.paused_reason:
        return _paused(state)
    if briefing.id <= state.cursor_id:
        return Explanation(Reason.PASSED_OVER, filter=verdict)
    if sub.schedule in DIGEST_KINDS:
        return Explanation(Reason.NEXT_DIGEST, at=timetable.next_run(sub, now), filter=verdict)
    return Explanation(Reason.NEXT_RUN, filter=verdict)


def _paused(state: SubscriptionState) -> Explanation:
    sub = state.subscription
    return Explanation(Reason.PAUSED, at=sub.paused_at, detail=sub.paused_reason, by_hand=sub.paused_by_hand)


def _from_record(state: SubscriptionState, record: DeliveryRecord, now: datetime) -> Explanation:
    where = record.channel_id
    if record.state == "sent":
        return Explanation(
            Reason.SENT,
            at=record.sent_at,
            message_id=record.message_id,
            channel_id=where,
            detail=record.last_error,
            record=record,
        )
    if record.state == "failed":
        return Explanation(Reason.FAILED, detail=record.last_error, channel_id=where)
    if record.state == "skipped":
        return Explanation(Reason.SKIPPED, detail=record.last_error, channel_id=where)
    if state.subscription.paused_reason:
        return _paused(state)
    if record.hold_until is not None and record.hold_until > now:
        return Explanation(Reason.HELD, at=record.hold_until, channel_id=where)
    return Explanation(Reason.SENDING, detail=record.last_error, channel_id=where)


def filter_text(verdict: FilterVerdict, tr: Localizer = ENGLISH) -> str:
    """Which filter rule decided, in words."""
    if verdict.rule is FilterRule.NO_FILTERS:
        return tr.gettext("no filters: every briefing passes")
    if verdict.rule is FilterRule.EXCLUDED_TOPIC:
        return tr.gettext("excluded topic '{topic}'", topic=verdict.topic)
    if verdict.rule is FilterRule.EXCLUDED_KEYWORD:
        return tr.gettext("excluded keyword '{keyword}'", keyword=verdict.keyword)
    if verdict.rule is FilterRule.NO_TOPIC:
        return tr.gettext("none of the topics {topics}", topics=verdict.topic)
    if verdict.rule is FilterRule.NO_KEYWORD:
        return tr.gettext("none of the keywords {keywords}", keywords=verdict.keyword)
    if verdict.topic is not None and verdict.keyword is not None:
        return tr.gettext(
            "topic '{topic}' and keyword '{keyword}'", topic=verdict.topic, keyword=verdict.keyword
        )
    if verdict.topic is not None:
        return tr.gettext("topic '{topic}'", topic=verdict.topic)
    return tr.gettext("keyword '{keyword}'", keyword=verdict.keyword)


def explanation_text(
    explanation: Explanation,
    tr: Localizer = ENGLISH,
    *,
    when: Callable[[datetime], str],
    channel: Callable[[int], str],
    poll_seconds: int,
) -> str:
    """One sentence saying why; ``when`` and ``channel`` write a time and a channel as the
    reader's medium shows them. Stored reasons and Discord's errors are
    quoted as they are, in English."""
    e = explanation
    if e.reason in _OUTBOX_REASONS:
        return _outbox_text(e, tr, when=when, channel=channel)
    if e.reason is Reason.BEFORE_START:
        return tr.gettext(
            "Not delivered: it was stored before the subscription started ({when}); "
            "only newer briefings are posted.",
            when=_when(e.at, when),
        )
    if e.reason is Reason.FILTERED:
        assert e.filter is not None
        return tr.gettext("Not delivered: filtered out by {rule}.", rule=filter_text(e.filter, tr))
    if e.reason is Reason.EMBARGOED:
        return tr.gettext("Waiting: embargoed until {when}.", when=_when(e.at, when))
    if e.reason is Reason.PAUSED:
        if e.by_hand:
            return tr.gettext(
                "Waiting: a manager paused the subscription {when}; /subscriptions resume restarts it.",
                when=_when(e.at, when),
            )
        return tr.gettext(
            "Waiting: the subscription is paused because {why}; /subscriptions resume restarts it.",
            why=e.detail or "?",
        )
    if e.reason is Reason.PASSED_OVER:
        return tr.gettext(
            "Not delivered: the channel's filters at the time did not let it through "
            "(they have changed since)."
        )
    if e.reason is Reason.NEXT_DIGEST:
        return tr.gettext("Waiting for the next digest, {when}.", when=_when(e.at, when))
    return tr.ngettext(
        "Waiting for the next run (every {n} second).",
        "Waiting for the next run (every {n} seconds).",
        poll_seconds,
    )


_OUTBOX_REASONS = frozenset({Reason.SENT, Reason.SENDING, Reason.HELD, Reason.FAILED, Reason.SKIPPED})


def _outbox_text(
    e: Explanation, tr: Localizer, *, when: Callable[[datetime], str], channel: Callable[[int], str]
) -> str:
    """What an outbox row says happened."""
    if e.reason is Reason.SENT:
        where = channel(e.channel_id) if e.channel_id is not None else "?"
        published = publish_note(e.record, tr, when=when) if e.record is not None else None
        if published:  # a post of a publish:true channel: published, or in which digest
            return tr.gettext(
                "Delivered to {channel} {when}; {note}.",
                channel=where,
                when=_when(e.at, when),
                note=published,
            )
        if e.detail:  # a note on a delivered post (not published, say), as the engine wrote it
            return tr.gettext(
                "Delivered to {channel} {when}; {note}.", channel=where, when=_when(e.at, when), note=e.detail
            )
        return tr.gettext("Delivered to {channel} {when}.", channel=where, when=_when(e.at, when))
    if e.reason is Reason.HELD:
        return tr.gettext(
            "Held by the hourly cap: it goes out in one digest with the others {when}.",
            when=_when(e.at, when),
        )
    if e.reason is Reason.FAILED:
        return tr.gettext("Not delivered: Discord refused the message ({error}).", error=e.detail or "?")
    if e.reason is Reason.SKIPPED:
        return tr.gettext("Not delivered: skipped ({why}).", why=e.detail or "?")
    if e.detail:
        return tr.gettext(
            "Not sent yet: the last attempt failed ({error}); it is tried again on the next run.",
            error=e.detail,
        )
    return tr.gettext("Queued: it goes out on the next run.")


def _when(moment: datetime | None, when: Callable[[datetime], str]) -> str:
    return when(moment) if moment is not None else "?"
