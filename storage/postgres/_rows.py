"""Times as this backend stores them, and the subscription rows two query classes read.

Times are ``timestamptz`` cut to whole seconds, as SQLite's integer seconds are, so an
embargo ends at the same instant on both backends and a stored time reads back equal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bot.delivery.records import SubscriptionState
from bot.models import ScheduleKind, Subscription


def stamp(moment: datetime) -> datetime:
    """``moment`` in UTC, to the whole second; a naive datetime is a ``ValueError``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return datetime.fromtimestamp(int(moment.timestamp()), UTC)


def now_stamp(now: datetime | None) -> datetime:
    """``now`` as stored; the current time when it is None."""
    return stamp(now or datetime.now(UTC))


def subscription(row: asyncpg.Record) -> Subscription:
    return Subscription(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        schedule=ScheduleKind(row["schedule"]),
        time=row["time"],
        weekday=row["weekday"],
        timezone=row["timezone"],
        topics=tuple(row["topics"]),
        keywords=tuple(row["keywords"]),
        role_id=row["role_id"],
        alerts_channel_id=row["alerts_channel_id"],
        created_at=row["created_at"],
        since_briefing_id=int(row["since_briefing_id"]),
        paused_reason=row["paused_reason"],
        failures=int(row["failures"]),
        last_delivery_at=row["last_delivery_at"],
        exclude_topics=tuple(row["exclude_topics"]),
        exclude_keywords=tuple(row["exclude_keywords"]),
        topic_roles=tuple((str(topic), int(role)) for topic, role in json.loads(row["topic_roles"])),
        max_per_hour=int(row["max_per_hour"]),
        paused_by_hand=bool(row["paused_by_hand"]),
        paused_at=row["paused_at"],
        thread_archive_minutes=int(row["thread_archive_minutes"]),
        publish=bool(row["publish"]),
        forum=bool(row["forum"]),
        webhook=bool(row["webhook"]),
        card_style=row["card_style"],
        create_tags=bool(row["create_tags"]),
        moved_from=tuple(int(c) for c in row["moved_from"]),
    )


def settings_params(sub: Subscription) -> tuple[Any, ...]:
    """What a manager sets, as the columns ``SETTINGS_COLUMNS`` name, in that order."""
    return (
        sub.schedule.value,
        sub.time,
        sub.weekday,
        sub.timezone,
        list(sub.topics),
        list(sub.keywords),
        sub.role_id,
        sub.alerts_channel_id,
        list(sub.exclude_topics),
        list(sub.exclude_keywords),
        json.dumps([[topic, role] for topic, role in sub.topic_roles], ensure_ascii=False),
        sub.max_per_hour,
        sub.thread_archive_minutes,
        sub.publish,
        sub.forum,
        sub.card_style,
        sub.create_tags,
    )


# The columns of a subscription that a manager sets (``settings_params``), with their types:
# what a change of settings writes, leaving its pause, failures, starting point and cursor.
SETTINGS_COLUMNS = (
    ("schedule", "text"),
    ('"time"', "text"),
    ("weekday", "integer"),
    ("timezone", "text"),
    ("topics", "text[]"),
    ("keywords", "text[]"),
    ("role_id", "bigint"),
    ("alerts_channel_id", "bigint"),
    ("exclude_topics", "text[]"),
    ("exclude_keywords", "text[]"),
    ("topic_roles", "jsonb"),
    ("max_per_hour", "integer"),
    ("thread_archive_minutes", "integer"),
    ("publish", "boolean"),
    ("forum", "boolean"),
    ("card_style", "text"),
    ("create_tags", "boolean"),
)


def subscription_state(row: asyncpg.Record) -> SubscriptionState:
    return SubscriptionState(
        subscription=subscription(row),
        cursor_id=int(row["cursor_id"]),
        last_run_at=row["last_run_at"],
    )
