"""Branded webhooks in PostgreSQL: the webhook the bot made in a subscribed channel, with its token."""

from __future__ import annotations

import asyncpg

from bot.models import ChannelWebhook, Secret
from storage.postgres._connection import PostgresConnection, affected
from storage.postgres._rows import now_stamp


def _webhook(row: asyncpg.Record) -> ChannelWebhook:
    return ChannelWebhook(
        channel_id=int(row["channel_id"]),
        webhook_id=int(row["webhook_id"]),
        token=Secret(str(row["token"])),
        name=str(row["name"]),
        avatar_url=row["avatar_url"],
        lost=int(row["lost"]),
        created_at=row["created_at"],
    )


class PostgresWebhooks(PostgresConnection):
    """``storage.interface.Webhooks`` over PostgreSQL. Writing or deleting a channel's row also
    sets or clears its subscription's ``webhook`` flag, in the same transaction."""

    async def put_webhook(self, hook: ChannelWebhook) -> ChannelWebhook:
        """Record a subscribed channel's webhook, replacing the one it had."""
        async with self._writing() as db:
            row = await db.fetchrow(
                "INSERT INTO channel_webhooks (channel_id, webhook_id, token, name, avatar_url, lost, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (channel_id) DO UPDATE SET "
                "webhook_id = excluded.webhook_id, token = excluded.token, name = excluded.name, "
                "avatar_url = excluded.avatar_url, lost = excluded.lost, created_at = excluded.created_at "
                "RETURNING *",
                hook.channel_id,
                hook.webhook_id,
                hook.token.reveal(),
                hook.name,
                hook.avatar_url,
                hook.lost,
                now_stamp(hook.created_at),
            )
            await db.execute("UPDATE subscriptions SET webhook = true WHERE channel_id = $1", hook.channel_id)
        assert row is not None
        return _webhook(row)

    async def get_webhook(self, channel_id: int) -> ChannelWebhook | None:
        row = await self._fetchrow("SELECT * FROM channel_webhooks WHERE channel_id = $1", channel_id)
        return _webhook(row) if row else None

    async def delete_webhook(self, channel_id: int) -> bool:
        """Forget a channel's webhook (its posts then come from the bot itself)."""
        async with self._writing() as db:
            await db.execute("UPDATE subscriptions SET webhook = false WHERE channel_id = $1", channel_id)
            return (
                affected(await db.execute("DELETE FROM channel_webhooks WHERE channel_id = $1", channel_id))
                > 0
            )
