"""The subscription service: who may subscribe which channel to what, and what happens next.

The cog turns an interaction into a ``SubscribeRequest`` or a call here (after the
Discord-side checks only it can make: the channel exists in this server, the bot can post
there, the bot can hand out a role); the rules live here: validating the schedule, the
filters and the hourly cap, keeping a subscription's starting point, creation time, topic
roles and history when it is changed, paused, resumed or moved, rescheduling it at once,
explaining its deliveries, and refusing to touch another server's channels.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, Protocol

from bot.branding import Branding
from bot.branding import check_options as check_webhook_options
from bot.clock import Clock
from bot.config import ScheduleConfig
from bot.delivery.engine import PostedTest
from bot.delivery.sender import ChannelGone, DeliveryError, NoAccess
from bot.delivery.status import ChannelLog, read_channel_log
from bot.errors import PermissionDeniedError, UserFacingError
from bot.i18n import N_
from bot.models import ScheduleKind, Subscription
from bot.timetable import ScheduleOptions, next_run, parse_schedule_options
from storage import Storage

log = logging.getLogger(__name__)

MAX_FILTER_ITEMS = 20
MAX_TOPIC_ROLES = 25  # a subscription's topic roles; a panel shows at most 25 buttons too
MAX_TOPIC_LENGTH = 80  # a topic in a button's custom id (Discord allows 100 characters)
MAX_PER_HOUR = 60
MANUAL_PAUSE = "paused by a manager"  # the stored reason of a pause by hand (shown by who and when)
OTHER_SERVER = N_("You can only manage channels of this server.")
_BRIEFING_ID = re.compile(r"^\s*#?(\d+)\s*$")


class Rescheduler(Protocol):
    """What the service needs of the scheduler (``BriefingScheduler``)."""

    async def subscription_changed(self, channel_id: int, *, backfill: int = 0) -> None: ...

    async def subscription_removed(self, channel_id: int) -> None: ...


class SamplePoster(Protocol):
    """What the service needs of the delivery engine for ``/subscriptions test``."""

    async def test_post(self, channel_id: int) -> PostedTest | None: ...


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
    exclude_topics: str | None = None
    exclude_keywords: str | None = None
    per_hour: int | None = None
    thread: bool = False  # a discussion thread on each post
    thread_archive: int | None = None  # minutes without a message before it is archived
    publish: bool = False  # announcement channels: publish each post to following servers
    forum: bool = False  # the channel is a forum (or media) channel: posts are threads
    webhook: bool = False  # post through a webhook the bot makes there (bot.branding)
    webhook_name: str | None = None  # the name its posts show
    webhook_avatar: str | None = None  # an https URL of their avatar
    style: str | None = None  # "embed" or "card" (``STYLES``); None: the operator's setting
    create_tags: bool = False  # a forum: create the tags its posts' topics name (Manage Channels)


THREAD_ARCHIVE_MINUTES = (60, 1440, 4320, 10080)  # what Discord allows
# ``/subscribe ... style``: what a manager types, and how the channel's posts then look.
STYLES: dict[str, Literal["embed", "components"]] = {"embed": "embed", "card": "components"}
DEFAULT_THREAD_ARCHIVE = 1440


@dataclass(frozen=True, slots=True)
class SubscribeOutcome:
    subscription: Subscription
    verb: str  # "Subscribed" | "Updated" | "Resumed and updated"
    next_digest: datetime | None


@dataclass(frozen=True, slots=True)
class TopicRoleOutcome:
    """A topic's role set (``role_id``) or cleared (None) on a subscription."""

    subscription: Subscription
    topic: str
    role_id: int | None


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


