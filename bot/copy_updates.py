"""Corrections and removals of posted copies, made in any process and sent by the dispatcher.

Only the dispatcher sends to Discord, so that the processes sharing a store never exceed the
bot's request rate together (a correction of a briefing posted in 10,000 channels is 10,000
edits). An ``/article edit`` or ``remove`` answered by another process (the one holding
that server's shard), or a correction made on the command line, therefore marks the posted
messages in the outbox (``queue_copy_refresh``) and tells the dispatcher, which renders each
again from the briefings it still shows, or deletes it when it shows none. The mark is in
the database: a message the dispatcher is not there to hear (none at the moment, or the
command line on SQLite, which cannot reach the bot's process) is found by its sweep every
``sweep_seconds`` (15 s) and when a process becomes the dispatcher.

In the dispatcher itself the copies are changed at once, and the answer counts them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.delivery.status import CopyReport
from bot.dispatcher import Dispatcher
from bot.periodic import Periodic
from storage import StorageError

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15.0
EVENT = "copies_due"


class CopyEngine(Protocol):
    """What this needs of the delivery engine."""

    async def correct(self, briefing_id: int) -> CopyReport: ...

    async def retract(self, removed: int | Sequence[tuple[int, int]]) -> CopyReport: ...

    async def refresh_due_copies(self) -> CopyReport: ...


class CopyMarks(Protocol):
    """What this needs of storage (``storage.Outbox`` has it)."""

    async def queue_copy_refresh(
        self,
        *,
        briefing_id: int | None = None,
        messages: Sequence[tuple[int, int]] = (),
        now: datetime | None = None,
    ) -> int: ...


class QueuedCopies:
    """``Copies`` for a process that does not talk to Discord (the command line): every
    change is marked for the running bot's dispatcher."""

    def __init__(self, store: CopyMarks) -> None:
        self._store = store

    async def correct(self, briefing_id: int) -> CopyReport:
        return CopyReport(queued=await self._store.queue_copy_refresh(briefing_id=briefing_id))

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport(queued=await self._store.queue_copy_refresh(messages=removed))


class CopyUpdates(QueuedCopies):
    """``Copies`` for the desks of a bot process: the engine's own work on the dispatcher,
    marked and told to it elsewhere; and the dispatcher's duty that sends what is marked."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        engine: CopyEngine,
        store: CopyMarks,
        *,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        super().__init__(store)
        self._dispatcher = dispatcher
        self._engine = engine
        self._sweeps = Periodic("briefbot-copy-updates", self._sweep, sweep_seconds)
        dispatcher.on(EVENT, self._on_due)

    async def correct(self, briefing_id: int) -> CopyReport:
        if self._dispatcher.active:
            return await self._engine.correct(briefing_id)
        report = await super().correct(briefing_id)
        await self._tell(report)
        return report

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        if self._dispatcher.active:
            return await self._engine.retract(removed)
        report = await super().retract(removed)
        await self._tell(report)
        return report

    async def _tell(self, report: CopyReport) -> None:
        if report.queued:
            await self._dispatcher.tell(EVENT)

    async def _on_due(self, data: dict[str, Any]) -> None:
        self._sweeps.wake()

    # -- the dispatcher's duty ---------------------------------------------------------

    async def start(self) -> None:
        """Sweep now and every ``sweep_seconds``, or at once when told (in the background)."""
        self._sweeps.start(now=True)

    async def stop(self) -> None:
        await self._sweeps.stop()

    async def _sweep(self) -> None:
        try:
            report = await self._engine.refresh_due_copies()
        except StorageError as exc:
            log.warning("could not read the posted copies waiting for a correction: %s", exc)
            return
        if report.edited or report.deleted or report.failed:
            log.info(
                "posted copies changed for other processes: %d edited, %d deleted, %d failed",
                report.edited,
                report.deleted,
                report.failed,
            )
