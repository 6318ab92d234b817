"""Branded webhooks in SQLite: the webhook the bot made in a subscribed channel, with its token."""

from __future__ import annotations

import sqlite3

from bot.models import ChannelWebhook, Secret
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, now_ts


def _webhook(row: sqlite3.Row) -> ChannelWebhook:
    return ChannelWebhook(
        channel_id=int(row["channel_id"]),
        webhook_id=int(row["webhook_id"]),
        token=Secret(str(row["token"])),
        name=str(row["name"]),
        avatar_url=row["avatar_url"],
        lost=int(row["lost"]),
        created_at=from_ts(row["created_at"]),
    )


class SQLiteWebhooks(SQLiteConnection):
    """``storage.interface.Webhooks`` over SQLite. Writing or deleting a channel's row also
    sets or clears its subscription's ``webhook`` flag, in the same transaction."""

    async def put_webhook(self, hook: ChannelWebhook) -> ChannelWebhook:
        """Record a subscribed channel's webhook, replacing the one it had."""

        def work(db: sqlite3.Connection) -> ChannelWebhook:
            db.execute(
                "INSERT INTO channel_webhooks (channel_id, webhook_id, token, name, avatar_url, lost, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
                "webhook_id = excluded.webhook_id, token = excluded.token, name = excluded.name, "
                "avatar_url = excluded.avatar_url, lost = excluded.lost, created_at = excluded.created_at",
                (
                    hook.channel_id,
                    hook.webhook_id,
                    hook.token.reveal(),
                    hook.name,
                    hook.avatar_url,
                    hook.lost,
                    now_ts(hook.created_at),
                ),
            )
            db.execute("UPDATE subscriptions SET webhook = 1 WHERE channel_id = ?", (hook.channel_id,))
            row = db.execute(
                "SELECT * FROM channel_webhooks WHERE channel_id = ?", (hook.channel_id,)
            ).fetchone()
            return _webhook(row)

        return await self._atomic(work)

    async def get_webhook(self, channel_id: int) -> ChannelWebhook | None:
        row = await self._fetchone("SELECT * FROM channel_webhooks WHERE channel_id = ?", (channel_id,))
        return _webhook(row) if row else None

    async def delete_webhook(self, channel_id: int) -> bool:
        """Forget a channel's webhook (its posts then come from the bot itself)."""

        def work(db: sqlite3.Connection) -> bool:
            db.execute("UPDATE subscriptions SET webhook = 0 WHERE channel_id = ?", (channel_id,))
            return db.execute("DELETE FROM channel_webhooks WHERE channel_id = ?", (channel_id,)).rowcount > 0

        return await self._atomic(work)
