"""Subscriptions in SQLite: which channels receive briefings, and how."""

from __future__ import annotations

import json
import sqlite3

from bot.models import Subscription
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import now_ts, subscription


class SQLiteSubscriptions(SQLiteConnection):
    """``storage.interface.Subscriptions`` over SQLite."""

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        created = now_ts(sub.created_at)

        def work(db: sqlite3.Connection) -> Subscription:
            db.execute(
                "INSERT INTO subscriptions (channel_id, guild_id, schedule, time, weekday, timezone, topics, "
                "keywords, role_id, alerts_channel_id, since_briefing_id, created_at, paused_reason, failures) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0) "
                "ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
                "schedule = excluded.schedule, time = excluded.time, weekday = excluded.weekday, "
                "timezone = excluded.timezone, topics = excluded.topics, keywords = excluded.keywords, "
                "role_id = excluded.role_id, alerts_channel_id = excluded.alerts_channel_id, "
                "paused_reason = NULL, failures = 0",
                (
                    sub.channel_id,
                    sub.guild_id,
                    sub.schedule.value,
                    sub.time,
                    sub.weekday,
                    sub.timezone,
                    json.dumps(list(sub.topics), ensure_ascii=False),
                    json.dumps(list(sub.keywords), ensure_ascii=False),
                    sub.role_id,
                    sub.alerts_channel_id,
                    sub.since_briefing_id,
                    created,
                ),
            )
            row = db.execute("SELECT * FROM subscriptions WHERE channel_id = ?", (sub.channel_id,)).fetchone()
            return subscription(row)

        return await self._atomic(work)

    async def get_subscription(self, channel_id: int) -> Subscription | None:
        row = await self._fetchone("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return subscription(row) if row else None

    async def subscriptions(self, *, guild_id: int | None = None) -> list[Subscription]:
        if guild_id is None:
            rows = await self._fetchall("SELECT * FROM subscriptions ORDER BY channel_id")
        else:
            rows = await self._fetchall(
                "SELECT * FROM subscriptions WHERE guild_id = ? ORDER BY channel_id", (guild_id,)
            )
        return [subscription(r) for r in rows]

    async def delete_subscription(self, channel_id: int) -> bool:
        """Unsubscribe a channel; what was pending there is skipped."""

        def work(db: sqlite3.Connection) -> bool:
            deleted = db.execute("DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,)).rowcount
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'unsubscribed' "
                "WHERE channel_id = ? AND state = 'pending'",
                (channel_id,),
            )
            return deleted > 0

        return await self._atomic(work)

    async def pause_subscription(self, channel_id: int, reason: str) -> None:
        """Mark a subscription paused, leaving its pending deliveries (for tests; not part
        of ``Storage``, whose ``pause_channel`` also skips them)."""
        await self._write(
            "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?", (reason, channel_id)
        )
