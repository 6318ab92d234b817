"""Times as this backend stores them, and the subscription rows two query classes read.

Times are ``timestamptz`` cut to whole seconds, as SQLite's integer seconds are, so an
embargo ends at the same instant on both backends and a stored time reads back equal.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    )


def subscription_state(row: asyncpg.Record) -> SubscriptionState:
    return SubscriptionState(
        subscription=subscription(row),
        cursor_id=int(row["cursor_id"]),
        last_run_at=row["last_run_at"],
    )
