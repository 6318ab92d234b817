"""The invalid-request budget: stop posting well before Discord bans the bot's address.

Discord bans an IP address for an hour once it has made 10,000 invalid requests (401, 403,
and 429 other than those with ``X-RateLimit-Scope: shared``) in 10 minutes. A fan-out to many
channels the bot has lost access to can get there, so the process that sends counts them
over a rolling window and, at half of Discord's limit, stops posting until a whole window
has passed: deliveries stay pending (nothing is lost; the next run sends them). A warning is
logged once when it stops and once when it resumes.

The count comes from every HTTP response the client's session gets (``trace_config()`` as
discord.py's ``http_trace``), so the 429s discord.py retries by itself count too. Discord
counts per address, so each process reports its count with its heartbeat and the budget
adds those of the other processes on its host (``set_neighbours``; a process that died
within the window counts with its last report, one that stopped cleanly no longer does).
The state is written to the store's meta now and then for ``briefbot status``, which runs
in another process.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Protocol

import aiohttp

from bot.clock import Clock
from storage import constants

log = logging.getLogger(__name__)

DISCORD_LIMIT = 10_000  # invalid requests per address in WINDOW_SECONDS, then a ban for an hour
STOP_AT = DISCORD_LIMIT // 2
WINDOW_SECONDS = 600.0
META_KEY = constants.META_INVALID_REQUESTS  # the last state written, for ``briefbot status``
WRITE_EVERY_SECONDS = 30.0  # how often a changed count is written (a stop or resume: at once)
SHARED_SCOPE = "shared"  # a 429 of a limit shared by every app (a channel's): not counted


def is_invalid(status: int, scope: str | None) -> bool:
    """Whether Discord counts a response towards its invalid-request ban."""
    return status in (401, 403) or (status == 429 and (scope or "").lower() != SHARED_SCOPE)


class MetaStore(Protocol):
    async def get_meta(self, key: str) -> str | None: ...

    async def set_meta(self, key: str, value: str) -> None: ...


@dataclass(frozen=True, slots=True)
class BudgetState:
    """What ``briefbot status`` shows: the invalid requests from the posting process's host
    in the last window, as of ``at``, and whether posting is stopped (until ``until``)."""

    count: int
    threshold: int
    stopped: bool
    at: datetime
    until: datetime | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        data["until"] = self.until.isoformat() if self.until else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | None) -> BudgetState | None:
        """The state as written, or None when none was (or it cannot be read)."""
        if not text:
            return None
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                count=int(data["count"]),
                threshold=int(data["threshold"]),
                stopped=bool(data["stopped"]),
                at=datetime.fromisoformat(data["at"]),
                until=datetime.fromisoformat(data["until"]) if data.get("until") else None,
            )
        except (ValueError, KeyError, TypeError):
            return None


class InvalidRequestBudget:
    """Counts invalid requests over a rolling window and says whether posting may go on.

    ``threshold`` and ``window`` are Discord's half and window; tests lower them."""

    def __init__(self, clock: Clock, *, threshold: int = STOP_AT, window: float = WINDOW_SECONDS) -> None:
        self._clock = clock
        self.threshold = threshold
        self._window = window
        self._seconds: deque[list[int]] = deque()  # [whole monotonic second, count], oldest first
        self._count = 0
        self._stopped_until: float | None = None
        self._written: tuple[int, bool] | None = None
        self._written_at = float("-inf")
        self._neighbours = 0  # the other processes' on this host, as of their last beats

    # -- counting ------------------------------------------------------------------

    def record(self, status: int, scope: str | None = None) -> None:
        """One response from Discord."""
        if not is_invalid(status, scope):
            return
        second = int(self._clock.monotonic())
        if self._seconds and self._seconds[-1][0] == second:
            self._seconds[-1][1] += 1
        else:
            self._seconds.append([second, 1])
        self._count += 1

    @property
    def count(self) -> int:
        """This process's invalid requests in the last window."""
        horizon = self._clock.monotonic() - self._window
        while self._seconds and self._seconds[0][0] <= horizon:
            self._count -= self._seconds.popleft()[1]
        return self._count

    def set_neighbours(self, count: int) -> None:
        """The invalid requests the other processes on this host reported in their last
        window: Discord adds them to this process's, since it bans the address."""
        self._neighbours = max(count, 0)

    @property
    def total(self) -> int:
        """Invalid requests from this host in the last window, as far as this process knows."""
        return self.count + self._neighbours

    def trace_config(self) -> aiohttp.TraceConfig:
        """For discord.py's ``http_trace``: counts every response the client gets."""
        trace = aiohttp.TraceConfig()

        async def on_request_end(
            _session: aiohttp.ClientSession, _context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
        ) -> None:
            response = params.response
            self.record(response.status, response.headers.get("X-RateLimit-Scope"))

        trace.on_request_end.append(on_request_end)
        return trace

    # -- deciding --------------------------------------------------------------------

    def stopped(self) -> bool:
        """Whether posting is stopped: from the moment the count reaches the threshold until
        a whole window has passed (and longer while the count is still that high)."""
        now = self._clock.monotonic()
        count = self.total
        if self._stopped_until is not None:
            if now < self._stopped_until or count >= self.threshold:
                return True
            self._stopped_until = None
            log.warning(
                "invalid requests down to %d in the last %.0f s: posting resumes", count, self._window
            )
            return False
        if count >= self.threshold:
            self._stopped_until = now + self._window
            log.warning(
                "%d invalid requests (401, 403, 429) from this host in the last %.0f s (%d by this "
                "process), half of what gets the address banned by Discord: posting stops for %.0f s; "
                "deliveries stay pending",
                count,
                self._window,
                self.count,
                self._window,
            )
            return True
        return False

    def state(self) -> BudgetState:
        stopped = self.stopped()
        now = self._clock.now()
        until = None
        if self._stopped_until is not None:
            until = now + timedelta(seconds=max(self._stopped_until - self._clock.monotonic(), 0.0))
        return BudgetState(self.total, self.threshold, stopped, now, until)

    async def may_send(self, store: MetaStore) -> bool:
        """Whether a post may go now; writes the state for ``briefbot status`` when it changed
        (a stop or a resume at once, a new count at most every ``WRITE_EVERY_SECONDS``)."""
        state = self.state()
        key = (state.count, state.stopped)
        flipped = self._written is None or self._written[1] != state.stopped
        due = self._clock.monotonic() - self._written_at >= WRITE_EVERY_SECONDS
        if key != self._written and (flipped or due):
            self._written, self._written_at = key, self._clock.monotonic()
            try:
                await store.set_meta(META_KEY, state.to_json())
            except Exception:
                log.exception("could not record the invalid-request count")
        return not state.stopped


def describe(state: BudgetState | None) -> str:
    """The status line for ``briefbot status``."""
    if state is None:
        return "invalid requests: not recorded yet (written by the process that posts)"
    line = f"invalid requests: {state.count} in the last 10 minutes (as of {state.at:%Y-%m-%d %H:%M:%S} UTC)"
    if state.stopped:
        until = f" until {state.until:%H:%M:%S} UTC" if state.until else ""
        return f"{line}; POSTING STOPPED{until}: at {state.threshold}, half of Discord's ban limit"
    return f"{line}; posting stops at {state.threshold}"
