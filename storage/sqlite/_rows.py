"""Timestamps as SQLite stores them, and the subscription rows two query classes read.

Times are whole seconds since the epoch in UTC, in INTEGER columns.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import overload

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
    )


def subscription_state(row: sqlite3.Row) -> SubscriptionState:
    return SubscriptionState(
        subscription=subscription(row),
        cursor_id=int(row["cursor_id"]),
        last_run_at=from_ts(row["last_run_at"]),
    )
