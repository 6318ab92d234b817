"""How posted messages look, in PostgreSQL: what a correction needs to edit a message as it is."""

from __future__ import annotations

from bot.delivery.records import CopyLook
from storage.postgres._connection import PostgresConnection


class PostgresCardLooks(PostgresConnection):
    """``storage.interface.Outbox.copy_look`` over PostgreSQL."""

    async def copy_look(self, channel_id: int, nonce: str) -> CopyLook:
        rows = await self._fetch(
            "SELECT as_card, content, ping_role_ids FROM deliveries WHERE channel_id = $1 AND nonce = $2 "
            "ORDER BY position, id",
            channel_id,
            nonce,
        )
        if not rows:
            return CopyLook()
        return CopyLook(
            card=any(bool(r["as_card"]) for r in rows),
            content=rows[0]["content"],
            ping_role_ids=tuple(dict.fromkeys(int(i) for r in rows for i in r["ping_role_ids"])),
        )

    async def mark_card(self, channel_id: int, nonce: str) -> None:
        await self._write(
            "UPDATE deliveries SET as_card = true WHERE channel_id = $1 AND nonce = $2", channel_id, nonce
        )
