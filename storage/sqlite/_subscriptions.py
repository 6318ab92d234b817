"""Subscriptions in SQLite: which channels receive briefings, and how."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from bot.models import Subscription
from storage.errors import NotFoundError, StorageError
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import SETTINGS_COLUMNS, now_ts, settings_params, subscription

_SETTINGS = ", ".join(SETTINGS_COLUMNS)
_SETTINGS_MARKS = ", ".join("?" * len(SETTINGS_COLUMNS))
_SETTINGS_FROM_EXCLUDED = ", ".join(f"{c} = excluded.{c}" for c in SETTINGS_COLUMNS)
_SETTINGS_SET = ", ".join(f"{c} = ?" for c in SETTINGS_COLUMNS)


class SQLiteSubscriptions(SQLiteConnection):
    """``storage.interface.Subscriptions`` over SQLite."""

    async def upsert_subscription(self, sub: Subscription) -> Subscription:
        """Create or replace a channel's subscription; resubscribing clears a pause."""
        created = now_ts(sub.created_at)

        def work(db: sqlite3.Connection) -> Subscription:
            db.execute(
                f"INSERT INTO subscriptions (channel_id, guild_id, {_SETTINGS}, since_briefing_id, created_at, "
                f"moved_from, paused_reason, failures) VALUES (?, ?, {_SETTINGS_MARKS}, ?, ?, ?, NULL, 0) "
                f"ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, {_SETTINGS_FROM_EXCLUDED}, "
                "paused_reason = NULL, paused_by_hand = 0, paused_at = NULL, failures = 0",
                (
                    sub.channel_id,
                    sub.guild_id,
                    *settings_params(sub),
                    sub.since_briefing_id,
                    created,
                    json.dumps(list(sub.moved_from)),
                ),
            )
            row = db.execute("SELECT * FROM subscriptions WHERE channel_id = ?", (sub.channel_id,)).fetchone()
            return subscription(row)

        return await self._atomic(work)

    async def update_subscription(self, sub: Subscription) -> Subscription:
        """Change what a manager sets (schedule, filters, roles, cap), nothing else."""

        def work(db: sqlite3.Connection) -> Subscription:
            changed = db.execute(
                f"UPDATE subscriptions SET {_SETTINGS_SET} WHERE channel_id = ?",
                (*settings_params(sub), sub.channel_id),
            ).rowcount
            if not changed:
                raise NotFoundError(f"channel {sub.channel_id} has no subscription")
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

    async def set_pause(
        self, channel_id: int, reason: str | None, *, now: datetime | None = None
    ) -> Subscription | None:
        """Pause by hand (``reason``) or resume (``reason`` None: any pause, its failures
        forgotten). What is pending stays pending."""
        if reason is None:
            sql = (
                "UPDATE subscriptions SET paused_reason = NULL, paused_by_hand = 0, paused_at = NULL, "
                "failures = 0 WHERE channel_id = ?"
            )
            params: tuple[object, ...] = (channel_id,)
        else:
            sql = (
                "UPDATE subscriptions SET paused_reason = ?, paused_by_hand = 1, paused_at = ? "
                "WHERE channel_id = ?"
            )
            params = (reason, now_ts(now), channel_id)

        def work(db: sqlite3.Connection) -> Subscription | None:
            db.execute(sql, params)
            row = db.execute("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,)).fetchone()
            return subscription(row) if row is not None else None

        return await self._atomic(work)

    async def move_subscription(self, from_channel_id: int, to_channel_id: int) -> Subscription:
        """Move a subscription to another channel, settings, starting point and cursor kept;
        its pending messages go with it; an automatic pause (the old channel's failures) ends."""

        def work(db: sqlite3.Connection) -> Subscription:
            row = db.execute(
                "SELECT * FROM subscriptions WHERE channel_id = ?", (from_channel_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"channel {from_channel_id} has no subscription")
            if db.execute("SELECT 1 FROM subscriptions WHERE channel_id = ?", (to_channel_id,)).fetchone():
                raise StorageError(f"channel {to_channel_id} already has a subscription")
            old = subscription(row)
            moved = [c for c in (*old.moved_from, from_channel_id) if c != to_channel_id]
            db.execute(
                "UPDATE subscriptions SET channel_id = ?, moved_from = ?, failures = 0, "
                "paused_reason = CASE WHEN paused_by_hand = 0 THEN NULL ELSE paused_reason END, "
                "paused_at = CASE WHEN paused_by_hand = 0 THEN NULL ELSE paused_at END "
                "WHERE channel_id = ?",
                (to_channel_id, json.dumps(list(dict.fromkeys(moved))), from_channel_id),
            )
            # A briefing the new channel already has a row for (an earlier subscription there)
            # is not moved: it would be that channel's second delivery of it.
            db.execute(
                "UPDATE OR IGNORE deliveries SET channel_id = ? WHERE channel_id = ? AND state = 'pending'",
                (to_channel_id, from_channel_id),
            )
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'moved' "
                "WHERE channel_id = ? AND state = 'pending'",
                (from_channel_id,),
            )
            new = db.execute("SELECT * FROM subscriptions WHERE channel_id = ?", (to_channel_id,)).fetchone()
            return subscription(new)

        return await self._atomic(work)

    async def pause_subscription(self, channel_id: int, reason: str) -> None:
        """Mark a subscription paused, leaving its pending deliveries (for tests; not part
        of ``Storage``, whose ``pause_channel`` also skips them)."""
        await self._write(
            "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?", (reason, channel_id)
        )
