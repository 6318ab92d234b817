"""Point discord.py at a fake Discord, in this process only.

discord.py reaches REST through the class attribute ``discord.http.Route.BASE`` (webhooks and
interaction callbacks use the same ``Route``) and the gateway through the URL that
GET /gateway/bot returns, falling back to ``DiscordWebSocket.DEFAULT_GATEWAY`` (a plain
``Client`` always uses it, and every client does after an INVALID_SESSION). Those two class
attributes are all that needs changing; production code never sees the fake.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import aiohttp
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

API_PATH = "/api/v10"
PROCESS_HEADER = "X-Fake-Process"


def apply(base_url: str) -> tuple[str, yarl.URL]:
    """Patch discord.py to use the fake at ``base_url``; returns the previous values."""
    base_url = base_url.rstrip("/")
    previous = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = base_url + API_PATH
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base_url.replace("http://", "ws://", 1) + "/gateway")
    return previous


def tag_process() -> None:
    """Send this process's pid with every request aiohttp makes here (REST, interaction
    callbacks and the gateway alike, as the ``X-Fake-Process`` header), so the fake can tell
    which of several launched bot processes made it (``RequestRecord.process``,
    ``Message.process``, ``GatewaySession.process``)."""
    original = aiohttp.ClientSession.__init__
    if getattr(original, "tags_process", False):
        return

    def init(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        headers = dict(kwargs.pop("headers", None) or {})
        headers[PROCESS_HEADER] = str(os.getpid())
        original(self, *args, headers=headers, **kwargs)

    init.tags_process = True  # type: ignore[attr-defined]
    aiohttp.ClientSession.__init__ = init  # type: ignore[method-assign]


def restore(previous: tuple[str, yarl.URL]) -> None:
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = previous


@contextlib.contextmanager
def pointed_at(base_url: str) -> Iterator[None]:
    """``with pointed_at(fake.base_url): ...``: discord.py talks to the fake inside the block."""
    previous = apply(base_url)
    try:
        yield
    finally:
        restore(previous)
