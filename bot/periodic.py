"""A background task that does one piece of work every so many seconds, or at once when
woken, until stopped: the heartbeat, the servers' languages, the sweep of copy updates."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class Periodic:
    """Runs ``work`` every ``seconds`` (the first time after ``seconds``, or at once when
    woken) in a task named ``name``. ``work`` handles its own errors: one that escapes
    ends the task."""

    def __init__(self, name: str, work: Callable[[], Awaitable[object]], seconds: float) -> None:
        self._name = name
        self._work = work
        self._seconds = seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, *, now: bool = False) -> None:
        """Start the task (``now``: its first run at once)."""
        if now:
            self._wake.set()
        self._task = asyncio.create_task(self._run(), name=self._name)

    def wake(self) -> None:
        """Run the work as soon as the current run (if any) ends."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._seconds)
            self._wake.clear()
            await self._work()
