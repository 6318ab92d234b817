"""Delivery outbox queries: which briefing went (or is going) to which channel.

Mixed into ``SQLiteStorage``; methods here use ``self._conn``, ``self.transaction()``,
``self._fetchall`` and ``self._fetchone``.

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

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.delivery.records import (
    Candidate,
    ChannelPlan,
    FailureOutcome,
    OutboxCounts,
    PendingMessage,
    PostedCopy,
    SubscriptionState,
)
from bot.models import ScheduleKind, Subscription

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    import aiosqlite


def _ts(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return int(moment.timestamp())


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class OutboxMixin:
    """Deliveries: which briefing went (or is going) to which channel."""

    if TYPE_CHECKING:
        _conn: aiosqlite.Connection

        def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

        async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...

        async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None: ...

    @asynccontextmanager
    async def _outbox_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``transaction()``, one at a time: the engine writes from many tasks at once
        over the one shared connection, and SQLite has no nested transactions."""
        lock: asyncio.Lock | None = getattr(self, "_outbox_lock", None)
        if lock is None:
            lock = asyncio.Lock()
            self._outbox_lock = lock
        async with lock, self.transaction() as conn:
            yield conn

    async def record_instant_run(self, now: datetime) -> None:
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('delivery.instant_last_run', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (now.isoformat(),),
            )

    async def remove_guild(self, guild_id: int) -> int:
        """The bot left a server: skip what was pending there and drop its subscriptions."""
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = 'bot left the server' WHERE state = 'pending' "
                "AND channel_id IN (SELECT channel_id FROM subscriptions WHERE guild_id = ?)",
                (guild_id,),
            )
            cursor = await conn.execute("DELETE FROM subscriptions WHERE guild_id = ?", (guild_id,))
        return cursor.rowcount

    # -- subscriptions as the engine sees them -----------------------------------

    async def subscription_state(self, channel_id: int) -> SubscriptionState | None:
        row = await self._fetchone("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return _state(row) if row else None

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
        return [_state(r) for r in rows]

    async def all_subscription_states(self) -> list[SubscriptionState]:
        rows = await self._fetchall("SELECT * FROM subscriptions ORDER BY guild_id, channel_id")
        return [_state(r) for r in rows]

    # -- planning -----------------------------------------------------------------

    async def delivery_candidates(self, after_id: int) -> list[Candidate]:
        """Every briefing with ``id > after_id``, embargoed or not, oldest id first."""
        rows = await self._fetchall(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE id > ? ORDER BY id", (after_id,)
        )
        return [_candidate(r) for r in rows]

    async def recorded_pairs(self, briefing_ids: Sequence[int]) -> set[tuple[int, int]]:
        """``(channel_id, briefing_id)`` already in the outbox for these briefings."""
        found: set[tuple[int, int]] = set()
        for start in range(0, len(briefing_ids), 500):
            chunk = list(briefing_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self._fetchall(
                f"SELECT channel_id, briefing_id FROM deliveries WHERE briefing_id IN ({marks})", chunk
            )
            found.update((int(r[0]), int(r[1])) for r in rows)
        return found

    async def record_plans(self, plans: Sequence[ChannelPlan], *, now: datetime) -> None:
        """Write every planned message as ``pending`` (and overflow as ``skipped``),
        advance cursors and run times: all in one transaction, before any send."""
        now_ts = _ts(now)
        rows: list[tuple[Any, ...]] = []
        skipped: list[tuple[Any, ...]] = []
        cursors: list[tuple[Any, ...]] = []
        runs: list[tuple[Any, ...]] = []
        for plan in plans:
            for message in plan.messages:
                for position, briefing_id in enumerate(message.briefing_ids):
                    rows.append(
                        (
                            plan.channel_id,
                            briefing_id,
                            message.nonce,
                            message.kind,
                            position,
                            message.content,
                            message.ping_role_id,
                            now_ts,
                        )
                    )
            skipped.extend(
                (plan.channel_id, briefing_id, plan.skip_reason, now_ts) for briefing_id in plan.skipped
            )
            cursors.append((plan.cursor_id, plan.channel_id))
            if plan.ran:
                runs.append((now_ts, plan.channel_id))
        async with self._outbox_transaction() as conn:
            await conn.executemany(
                "INSERT INTO deliveries (channel_id, briefing_id, nonce, kind, position, content, "
                "ping_role_id, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) "
                "ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                rows,
            )
            await conn.executemany(
                "INSERT INTO deliveries (channel_id, briefing_id, nonce, state, last_error, created_at) "
                "VALUES (?, ?, '', 'skipped', ?, ?) ON CONFLICT (channel_id, briefing_id) DO NOTHING",
                skipped,
            )
            await conn.executemany(
                "UPDATE subscriptions SET cursor_id = max(cursor_id, ?) WHERE channel_id = ?", cursors
            )
            await conn.executemany("UPDATE subscriptions SET last_run_at = ? WHERE channel_id = ?", runs)

    async def recent_candidates(self, through_id: int, *, now: datetime, limit: int) -> list[Candidate]:
        """Published briefings with ``id <= through_id``, newest first (for backfill)."""
        rows = await self._fetchall(
            "SELECT id, title, body, tags, published_at FROM briefings WHERE published_at <= ? AND id <= ? "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (_ts(now), through_id, limit),
        )
        return [_candidate(r) for r in rows]

    async def pause_channel(self, channel_id: int, reason: str) -> Subscription | None:
        """Pause a subscription at once (its channel was deleted) and drop what it had
        pending: those posts can never be delivered."""
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?", (reason, channel_id)
            )
            await conn.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = ? WHERE channel_id = ? AND state = 'pending'",
                (reason, channel_id),
            )
            rows = await conn.execute_fetchall(
                "SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,)
            )
        row = next(iter(rows), None)
        return _state(row).subscription if row is not None else None

    # -- sending ------------------------------------------------------------------

    async def channels_with_pending(self) -> list[int]:
        rows = await self._fetchall("SELECT DISTINCT channel_id FROM deliveries WHERE state = 'pending'")
        return [int(r[0]) for r in rows]

    async def pending_messages(self, channel_id: int) -> list[PendingMessage]:
        """This channel's unsent messages, oldest first."""
        rows = await self._fetchall(
            "SELECT id, briefing_id, nonce, kind, position, content, ping_role_id, attempts FROM deliveries "
            "WHERE channel_id = ? AND state = 'pending' ORDER BY id",
            (channel_id,),
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
                    ping_role_id=first["ping_role_id"],
                    attempts=max(int(m["attempts"]) for m in members),
                )
            )
        return messages

    async def mark_sent(self, channel_id: int, nonce: str, message_id: int, *, now: datetime) -> None:
        """The message is on Discord: record its id and reset the channel's failures."""
        now_ts = _ts(now)
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
                (message_id, now_ts, channel_id, nonce),
            )
            await conn.execute(
                "UPDATE subscriptions SET failures = 0, last_delivery_at = ? WHERE channel_id = ?",
                (now_ts, channel_id),
            )

    async def mark_message(self, channel_id: int, nonce: str, state: str, reason: str) -> None:
        """Give up on an unsent message: ``skipped`` (no longer wanted) or ``failed``
        (Discord rejected it)."""
        if state not in ("skipped", "failed"):
            raise ValueError(f"cannot mark a message {state!r}")
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET state = ?, last_error = ? "
                "WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
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
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ? "
                "WHERE channel_id = ? AND nonce = ? AND state = 'pending'",
                (error, channel_id, nonce),
            )
            if not counts:
                return FailureOutcome(0, False)
            await conn.execute(
                "UPDATE subscriptions SET failures = failures + 1 WHERE channel_id = ?", (channel_id,)
            )
            rows = await conn.execute_fetchall(
                "SELECT failures, paused_reason FROM subscriptions WHERE channel_id = ?", (channel_id,)
            )
            row = next(iter(rows), None)
            if row is None:
                return FailureOutcome(0, False)
            failures = int(row[0])
            if failures >= threshold and row[1] is None:
                await conn.execute(
                    "UPDATE subscriptions SET paused_reason = ? WHERE channel_id = ?",
                    (pause_reason, channel_id),
                )
                return FailureOutcome(failures, True)
            return FailureOutcome(failures, False)

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
        copies = []
        for channel_id, message_id in dict.fromkeys(messages):
            rows = await self._fetchall(
                "SELECT nonce, kind, briefing_id FROM deliveries WHERE channel_id = ? AND message_id = ? "
                "AND state = 'sent' AND retracted_at IS NULL ORDER BY position, id",
                (channel_id, message_id),
            )
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

    async def mark_edited(self, channel_id: int, nonce: str, *, now: datetime) -> None:
        async with self._outbox_transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET edited_at = ? WHERE channel_id = ? AND nonce = ? AND state = 'sent'",
                (_ts(now), channel_id, nonce),
            )

    async def mark_retracted(
        self, channel_id: int, nonce: str, briefing_ids: Sequence[int], *, now: datetime
    ) -> None:
        """These briefings no longer show in that message (deleted or edited out)."""
        async with self._outbox_transaction() as conn:
            await conn.executemany(
                "UPDATE deliveries SET retracted_at = ? WHERE channel_id = ? AND nonce = ? AND briefing_id = ?",
                [(_ts(now), channel_id, nonce, b) for b in briefing_ids],
            )

    # -- status -------------------------------------------------------------------

    async def outbox_counts(self) -> OutboxCounts:
        row = await self._fetchone(
            "SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'failed'), "
            "(SELECT count(*) FROM deliveries WHERE state = 'sent')"
        )
        assert row is not None
        return OutboxCounts(int(row[0]), int(row[1]), int(row[2]))


def _state(row: sqlite3.Row) -> SubscriptionState:
    from storage.sqlite import _subscription  # sqlite.py imports this module

    return SubscriptionState(
        subscription=_subscription(row),
        cursor_id=int(row["cursor_id"]),
        last_run_at=_dt(row["last_run_at"]),
    )


def _candidate(row: sqlite3.Row) -> Candidate:
    return Candidate(
        int(row["id"]),
        row["title"],
        row["body"],
        tuple(json.loads(row["tags"])),
        _dt(row["published_at"]),  # type: ignore[arg-type]
    )
