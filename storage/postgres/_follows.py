"""Follows in PostgreSQL: channels that follow a home announcement channel through Discord."""

from __future__ import annotations

import asyncpg

from bot.models import Follow
from storage.postgres._connection import PostgresConnection
from storage.postgres._rows import now_stamp


def _follow(row: asyncpg.Record) -> Follow:
    return Follow(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        home_channel_id=int(row["home_channel_id"]),
        topic=str(row["topic"]),
        webhook_id=int(row["webhook_id"]),
        created_at=row["created_at"],
    )


class PostgresFollows(PostgresConnection):
    """``storage.interface.Follows`` over PostgreSQL."""

    async def put_follow(self, follow: Follow) -> Follow:
        """Record a channel's follow, replacing the one it had (a new home channel)."""
        async with self._writing() as db:
            row = await db.fetchrow(
                "INSERT INTO follows (channel_id, guild_id, home_channel_id, topic, webhook_id, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel_id) DO UPDATE SET "
                "guild_id = excluded.guild_id, home_channel_id = excluded.home_channel_id, "
                "topic = excluded.topic, webhook_id = excluded.webhook_id, created_at = excluded.created_at "
                "RETURNING *",
                follow.channel_id,
                follow.guild_id,
                follow.home_channel_id,
                follow.topic,
                follow.webhook_id,
                now_stamp(follow.created_at),
            )
        assert row is not None
        return _follow(row)

    async def get_follow(self, channel_id: int) -> Follow | None:
        row = await self._fetchrow("SELECT * FROM follows WHERE channel_id = $1", channel_id)
        return _follow(row) if row else None

    async def follows(self, *, guild_id: int | None = None) -> list[Follow]:
        if guild_id is None:
            rows = await self._fetch("SELECT * FROM follows ORDER BY channel_id")
        else:
            rows = await self._fetch(
                "SELECT * FROM follows WHERE guild_id = $1 ORDER BY channel_id", guild_id
            )
        return [_follow(r) for r in rows]

    async def delete_follow(self, channel_id: int, webhook_id: int) -> bool:
        """Forget a channel's follow, if it is still the one through ``webhook_id`` (a
        concurrent /subscribe may have replaced it meanwhile)."""
        deleted = await self._write(
            "DELETE FROM follows WHERE channel_id = $1 AND webhook_id = $2", channel_id, webhook_id
        )
        return deleted > 0
