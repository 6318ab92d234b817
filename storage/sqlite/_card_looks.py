"""How posted messages look, in SQLite: what a correction needs to edit a message as it is."""

from __future__ import annotations

import json

from bot.delivery.records import CopyLook
from storage.sqlite._connection import SQLiteConnection


class SQLiteCardLooks(SQLiteConnection):
    """``storage.interface.Outbox.copy_look`` over SQLite."""

    async def copy_look(self, channel_id: int, nonce: str) -> CopyLook:
        rows = await self._fetchall(
            "SELECT as_card, content, ping_role_ids FROM deliveries WHERE channel_id = ? AND nonce = ? "
            "ORDER BY position, id",
            (channel_id, nonce),
        )
        if not rows:
            return CopyLook()
        return CopyLook(
            card=any(bool(r["as_card"]) for r in rows),
            content=rows[0]["content"],
            ping_role_ids=tuple(dict.fromkeys(int(i) for r in rows for i in json.loads(r["ping_role_ids"]))),
        )

    async def mark_card(self, channel_id: int, nonce: str) -> None:
        await self._write(
            "UPDATE deliveries SET as_card = 1 WHERE channel_id = ? AND nonce = ?", (channel_id, nonce)
        )
