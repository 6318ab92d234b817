"""The delivery outbox in PostgreSQL: which briefing went (or is going) to which channel.

One Discord message is the set of ``deliveries`` rows sharing ``(channel_id, nonce)``.
Rows are written ``pending`` before anything is sent and marked ``sent`` with the
message id afterwards, so a crash in between is repaired by sending the same message
again with the same nonce (Discord returns the first message instead of posting a
second one). Every write holds the database's write lock (``_writing``), so two
processes sharing the outbox see each other's rows whole and never interleave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import asyncpg

from bot.delivery.records import (
    Candidate,
    ChannelPlan,
    DeliveryRecord,
    FailureOutcome,
    MessagePlan,
    OutboxCounts,
    PendingMessage,
    PostedCopy,
    PublishDigestRecord,
    SubscriptionState,
)
from bot.models import ScheduleKind, Subscription
from storage import constants
from storage.postgres._connection import PostgresConnection
from storage.postgres._rows import now_stamp, stamp, subscription, subscription_state


class PostgresOutbox(PostgresConnection):
    """``storage.interface.Outbox`` over PostgreSQL."""

    # -- subscriptions as the engine sees them -----------------------------------

    async def subscription_state(self, channel_id: int) -> SubscriptionState | None:
        row = await self._fetchrow("SELECT * FROM subscriptions WHERE channel_id = $1", channel_id)
        return subscription_state(row) if row else None

    async def subscription_states(
        self,
        schedules: Sequence[ScheduleKind],
        *,
        active_only: bool = True,
        behind_id: int | None = None,
        after_channel_id: int | None = None,
        limit: int | None = None,
    ) -> list[SubscriptionState]:
        """Subscriptions on these schedules, by channel id; ``behind_id`` keeps only those
        with briefings up to that id still to decide. ``after_channel_id`` and ``limit``
        read them a page at a time (keyset on the ``(schedule, channel_id)`` index)."""
        args: list[Any] = [[s.value for s in schedules]]
        sql = "SELECT * FROM subscriptions WHERE schedule = ANY($1::text[])"
        if active_only:
            sql += " AND paused_reason IS NULL"
        if behind_id is not None:
            args.append(behind_id)
            sql += f" AND greatest(since_briefing_id, cursor_id) < ${len(args)}"
        if after_channel_id is not None:
            args.append(after_channel_id)
            sql += f" AND channel_id > ${len(args)}"
        sql += " ORDER BY channel_id"
        if limit is not None:
            args.append(limit)
            sql += f" LIMIT ${len(args)}"
        return [subscription_state(r) for r in await self._fetch(sql, *args)]

    async def all_subscription_states(self) -> list[SubscriptionState]:
        rows = await self._fetch("SELECT * FROM subscriptions ORDER BY guild_id, channel_id")
        return [subscription_state(r) for r in rows]

    # -- planning -----------------------------------------------------------------

    async def delivery_candidates(self, after_id: int) -> list[Candidate]:
        """Every briefing with ``id > after_id``, embargoed or not, oldest id first."""
        rows = await self._fetch(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE id > $1 ORDER BY id", after_id
        )
        return [_candidate(r) for r in rows]

    async def recent_candidates(self, through_id: int, *, now: datetime, limit: int) -> list[Candidate]:
        """Published briefings with ``id <= through_id``, newest first (for backfill)."""
        rows = await self._fetch(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE published_at <= $1 AND id <= $2 "
            "ORDER BY published_at DESC, id DESC LIMIT $3",
            stamp(now),
            through_id,
            limit,
        )
        return [_candidate(r) for r in rows]

    async def recorded_pairs(self, briefing_ids: Sequence[int]) -> set[tuple[int, int]]:
        """``(channel_id, briefing_id)`` already in the outbox for these briefings."""
        if not briefing_ids:
            return set()
        rows = await self._fetch(
            "SELECT channel_id, briefing_id FROM deliveries WHERE briefing_id = ANY($1::bigint[])",
            list(briefing_ids),
        )
        return {(int(r[0]), int(r[1])) for r in rows}

    async def record_plans(self, plans: Sequence[ChannelPlan], *, now: datetime) -> None:
        """Write every planned message as ``pending`` (and overflow as ``skipped``),
        advance cursors and run times: all in one transaction, before any send."""
        moment = stamp(now)
        rows: list[tuple[Any, ...]] = []
        skipped: list[tuple[Any, ...]] = []
        cursors: dict[int, int] = {}  # one row per channel: UPDATE ... FROM takes one match
        runs: list[int] = []
        for plan in plans:
            for message in plan.messages:
                hold = stamp(message.hold_until) if message.hold_until is not None else None
                for position, briefing_id in enumerate(message.briefing_ids):
                    rows.append(
                        (
                            plan.channel_id,
                            briefing_id,
                            message.nonce,
                            message.kind,
                            _position(message, position),
                            message.content,
                            list(message.ping_role_ids),
                            hold,
                            moment,
                        )
                    )
            skipped.extend(
                (plan.channel_id, briefing_id, plan.skip_reason, moment) for briefing_id in plan.skipped
            )
            cursors[plan.channel_id] = max(plan.cursor_id, cursors.get(plan.channel_id, plan.cursor_id))
            if plan.ran:
                runs.append(plan.channel_id)
        async with self._writing() as db:
            if rows:
                await db.executemany(
                    "INSERT INTO deliveries (channel_id, briefing_id, nonce, kind, position, content, "
                    "ping_role_ids, hold_until, state, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) "
                    "ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                    rows,
                )
            if skipped:
                await db.executemany(
                    "INSERT INTO deliveries (channel_id, briefing_id, nonce, state, last_error, created_at) "
                    "VALUES ($1, $2, '', 'skipped', $3, $4) ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                    skipped,
                )
            if cursors:
                await db.execute(
                    "UPDATE subscriptions s SET cursor_id = greatest(s.cursor_id, c.cursor_id) "
                    "FROM unnest($1::bigint[], $2::bigint[]) AS c(channel_id, cursor_id) "
                    "WHERE s.channel_id = c.channel_id",
                    list(cursors),
                    list(cursors.values()),
                )
            if runs:
                await db.execute(
                    "UPDATE subscriptions SET last_run_at = $1 WHERE channel_id = ANY($2::bigint[])",
                    moment,
                    runs,
                )

    async def record_instant_run(self, now: datetime) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            constants.META_INSTANT_LAST_RUN,
            now.isoformat(),
        )

    # -- sending ------------------------------------------------------------------

    async def channels_with_pending(self) -> list[int]:
        rows = await self._fetch("SELECT DISTINCT channel_id FROM deliveries WHERE state = 'pending'")
        return [int(r[0]) for r in rows]

    async def pending_messages(self, channel_id: int, *, now: datetime | None = None) -> list[PendingMessage]:
        """This channel's unsent messages, oldest first: those held until after ``now``
        (an hourly cap's digest) are left out."""
        rows = await self._fetch(
            "SELECT id, briefing_id, nonce, kind, position, content, ping_role_ids, attempts, started_at FROM deliveries "
            "WHERE channel_id = $1 AND state = 'pending' AND nonce NOT IN (SELECT nonce FROM deliveries "
            "WHERE channel_id = $1 AND state = 'pending' AND hold_until > $2) ORDER BY id",
            channel_id,
            now_stamp(now),
        )
        groups: dict[str, list[asyncpg.Record]] = {}
        for r in rows:
            groups.setdefault(r["nonce"], []).append(r)
        messages = []
        for nonce, members in groups.items():
            members.sort(key=lambda r: (r["position"], r["id"]))
            first = members[0]
            messages.append(
                PendingMessage(
                    channel_id=channel_id,
                    nonce=nonce,
                    kind=first["kind"],
                    briefing_ids=tuple(int(m["briefing_id"]) for m in members),
                    content=first["content"],
                    ping_role_ids=tuple(dict.fromkeys(int(r) for m in members for r in m["ping_role_ids"])),
                    attempts=max(int(m["attempts"]) for m in members),
                    started_at=min(
                        (m["started_at"] for m in members if m["started_at"] is not None), default=None
                    ),
                )
            )
        return messages

    async def mark_sent(
        self, channel_id: int, nonce: str, message_id: int, *, now: datetime, card: bool = False
    ) -> None:
        """The message is on Discord: record its id and reset the channel's failures."""
        moment = stamp(now)
        async with self._writing() as db:
            await db.execute(
                "UPDATE deliveries SET state = 'sent', message_id = $1, sent_at = $2, attempts = attempts + 1, "
                "last_error = NULL, as_card = $5 WHERE channel_id = $3 AND nonce = $4 AND state = 'pending'",
                message_id,
                moment,
                channel_id,
                nonce,
                card,
            )
            await db.execute(
                "UPDATE subscriptions SET failures = 0, last_delivery_at = $1 WHERE channel_id = $2",
                moment,
                channel_id,
            )

    async def mark_published(
        self, channel_id: int, nonce: str, *, now: datetime, note: str | None = None
    ) -> None:
        """A sent message was published (or, with ``note``, why not)."""
        async with self._writing() as db:
            if note is None:
                await db.execute(
                    "UPDATE deliveries SET published_at = $1 WHERE channel_id = $2 AND nonce = $3 AND state = 'sent'",
                    stamp(now),
                    channel_id,
                    nonce,
                )
            else:
                await db.execute(
                    "UPDATE deliveries SET last_error = $1 WHERE channel_id = $2 AND nonce = $3 AND state = 'sent'",
                    note,
                    channel_id,
                    nonce,
                )

    async def publish_count(self, channel_id: int, since: datetime) -> int:
        rows = await self._fetch(
            "SELECT (SELECT count(DISTINCT nonce) FROM deliveries WHERE channel_id = $1 AND published_at >= $2) "
            "+ (SELECT count(*) FROM publish_digests WHERE channel_id = $1 AND published_at >= $2) AS n",
            channel_id,
            stamp(since),
        )
        return int(rows[0]["n"]) if rows else 0

    async def mark_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        """Before a send without a nonce: the message may be on Discord from now on."""
        async with self._writing() as db:
            await db.execute(
                "UPDATE deliveries SET started_at = coalesce(started_at, $1) "
                "WHERE channel_id = $2 AND nonce = $3 AND state = 'pending'",
                stamp(now),
                channel_id,
                nonce,
            )

    async def mark_message(
        self, channel_id: int, nonce: str, state: Literal["skipped", "failed"], reason: str
    ) -> None:
        """Give up on an unsent message: ``skipped`` (no longer wanted) or ``failed``
        (Discord rejected it)."""
        if state not in ("skipped", "failed"):
            raise ValueError(f"cannot mark a message {state!r}")
        await self._write(
            "UPDATE deliveries SET state = $1, last_error = $2 WHERE channel_id = $3 AND nonce = $4 "
            "AND state = 'pending'",
            state,
            reason,
            channel_id,
            nonce,
        )

    async def record_send_failure(
        self,
        channel_id: int,
        nonce: str,
        error: str,
        *,
        counts: bool,
        threshold: int,
        pause_reason: str,
    ) -> FailureOutcome:
        """Note a failed attempt; when it ``counts`` (403/404) bump the channel's
        consecutive failures and pause it at ``threshold``. The message stays pending."""
        async with self._writing() as db:
            await db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = $1 "
                "WHERE channel_id = $2 AND nonce = $3 AND state = 'pending'",
                error,
                channel_id,
                nonce,
            )
            if not counts:
                return FailureOutcome(0, False)
            row = await db.fetchrow(
                "UPDATE subscriptions SET failures = failures + 1 WHERE channel_id = $1 "
                "RETURNING failures, paused_reason",
                channel_id,
            )
            if row is None:
                return FailureOutcome(0, False)
            failures = int(row[0])
            if failures >= threshold and row[1] is None:
                await db.execute(
                    "UPDATE subscriptions SET paused_reason = $1 WHERE channel_id = $2",
                    pause_reason,
                    channel_id,
                )
                return FailureOutcome(failures, True)
            return FailureOutcome(failures, False)

    # -- corrections and retractions --------------------------------------------

    async def posted_copies(self, briefing_id: int) -> list[PostedCopy]:
        """Every message on Discord that shows this briefing, with all the briefings
        it still shows (a digest shows several)."""
        rows = await self._fetch(
            "SELECT d2.channel_id, d2.nonce, d2.message_id, d2.kind, d2.briefing_id FROM deliveries d1 "
            "JOIN deliveries d2 ON d2.channel_id = d1.channel_id AND d2.nonce = d1.nonce "
            "WHERE d1.briefing_id = $1 AND d1.state = 'sent' AND d1.retracted_at IS NULL "
            "AND d1.message_id IS NOT NULL AND d2.state = 'sent' AND d2.retracted_at IS NULL "
            "ORDER BY d2.channel_id, d2.nonce, d2.position, d2.id",
            briefing_id,
        )
        copies: dict[tuple[int, str], list[asyncpg.Record]] = {}
        for r in rows:
            copies.setdefault((int(r["channel_id"]), r["nonce"]), []).append(r)
        return [
            PostedCopy(
                channel_id=channel_id,
                message_id=int(members[0]["message_id"]),
                nonce=nonce,
                kind=members[0]["kind"],
                briefing_ids=tuple(int(m["briefing_id"]) for m in members),
            )
            for (channel_id, nonce), members in copies.items()
        ]

    async def copies_of_messages(self, messages: Sequence[tuple[int, int]]) -> list[PostedCopy]:
        """The posted copies behind these ``(channel_id, message_id)`` pairs, with every
        briefing id each still shows (removed briefings included: rows outlive them)."""
        wanted = list(dict.fromkeys(messages))
        if not wanted:
            return []
        async with self._reading() as db:
            rows = await db.fetch(
                "SELECT d.channel_id, d.message_id, d.nonce, d.kind, d.briefing_id FROM deliveries d "
                "JOIN unnest($1::bigint[], $2::bigint[]) AS m(channel_id, message_id) "
                "ON d.channel_id = m.channel_id AND d.message_id = m.message_id "
                "WHERE d.state = 'sent' AND d.retracted_at IS NULL ORDER BY d.position, d.id",
                [c for c, _ in wanted],
                [m for _, m in wanted],
            )
        found: dict[tuple[int, int], list[asyncpg.Record]] = {}
        for r in rows:
            found.setdefault((int(r["channel_id"]), int(r["message_id"])), []).append(r)
        return [
            PostedCopy(
                channel_id=channel_id,
                message_id=message_id,
                nonce=found[(channel_id, message_id)][0]["nonce"],
                kind=found[(channel_id, message_id)][0]["kind"],
                briefing_ids=tuple(int(r["briefing_id"]) for r in found[(channel_id, message_id)]),
            )
            for channel_id, message_id in wanted
            if (channel_id, message_id) in found
        ]

    async def queue_copy_refresh(
        self,
        *,
        briefing_id: int | None = None,
        messages: Sequence[tuple[int, int]] = (),
        now: datetime | None = None,
    ) -> int:
        wanted = list(dict.fromkeys(messages))
        async with self._writing() as db:
            rows = await db.fetch(
                "WITH targets AS ("
                "  SELECT channel_id, nonce FROM deliveries WHERE briefing_id = $1 AND state = 'sent' "
                "  AND retracted_at IS NULL AND message_id IS NOT NULL"
                "  UNION SELECT d.channel_id, d.nonce FROM deliveries d "
                "  JOIN unnest($2::bigint[], $3::bigint[]) AS m(channel_id, message_id) "
                "  ON d.channel_id = m.channel_id AND d.message_id = m.message_id "
                "  WHERE d.state = 'sent' AND d.retracted_at IS NULL"
                ") UPDATE deliveries d SET refresh_due_at = coalesce(d.refresh_due_at, $4) FROM targets t "
                "WHERE d.channel_id = t.channel_id AND d.nonce = t.nonce AND d.state = 'sent' "
                "RETURNING d.channel_id, d.nonce",
                briefing_id,
                [c for c, _ in wanted],
                [m for _, m in wanted],
                now_stamp(now),
            )
        return len({(r["channel_id"], r["nonce"]) for r in rows})

    async def due_copies(self, limit: int) -> list[PostedCopy]:
        async with self._writing() as db:
            due = await db.fetch(
                "SELECT channel_id, nonce FROM deliveries WHERE refresh_due_at IS NOT NULL "
                "GROUP BY channel_id, nonce ORDER BY min(refresh_due_at), channel_id LIMIT $1",
                limit,
            )
            copies = []
            for d in due:
                rows = await db.fetch(
                    "SELECT message_id, kind, briefing_id FROM deliveries WHERE channel_id = $1 AND nonce = $2 "
                    "AND state = 'sent' AND retracted_at IS NULL AND message_id IS NOT NULL ORDER BY position, id",
                    d["channel_id"],
                    d["nonce"],
                )
                if not rows:  # nothing of it shows any more
                    await db.execute(
                        "UPDATE deliveries SET refresh_due_at = NULL WHERE channel_id = $1 AND nonce = $2",
                        d["channel_id"],
                        d["nonce"],
                    )
                    continue
                copies.append(
                    PostedCopy(
                        channel_id=int(d["channel_id"]),
                        message_id=int(rows[0]["message_id"]),
                        nonce=d["nonce"],
                        kind=rows[0]["kind"],
                        briefing_ids=tuple(int(r["briefing_id"]) for r in rows),
                    )
                )
        return copies

    async def clear_copy_refresh(self, channel_id: int, nonce: str) -> None:
        await self._write(
            "UPDATE deliveries SET refresh_due_at = NULL WHERE channel_id = $1 AND nonce = $2",
            channel_id,
            nonce,
        )

    async def mark_edited(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        await self._write(
            "UPDATE deliveries SET edited_at = $1 WHERE channel_id = $2 AND nonce = $3 AND state = 'sent'",
            stamp(now),
            channel_id,
            nonce,
        )

    async def mark_retracted(
        self, channel_id: int, nonce: str, briefing_ids: Sequence[int], *, now: datetime
    ) -> None:
        """These briefings no longer show in that message (deleted or edited out)."""
        await self._write(
            "UPDATE deliveries SET retracted_at = $1 WHERE channel_id = $2 AND nonce = $3 "
            "AND briefing_id = ANY($4::bigint[])",
            stamp(now),
            channel_id,
            nonce,
            list(briefing_ids),
        )

    # -- channels and servers going away -----------------------------------------

    async def pause_channel(self, channel_id: int, reason: str) -> Subscription | None:
        """Pause a subscription at once (its channel was deleted) and drop what it had
        pending: those posts can never be delivered."""
        async with self._writing() as db:
            row = await db.fetchrow(
                "UPDATE subscriptions SET paused_reason = $1, paused_by_hand = false WHERE channel_id = $2 RETURNING *",
                reason,
                channel_id,
            )
            await db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = $1 WHERE channel_id = $2 AND state = 'pending'",
                reason,
                channel_id,
            )
        return subscription(row) if row is not None else None

    async def remove_guild(self, guild_id: int) -> int:
        """The bot left a server: skip what was pending there and drop its subscriptions."""
        async with self._writing() as db:
            await db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'bot left the server' WHERE state = 'pending' "
                "AND channel_id IN (SELECT channel_id FROM subscriptions WHERE guild_id = $1)",
                guild_id,
            )
            return int(
                await db.fetchval(
                    "WITH gone AS (DELETE FROM subscriptions WHERE guild_id = $1 RETURNING 1) "
                    "SELECT count(*) FROM gone",
                    guild_id,
                )
            )

    # -- the hourly cap and the delivery log ----------------------------------------

    async def post_counts(self, since: Mapping[int, datetime]) -> dict[int, int]:
        """For each channel, the posts (not digests, not skipped) planned at or after its time."""
        if not since:
            return {}
        rows = await self._fetch(
            "SELECT w.channel_id, (SELECT count(*) FROM deliveries d WHERE d.channel_id = w.channel_id "
            "AND d.created_at >= w.since AND d.kind = 'post' AND d.state <> 'skipped') "
            "FROM unnest($1::bigint[], $2::timestamptz[]) AS w(channel_id, since)",
            list(since),
            [stamp(m) for m in since.values()],
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def delivery_log(self, channel_ids: Sequence[int], *, limit: int = 20) -> list[DeliveryRecord]:
        """The newest outbox rows of these channels, newest first."""
        if not channel_ids:
            return []
        rows = await self._fetch(
            f"SELECT {_RECORD_COLUMNS} FROM deliveries d LEFT JOIN briefings b ON b.id = d.briefing_id {_DIGEST_JOIN} "
            "WHERE d.channel_id = ANY($1::bigint[]) ORDER BY d.created_at DESC, d.id DESC LIMIT $2",
            list(channel_ids),
            limit,
        )
        return [_record(r) for r in rows]

    async def delivery_records(self, channel_ids: Sequence[int], briefing_id: int) -> list[DeliveryRecord]:
        """This briefing's outbox rows in these channels (one a channel at most)."""
        if not channel_ids:
            return []
        rows = await self._fetch(
            f"SELECT {_RECORD_COLUMNS} FROM deliveries d LEFT JOIN briefings b ON b.id = d.briefing_id {_DIGEST_JOIN} "
            "WHERE d.briefing_id = $1 AND d.channel_id = ANY($2::bigint[]) ORDER BY d.id",
            briefing_id,
            list(channel_ids),
        )
        return [_record(r) for r in rows]

    # -- status -------------------------------------------------------------------

    async def outbox_counts(self) -> OutboxCounts:
        row = await self._fetchrow(
            "SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'failed'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'sent')"
        )
        assert row is not None
        return OutboxCounts(int(row[0]), int(row[1]), int(row[2]))


def _candidate(row: asyncpg.Record) -> Candidate:
    return Candidate(int(row["id"]), row["title"], row["body"], tuple(row["tags"]), row["published_at"])


_RECORD_COLUMNS = (
    "d.channel_id, d.briefing_id, b.title, d.state, d.kind, d.message_id, d.created_at, d.sent_at, "
    "d.attempts, d.last_error, d.hold_until, d.published_at, "
    "p.state AS digest_state, p.message_id AS digest_message_id, p.published_at AS digest_published_at, "
    "p.last_error AS digest_error"
)
# The publish digest (if any) that carries a row's briefing to the following servers.
_DIGEST_JOIN = "LEFT JOIN publish_digests p ON p.channel_id = d.channel_id AND p.nonce = d.publish_nonce"


def _record(row: asyncpg.Record) -> DeliveryRecord:
    return DeliveryRecord(
        channel_id=int(row["channel_id"]),
        briefing_id=int(row["briefing_id"]),
        title=row["title"],
        state=row["state"],
        kind=row["kind"],
        message_id=row["message_id"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        hold_until=row["hold_until"],
        published_at=row["published_at"],
        publish_digest=None
        if row["digest_state"] is None
        else PublishDigestRecord(
            row["digest_state"], row["digest_message_id"], row["digest_published_at"], row["digest_error"]
        ),
    )


def _position(message: MessagePlan, index: int) -> int:
    """A row's place in its message. An hourly cap's digest gathers rows over several runs,
    so its rows all take 0 and keep the order they were written in (rows sort by position,
    then id)."""
    return 0 if message.hold_until is not None else index
