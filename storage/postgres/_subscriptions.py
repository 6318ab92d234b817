"""Subscriptions in PostgreSQL: which channels receive briefings, and how."""

from __future__ import annotations

from datetime import datetime

from bot.models import Subscription
from storage.errors import NotFoundError, StorageError
from storage.postgres._connection import PostgresConnection
from storage.postgres._rows import SETTINGS_COLUMNS, now_stamp, settings_params, subscription

_SETTINGS = ", ".join(name for name, _ in SETTINGS_COLUMNS)
# $3 onwards: after channel_id and guild_id.
_SETTINGS_VALUES = ", ".join(f"${i}::{kind}" for i, (_, kind) in enumerate(SETTINGS_COLUMNS, start=3))
_SETTINGS_FROM_EXCLUDED = ", ".join(f"{name} = excluded.{name}" for name, _ in SETTINGS_COLUMNS)
# $2 onwards: after channel_id.
_SETTINGS_SET = ", ".join(
    f"{name} = ${i}::{kind}" for i, (name, kind) in enumerate(SETTINGS_COLUMNS, start=2)
)
_AFTER_SETTINGS = 3 + len(SETTINGS_COLUMNS)


class PostgresSubscriptions(PostgresConnection):
    """``storage.interface.Subscriptions`` over PostgreSQL."""

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        n = _AFTER_SETTINGS
        async with self._writing() as db:
            row = await db.fetchrow(
                f"INSERT INTO subscriptions (channel_id, guild_id, {_SETTINGS}, since_briefing_id, created_at, "
                f"moved_from, paused_reason, failures) VALUES ($1, $2, {_SETTINGS_VALUES}, ${n}, ${n + 1}, "
                f"${n + 2}::bigint[], NULL, 0) "
                f"ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, {_SETTINGS_FROM_EXCLUDED}, "
                "paused_reason = NULL, paused_by_hand = false, paused_at = NULL, failures = 0 RETURNING *",
                sub.channel_id,
                sub.guild_id,
                *settings_params(sub),
                sub.since_briefing_id,
                now_stamp(sub.created_at),
                list(sub.moved_from),
            )
        assert row is not None
        return subscription(row)

    async def update_subscription(self, sub: Subscription) -> Subscription:
        """Change what a manager sets (schedule, filters, roles, cap), nothing else."""
        async with self._writing() as db:
            row = await db.fetchrow(
                f"UPDATE subscriptions SET {_SETTINGS_SET} WHERE channel_id = $1 RETURNING *",
                sub.channel_id,
                *settings_params(sub),
            )
        if row is None:
            raise NotFoundError(f"channel {sub.channel_id} has no subscription")
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

    async def set_pause(
        self, channel_id: int, reason: str | None, *, now: datetime | None = None
    ) -> Subscription | None:
        """Pause by hand (``reason``) or resume (``reason`` None: any pause, its failures
        forgotten). What is pending stays pending."""
        async with self._writing() as db:
            if reason is None:
                row = await db.fetchrow(
                    "UPDATE subscriptions SET paused_reason = NULL, paused_by_hand = false, paused_at = NULL, "
                    "failures = 0 WHERE channel_id = $1 RETURNING *",
                    channel_id,
                )
            else:
                row = await db.fetchrow(
                    "UPDATE subscriptions SET paused_reason = $2, paused_by_hand = true, paused_at = $3 "
                    "WHERE channel_id = $1 RETURNING *",
                    channel_id,
                    reason,
                    now_stamp(now),
                )
        return subscription(row) if row is not None else None

    async def move_subscription(self, from_channel_id: int, to_channel_id: int) -> Subscription:
        """Move a subscription to another channel, settings, starting point and cursor kept;
        its pending messages go with it; an automatic pause (the old channel's failures) ends."""
        async with self._writing() as db:
            row = await db.fetchrow(
                "SELECT * FROM subscriptions WHERE channel_id = $1 FOR UPDATE", from_channel_id
            )
            if row is None:
                raise NotFoundError(f"channel {from_channel_id} has no subscription")
            if await db.fetchval("SELECT 1 FROM subscriptions WHERE channel_id = $1", to_channel_id):
                raise StorageError(f"channel {to_channel_id} already has a subscription")
            old = subscription(row)
            moved = [c for c in (*old.moved_from, from_channel_id) if c != to_channel_id]
            new = await db.fetchrow(
                "UPDATE subscriptions SET channel_id = $2, moved_from = $3::bigint[], failures = 0, "
                "paused_reason = CASE WHEN NOT paused_by_hand THEN NULL ELSE paused_reason END, "
                "paused_at = CASE WHEN NOT paused_by_hand THEN NULL ELSE paused_at END "
                "WHERE channel_id = $1 RETURNING *",
                from_channel_id,
                to_channel_id,
                list(dict.fromkeys(moved)),
            )
            # A briefing the new channel already has a row for (an earlier subscription there)
            # is not moved: it would be that channel's second delivery of it.
            await db.execute(
                "UPDATE deliveries d SET channel_id = $2 WHERE d.channel_id = $1 AND d.state = 'pending' "
                "AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.channel_id = $2 "
                "AND o.briefing_id = d.briefing_id)",
                from_channel_id,
                to_channel_id,
            )
            await db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'moved' "
                "WHERE channel_id = $1 AND state = 'pending'",
                from_channel_id,
            )
        assert new is not None
        return subscription(new)

    async def pause_subscription(self, channel_id: int, reason: str) -> None:
        """Mark a subscription paused, leaving its pending deliveries (for tests; not part
        of ``Storage``, whose ``pause_channel`` also skips them)."""
        await self._write(
            "UPDATE subscriptions SET paused_reason = $1 WHERE channel_id = $2", reason, channel_id
        )
