"""Publish digests in PostgreSQL: the message that publishes what a ``publish`` channel
posted past Discord's publishes of the hour; and a post's thread and publish recorded as
begun (PostgreSQL migration 0013)."""

from __future__ import annotations

from datetime import datetime

from bot.delivery.records import PublishDigest
from storage.postgres._connection import PostgresConnection
from storage.postgres._rows import stamp

_DUE = "('open', 'sending', 'posted')"


class PostgresPublishDigests(PostgresConnection):
    """``storage.interface.PublishDigests`` over PostgreSQL."""

    async def hold_for_publish_digest(
        self, channel_id: int, nonce: str, *, digest_nonce: str, now: datetime
    ) -> str:
        async with self._writing() as db:
            found = await db.fetchval(
                "SELECT nonce FROM publish_digests WHERE channel_id = $1 AND state = 'open' "
                "ORDER BY created_at, nonce LIMIT 1",
                channel_id,
            )
            chosen = str(found) if found is not None else digest_nonce
            if found is None:
                await db.execute(
                    "INSERT INTO publish_digests (channel_id, nonce, created_at) VALUES ($1, $2, $3)",
                    channel_id,
                    chosen,
                    stamp(now),
                )
            await db.execute(
                "UPDATE deliveries SET publish_nonce = $1 WHERE channel_id = $2 AND nonce = $3",
                chosen,
                channel_id,
                nonce,
            )
            return chosen

    async def publish_digest_channels(self) -> list[int]:
        rows = await self._fetch(
            f"SELECT DISTINCT channel_id FROM publish_digests WHERE state IN {_DUE} ORDER BY channel_id"
        )
        return [int(r[0]) for r in rows]

    async def due_publish_digest(self, channel_id: int) -> PublishDigest | None:
        async with self._reading() as db:
            row = await db.fetchrow(
                f"SELECT nonce, state, message_id, created_at FROM publish_digests "
                f"WHERE channel_id = $1 AND state IN {_DUE} ORDER BY created_at, nonce LIMIT 1",
                channel_id,
            )
            if row is None:
                return None
            items = await db.fetch(
                "SELECT briefing_id FROM deliveries WHERE channel_id = $1 AND publish_nonce = $2 "
                "ORDER BY sent_at, id",
                channel_id,
                row["nonce"],
            )
        return PublishDigest(
            channel_id=channel_id,
            nonce=row["nonce"],
            state=row["state"],
            message_id=row["message_id"],
            briefing_ids=tuple(int(r[0]) for r in items),
            created_at=row["created_at"],
        )

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
        await self._write(
            "UPDATE publish_digests SET state = $1, message_id = coalesce($2, message_id), "
            "sent_at = CASE WHEN $2::bigint IS NOT NULL THEN coalesce(sent_at, $3) ELSE sent_at END, "
            "published_at = CASE WHEN $1 = 'published' THEN $3 ELSE published_at END, "
            "last_error = coalesce($4, last_error) WHERE channel_id = $5 AND nonce = $6",
            state,
            message_id,
            stamp(now),
            note,
            channel_id,
            nonce,
        )

    # -- a post's thread and publish, begun (``followups_started_at``) ----------------------

    async def followups_started(self, channel_id: int, nonce: str) -> datetime | None:
        value: datetime | None = await self._fetchval(
            "SELECT min(followups_started_at) FROM deliveries WHERE channel_id = $1 AND nonce = $2",
            channel_id,
            nonce,
        )
        return value

    async def mark_followups_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        await self._write(
            "UPDATE deliveries SET followups_started_at = coalesce(followups_started_at, $1) "
            "WHERE channel_id = $2 AND nonce = $3 AND state = 'pending'",
            stamp(now),
            channel_id,
            nonce,
        )
