"""The dispatcher: the one process that posts, runs the schedules and polls feeds.

Several bot processes may share one PostgreSQL store, each serving its own shards. Any
of them answers the commands of its servers and may write the outbox, but exactly one at
a time, the dispatcher, does the work that must not run twice: sending posts, the
schedules, command sync, feed polls. Who it is, is a ``storage.Leadership`` claim (on
PostgreSQL, an advisory lock held on a connection of its own; on SQLite, where one
process owns the file, always this process).

- **Election.** A process that is not the dispatcher tries for the claim every
  ``retry_seconds`` (2 s). When the dispatcher dies or its lock connection drops, the
  server releases the lock and the next try takes over: ``quiet_seconds`` (1.5 s) later,
  once what the old one sent has left Discord's global window, the new dispatcher's
  duties start, and the scheduler's start-up recovery sends what the outbox holds pending, with
  the nonces it was planned with, so nothing is lost and Discord returns rather than
  repeats a message the old one had sent.
- **Duties** (``add_duty``) start in order when this process becomes the dispatcher and
  stop in reverse when it stops being one: the scheduler, command sync, and whatever
  registers later (the feed poller).
- **The fence** (``may_send``, the engine's ``Fence``). The dispatcher confirms its
  claim every ``confirm_seconds`` (1 s; a round trip on the lock connection, 2 s
  timeout) and hears at once when that connection closes. ``may_send`` is False as soon
  as the claim is known lost, or when it was last confirmed more than ``fence_seconds``
  (3 s) ago; the engine asks right before each post. A machine that drops off the
  network thus stops posting within 3 s, while the server keeps its lock for about 6 s
  more (TCP keepalives) before another process may take over: never two senders at once.
- **Messages** (``tell`` / ``on``): what other processes need the dispatcher to know (a
  subscription changed, a briefing was added) is handled here when this process is the
  dispatcher, and otherwise sent to it (``Coordination.announce``). Nothing is queued
  for a dispatcher yet to come; a new one rebuilds its schedules from the database.
- A process that loses the claim waits ``step_back_seconds`` (4 s) before trying again,
  so that a healthy process takes over first. A clean shutdown (SIGTERM) still holds the
  claim while it stops the duties, so runs in flight finish their sends (within the
  scheduler's 30 s grace); then it lets go, and another process takes over within 2 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.delivery.status import RunReport
from storage import Leadership, StorageError

log = logging.getLogger(__name__)

ROLE = "dispatcher"
META_DISPATCHER = "dispatcher"  # meta key: JSON describing the current dispatcher
RETRY_SECONDS = 2.0
CONFIRM_SECONDS = 1.0
FENCE_SECONDS = 3.0
STEP_BACK_SECONDS = 4.0
# Discord counts the bot's global rate limit over one second, and a request may reach it up
# to 0.3 s after it went: what a dispatcher that just died sent still counts that long, and
# the new one's pacing knows nothing of it.
QUIET_SECONDS = 1.5

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class DispatchStore(Protocol):
    """What the dispatcher needs of storage (``storage.Storage`` has it all)."""

    @property
    def shared(self) -> bool: ...

    def leadership(self, role: str) -> Leadership: ...

    async def announce(self, role: str, message: str) -> None: ...

    async def get_meta(self, key: str) -> str | None: ...

    async def set_meta(self, key: str, value: str) -> None: ...


class Duty(Protocol):
    """Work only the dispatcher does: started when this process becomes the dispatcher,
    stopped when it stops being one (and may be started again later)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Hook:
    """A duty made of two coroutine functions."""

    on_start: Callable[[], Awaitable[None]]
    on_stop: Callable[[], Awaitable[None]] | None = None

    async def start(self) -> None:
        await self.on_start()

    async def stop(self) -> None:
        if self.on_stop is not None:
            await self.on_stop()


