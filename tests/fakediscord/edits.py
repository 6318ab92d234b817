"""Discord's limits on editing messages that readers have had for a while.

Discord lets a channel's old messages (older than an hour) be edited only so often, and a
published (crossposted) message of an announcement channel only so often, since every
following server's copy is edited too. Past either, it answers the edit with a 429 whose
body carries a JSON error code (30046 "Maximum number of edits to messages older than 1 hour
reached. Try again later", 20022 "This message cannot be edited due to announcement rate
limits") next to the usual ``retry_after`` and ``global`` (the ``code`` of Discord's rate
limit response structure, "an error code for some limits"). The edit is not made.

Discord does not publish the numbers, so both limits are off by default, like the fake's
other rate limits, and tests set them: ``fake.edit_limits.configure(old_limit=2)``. A test
ages a message with ``fake.edit_limits.age(message, seconds)`` instead of waiting an hour.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from aiohttp import web

from .limits import ERRORS
from .model import CROSSPOSTED, Message

OLD_EDITS = 30046
PUBLISHED_EDITS = 20022


@dataclass
class EditLimits:
    """Per channel: at most ``old_limit`` edits of messages older than ``old_age`` seconds,
    and at most ``published_limit`` edits of published messages, in any ``window`` seconds.
    ``None``: no limit. ``refused`` counts the edits refused, by error code."""

    old_limit: int | None = None
    published_limit: int | None = None
    old_age: float = 3600.0
    window: float = 3600.0
    retry_after: float | None = None  # the wait Discord names; None: until the window frees
    refused: dict[int, int] = field(default_factory=dict)
    _old: dict[int, list[float]] = field(default_factory=dict)
    _published: dict[int, list[float]] = field(default_factory=dict)

    def configure(
        self,
        *,
        old_limit: int | None = None,
        published_limit: int | None = None,
        old_age: float | None = None,
        window: float | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Set the limits (those not named are switched off) and forget earlier edits."""
        self.old_limit = old_limit
        self.retry_after = retry_after
        self.published_limit = published_limit
        if old_age is not None:
            self.old_age = old_age
        if window is not None:
            self.window = window
        self._old.clear()
        self._published.clear()
        self.refused.clear()

    @staticmethod
    def age(message: Message, seconds: float) -> None:
        """Make ``message`` as old as if it had been posted ``seconds`` earlier."""
        message.created_at -= seconds

    def check(self, message: Message) -> web.Response | None:
        """Count an edit of ``message``: Discord's refusal when it is past a limit, else None
        (the edit goes ahead and is counted)."""
        now = time.time()
        checks: list[tuple[int, dict[int, list[float]], int]] = []
        if message.flags & CROSSPOSTED and self.published_limit is not None:
            checks.append((PUBLISHED_EDITS, self._published, self.published_limit))
        if now - message.created_at > self.old_age and self.old_limit is not None:
            checks.append((OLD_EDITS, self._old, self.old_limit))
        for code, counts, limit in checks:
            recent = [t for t in counts.get(message.channel_id, []) if now - t < self.window]
            counts[message.channel_id] = recent
            if len(recent) >= limit:
                self.refused[code] = self.refused.get(code, 0) + 1
                frees = recent[0] + self.window - now if recent else self.window
                wait = self.retry_after if self.retry_after is not None else frees
                return self._refusal(code, round(wait, 3))
        for _code, counts, _limit in checks:
            counts[message.channel_id].append(now)
        return None

    @staticmethod
    def _refusal(code: int, wait: float) -> web.Response:
        body = {"message": ERRORS[code][1], "code": code, "retry_after": wait, "global": False}
        headers = {"Retry-After": str(int(wait) + 1), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
        # Exactly ``application/json``, as discord.py compares it verbatim (see server._json).
        return web.Response(
            body=json.dumps(body).encode(),
            status=429,
            headers={"Content-Type": "application/json", **headers},
        )
