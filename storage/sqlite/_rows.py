"""Timestamps as SQLite stores them, and the subscription rows two query classes read.

Times are whole seconds since the epoch in UTC, in INTEGER columns.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, overload

from bot.delivery.records import SubscriptionState
from bot.models import ScheduleKind, Subscription


def to_ts(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return int(moment.timestamp())


def now_ts(now: datetime | None) -> int:
    """``now`` as a timestamp; the current time when it is None."""
    return to_ts(now or datetime.now(UTC))


@overload
def from_ts(value: int) -> datetime: ...
@overload
def from_ts(value: int | None) -> datetime | None: ...
def from_ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        schedule=ScheduleKind(row["schedule"]),
        time=row["time"],
        weekday=row["weekday"],
        timezone=row["timezone"],
        topics=tuple(json.loads(row["topics"])),
        keywords=tuple(json.loads(row["keywords"])),
        role_id=row["role_id"],
        alerts_channel_id=row["alerts_channel_id"],
        created_at=from_ts(row["created_at"]),
        since_briefing_id=int(row["since_briefing_id"]),
        paused_reason=row["paused_reason"],
        failures=int(row["failures"]),
        last_delivery_at=from_ts(row["last_delivery_at"]),
        exclude_topics=tuple(json.loads(row["exclude_topics"])),
        exclude_keywords=tuple(json.loads(row["exclude_keywords"])),
        topic_roles=tuple((str(topic), int(role)) for topic, role in json.loads(row["topic_roles"])),
        max_per_hour=int(row["max_per_hour"]),
        paused_by_hand=bool(row["paused_by_hand"]),
        paused_at=from_ts(row["paused_at"]),
        thread_archive_minutes=int(row["thread_archive_minutes"]),
        publish=bool(row["publish"]),
        forum=bool(row["forum"]),
        webhook=bool(row["webhook"]),
        card_style=row["card_style"],
        create_tags=bool(row["create_tags"]),
        moved_from=tuple(int(c) for c in json.loads(row["moved_from"])),
    )


def settings_params(sub: Subscription) -> tuple[Any, ...]:
    """What a manager sets, as the columns ``SETTINGS_COLUMNS`` name, in that order."""
    return (
        sub.schedule.value,
        sub.time,
        sub.weekday,
        sub.timezone,
        _json(sub.topics),
        _json(sub.keywords),
        sub.role_id,
        sub.alerts_channel_id,
        _json(sub.exclude_topics),
        _json(sub.exclude_keywords),
        json.dumps([[topic, role] for topic, role in sub.topic_roles], ensure_ascii=False),
        sub.max_per_hour,
        sub.thread_archive_minutes,
        sub.publish,
        sub.forum,
        sub.card_style,
        sub.create_tags,
    )


# The columns of a subscription that a manager sets (``settings_params``): what a change of
# settings writes, leaving its pause, failures, starting point and cursor as they are.
SETTINGS_COLUMNS = (
    "schedule",
    "time",
    "weekday",
    "timezone",
    "topics",
    "keywords",
    "role_id",
    "alerts_channel_id",
    "exclude_topics",
    "exclude_keywords",
    "topic_roles",
    "max_per_hour",
    "thread_archive_minutes",
    "publish",
    "forum",
    "card_style",
    "create_tags",
)


def _json(items: tuple[str, ...]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def subscription_state(row: sqlite3.Row) -> SubscriptionState:
    return SubscriptionState(
        subscription=subscription(row),
        cursor_id=int(row["cursor_id"]),
        last_run_at=from_ts(row["last_run_at"]),
    )
