"""Publish digests in SQLite: the message that publishes what a ``publish`` channel posted
past Discord's publishes of the hour; and a post's thread and publish recorded as begun
(SQLite migration 0020)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.delivery.records import PublishDigest
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, to_ts

_DUE = "('open', 'sending', 'posted')"


class SQLitePublishDigests(SQLiteConnection):
    """``storage.interface.PublishDigests`` over SQLite."""

    async def hold_for_publish_digest(
        self, channel_id: int, nonce: str, *, digest_nonce: str, now: datetime
    ) -> str:
        def work(db: sqlite3.Connection) -> str:
            row = db.execute(
                "SELECT nonce FROM publish_digests WHERE channel_id = ? AND state = 'open' "
                "ORDER BY created_at, nonce LIMIT 1",
                (channel_id,),
            ).fetchone()
            chosen = str(row[0]) if row is not None else digest_nonce
            if row is None:
                db.execute(
                    "INSERT INTO publish_digests (channel_id, nonce, created_at) VALUES (?, ?, ?)",
                    (channel_id, chosen, to_ts(now)),
                )
            db.execute(
                "UPDATE deliveries SET publish_nonce = ? WHERE channel_id = ? AND nonce = ?",
                (chosen, channel_id, nonce),
            )
            return chosen

        return await self._atomic(work)

    async def publish_digest_channels(self) -> list[int]:
        rows = await self._fetchall(
            f"SELECT DISTINCT channel_id FROM publish_digests WHERE state IN {_DUE} ORDER BY channel_id"
        )
        return [int(r[0]) for r in rows]

    async def due_publish_digest(self, channel_id: int) -> PublishDigest | None:
        def work(db: sqlite3.Connection) -> PublishDigest | None:
            row = db.execute(
                f"SELECT nonce, state, message_id, created_at FROM publish_digests "
                f"WHERE channel_id = ? AND state IN {_DUE} ORDER BY created_at, nonce LIMIT 1",
                (channel_id,),
            ).fetchone()
            if row is None:
                return None
            items = db.execute(
                "SELECT briefing_id FROM deliveries WHERE channel_id = ? AND publish_nonce = ? "
                "ORDER BY sent_at, id",
                (channel_id, row["nonce"]),
            ).fetchall()
            return PublishDigest(
                channel_id=channel_id,
                nonce=row["nonce"],
                state=row["state"],
                message_id=row["message_id"],
                briefing_ids=tuple(int(r[0]) for r in items),
                created_at=from_ts(int(row["created_at"])),
            )

        return await self._call(work)

    async def mark_publish_digest(
        self,
        channel_id: int,
        nonce: str,
        state: str,
        *,
        now: datetime,
        message_id: int | None = None,
        note: str | None = None,
    ) -> None:
        stamp = to_ts(now)
        await self._write(
            "UPDATE publish_digests SET state = ?, message_id = coalesce(?, message_id), "
            "sent_at = CASE WHEN ? IS NOT NULL THEN coalesce(sent_at, ?) ELSE sent_at END, "
            "published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END, "
            "last_error = coalesce(?, last_error) WHERE channel_id = ? AND nonce = ?",
            (state, message_id, message_id, stamp, state, stamp, note, channel_id, nonce),
        )

    # -- a post's thread and publish, begun (``followups_started_at``) ----------------------

    async def followups_started(self, channel_id: int, nonce: str) -> datetime | None:
        row = await self._fetchone(
            "SELECT min(followups_started_at) FROM deliveries WHERE channel_id = ? AND nonce = ?",
            (channel_id, nonce),
        )
        return from_ts(row[0]) if row is not None else None

    async def mark_followups_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        await self._write(
            "UPDATE deliveries SET followups_started_at = coalesce(followups_started_at, ?) "
            "WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
            (to_ts(now), channel_id, nonce),
        )