def fold_topic(text: str) -> str:
    """A topic as subscriptions store it: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


class SubscriptionDesk:
    """Subscribe, unsubscribe, list, and the controls of ``/subscriptions``, one server at a time."""

    def __init__(
        self,
        storage: Storage,
        scheduler: Rescheduler,
        config: ScheduleConfig,
        clock: Clock,
        *,
        poster: SamplePoster | None = None,
        branding: Branding | None = None,
    ) -> None:
        self._storage = storage
        self._scheduler = scheduler
        self._config = config
        self._clock = clock
        self._poster = poster
        self._branding = branding

    # -- subscribing ------------------------------------------------------------------

    def check(self, request: SubscribeRequest) -> ScheduleOptions:
        """The request's schedule, validated; a ``UserFacingError`` naming what is wrong.
        Cheap and without I/O, so a command can answer a typo before it defers."""
        options = parse_schedule_options(
            request.schedule, request.time, request.timezone, request.day, self._config.default_timezone
        )
        if request.per_hour and options.schedule is not ScheduleKind.INSTANT:
            raise UserFacingError(
                N_(
                    "per_hour only applies to instant schedules, not {schedule}: a digest is one post anyway",
                    schedule=options.schedule.value,
                )
            )
        if request.per_hour is not None and not 0 <= request.per_hour <= MAX_PER_HOUR:
            raise UserFacingError(N_("per_hour must be between 1 and {most}", most=MAX_PER_HOUR))
        if request.thread_archive is not None and request.thread_archive not in THREAD_ARCHIVE_MINUTES:
            raise UserFacingError(
                N_(
                    "thread_archive must be one of {choices} minutes",
                    choices=", ".join(str(m) for m in THREAD_ARCHIVE_MINUTES),
                )
            )
        if request.style is not None and request.style not in STYLES:
            raise UserFacingError(N_("style must be one of {choices}", choices=", ".join(STYLES)))
        if request.webhook and request.style == "card":
            raise UserFacingError(
                N_("Posts through a webhook are classic embeds: style:card does not go with webhook:true.")
            )
        check_webhook_options(
            wanted=request.webhook,
            name=request.webhook_name,
            avatar=request.webhook_avatar,
            forum=request.forum,
        )
        return options

    async def subscribe(self, request: SubscribeRequest) -> SubscribeOutcome:
        """Create or change a channel's subscription (resuming it if paused) and
        reschedule it now; ``backfill`` newest briefings are posted at once. Its topic roles
        and history are kept."""
        options = self.check(request)
        existing = await self._storage.get_subscription(request.channel_id)
        if existing is not None and existing.guild_id != request.guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
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
            exclude_topics=split_list(request.exclude_topics),
            exclude_keywords=split_list(request.exclude_keywords),
            max_per_hour=request.per_hour or 0,
            publish=request.publish,
            forum=request.forum,
            card_style=STYLES[request.style] if request.style is not None else None,
            create_tags=request.create_tags and request.forum,
            thread_archive_minutes=(
                request.thread_archive or DEFAULT_THREAD_ARCHIVE
                if request.thread or request.thread_archive
                else 0
            ),
        )
        if existing is not None:
            sub = replace(sub, created_at=existing.created_at, topic_roles=existing.topic_roles)
        # The webhook is made before anything is written (Discord may refuse it) and recorded
        # before the scheduler hears of the subscription (its first post goes through it).
        hook = None
        if request.webhook and self._branding is not None:
            hook = await self._branding.make(request.channel_id, request.webhook_name, request.webhook_avatar)
        stored = await self._storage.upsert_subscription(sub)
        if self._branding is not None:
            await self._branding.settle(stored.channel_id, hook)
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
            raise PermissionDeniedError(OTHER_SERVER)
        if existing is not None and self._branding is not None:
            await self._branding.drop(channel_id)  # the webhook the bot made there
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

    async def subscription(self, channel_id: int, guild_id: int) -> Subscription:
        """This server's subscription of a channel; an error if it has none or is another
        server's."""
        sub = await self._storage.get_subscription(channel_id)
        if sub is not None and sub.guild_id != guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
        if sub is None:
            raise UserFacingError(
                N_("{channel} has no subscription: use /subscribe first.", channel=f"<#{channel_id}>")
            )
        return sub

    # -- topic roles -----------------------------------------------------------------

    async def set_topic_role(
        self, channel_id: int, guild_id: int, topic: str, role_id: int | None
    ) -> TopicRoleOutcome:
        """Posts to this channel carrying ``topic`` mention ``role_id`` from now on (None: no
        longer mention anyone for it). The role is the cog's to check (this server's, not
        @everyone, not a bot's)."""
        sub = await self.subscription(channel_id, guild_id)
        folded = fold_topic(topic)
        if not folded or len(folded) > MAX_TOPIC_LENGTH:
            raise UserFacingError(N_("A topic is 1 to {most} characters long.", most=MAX_TOPIC_LENGTH))
        others = tuple((t, r) for t, r in sub.topic_roles if t != folded)
        if role_id is None:
            if len(others) == len(sub.topic_roles):
                raise UserFacingError(
                    N_(
                        "Posts to {channel} mention no role for '{topic}'.",
                        channel=f"<#{channel_id}>",
                        topic=folded,
                    )
                )
            mapping = others
        else:
            if len(others) >= MAX_TOPIC_ROLES:
                raise UserFacingError(
                    N_("A channel can mention roles for at most {most} topics.", most=MAX_TOPIC_ROLES)
                )
            mapping = (*others, (folded, role_id))
        stored = await self._storage.update_subscription(replace(sub, topic_roles=mapping))
        log.info("channel %d: topic role %s for %r", channel_id, role_id, folded)
        return TopicRoleOutcome(stored, folded, role_id)

    async def topic_roles(self, guild_id: int) -> dict[str, tuple[int, ...]]:
        """Each topic that some channel of this server pings a role for, and those roles,
        by topic."""
        found: dict[str, dict[int, None]] = {}
        for sub in await self._storage.subscriptions(guild_id=guild_id):
            for topic, role in sub.topic_roles:
                found.setdefault(topic, {})[role] = None
        return {topic: tuple(found[topic]) for topic in sorted(found)}

    async def roles_to_notify(self, guild_id: int, topic: str) -> tuple[int, ...]:
        """The roles that give a member the pings for ``topic`` in this server (``/notify``);
        an error naming the topics there are when none does."""
        mapping = await self.topic_roles(guild_id)
        roles = mapping.get(fold_topic(topic))
        if roles:
            return roles
        if mapping:
            raise UserFacingError(
                N_(
                    "No channel here pings anyone for '{topic}'. Topics you can choose: {topics}.",
                    topic=fold_topic(topic),
                    topics=", ".join(mapping),
                )
            )
        raise UserFacingError(
            N_(
                "No channel here pings anyone for a topic yet; a manager sets that up with "
                "/subscriptions ping."
            )
        )

    async def panel_topics(self, guild_id: int) -> list[str]:
        """The topics a panel offers buttons for (at most 25); an error when there are none."""
        mapping = await self.topic_roles(guild_id)
        if not mapping:
            raise UserFacingError(
                N_("No channel here pings a role for a topic yet: set one with /subscriptions ping first.")
            )
        return list(mapping)[:MAX_TOPIC_ROLES]

    # -- test posts and the delivery log -------------------------------------------------

    async def test_post(self, channel_id: int, guild_id: int) -> PostedTest:
        """Post the newest briefing this channel's filters pass, now, marked as a test, the
        way the channel gets its posts; nothing is recorded."""
        await self.subscription(channel_id, guild_id)
        if self._poster is None:
            raise RuntimeError("SubscriptionDesk was built without a poster for test posts")
        channel = f"<#{channel_id}>"
        try:
            posted = await self._poster.test_post(channel_id)
        except NoAccess as exc:
            raise UserFacingError(
                N_(
                    "I can't post in {channel} ({error}): I need View Channel, Send Messages and "
                    "Embed Links there.",
                    channel=channel,
                    error=str(exc),
                )
            ) from exc
        except ChannelGone as exc:
            raise UserFacingError(N_("{channel} no longer exists.", channel=channel)) from exc
        except DeliveryError as exc:
            raise UserFacingError(
                N_("Discord did not take the test post ({error}); try again.", error=str(exc))
            ) from exc
        if posted is None:
            raise UserFacingError(
                N_(
                    "No recent briefing passes the filters of {channel}, so there is nothing to test with.",
                    channel=channel,
                )
            )
        return posted

    async def log(self, channel_id: int, guild_id: int, briefing: str | None = None) -> ChannelLog:
        """The channel's last deliveries, and for ``briefing`` (an id, ``#id``, or words of
        its title) why it was or was not delivered there."""
        await self.subscription(channel_id, guild_id)
        briefing_id = await self._briefing_id(briefing) if briefing else None
        found = await read_channel_log(
            self._storage, channel_id, now=self._clock.now(), briefing_id=briefing_id
        )
        if found is None:  # unsubscribed meanwhile
            raise UserFacingError(N_("{channel} has no subscription.", channel=f"<#{channel_id}>"))
        if briefing is not None and found.briefing is None:
            raise UserFacingError(N_("No briefing matches '{reference}'.", reference=briefing.strip()[:100]))
        return found

    async def _briefing_id(self, reference: str) -> int | None:
        match = _BRIEFING_ID.match(reference)
        if match:
            return int(match.group(1))
        refs = await self._storage.titles_matching(reference, limit=1, now=self._clock.now())
        return refs[0].id if refs else None

    # -- pause, resume, move -------------------------------------------------------------

    async def pause(self, channel_id: int, guild_id: int, user_id: int) -> Subscription:
        """Stop posting to a channel until it is resumed; what is waiting stays waiting."""
        sub = await self.subscription(channel_id, guild_id)
        if sub.paused_reason:
            raise UserFacingError(N_("{channel} is already paused.", channel=f"<#{channel_id}>"))
        paused = await self._storage.set_pause(channel_id, MANUAL_PAUSE, now=self._clock.now())
        if paused is None:
            raise UserFacingError(N_("{channel} has no subscription.", channel=f"<#{channel_id}>"))
        await self._scheduler.subscription_changed(channel_id)
        log.info("channel %d paused by user %d", channel_id, user_id)
        return paused

    async def resume(self, channel_id: int, guild_id: int) -> Subscription:
        """Post to a paused channel again, whatever paused it: by hand or after failures."""
        sub = await self.subscription(channel_id, guild_id)
        if not sub.paused_reason:
            raise UserFacingError(N_("{channel} is not paused.", channel=f"<#{channel_id}>"))
        resumed = await self._storage.set_pause(channel_id, None)
        if resumed is None:
            raise UserFacingError(N_("{channel} has no subscription.", channel=f"<#{channel_id}>"))
        await self._scheduler.subscription_changed(channel_id)
        log.info("channel %d resumed", channel_id)
        return resumed

    async def move(
        self, from_channel_id: int, to_channel_id: int, guild_id: int, *, forum: bool = False
    ) -> Subscription:
        """Move a subscription to another channel of this server: settings and history kept,
        nothing it already delivered posted again. The cog checks ``to`` is this server's
        and the bot can post there."""
        if from_channel_id == to_channel_id:
            raise UserFacingError(N_("That is the same channel."))
        await self.subscription(from_channel_id, guild_id)
        target = await self._storage.get_subscription(to_channel_id)
        if target is not None:
            raise UserFacingError(
                N_(
                    "{channel} already has a subscription: /unsubscribe it first.",
                    channel=f"<#{to_channel_id}>",
                )
            )
        if self._branding is not None:  # a webhook posts in its own channel only: the move drops it
            await self._branding.drop(from_channel_id)
        moved = await self._storage.move_subscription(from_channel_id, to_channel_id)
        if moved.forum != forum:  # posts there are forum posts, or no longer
            moved = await self._storage.update_subscription(replace(moved, forum=forum))
        await self._scheduler.subscription_removed(from_channel_id)
        await self._scheduler.subscription_changed(to_channel_id)
        log.info("subscription moved from channel %d to %d", from_channel_id, to_channel_id)
        return moved
