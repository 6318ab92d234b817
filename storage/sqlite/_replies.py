"""Correction replies in SQLite: the reply posted when Discord refused to edit a posted copy."""

from __future__ import annotations

from datetime import datetime

from bot.delivery.records import CorrectionReply, PostedCopy
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, to_ts


class SQLiteReplies(SQLiteConnection):
    """``storage.interface.CorrectionReplies`` over SQLite. The reply is recorded on every
    row of the copy's message, like the message id."""

    async def correction_reply(self, channel_id: int, nonce: str) -> CorrectionReply | None:
        row = await self._fetchone(
            "SELECT max(reply_id) AS reply_id, min(reply_started_at) AS started, max(last_error) AS note "
            "FROM deliveries WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
            (channel_id, nonce),
        )
        if row is None or (row["reply_id"] is None and row["started"] is None and row["note"] is None):
            return None
        return CorrectionReply(
            reply_id=int(row["reply_id"]) if row["reply_id"] is not None else None,
            started_at=from_ts(row["started"]),
            note=row["note"],
        )

    async def mark_reply_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        await self._write(
            "UPDATE deliveries SET reply_started_at = ?, reply_id = NULL "
            "WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
            (to_ts(now), channel_id, nonce),
        )

    async def mark_replied(self, channel_id: int, nonce: str, reply_id: int, *, note: str) -> None:
        await self._write(
            "UPDATE deliveries SET reply_id = ?, last_error = ? WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
            (reply_id, note, channel_id, nonce),
        )

    async def begun_replies(self) -> list[PostedCopy]:
        rows = await self._fetchall(
            "SELECT channel_id, nonce, message_id, kind, briefing_id FROM deliveries "
            "WHERE reply_started_at IS NOT NULL AND reply_id IS NULL AND state = 'sent' "
            "AND retracted_at IS NULL AND message_id IS NOT NULL ORDER BY channel_id, nonce, position, id"
        )
        copies: dict[tuple[int, str], list[tuple[int, str, int]]] = {}
        for r in rows:
            copies.setdefault((int(r["channel_id"]), r["nonce"]), []).append(
                (int(r["message_id"]), r["kind"], int(r["briefing_id"]))
            )
        return [
            PostedCopy(channel_id, members[0][0], nonce, members[0][1], tuple(m[2] for m in members))
            for (channel_id, nonce), members in copies.items()
        ]
