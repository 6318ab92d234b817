"""Each bot process says in the database that it runs, so ``briefbot status`` can list
every process sharing the store: its host, pid and shards (or ``standby`` for a spare
holding none yet), whether it is the dispatcher, and how long since it was last heard from.
With each beat it reports its invalid requests to Discord and learns those of the other
processes on its host (``bot.delivery.budget``: Discord bans an address, not a process).

The beat is an upsert every ``interval`` seconds (5 s) by the store's clock (on
PostgreSQL the server's, so machines with different clocks agree). A clean stop deletes
the record; a process that dies or loses the database leaves its record to go silent,
which is how the status tells a crash from a shutdown. Missing a beat is only logged:
the status is a view of the processes, nothing depends on it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from bot.delivery.budget import WINDOW_SECONDS
from bot.models import BotProcess
from bot.periodic import Periodic
from storage import StorageError

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 5.0
# A process not heard from for this long is shown as silent (it died, or lost the database).
SILENT_AFTER_SECONDS = 15.0


class ProcessStore(Protocol):
    """What the heartbeat needs of storage (``storage.Coordination`` has it)."""

    async def beat(self, process: BotProcess) -> None: ...

    async def forget_process(self, key: str) -> None: ...

    async def processes(self) -> list[BotProcess]: ...


class HostCount(Protocol):
    """This process's count of Discord's invalid requests, and where the other processes'
    on this host go (``bot.delivery.budget.InvalidRequestBudget``)."""

    @property
    def count(self) -> int: ...

    def set_neighbours(self, count: int) -> None: ...


class Heartbeat:
    """Beats for this process until stopped; ``is_dispatcher`` is read at every beat."""

    def __init__(
        self,
        store: ProcessStore,
        *,
        shards: str,
        is_dispatcher: Callable[[], bool],
        interval: float = INTERVAL_SECONDS,
        invalid: HostCount | None = None,
    ) -> None:
        self._store = store
        self._is_dispatcher = is_dispatcher
        self._invalid = invalid
        started = datetime.now(UTC)
        self.process = BotProcess(
            key=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            host=socket.gethostname(),
            pid=os.getpid(),
            shards=shards,
            started_at=started,
        )
        self._beats = Periodic("briefbot-heartbeat", self._beat, interval)
        self._failing = False

    async def start(self) -> None:
        """Beat once now, then every ``interval`` seconds in the background."""
        await self._beat()
        self._beats.start()

    async def set_shards(self, shards: str) -> None:
        """Record ``shards`` now: a spare that stood by (``standby (any/2)``) has claimed
        one, and ``briefbot status`` should say so before the next beat."""
        self.process = replace(self.process, shards=shards)
        await self._beat()

    async def stop(self) -> None:
        """Stop beating and remove this process's record (a clean stop)."""
        await self._beats.stop()
        with contextlib.suppress(StorageError):
            await self._store.forget_process(self.process.key)

    async def _beat(self) -> None:
        process = BotProcess(
            key=self.process.key,
            host=self.process.host,
            pid=self.process.pid,
            shards=self.process.shards,
            started_at=self.process.started_at,
            dispatcher=self._is_dispatcher(),
            invalid_requests=self._invalid.count if self._invalid is not None else 0,
        )
        try:
            await self._store.beat(process)
            if self._invalid is not None:
                self._invalid.set_neighbours(
                    sum(
                        p.invalid_requests
                        for p in await self._store.processes()
                        if p.host == process.host
                        and p.key != process.key
                        and p.silent_seconds < WINDOW_SECONDS  # a process that died counts as last reported
                    )
                )
        except StorageError as exc:
            if not self._failing:
                log.warning("could not record this process in the database: %s", exc)
            self._failing = True
        else:
            if self._failing:
                log.info("recording this process in the database again")
            self._failing = False


def describe_processes(processes: list[BotProcess]) -> list[str]:
    """The status lines of the processes: one each, dispatcher first."""
    if not processes:
        return ["processes: none recorded (no bot process has run against this database in the last day)"]
    running = [p for p in processes if p.silent_seconds < SILENT_AFTER_SECONDS]
    lines = [f"processes: {len(running)} running, {len(processes) - len(running)} silent"]
    # A process that died as the dispatcher said so in its last beat: the one heard from
    # most recently is the dispatcher.
    claiming = [p for p in running if p.dispatcher]
    dispatcher = min(claiming, key=lambda p: p.silent_seconds).key if claiming else None
    for p in sorted(processes, key=lambda p: (p.key != dispatcher, p.silent_seconds)):
        role = "dispatcher" if p.key == dispatcher else "standing by"
        if p.silent_seconds >= SILENT_AFTER_SECONDS:
            state = f"SILENT for {_span(p.silent_seconds)} (it died or lost the database)"
        else:
            state = f"{role}, last heard {_span(p.silent_seconds)} ago"
        lines.append(f"  {p.host} pid {p.pid}: {_serving(p.shards)}; {state}; started {_when(p.started_at)}")
    return lines


def _serving(shards: str) -> str:
    """``shards 1/2``; for a spare holding none (``standby (any/2)``), that it stands by."""
    if shards.startswith("standby"):
        count = shards.rpartition("/")[2].rstrip(")")
        return f"standby: a spare holding no shard, ready to take over any of {count}"
    return f"shards {shards}"


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
