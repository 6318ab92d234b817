"""The delivery outbox in SQLite: which briefing went (or is going) to which channel.

One Discord message is the set of ``deliveries`` rows sharing ``(channel_id, nonce)``.
Rows are written ``pending`` before anything is sent and marked ``sent`` with the
message id afterwards, so a crash in between is repaired by sending the same
message again with the same nonce (Discord returns the first message instead of
posting a second one).

Every query here is indexed: subscriptions by primary key or schedule, briefings
by id range (a subscription's ``cursor_id`` means only new ids are read), and
deliveries by ``(channel_id, briefing_id)``, ``briefing_id``, ``(channel_id, nonce)``
or the partial index on pending rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

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
from storage.sqlite._connection import SQLiteConnection
from storage.sqlite._rows import from_ts, now_ts, subscription, subscription_state, to_ts

# Briefing ids per ``IN (...)`` list, well under SQLite's limit on bound parameters.
_ID_CHUNK = 500


class SQLiteOutbox(SQLiteConnection):
    """``storage.interface.Outbox`` over SQLite."""

    # -- subscriptions as the engine sees them -----------------------------------

    async def subscription_state(self, channel_id: int) -> SubscriptionState | None:
        row = await self._fetchone("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,))
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
        marks = ",".join("?" * len(schedules))
        sql = f"SELECT * FROM subscriptions WHERE schedule IN ({marks})"
        params: list[Any] = [s.value for s in schedules]
        if active_only:
            sql += " AND paused_reason IS NULL"
        if behind_id is not None:
            sql += " AND max(since_briefing_id, cursor_id) < ?"
            params.append(behind_id)
        if after_channel_id is not None:
            sql += " AND channel_id > ?"
            params.append(after_channel_id)
        sql += " ORDER BY channel_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = await self._fetchall(sql, params)
        return [subscription_state(r) for r in rows]

    async def all_subscription_states(self) -> list[SubscriptionState]:
        rows = await self._fetchall("SELECT * FROM subscriptions ORDER BY guild_id, channel_id")
        return [subscription_state(r) for r in rows]

    # -- planning -----------------------------------------------------------------

    async def delivery_candidates(self, after_id: int) -> list[Candidate]:
        """Every briefing with ``id > after_id``, embargoed or not, oldest id first."""
        rows = await self._fetchall(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE id > ? ORDER BY id", (after_id,)
        )
        return [_candidate(r) for r in rows]

    async def recent_candidates(self, through_id: int, *, now: datetime, limit: int) -> list[Candidate]:
        """Published briefings with ``id <= through_id``, newest first (for backfill)."""
        rows = await self._fetchall(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE published_at <= ? AND id <= ? "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (to_ts(now), through_id, limit),
        )
        return [_candidate(r) for r in rows]

    async def recorded_pairs(self, briefing_ids: Sequence[int]) -> set[tuple[int, int]]:
        """``(channel_id, briefing_id)`` already in the outbox for these briefings."""

        def work(db: sqlite3.Connection) -> set[tuple[int, int]]:
            found: set[tuple[int, int]] = set()
            for start in range(0, len(briefing_ids), _ID_CHUNK):
                chunk = list(briefing_ids[start : start + _ID_CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT channel_id, briefing_id FROM deliveries WHERE briefing_id IN ({marks})", chunk
                )
                found.update((int(r[0]), int(r[1])) for r in rows)
            return found

        return await self._call(work)

    async def record_plans(self, plans: Sequence[ChannelPlan], *, now: datetime) -> None:
        """Write every planned message as ``pending`` (and overflow as ``skipped``),
        advance cursors and run times: all in one transaction, before any send."""
        stamp = to_ts(now)
        rows: list[tuple[Any, ...]] = []
        skipped: list[tuple[Any, ...]] = []
        cursors: list[tuple[Any, ...]] = []
        runs: list[tuple[Any, ...]] = []
        for plan in plans:
            for message in plan.messages:
                hold = to_ts(message.hold_until) if message.hold_until is not None else None
                roles = json.dumps(list(message.ping_role_ids))
                for position, briefing_id in enumerate(message.briefing_ids):
                    rows.append(
                        (
                            plan.channel_id,
                            briefing_id,
                            message.nonce,
                            message.kind,
                            _position(message, position),
                            message.content,
                            roles,
                            hold,
                            stamp,
                        )
                    )
            skipped.extend(
                (plan.channel_id, briefing_id, plan.skip_reason, stamp) for briefing_id in plan.skipped
            )
            cursors.append((plan.cursor_id, plan.channel_id))
            if plan.ran:
                runs.append((stamp, plan.channel_id))

        def work(db: sqlite3.Connection) -> None:
            db.executemany(
                "INSERT INTO deliveries (channel_id, briefing_id, nonce, kind, position, content, "
                "ping_role_ids, hold_until, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) "
                "ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                rows,
            )
            db.executemany(
                "INSERT INTO deliveries (channel_id, briefing_id, nonce, state, last_error, created_at) "
                "VALUES (?, ?, '', 'skipped', ?, ?) ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                skipped,
            )
            db.executemany(
                "UPDATE subscriptions SET cursor_id = max(cursor_id, ?) WHERE channel_id = ?", cursors
            )
            db.executemany("UPDATE subscriptions SET last_run_at = ? WHERE channel_id = ?", runs)

        await self._atomic(work)

    async def record_instant_run(self, now: datetime) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (constants.META_INSTANT_LAST_RUN, now.isoformat()),
        )

    # -- sending ------------------------------------------------------------------

    async def channels_with_pending(self) -> list[int]:
        rows = await self._fetchall("SELECT DISTINCT channel_id FROM deliveries WHERE state = 'pending'")
        return [int(r[0]) for r in rows]

    async def pending_messages(self, channel_id: int, *, now: datetime | None = None) -> list[PendingMessage]:
        """This channel's unsent messages, oldest first: those held until after ``now``
        (an hourly cap's digest) are left out."""
        rows = await self._fetchall(
            "SELECT id, briefing_id, nonce, kind, position, content, ping_role_ids, attempts, started_at FROM deliveries "
            "WHERE channel_id = ? AND state = 'pending' AND nonce NOT IN (SELECT nonce FROM deliveries "
            "WHERE channel_id = ? AND state = 'pending' AND hold_until > ?) ORDER BY id",
            (channel_id, channel_id, now_ts(now)),
        )
        groups: dict[str, list[sqlite3.Row]] = {}
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
                    ping_role_ids=tuple(
                        dict.fromkeys(int(r) for m in members for r in json.loads(m["ping_role_ids"]))
                    ),
                    attempts=max(int(m["attempts"]) for m in members),
                    started_at=from_ts(
                        min((m["started_at"] for m in members if m["started_at"] is not None), default=None)
                    ),
                )
            )
        return messages

    async def mark_sent(
        self, channel_id: int, nonce: str, message_id: int, *, now: datetime, card: bool = False
    ) -> None:
        """The message is on Discord: record its id and reset the channel's failures."""
        stamp = to_ts(now)

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL, as_card = ? WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
                (message_id, stamp, card, channel_id, nonce),
            )
            db.execute(
                "UPDATE subscriptions SET failures = 0, last_delivery_at = ? WHERE channel_id = ?",
                (stamp, channel_id),
            )

        await self._atomic(work)

    async def mark_published(
        self, channel_id: int, nonce: str, *, now: datetime, note: str | None = None
    ) -> None:
        """A sent message was published (or, with ``note``, why not)."""
        where = "WHERE channel_id = ? AND nonce = ? AND state = 'sent'"
        if note is None:
            await self._write(
                f"UPDATE deliveries SET published_at = ? {where}", (to_ts(now), channel_id, nonce)
            )
        else:
            await self._write(f"UPDATE deliveries SET last_error = ? {where}", (note, channel_id, nonce))

    async def publish_count(self, channel_id: int, since: datetime) -> int:
        row = await self._fetchone(
            "SELECT (SELECT count(DISTINCT nonce) FROM deliveries WHERE channel_id = ? AND published_at >= ?) "
            "+ (SELECT count(*) FROM publish_digests WHERE channel_id = ? AND published_at >= ?)",
            (channel_id, to_ts(since), channel_id, to_ts(since)),
        )
        return int(row[0]) if row is not None else 0

    async def mark_started(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        """Before a send without a nonce: the message may be on Discord from now on."""
        await self._write(
            "UPDATE deliveries SET started_at = coalesce(started_at, ?) "
            "WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
            (to_ts(now), channel_id, nonce),
        )

    async def mark_message(
        self, channel_id: int, nonce: str, state: Literal["skipped", "failed"], reason: str
    ) -> None:
        """Give up on an unsent message: ``skipped`` (no longer wanted) or ``failed``
        (Discord rejected it)."""
        if state not in ("skipped", "failed"):
            raise ValueError(f"cannot mark a message {state!r}")
        await self._write(
            "UPDATE deliveries SET state = ?, last_error = ? WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
            (state, reason, channel_id, nonce),
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

        def work(db: sqlite3.Connection) -> FailureOutcome:
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ? "
                "WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
                (error, channel_id, nonce),
            )
            if not counts:
                return FailureOutcome(0, False)
            db.execute("UPDATE subscriptions SET failures = failures + 1 WHERE channel_id = ?", (channel_id,))
            row = db.execute(
                "SELECT failures, paused_reason FROM subscriptions WHERE channel_id = ?", (channel_id,)
            ).fetchone()
            if row is None:
                return FailureOutcome(0, False)
            failures = int(row[0])
            if failures >= threshold and row[1] is None:
                db.execute(
                    "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?",
                    (pause_reason, channel_id),
                )
                return FailureOutcome(failures, True)
            return FailureOutcome(failures, False)

        return await self._atomic(work)

    # -- corrections and retractions --------------------------------------------

    async def posted_copies(self, briefing_id: int) -> list[PostedCopy]:
        """Every message on Discord that shows this briefing, with all the briefings
        it still shows (a digest shows several)."""
        rows = await self._fetchall(
            "SELECT d2.channel_id, d2.nonce, d2.message_id, d2.kind, d2.briefing_id FROM deliveries d1 "
            "JOIN deliveries d2 ON d2.channel_id = d1.channel_id AND d2.nonce = d1.nonce "
            "WHERE d1.briefing_id = ? AND d1.state = 'sent' AND d1.retracted_at IS NULL "
            "AND d1.message_id IS NOT NULL AND d2.state = 'sent' AND d2.retracted_at IS NULL "
            "ORDER BY d2.channel_id, d2.nonce, d2.position, d2.id",
            (briefing_id,),
        )
        copies: dict[tuple[int, str], list[sqlite3.Row]] = {}
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

        def work(db: sqlite3.Connection) -> list[PostedCopy]:
            copies = []
            for channel_id, message_id in wanted:
                rows = db.execute(
                    "SELECT nonce, kind, briefing_id FROM deliveries WHERE channel_id = ? AND message_id = ? "
                    "AND state = 'sent' AND retracted_at IS NULL ORDER BY position, id",
                    (channel_id, message_id),
                ).fetchall()
                if rows:
                    copies.append(
                        PostedCopy(
                            channel_id=channel_id,
                            message_id=message_id,
                            nonce=rows[0]["nonce"],
                            kind=rows[0]["kind"],
                            briefing_ids=tuple(int(r["briefing_id"]) for r in rows),
                        )
                    )
            return copies

        return await self._call(work)

    async def queue_copy_refresh(
        self,
        *,
        briefing_id: int | None = None,
        messages: Sequence[tuple[int, int]] = (),
        now: datetime | None = None,
    ) -> int:
        stamp = now_ts(now)

        def work(db: sqlite3.Connection) -> int:
            targets: set[tuple[int, str]] = set()
            if briefing_id is not None:
                targets.update(
                    (int(r[0]), r[1])
                    for r in db.execute(
                        "SELECT channel_id, nonce FROM deliveries WHERE briefing_id = ? AND state = 'sent' "
                        "AND retracted_at IS NULL AND message_id IS NOT NULL",
                        (briefing_id,),
                    )
                )
            for channel_id, message_id in messages:
                targets.update(
                    (int(r[0]), r[1])
                    for r in db.execute(
                        "SELECT channel_id, nonce FROM deliveries WHERE channel_id = ? AND message_id = ? "
                        "AND state = 'sent' AND retracted_at IS NULL",
                        (channel_id, message_id),
                    )
                )
            db.executemany(
                "UPDATE deliveries SET refresh_due_at = coalesce(refresh_due_at, ?) "
                "WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
                [(stamp, channel_id, nonce) for channel_id, nonce in targets],
            )
            return len(targets)

        return await self._atomic(work)

    async def due_copies(self, limit: int) -> list[PostedCopy]:
        def work(db: sqlite3.Connection) -> list[PostedCopy]:
            due = db.execute(
                "SELECT channel_id, nonce FROM deliveries WHERE refresh_due_at IS NOT NULL "
                "GROUP BY channel_id, nonce ORDER BY min(refresh_due_at), channel_id LIMIT ?",
                (limit,),
            ).fetchall()
            copies = []
            for channel_id, nonce in due:
                rows = db.execute(
                    "SELECT message_id, kind, briefing_id FROM deliveries WHERE channel_id = ? AND nonce = ? "
                    "AND state = 'sent' AND retracted_at IS NULL AND message_id IS NOT NULL ORDER BY position, id",
                    (channel_id, nonce),
                ).fetchall()
                if not rows:  # nothing of it shows any more
                    db.execute(
                        "UPDATE deliveries SET refresh_due_at = NULL WHERE channel_id = ? AND nonce = ?",
                        (channel_id, nonce),
                    )
                    continue
                copies.append(
                    PostedCopy(
                        channel_id=int(channel_id),
                        message_id=int(rows[0]["message_id"]),
                        nonce=nonce,
                        kind=rows[0]["kind"],
                        briefing_ids=tuple(int(r["briefing_id"]) for r in rows),
                    )
                )
            return copies

        return await self._atomic(work)

    async def clear_copy_refresh(self, channel_id: int, nonce: str) -> None:
        await self._write(
            "UPDATE deliveries SET refresh_due_at = NULL WHERE channel_id = ? AND nonce = ?",
            (channel_id, nonce),
        )

    async def mark_edited(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        await self._write(
            "UPDATE deliveries SET edited_at = ? WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
            (to_ts(now), channel_id, nonce),
        )

    async def mark_retracted(
        self, channel_id: int, nonce: str, briefing_ids: Sequence[int], *, now: datetime
    ) -> None:
        """These briefings no longer show in that message (deleted or edited out)."""
        rows = [(to_ts(now), channel_id, nonce, b) for b in briefing_ids]

        def work(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE deliveries SET retracted_at = ? WHERE channel_id = ? AND nonce = ? AND briefing_id = ?",
                rows,
            )

        await self._atomic(work)

    # -- channels and servers going away -----------------------------------------

    async def pause_channel(self, channel_id: int, reason: str) -> Subscription | None:
        """Pause a subscription at once (its channel was deleted) and drop what it had
        pending: those posts can never be delivered."""

        def work(db: sqlite3.Connection) -> Subscription | None:
            db.execute(
                "UPDATE subscriptions SET paused_reason = ?, paused_by_hand = 0 WHERE channel_id = ?",
                (reason, channel_id),
            )
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = ? WHERE channel_id = ? AND state = 'pending'",
                (reason, channel_id),
            )
            row = db.execute("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,)).fetchone()
            return subscription(row) if row is not None else None

        return await self._atomic(work)

    async def remove_guild(self, guild_id: int) -> int:
        """The bot left a server: skip what was pending there and drop its subscriptions."""

        def work(db: sqlite3.Connection) -> int:
            db.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'bot left the server' WHERE state = 'pending' "
                "AND channel_id IN (SELECT channel_id FROM subscriptions WHERE guild_id = ?)",
                (guild_id,),
            )
            return db.execute("DELETE FROM subscriptions WHERE guild_id = ?", (guild_id,)).rowcount

        return await self._atomic(work)

    # -- the hourly cap and the delivery log ----------------------------------------

    async def post_counts(self, since: Mapping[int, datetime]) -> dict[int, int]:
        """For each channel, the posts (not digests, not skipped) planned at or after its time."""

        def work(db: sqlite3.Connection) -> dict[int, int]:
            counts = {}
            for channel_id, moment in since.items():
                row = db.execute(
                    "SELECT count(*) FROM deliveries WHERE channel_id = ? AND created_at >= ? "
                    "AND kind = 'post' AND state != 'skipped'",
                    (channel_id, to_ts(moment)),
                ).fetchone()
                counts[channel_id] = int(row[0])
            return counts

        return await self._call(work)

    async def delivery_log(self, channel_ids: Sequence[int], *, limit: int = 20) -> list[DeliveryRecord]:
        """The newest outbox rows of these channels, newest first."""
        if not channel_ids:
            return []
        marks = ",".join("?" * len(channel_ids))
        rows = await self._fetchall(
            f"SELECT {_RECORD_COLUMNS} FROM deliveries d LEFT JOIN briefings b ON b.id = d.briefing_id {_DIGEST_JOIN} "
            f"WHERE d.channel_id IN ({marks}) ORDER BY d.created_at DESC, d.id DESC LIMIT ?",
            (*channel_ids, limit),
        )
        return [_record(r) for r in rows]

    async def delivery_records(self, channel_ids: Sequence[int], briefing_id: int) -> list[DeliveryRecord]:
        """This briefing's outbox rows in these channels (one a channel at most)."""
        if not channel_ids:
            return []
        marks = ",".join("?" * len(channel_ids))
        rows = await self._fetchall(
            f"SELECT {_RECORD_COLUMNS} FROM deliveries d LEFT JOIN briefings b ON b.id = d.briefing_id {_DIGEST_JOIN} "
            f"WHERE d.briefing_id = ? AND d.channel_id IN ({marks}) ORDER BY d.id",
            (briefing_id, *channel_ids),
        )
        return [_record(r) for r in rows]

    # -- status -------------------------------------------------------------------

    async def outbox_counts(self) -> OutboxCounts:
        row = await self._fetchone(
            "SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'failed'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'sent')"
        )
        assert row is not None
        return OutboxCounts(int(row[0]), int(row[1]), int(row[2]))


def _candidate(row: sqlite3.Row) -> Candidate:
    return Candidate(
        int(row["id"]),
        row["title"],
        row["body"],
        tuple(json.loads(row["tags"])),
        from_ts(int(row["published_at"])),
    )


_RECORD_COLUMNS = (
    "d.channel_id, d.briefing_id, b.title, d.state, d.kind, d.message_id, d.created_at, d.sent_at, "
    "d.attempts, d.last_error, d.hold_until, d.published_at, "
    "p.state AS digest_state, p.message_id AS digest_message_id, p.published_at AS digest_published_at, "
    "p.last_error AS digest_error"
)
# The publish digest (if any) that carries a row's briefing to the following servers.
_DIGEST_JOIN = "LEFT JOIN publish_digests p ON p.channel_id = d.channel_id AND p.nonce = d.publish_nonce"


def _record(row: sqlite3.Row) -> DeliveryRecord:
    return DeliveryRecord(
        channel_id=int(row["channel_id"]),
        briefing_id=int(row["briefing_id"]),
        title=row["title"],
        state=row["state"],
        kind=row["kind"],
        message_id=row["message_id"],
        created_at=from_ts(int(row["created_at"])),
        sent_at=from_ts(row["sent_at"]),
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        hold_until=from_ts(row["hold_until"]),
        published_at=from_ts(row["published_at"]),
        publish_digest=None
        if row["digest_state"] is None
        else PublishDigestRecord(
            row["digest_state"],
            row["digest_message_id"],
            from_ts(row["digest_published_at"]),
            row["digest_error"],
        ),
    )


def _position(message: MessagePlan, index: int) -> int:
    """A row's place in its message. An hourly cap's digest gathers rows over several runs,
    so its rows all take 0 and keep the order they were written in (rows sort by position,
    then id)."""
    return 0 if message.hold_until is not None else index
