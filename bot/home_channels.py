"""The start-up check of follow mode's home channels (``[follow] channels``).

A home channel that is gone, is not an announcement channel, or where the bot may not post
fails at every briefing, and every channel following it gets nothing; the engine would
retry each post and pause the channel only after failures, with Discord's bare error. So
once the gateway is ready, on the dispatcher, each home channel is checked: a problem is
logged as an error naming its ``[follow] channels.<topic>`` key and its home subscription
is paused with that reason; a channel paused so that passes the check again (the operator
fixed it and restarted) is resumed. The check does no Discord I/O itself: a
``HomeChannelReader`` does (``bot.discord_follower.DiscordHomeChannels``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.config import FollowConfig
from bot.delivery.sender import DeliveryError
from bot.models import Subscription

log = logging.getLogger(__name__)

ANNOUNCEMENT = 5  # Discord's channel type of an announcement (news) channel
CHECK_PREFIX = "[follow] channels."  # every pause reason of this check starts so
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class HomeChannelState:
    """What Discord says of a home channel, as far as the bot can tell."""

    found: bool  # False: Discord knows no such channel (deleted, or a wrong id)
    visible: bool = True  # False: the bot cannot see it (not in that server, or no View Channel)
    channel_type: int | None = None
    guild_id: int | None = None
    missing: tuple[str, ...] = ()  # permissions the bot lacks there, as Discord names them
    permissions_checked: bool = True  # False: its server is not in this process's cache


class HomeChannelReader(Protocol):
    async def read(self, channel_id: int) -> HomeChannelState:
        """The channel's state; ``DeliveryError`` when Discord could not be asked."""
        ...


class HomeStore(Protocol):
    """What the check needs of storage."""

    async def get_subscription(self, channel_id: int) -> Subscription | None: ...

    async def pause_channel(self, channel_id: int, reason: str) -> Subscription | None: ...

    async def set_pause(
        self, channel_id: int, reason: str | None, *, now: datetime | None = None
    ) -> Subscription | None: ...


def config_key(topic: str) -> str:
    """The channel's key in the config file, as the operator wrote it (quoted if need be)."""
    return f"{CHECK_PREFIX}{topic}" if _BARE_KEY.fullmatch(topic) else f'{CHECK_PREFIX}"{topic}"'


def problem_of(state: HomeChannelState, home_guild: int | None) -> str | None:
    """What is wrong with a home channel for follow mode, in a sentence; None if nothing."""
    if not state.found:
        return "no such channel (deleted, or a wrong id)"
    if not state.visible:
        return "the bot cannot see it (it is not in that server, or lacks View Channel there)"
    if home_guild is not None and state.guild_id is not None and state.guild_id != home_guild:
        return f"it is in server {state.guild_id}, not in [follow] home_guild {home_guild}"
    if state.channel_type != ANNOUNCEMENT:
        return f"not an announcement channel (type {state.channel_type}): posts there cannot be published"
    if state.missing:
        return "the bot lacks " + ", ".join(state.missing) + " there"
    return None


@dataclass(frozen=True, slots=True)
class HomeProblem:
    topic: str
    channel_id: int
    problem: str

    @property
    def reason(self) -> str:
        """The pause reason: names the config key, so the operator knows what to fix."""
        return f"{config_key(self.topic)} (channel {self.channel_id}): {self.problem}"


class HomeChannelCheck:
    """The dispatcher's duty: check the home channels once the gateway is ready."""

    def __init__(
        self,
        config: FollowConfig,
        reader: HomeChannelReader,
        store: HomeStore,
        wait_ready: Callable[[], Awaitable[None]],
    ) -> None:
        self._config = config
        self._reader = reader
        self._store = store
        self._wait_ready = wait_ready
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Check in the background: the dispatcher starts its duties before the gateway
        connects, and the bot's view of the home server comes with it."""
        if self._config.enabled:
            self._task = asyncio.create_task(self._run(), name="briefbot-home-channel-check")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        await self._wait_ready()
        try:
            await self.check()
        except Exception:  # a bug here must not take the dispatcher down; the posts will tell
            log.exception("the check of the [follow] home channels failed")

    async def check(self) -> list[HomeProblem]:
        """Check each home channel: log and pause the broken ones, resume the mended ones."""
        problems = []
        for topic, channel_id in self._config.channels:
            try:
                state = await self._reader.read(channel_id)
            except DeliveryError as exc:
                log.warning("could not check %s (channel %d): %s", config_key(topic), channel_id, exc)
                continue
            problem = problem_of(state, self._config.home_guild)
            if problem is None:
                if not state.permissions_checked:
                    log.info(
                        "%s (channel %d): its permissions are not checked here (its server is on "
                        "another process's shards)",
                        config_key(topic),
                        channel_id,
                    )
                await self._resume(topic, channel_id)
                continue
            found = HomeProblem(topic, channel_id, problem)
            problems.append(found)
            log.error(
                "follow mode: %s; its briefings are paused, and the channels following it get "
                "nothing, until it is fixed and the bot restarted",
                found.reason,
            )
            await self._pause(found)
        return problems

    async def _pause(self, found: HomeProblem) -> None:
        sub = await self._store.get_subscription(found.channel_id)
        if sub is None or sub.paused_by_hand or sub.paused_reason == found.reason:
            return  # paused already: by a manager's choice, or by this very check
        await self._store.pause_channel(found.channel_id, found.reason)

    async def _resume(self, topic: str, channel_id: int) -> None:
        sub = await self._store.get_subscription(channel_id)
        if sub is None or not (sub.paused_reason or "").startswith(CHECK_PREFIX):
            return  # not paused by this check: whoever paused it decides
        await self._store.set_pause(channel_id, None)
        log.info(
            "follow mode: %s (channel %d) passes the check again: resumed", config_key(topic), channel_id
        )
