"""The subscription service: who may subscribe which channel to what, and what happens next.

The cog turns an interaction into a ``SubscribeRequest`` (after the Discord-side checks
only it can make: the channel exists in this server and the bot can post there); the
rules live here: validating the schedule, keeping a subscription's starting point and
creation time when it is changed or resumed, rescheduling it at once, and refusing to
touch another server's channels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.config import ScheduleConfig
from bot.errors import PermissionDeniedError, UserFacingError
from bot.i18n import N_
from bot.models import ScheduleKind, Subscription
from bot.timetable import ScheduleOptions, next_run, parse_schedule_options
from storage import Storage

log = logging.getLogger(__name__)

MAX_FILTER_ITEMS = 20


class Rescheduler(Protocol):
    """What the service needs of the scheduler (``BriefingScheduler``)."""

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None: ...

    async def subscription_removed(self, channel_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """What a manager asked for, as typed (the service validates it)."""

    channel_id: int
    guild_id: int
    schedule: str = "instant"
    time: str | None = None
    timezone: str | None = None
    day: int | str | None = None
    topics: str | None = None
    keywords: str | None = None
    role_id: int | None = None
    alerts_channel_id: int | None = None
    backfill: int = 0


@dataclass(frozen=True, slots=True)
class SubscribeOutcome:
    subscription: Subscription
    verb: str  # "Subscribed" | "Updated" | "Resumed and updated"
    next_digest: datetime | None


def split_list(text: str | None) -> tuple[str, ...]:
    """``"Energy, EU, energy"`` -> ``("energy", "eu")``: folded, deduplicated, at most 20."""
    if not text:
        return ()
    seen: dict[str, None] = {}
    for part in text.split(","):
        item = " ".join(part.split())
        if item:
            seen[item.casefold()] = None
    return tuple(seen)[:MAX_FILTER_ITEMS]


class SubscriptionDesk:
    """Subscribe, unsubscribe and list, for one server at a time."""

    def __init__(
        self, storage: Storage, scheduler: Rescheduler, config: ScheduleConfig, clock: Clock
    ) -> None:
        self._storage = storage
        self._scheduler = scheduler
        self._config = config
        self._clock = clock

    def check(self, request: SubscribeRequest) -> ScheduleOptions:
        """The request's schedule, validated; a ``UserFacingError`` naming what is wrong.
        Cheap and without I/O, so a command can answer a typo before it defers."""
        return parse_schedule_options(
            request.schedule, request.time, request.timezone, request.day, self._config.default_timezone
        )

    async def subscribe(self, request: SubscribeRequest) -> SubscribeOutcome:
        """Create or change a channel's subscription (resuming it if paused) and
        reschedule it now; ``backfill`` newest briefings are posted at once."""
        options = self.check(request)
        existing = await self._storage.get_subscription(request.channel_id)
        if existing is not None and existing.guild_id != request.guild_id:
            raise PermissionDeniedError(N_("You can only manage channels of this server."))
        sub = Subscription(
            channel_id=request.channel_id,
            guild_id=request.guild_id,
            schedule=options.schedule,
            time=options.time,
            weekday=options.weekday,
            timezone=options.timezone,
            topics=split_list(request.topics),
            keywords=split_list(request.keywords),
            role_id=request.role_id,
            alerts_channel_id=request.alerts_channel_id,
            since_briefing_id=(
                existing.since_briefing_id if existing else await self._storage.max_briefing_id()
            ),
        )
        if existing is not None:
            sub = replace(sub, created_at=existing.created_at)
        stored = await self._storage.upsert_subscription(sub)
        await self._scheduler.subscription_changed(stored.channel_id, backfill=request.backfill)
        verb = "Subscribed"
        if existing is not None:
            verb = "Resumed and updated" if existing.paused_reason else "Updated"
        next_digest = None
        if stored.schedule is not ScheduleKind.INSTANT:
            next_digest = next_run(stored, self._clock.now())
        log.info(
            "channel %d subscribed (%s) in guild %d", stored.channel_id, stored.schedule, stored.guild_id
        )
        return SubscribeOutcome(stored, verb, next_digest)

    async def unsubscribe(self, channel_id: int, guild_id: int) -> None:
        """Stop posting to a channel of this server; an error if it has no subscription."""
        existing = await self._storage.get_subscription(channel_id)
        if existing is not None and existing.guild_id != guild_id:
            raise PermissionDeniedError(N_("You can only manage channels of this server."))
        if existing is None or not await self._storage.delete_subscription(channel_id):
            raise UserFacingError(N_("{channel} has no subscription.", channel=f"<#{channel_id}>"))
        await self._scheduler.subscription_removed(channel_id)
        log.info("channel %d unsubscribed in guild %d", channel_id, guild_id)

    async def of_guild(self, guild_id: int) -> list[Subscription]:
        """This server's subscriptions; an error saying how to start when there are none."""
        subs = await self._storage.subscriptions(guild_id=guild_id)
        if not subs:
            raise UserFacingError(N_("No channel here is subscribed yet: use /subscribe."))
        return subs

    def next_digest(self, sub: Subscription) -> datetime | None:
        """When an active digest subscription runs next; ``None`` for instant or paused."""
        if sub.paused_reason or sub.schedule is ScheduleKind.INSTANT:
            return None
        return next_run(sub, self._clock.now())