class Dispatcher:
    """Elects this process as the dispatcher (or waits to be), runs the duties while it
    is one, fences the engine's sends and routes messages to whoever is."""

    def __init__(
        self,
        store: DispatchStore,
        *,
        identity: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        retry_seconds: float = RETRY_SECONDS,
        confirm_seconds: float = CONFIRM_SECONDS,
        fence_seconds: float = FENCE_SECONDS,
        step_back_seconds: float = STEP_BACK_SECONDS,
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        self._store = store
        # A claim on a store no other process shares (SQLite) is never lost: no confirming.
        self._confirming_needed = store.shared
        self._claim = store.leadership(ROLE)
        self._claim.listen(self._heard)
        self._identity = identity or {}
        self._retry = retry_seconds
        self._confirm = confirm_seconds
        self._fence = fence_seconds
        self._step_back = step_back_seconds
        # Alone with its store (SQLite), no other process can have sent just before.
        self._quiet = quiet_seconds if store.shared else 0.0
        self._duties: list[tuple[str, Duty]] = []
        self._started: list[tuple[str, Duty]] = []
        self._handlers: dict[str, Handler] = {}
        self._active = False
        self._confirmed_at = float("-inf")
        self._confirming: asyncio.Future[bool] | None = None
        self._task: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self._closed = False
        self.takeovers = 0  # how many times this process became the dispatcher

    # -- set-up ---------------------------------------------------------------------

    def add_duty(self, name: str, duty: Duty) -> None:
        """Run ``duty`` while this process is the dispatcher (started after the duties
        added before it, stopped before them). A duty added while this process already
        is the dispatcher starts the next time it becomes one."""
        self._duties.append((name, duty))

    def on(self, event: str, handler: Handler) -> None:
        """Handle ``event`` (sent with ``tell``) on the dispatcher."""
        self._handlers[event] = handler

    # -- state ----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """True while this process is the dispatcher and its duties run."""
        return self._active and self._claim.held

    async def may_send(self) -> bool:
        """The engine's ``Fence``: this process is the dispatcher, and its claim was
        confirmed within ``fence_seconds`` (if not, it is confirmed now)."""
        if not self.active:
            return False
        if not self._confirming_needed or time.monotonic() - self._confirmed_at <= self._fence:
            return True
        return await self._reconfirm()

    async def _reconfirm(self) -> bool:
        """Confirm the claim: one round trip at a time, shared by whoever asks meanwhile."""
        if self._confirming is None:
            self._confirming = asyncio.ensure_future(self._confirm_once())
        return await asyncio.shield(self._confirming)

    async def _confirm_once(self) -> bool:
        try:
            if await self._claim.confirm():
                self._confirmed_at = time.monotonic()
                return True
            return False
        finally:
            self._confirming = None

    async def tell(self, event: str, **data: Any) -> None:
        """Have the dispatcher handle ``event``: here and now when this process is it (the
        handler's errors are the caller's); otherwise sent to it (lost if no process is the
        dispatcher at this moment)."""
        if self.active:
            handler = self._handlers.get(event)
            if handler is not None:
                await handler(data)
            return
        await self._store.announce(ROLE, json.dumps({"event": event, **data}))

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, *, try_now: bool = True) -> None:
        """Try to become the dispatcher now (its duties start before this returns if so;
        a duty that fails to start fails this), then keep trying in the background.

        ``try_now=False`` leaves even the first try to the background: a spare that has
        just claimed a shard connects it first, its duties do not hold that up."""
        if try_now and await self._claim.acquire():
            await self._take_over()
        self._task = asyncio.create_task(self._run(), name="briefbot-dispatcher")

    async def close(self) -> None:
        """Stop the duties (if this process is the dispatcher) and give the claim up."""
        if self._closed:
            return
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        # Still holding the claim, it may finish what it is sending before letting go.
        await self._step_down("shutting down", finish_first=True)
        for task in list(self._handling):
            task.cancel()
        await asyncio.gather(*self._handling, return_exceptions=True)
        with contextlib.suppress(StorageError):
            await self._claim.release()

    async def _run(self) -> None:
        """Until closed: watch the claim while dispatching, try for it while not. Nothing
        that goes wrong on the way ends the loop (a process that stopped trying would
        never take over)."""
        while True:
            try:
                await self._turn()
            except Exception:
                log.exception("the dispatcher's election failed; trying again")
                await self._step_down("the election failed")
                await asyncio.sleep(self._retry)

    async def _turn(self) -> None:
        if self._active:
            why = await self._watch()
            await self._step_down(why)
            await asyncio.sleep(self._step_back)
            return
        try:
            won = await self._claim.acquire()
        except StorageError as exc:
            log.warning("could not try for the dispatcher role: %s", exc)
            won = False
        if not won:
            await asyncio.sleep(self._retry)
            return
        try:
            await self._take_over()
        except Exception:
            log.exception("the dispatcher's duties failed to start: giving the role up")
            await self._step_down("its duties failed to start")
            with contextlib.suppress(StorageError):
                await self._claim.release()
            await asyncio.sleep(self._step_back)

    async def _watch(self) -> str:
        """Confirm the claim every ``confirm_seconds`` until it is lost; say why."""
        while True:
            try:
                await asyncio.wait_for(
                    self._claim.wait_lost(), self._confirm if self._confirming_needed else None
                )
            except TimeoutError:
                pass
            else:
                return "its database connection closed"
            if not await self._reconfirm():
                return "its database connection stopped answering"

    async def _take_over(self) -> None:
        # The claim is won, but the dispatcher before may have sent until it died: its
        # duties (the first sends) start once that is out of Discord's global window.
        await asyncio.sleep(self._quiet)
        self._confirmed_at = time.monotonic()
        self._active = True
        self.takeovers += 1
        log.info("this process is now the dispatcher")
        await self._record()
        for name, duty in self._duties:
            try:
                await duty.start()
            except BaseException:
                log.error("dispatcher duty %r failed to start", name)
                await self._step_down(f"duty {name} failed")
                raise
            self._started.append((name, duty))

    async def _step_down(self, why: str, *, finish_first: bool = False) -> None:
        """Close the fence, then stop the duties that were started, last first.

        ``finish_first`` (a clean shutdown, the claim still held) stops the duties first,
        so runs in flight may finish their sends (the scheduler bounds the wait)."""
        was_active = self._active
        if not finish_first:
            self._active = False
        if was_active:
            level = logging.INFO if self._closed else logging.WARNING
            log.log(level, "no longer the dispatcher (%s): stopping its duties", why)
        while self._started:
            name, duty = self._started.pop()
            try:
                await duty.stop()
            except Exception:
                log.exception("dispatcher duty %r failed to stop", name)
        self._active = False

    async def _record(self) -> None:
        """Say in the database which process is the dispatcher (``briefbot status``)."""
        # Read now: a spare's shards are known only once it has claimed one.
        identity = self._identity() if callable(self._identity) else self._identity
        record = {**identity, "since": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            await self._store.set_meta(META_DISPATCHER, json.dumps(record, sort_keys=True))
        except StorageError as exc:
            log.warning("could not record this process as the dispatcher: %s", exc)

    # -- messages -------------------------------------------------------------------

    def _heard(self, message: str) -> None:
        """A message sent to the dispatcher by another process (on the lock connection)."""
        try:
            data = json.loads(message)
            event = str(data.pop("event"))
        except (ValueError, KeyError, AttributeError, TypeError):
            log.warning("ignoring a malformed message to the dispatcher")
            return
        if not self.active:
            return
        task = asyncio.get_running_loop().create_task(self._handle(event, data))
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    async def _handle(self, event: str, data: dict[str, Any]) -> None:
        handler = self._handlers.get(event)
        if handler is None:
            log.debug("no handler for dispatcher event %s", event)
            return
        try:
            await handler(data)
        except Exception:
            log.exception("dispatcher event %s failed", event)


async def dispatcher_record(store: DispatchStore) -> dict[str, Any] | None:
    """What the last process to become the dispatcher recorded of itself (host, pid,
    shards, since), or None."""
    value = await store.get_meta(META_DISPATCHER)
    if not value:
        return None
    try:
        record = json.loads(value)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


class Backfill(Protocol):
    """What the relay needs of the delivery engine."""

    async def backfill(self, channel_id: int, count: int) -> RunReport: ...


class SchedulerEvents(Protocol):
    """The scheduler's event methods (``BriefingScheduler``)."""

    async def briefing_added(self) -> None: ...

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None: ...

    async def subscription_removed(self, channel_id: int) -> None: ...


class Languages(Protocol):
    """The servers' languages (``ServerLanguages``): recorded by the process that serves a
    server before it tells the dispatcher of a subscription there, read again by the
    dispatcher before it acts on another process's event."""

    async def record_channel(self, channel_id: int) -> None: ...

    async def refresh(self) -> None: ...


class SchedulerRelay:
    """The scheduler's event methods for the desks (``Rescheduler``, ``Wakeup``), from any process.

    The scheduler runs on the dispatcher only, so an event in another process (a
    ``/subscribe`` answered by the process holding that server's shard) is told to the
    dispatcher. A backfill is planned where it was asked for, into the outbox, and the
    dispatcher woken to send it: planned rows outlive a dispatcher change, a message does not.
    Before the dispatcher acts on an event it reads ``languages`` again, so a channel just
    subscribed in a server another process serves is posted to in that server's language.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        scheduler: SchedulerEvents,
        engine: Backfill,
        languages: Languages | None = None,
    ) -> None:
        self._dispatcher = dispatcher
        self._scheduler = scheduler
        self._engine = engine
        self._languages = languages
        dispatcher.on("briefing_added", self._on_briefing_added)
        dispatcher.on("subscription_changed", self._on_subscription_changed)
        dispatcher.on("subscription_removed", self._on_subscription_removed)

    async def briefing_added(self) -> None:
        await self._dispatcher.tell("briefing_added")

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None:
        if self._languages is not None and not self._dispatcher.active:
            await self._languages.record_channel(channel_id)
        if backfill > 0 and not self._dispatcher.active:
            await self._engine.backfill(channel_id, backfill)  # sent by the dispatcher
            await self._dispatcher.tell("subscription_changed", channel_id=channel_id, backfill=0)
            await self._dispatcher.tell("briefing_added")  # wakes the run that sends what is pending
            return
        await self._dispatcher.tell("subscription_changed", channel_id=channel_id, backfill=backfill)

    async def subscription_removed(self, channel_id: int) -> None:
        await self._dispatcher.tell("subscription_removed", channel_id=channel_id)

    async def _on_briefing_added(self, data: dict[str, Any]) -> None:
        await self._refresh()
        await self._scheduler.briefing_added()

    async def _on_subscription_changed(self, data: dict[str, Any]) -> None:
        await self._refresh()
        await self._scheduler.subscription_changed(
            int(data["channel_id"]), backfill=int(data.get("backfill", 0))
        )

    async def _on_subscription_removed(self, data: dict[str, Any]) -> None:
        await self._scheduler.subscription_removed(int(data["channel_id"]))

    async def _refresh(self) -> None:
        if self._languages is not None:
            await self._languages.refresh()
