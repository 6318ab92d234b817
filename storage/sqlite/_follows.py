"""Follows in SQLite: channels that follow a home announcement channel through Discord."""

from __future__ import annotations

import sqlite3

from bot.models import Follow
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, now_ts


def _follow(row: sqlite3.Row) -> Follow:
    return Follow(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        home_channel_id=int(row["home_channel_id"]),
        topic=str(row["topic"]),
        webhook_id=int(row["webhook_id"]),
        created_at=from_ts(row["created_at"]),
    )


class SQLiteFollows(SQLiteConnection):
    """``storage.interface.Follows`` over SQLite."""

    async def put_follow(self, follow: Follow) -> Follow:
        """Record a channel's follow, replacing the one it had (a new home channel)."""

        def work(db: sqlite3.Connection) -> Follow:
            db.execute(
                "INSERT INTO follows (channel_id, guild_id, home_channel_id, topic, webhook_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
                "guild_id = excluded.guild_id, home_channel_id = excluded.home_channel_id, "
                "topic = excluded.topic, webhook_id = excluded.webhook_id, created_at = excluded.created_at",
                (
                    follow.channel_id,
                    follow.guild_id,
                    follow.home_channel_id,
                    follow.topic,
                    follow.webhook_id,
                    now_ts(follow.created_at),
                ),
            )
            row = db.execute("SELECT * FROM follows WHERE channel_id = ?", (follow.channel_id,)).fetchone()
            return _follow(row)

        return await self._atomic(work)

    async def get_follow(self, channel_id: int) -> Follow | None:
        row = await self._fetchone("SELECT * FROM follows WHERE channel_id = ?", (channel_id,))
        return _follow(row) if row else None

    async def follows(self, *, guild_id: int | None = None) -> list[Follow]:
        if guild_id is None:
            rows = await self._fetchall("SELECT * FROM follows ORDER BY channel_id")
        else:
            rows = await self._fetchall(
                "SELECT * FROM follows WHERE guild_id = ? ORDER BY channel_id", (guild_id,)
            )
        return [_follow(r) for r in rows]

    async def delete_follow(self, channel_id: int, webhook_id: int) -> bool:
        """Forget a channel's follow, if it is still the one through ``webhook_id`` (a
        concurrent /subscribe may have replaced it meanwhile)."""
        deleted = await self._write(
            "DELETE FROM follows WHERE channel_id = ? AND webhook_id = ?", (channel_id, webhook_id)
        )
        return deleted > 0
