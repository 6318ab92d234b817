"""Pacing requests below Discord's global and per-channel rate limits."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.clock import Clock

_MIN_WAIT = 0.001  # never spin on a rounding error
_CATCH_UP = 0.75  # closest two requests may follow each other, in spacings
_REACH_CAP = 0.3  # a slow answer says the request reached Discord at most this long after it went


@dataclass(slots=True)
class Sent:
    """One request in the global window: ``at`` is the latest it may have reached
    Discord (``_REACH_CAP`` after it went; when its answer came, once ``done``)."""

    went: float
    at: float


class RateLimiter:
    """Paces requests below Discord's limits before discord.py's own handling is needed.

    Globally, requests go evenly ``per_second`` a second (49: 98% of Discord's 50), and
    never more than ``window_limit`` (50) within one second of each other, counted from
    the latest moment each may have reached Discord. Per channel, at most
    ``per_channel`` messages per ``channel_window`` seconds. A channel waiting for its
    own window takes no global slot, so it never holds up other channels.

    Discord counts its global 50/s per window, so a burst allowance would let more than
    50 requests into one second. Requests are spaced evenly on a grid of planned times,
    not from the moment the last one actually went, so timer slack on one wake-up does
    not push every later request back.

    A request delayed on its way (an event-loop stall, a garbage-collector pass) can
    reach Discord in the same second as the requests after it. So the window counts a
    request from when its answer came back (it cannot have reached Discord later than
    that; ``slot`` and ``done`` report it), capped at ``_REACH_CAP`` after it went so
    that one slow answer does not hold up everyone. Request ``n + window_limit`` then
    goes at least a second after request ``n`` arrived, so no second of Discord's can
    hold more than ``window_limit``, whatever the jitter. The designs this replaced and
    what they measured are in BENCHMARKS.md ("Fixes made").
    """

    def __init__(
        self,
        clock: Clock,
        *,
        per_second: int = 49,
        window_limit: int | None = None,
        per_channel: int = 5,
        channel_window: float = 5.0,
    ) -> None:
        self._clock = clock
        self._window_limit = window_limit if window_limit is not None else per_second + 1
        self._sent: deque[Sent] = deque()
        self._spacing = 1.0 / per_second
        self._next_slot = float("-inf")  # planned time of the next request
        self._per_channel = per_channel
        self._window = channel_window
        self._recent: dict[int, deque[float]] = {}
        self._acquired = 0
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def slot(self, channel_id: int) -> AsyncIterator[None]:
        """Wait for a slot, make the request inside, and say when its answer came."""
        sent = await self.acquire(channel_id)
        try:
            yield
        finally:
            self.done(sent)

    def done(self, sent: Sent) -> None:
        """The request's answer (or error) came back: it reached Discord by now."""
        sent.at = min(self._clock.monotonic(), sent.at)

    async def acquire(self, channel_id: int) -> Sent:
        """Wait until a request to this channel may go. Call ``done`` with the result
        when its answer comes (``slot`` does both); until then it counts as reaching
        Discord as late as it could."""
        recent = self._recent.setdefault(channel_id, deque())
        while True:  # the channel's own window first: waiting here holds no one else up
            now = self._clock.monotonic()
            while recent and recent[0] <= now - self._window:
                recent.popleft()
            if len(recent) < self._per_channel:
                break
            await self._clock.sleep(max(recent[0] + self._window - now, _MIN_WAIT))
        # Then the global window, one waiter at a time in arrival order: with thousands
        # of channels waiting, waking them all for every free slot (a thundering herd)
        # cost more CPU than the sends and halved fan-out throughput at 10k channels.
        async with self._turn:
            while True:
                now = self._clock.monotonic()
                while self._sent and self._sent[0].at <= now - 1.0:
                    self._sent.popleft()
                planned = self._next_slot
                if len(self._sent) >= self._window_limit:  # else it cannot be full
                    within = sorted(r.at for r in self._sent if r.at > now - 1.0)
                    if len(within) >= self._window_limit:
                        planned = max(planned, within[len(within) - self._window_limit] + 1.0)
                if now >= planned:
                    break
                await self._clock.sleep(max(planned - now, _MIN_WAIT))
            sent = Sent(now, now + _REACH_CAP)
            self._sent.append(sent)
            # The next slot is one spacing after this one was planned, so timer slack
            # is not lost; but at least 3/4 of a spacing after this one actually went:
            # after a pause (or a slow loop) requests catch up only a little.
            self._next_slot = max(planned + self._spacing, now + self._spacing * _CATCH_UP)
        # _forget_idle may have dropped this channel's (then idle) window meanwhile.
        self._recent.setdefault(channel_id, recent).append(now)
        self._acquired += 1
        if self._acquired % 1000 == 0:
            self._forget_idle(now)
        return sent

    def _forget_idle(self, now: float) -> None:
        for channel_id in [c for c, r in self._recent.items() if not r or r[-1] <= now - self._window]:
            del self._recent[channel_id]
