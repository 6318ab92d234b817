"""Rate limits (Discord's headers and 429 bodies) and fault injection for the fake REST API.

Both are off by default so ordinary tests are fast; scheduling and fan-out tests switch them on.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ERRORS: dict[int, tuple[int, str]] = {
    # code: (http status, message), as Discord words them
    50001: (403, "Missing Access"),
    50013: (403, "Missing Permissions"),
    10003: (404, "Unknown Channel"),
    10004: (404, "Unknown Guild"),
    10007: (404, "Unknown Member"),
    10008: (404, "Unknown Message"),
    10011: (404, "Unknown Role"),
    10062: (404, "Unknown interaction"),
    10015: (404, "Unknown Webhook"),
    40060: (400, "Interaction has already been acknowledged."),
    50006: (400, "Cannot send an empty message"),
    50035: (400, "Invalid Form Body"),
    50008: (400, "Cannot send messages in a non-text channel"),
    50083: (400, "Thread is archived"),
    40067: (400, "A tag is required to create a forum post in this channel"),
    160004: (400, "A thread has already been created for this message"),
    40033: (400, "This message has already been crossposted"),
    50068: (400, "Invalid message type"),
    # Edit limits: a 429 whose rate-limit body carries the code (see edits.py).
    30046: (429, "Maximum number of edits to messages older than 1 hour reached. Try again later"),
    20022: (429, "This message cannot be edited due to announcement rate limits"),
}


def error_body(code: int, message: str | None = None, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message or ERRORS.get(code, (0, "Error"))[1], "code": code}
    if errors:
        body["errors"] = errors
    return body


@dataclass
class Fault:
    """One injected failure. Matches requests by channel id, route template and/or method.

    ``route`` is the template the fake registered, without the ``/api/v10`` prefix, e.g.
    ``"/channels/{channel_id}/messages"``. ``times=None`` means every matching request.
    ``status=None`` with a ``delay`` gives a slow but successful response.
    """

    status: int | None = None
    code: int | None = None
    channel_id: int | None = None
    route: str | None = None
    method: str | None = None
    delay: float = 0.0
    times: int | None = None
    retry_after: float = 0.25
    is_global: bool = False
    delay_response: float = 0.0  # done at once, answered this much later
    hits: int = 0
    injector: FaultInjector | None = field(default=None, repr=False)

    def matches(self, method: str, route: str, channel_id: int | None) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.route is not None and self.route != route:
            return False
        return not (self.channel_id is not None and self.channel_id != channel_id)

    def remove(self) -> None:
        if self.injector is not None and self in self.injector.faults:
            self.injector.faults.remove(self)


class FaultInjector:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        fault.injector = self
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def match(self, method: str, route: str, channel_id: int | None) -> list[Fault]:
        return [f for f in self.faults if f.matches(method, route, channel_id)]


@dataclass
class _Bucket:
    limit: int
    window: float
    remaining: int = 0
    reset_at: float = 0.0

    def take(self, now: float) -> float:
        """Consume one request; returns 0 when allowed, else seconds until the reset."""
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = now + self.window
        if self.remaining <= 0:
            return self.reset_at - now
        self.remaining -= 1
        return 0.0


MESSAGE_ROUTE = "/channels/{channel_id}/messages"
_UNLIMITED_PREFIXES = ("/interactions/", "/webhooks/")


class RateLimiter:
    """Discord's limits, simplified: 5 messages per 5 s per channel, 50 requests/s globally.

    Interaction callbacks and webhook follow-ups are exempt from the global limit, as on Discord.
    ``hits`` counts 429 responses by kind: ``"global"``, ``"user"`` (a route bucket) and
    ``"injected"`` (from a :class:`Fault` with status 429).
    """

    def __init__(self) -> None:
        self.enabled = False
        self.message_limit = 5
        self.message_window = 5.0
        self.global_limit = 50
        self.global_window = 1.0
        self.hits: Counter[str] = Counter()
        self._buckets: dict[tuple[str, int | None], _Bucket] = {}
        self._global = _Bucket(self.global_limit, self.global_window)

    def configure(
        self,
        *,
        enabled: bool = True,
        message_limit: int | None = None,
        message_window: float | None = None,
        global_limit: int | None = None,
        global_window: float | None = None,
    ) -> None:
        self.enabled = enabled
        if message_limit is not None:
            self.message_limit = message_limit
        if message_window is not None:
            self.message_window = message_window
        if global_limit is not None:
            self.global_limit = global_limit
        if global_window is not None:
            self.global_window = global_window
        self._buckets.clear()
        self._global = _Bucket(self.global_limit, self.global_window)

    @staticmethod
    def bucket_hash(route: str) -> str:
        return hashlib.sha1(route.encode()).hexdigest()[:16]

    def check(
        self, method: str, route: str, channel_id: int | None
    ) -> tuple[dict[str, str], dict[str, Any] | None]:
        """Returns (headers, body-of-a-429-or-None) for one request."""
        if not self.enabled:
            return {}, None
        now = time.time()
        if not route.startswith(_UNLIMITED_PREFIXES):
            wait = self._global.take(now)
            if wait > 0:
                self.hits["global"] += 1
                headers = {
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Retry-After": f"{wait:.3f}",
                }
                return headers, {
                    "message": "You are being rate limited.",
                    "retry_after": round(wait, 3),
                    "global": True,
                }
        if method == "POST" and route == MESSAGE_ROUTE:
            key = (route, channel_id)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.message_limit, self.message_window)
            wait = bucket.take(now)
            headers = {
                "X-RateLimit-Limit": str(bucket.limit),
                "X-RateLimit-Remaining": str(max(bucket.remaining, 0)),
                "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
                "X-RateLimit-Reset-After": f"{max(bucket.reset_at - now, 0):.3f}",
                "X-RateLimit-Bucket": self.bucket_hash(route),
            }
            if wait > 0:
                self.hits["user"] += 1
                headers["X-RateLimit-Scope"] = "user"
                headers["Retry-After"] = f"{wait:.3f}"
                return headers, {
                    "message": "You are being rate limited.",
                    "retry_after": round(wait, 3),
                    "global": False,
                }
            return headers, None
        return {}, None
