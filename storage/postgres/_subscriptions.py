"""Subscriptions in PostgreSQL: which channels receive briefings, and how."""

from __future__ import annotations

from bot.models import Subscription
from storage.postgres._connection import PostgresConnection
from storage.postgres._rows import now_stamp, subscription


class PostgresSubscriptions(PostgresConnection):
    """``storage.interface.Subscriptions`` over PostgreSQL."""

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        async with self._writing() as db:
            row = await db.fetchrow(
                'INSERT INTO subscriptions (channel_id, guild_id, schedule, "time", weekday, timezone, topics, '
                "keywords, role_id, alerts_channel_id, since_briefing_id, created_at, paused_reason, failures) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, 0) "
                "ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
                'schedule = excluded.schedule, "time" = excluded."time", weekday = excluded.weekday, '
                "timezone = excluded.timezone, topics = excluded.topics, keywords = excluded.keywords, "
                "role_id = excluded.role_id, alerts_channel_id = excluded.alerts_channel_id, "
                "paused_reason = NULL, failures = 0 RETURNING *",
                sub.channel_id,
                sub.guild_id,
                sub.schedule.value,
                sub.time,
                sub.weekday,
                sub.timezone,
                list(sub.topics),
                list(sub.keywords),
                sub.role_id,
                sub.alerts_channel_id,
                sub.since_briefing_id,
                now_stamp(sub.created_at),
            )
        assert row is not None
        return subscription(row)

    async def get_subscription(self, channel_id: int) -> Subscription | None:
        row = await self._fetchrow("SELECT * FROM subscriptions WHERE channel_id = $1", channel_id)
        return subscription(row) if row else None

    async def subscriptions(self, *, guild_id: int | None = None) -> list[Subscription]:
        if guild_id is None:
            rows = await self._fetch("SELECT * FROM subscriptions ORDER BY channel_id")
        else:
            rows = await self._fetch(
                "SELECT * FROM subscriptions WHERE guild_id = $1 ORDER BY channel_id", guild_id
            )
        return [subscription(r) for r in rows]

    async def delete_subscription(self, channel_id: int) -> bool:
        """Unsubscribe a channel; what was pending there is skipped."""
        async with self._writing() as db:
            deleted = await db.fetchval(
                "WITH gone AS (DELETE FROM subscriptions WHERE channel_id = $1 RETURNING 1) SELECT count(*) FROM gone",
                channel_id,
            )
            await db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'unsubscribed' "
                "WHERE channel_id = $1 AND state = 'pending'",
                channel_id,
            )
        return bool(deleted)

    async def pause_subscription(self, channel_id: int, reason: str) -> None:
        """Mark a subscription paused, leaving its pending deliveries (for tests; not part
        of ``Storage``, whose ``pause_channel`` also skips them)."""
        await self._write(
            "UPDATE subscriptions SET paused_reason = $1 WHERE channel_id = $2", reason, channel_id
        )
