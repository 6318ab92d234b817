"""Claims on gateway shards: each shard served by one process, and spares that take over.

Discord sends a server's interactions over one shard only, so a shard nobody connects
leaves its servers unanswered, and a shard two processes connect would have both answer.
Each process of a sharded deployment therefore holds a claim per shard it serves, a
``storage.Leadership`` with the role ``shard:ID/COUNT`` (on PostgreSQL a session advisory
lock on a connection of its own, exactly like the dispatcher's election): the server
releases it the moment the process dies or its lock connection drops.

- **Fixed shards** (``--shards 0/2``): ``claim`` takes the claim of each shard before the
  process connects anything; a shard another live process holds is refused at start with
  ``ShardTakenError`` naming the shard, instead of served twice.
- **A spare** (``--shards any/2``): ``claim_any`` takes the claim of the first shard no
  live process holds, and only then does the process connect that shard. With every shard
  held it stands by, trying again every ``retry_seconds`` (2 s): when a holder dies, its
  shard is claimed on the next try.
- **The fence** (``watch``): a process confirms its claims every ``confirm_seconds``
  (1 s; a round trip on each lock connection, 2 s timeout) and hears at once when a lock
  connection closes. ``watch`` returns as soon as one is lost, and the process then
  disconnects from Discord and exits: its shard may be someone else's by now. The server
  keeps the lock of a machine that vanished from the network for about 6 s (TCP
  keepalives), while the holder knows within 3 s, so two processes never serve a shard.
- **Sharded and unsharded processes never mix** (``refuse_mixing``): a process with no
  shard settings connects every shard Discord recommends and claims none, so beside
  sharded processes on one database both would answer the same servers. Each refuses to
  start while a live process of the other kind is in the heartbeats (``ShardTakenError``
  naming it and the fix). Two processes of different kinds started within the same beat
  may both see none; the heartbeat is how they learn of each other.
- **SQLite**: one process owns the file and every claim is always granted, so a spare
  there is the only process there can be: ``claim_any`` claims every shard and the process
  serves them all (rather than one, leaving the others' servers unanswered).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

from bot.heartbeat import SILENT_AFTER_SECONDS
from bot.models import BotProcess
from bot.shards import describe_ids, parse_shards
from storage import Leadership, StorageError

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
CONFIRM_SECONDS = 1.0
# What a spare holding no shard says in the heartbeat's ``shards`` (``briefbot status``).
STANDBY = "standby"


def shard_role(shard: int, count: int) -> str:
    """The leadership role of shard ``shard`` of ``count``: ``shard:1/2``."""
    return f"shard:{shard}/{count}"


def standby_shards(count: int) -> str:
    """The heartbeat's ``shards`` of a spare holding none yet: ``standby (any/2)``."""
    return f"{STANDBY} (any/{count})"


class ShardTakenError(Exception):
    """A shard this process was told to serve is held by another live process."""


async def refuse_mixing(store: ClaimStore, shard_count: int | None) -> None:
    """``ShardTakenError`` when a live process of the other kind uses ``store``: a sharded
    one (fixed or a spare) for a process with no shard settings (``shard_count`` None), an
    unsharded one for a sharded process. Only on a shared store: SQLite has one process."""
    if not store.shared:
        return
    for process in await store.processes():
        if process.silent_seconds >= SILENT_AFTER_SECONDS:
            continue  # gone (a crash leaves its record for a few seconds)
        unsharded = process.shards == "all"
        if (shard_count is None) == unsharded:
            continue
        who = f"{process.host} pid {process.pid}, by its heartbeat"
        if shard_count is None:
            raise ShardTakenError(
                f"another process ({who}) serves shards {process.shards} of this database, and a "
                "process with no shard settings would connect every shard and answer their servers "
                f"too: run this one with --shards (a range, or any/N to stand by as a spare)"
            )
        raise ShardTakenError(
            f"another process ({who}) uses this database with no shard settings, so it connects "
            "every shard itself and a sharded process would answer its servers a second time: "
            "stop it, or give every process --shards"
        )


class ClaimStore(Protocol):
    """What the claims need of storage (``storage.Coordination`` has it all)."""

    @property
    def shared(self) -> bool: ...

    def leadership(self, role: str) -> Leadership: ...

    async def role_held(self, role: str) -> bool | None: ...

    async def processes(self) -> list[BotProcess]: ...


class ShardClaims:
    """The claims this process holds on shards of ``count``."""

    def __init__(
        self,
        store: ClaimStore,
        count: int,
        *,
        retry_seconds: float = RETRY_SECONDS,
        confirm_seconds: float = CONFIRM_SECONDS,
    ) -> None:
        self._store = store
        self.count = count
        self._retry = retry_seconds
        self._confirm = confirm_seconds
        self._held: dict[int, Leadership] = {}
        self._stopping = asyncio.Event()

    @property
    def ids(self) -> tuple[int, ...]:
        """The shards claimed, in order (empty while a spare stands by)."""
        return tuple(sorted(self._held))

    def describe(self) -> str:
        """As the heartbeat records it: ``1/2``, or ``standby (any/2)`` holding none."""
        if not self._held:
            return standby_shards(self.count)
        return f"{describe_ids(self.ids)}/{self.count}"

    # -- claiming -------------------------------------------------------------------

    async def claim(self, ids: tuple[int, ...]) -> None:
        """Claim every one of ``ids`` now, or none: ``ShardTakenError`` naming the first
        shard another process holds (and which process that is, by its heartbeat)."""
        taken: list[int] = []
        try:
            for shard in ids:
                claim = self._store.leadership(shard_role(shard, self.count))
                try:
                    got = await claim.acquire()
                except BaseException:
                    await _release(claim)
                    raise
                if not got:
                    await _release(claim)
                    raise ShardTakenError(await self._taken_message(shard))
                self._held[shard] = claim
                taken.append(shard)
        except BaseException:
            for shard in taken:
                await _release(self._held.pop(shard))
            raise
        log.info("holding the claim to shards %s/%d", describe_ids(ids), self.count)

    async def claim_any(self) -> tuple[int, ...] | None:
        """Claim a shard no live process holds, waiting as a spare while every one is
        held; the shards claimed, or None when ``stop_waiting`` was called first.

        On a store no other process shares (SQLite), every shard at once."""
        if not self._store.shared:
            await self.claim(tuple(range(self.count)))
            log.info(
                "the database is this process's alone (SQLite): serving all %d shards, as no "
                "other process can serve any",
                self.count,
            )
            return self.ids
        started = time.monotonic()
        announced = failing = False
        while not self._stopping.is_set():
            try:
                shard = await self._claim_free()
            except StorageError as exc:
                if not failing:
                    log.warning(
                        "could not look for a free shard (%s): trying again every %g s", exc, self._retry
                    )
                failing = True
            else:
                failing = False
                if shard is not None:
                    waited = time.monotonic() - started
                    if announced:
                        log.info(
                            "took over shard %d of %d after standing by for %.1f s: connecting it",
                            shard,
                            self.count,
                            waited,
                        )
                    else:
                        log.info("claimed shard %d of %d: connecting it", shard, self.count)
                    return self.ids
                if not announced:
                    log.info(
                        "all %d shards are served by other processes: standing by as a spare, "
                        "trying every %g s",
                        self.count,
                        self._retry,
                    )
                    announced = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._retry)
        return None

    async def _claim_free(self) -> int | None:
        """One round: the first shard claimed, or None when every one is held."""
        for shard in range(self.count):
            role = shard_role(shard, self.count)
            # A cheap look first (a pooled query): trying a held lock costs a connection.
            if await self._store.role_held(role):
                continue
            claim = self._store.leadership(role)
            try:
                got = await claim.acquire()
            except BaseException:
                await _release(claim)
                raise
            if got:
                if self._stopping.is_set():  # shutting down meanwhile: serve nothing
                    await _release(claim)
                    return None
                self._held[shard] = claim
                return shard
            await _release(claim)  # another process was quicker: close the connection
        return None

    async def _taken_message(self, shard: int) -> str:
        holder = "another process"
        with contextlib.suppress(StorageError):
            for process in await self._store.processes():
                if process.silent_seconds < SILENT_AFTER_SECONDS and shard in _shards_of(process):
                    holder = f"another process ({process.host} pid {process.pid}, by its heartbeat)"
                    break
        return (
            f"shard {shard} of {self.count} is already served by {holder}: it holds the claim "
            f"{shard_role(shard, self.count)} in the database. Two processes must not answer the same "
            f"servers: stop that process first, or run this one with --shards any/{self.count} to stand by "
            "as a spare"
        )

    # -- holding --------------------------------------------------------------------

    async def watch(self) -> str:
        """Return, saying why, as soon as a claim this process holds is lost: its lock
        connection closed (heard at once), or did not answer a confirmation (every
        ``confirm_seconds``). Returns at once when nothing is held."""
        while True:
            held = dict(self._held)
            for shard, claim in held.items():
                if not claim.held:
                    return f"shard {shard} of {self.count}: its database connection closed"
            if not held:
                return "no shard claimed"
            waiters = [asyncio.ensure_future(claim.wait_lost()) for claim in held.values()]
            try:
                await asyncio.wait(waiters, timeout=self._confirm, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
            if any(not claim.held for claim in held.values()):
                continue  # said above
            for shard, claim in held.items():
                if not await claim.confirm():
                    return f"shard {shard} of {self.count}: its database connection stopped answering"

    def stop_waiting(self) -> None:
        """End ``claim_any``'s wait (shutting down): it returns None."""
        self._stopping.set()

    async def release(self) -> None:
        """Give every claim up (after the shards are disconnected: a spare may take them)."""
        self._stopping.set()
        held, self._held = self._held, {}
        for claim in held.values():
            await _release(claim)
        if held:
            log.info("released the claim to shards %s/%d", describe_ids(tuple(held)), self.count)


async def _release(claim: Leadership) -> None:
    with contextlib.suppress(StorageError):
        await claim.release()


def _shards_of(process: BotProcess) -> tuple[int, ...]:
    """The shards a process's heartbeat says it serves (none for ``all`` or a spare)."""
    try:
        return parse_shards(process.shards).ids
    except ValueError:
        return ()
