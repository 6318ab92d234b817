"""Follow mode: servers' channels follow the operator's home announcement channels through
Discord instead of receiving their own posts.

The bot posts each briefing once in every matching home channel (``[follow] channels``: one
per topic and ``all``) and publishes it there; Discord copies a published message into every
channel that follows, without a request from the bot. So a briefing costs a post and a
publish per home channel, however many channels follow, where ordinary subscriptions cost a
request each and share the bot's 50 a second. The home channels are ordinary ``publish``
subscriptions that this service keeps as configured.

What a following channel gives up is what only the bot's own posts can do: its own filters,
pings, digests and schedules. ``check_options`` refuses those with a message saying so.
The service does no Discord I/O itself: a ``Follower`` does (``bot.discord_follower``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.clock import Clock
from bot.config import FOLLOW_ALL, FollowConfig
from bot.delivery.sender import ChannelGone, DeliveryError, NoAccess
from bot.errors import PermissionDeniedError, UserFacingError
from bot.i18n import N_
from bot.models import Follow, ScheduleKind, Subscription
from bot.subscriptions import OTHER_SERVER

log = logging.getLogger(__name__)

MAX_WEBHOOKS = 30007  # Discord's code: the channel has the most webhooks it may (15)


class TooManyWebhooks(DeliveryError):  # noqa: N818 - reads better at the raise site
    """400 code 30007: the channel already has Discord's maximum of webhooks."""


@dataclass(frozen=True, slots=True)
class FollowerWebhook:
    """A Channel Follower webhook (type 2) found in a channel: Discord copies the posts
    published in ``home_channel_id`` (its ``source_channel``) through it."""

    webhook_id: int
    home_channel_id: int


class Follower(Protocol):
    """What the service needs of Discord."""

    async def follower_webhooks(self, channel_id: int) -> list[FollowerWebhook]:
        """The follower webhooks in ``channel_id`` (Discord's list of the channel's webhooks)."""
        ...

    async def follow(self, home_channel_id: int, channel_id: int) -> int:
        """Make ``channel_id`` follow the announcement channel ``home_channel_id``; the id of
        the follower webhook Discord creates in ``channel_id``."""
        ...

    async def unfollow(self, webhook_id: int) -> None:
        """Delete a follower webhook; one already gone is not an error."""
        ...


class FollowStore(Protocol):
    """What the service needs of storage."""

    async def put_follow(self, follow: Follow) -> Follow: ...

    async def get_follow(self, channel_id: int) -> Follow | None: ...

    async def follows(self, *, guild_id: int | None = None) -> list[Follow]: ...

    async def delete_follow(self, channel_id: int, webhook_id: int) -> bool: ...

    async def get_subscription(self, channel_id: int) -> Subscription | None: ...

    async def upsert_subscription(self, sub: Subscription) -> Subscription: ...

    async def max_briefing_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class FollowOutcome:
    follow: Follow
    changed: bool  # False: the channel already followed that home channel
    replaced: Follow | None = None  # the follow of another home channel it had before


NOT_CONFIGURED = N_("Follow mode is not set up on this bot: subscribe the channel without mode:follow.")


class FollowDesk:
    """Follow and unfollow a server's channels; keep the home channels subscribed."""

    def __init__(self, storage: FollowStore, follower: Follower, config: FollowConfig, clock: Clock) -> None:
        self._storage = storage
        self._follower = follower
        self._config = config
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self._config.enabled

    def topics(self, current: str = "") -> list[str]:
        """The home channels' topics (``all`` among them) that start with ``current``."""
        folded = current.casefold().strip()
        return [topic for topic, _ in self._config.channels if topic.startswith(folded)]

    def is_home(self, channel_id: int) -> bool:
        return any(cid == channel_id for _, cid in self._config.channels)

    def check_options(self, given: Sequence[str]) -> None:
        """Refuse the /subscribe options a following channel cannot have, naming them."""
        if given:
            raise UserFacingError(
                N_(
                    "mode:follow takes no {options}: a following channel gets every post of the "
                    "home channel as Discord copies it, without its own filters, pings, digests or "
                    "schedule. Leave those out, or subscribe without mode:follow.",
                    options=", ".join(given),
                )
            )

    def home_channel(self, topic: str | None) -> tuple[str, int]:
        """The home channel for ``topic`` (``all`` when None); an error listing the topics."""
        if not self._config.enabled:
            raise UserFacingError(NOT_CONFIGURED)
        wanted = " ".join((topic or FOLLOW_ALL).split()).casefold()
        channel_id = self._config.channel_for(wanted)
        if channel_id is None:
            raise UserFacingError(
                N_(
                    "There is no home channel for '{topic}' to follow. Topics: {topics}.",
                    topic=wanted[:80],
                    topics=", ".join(self.topics()),
                )
            )
        return wanted, channel_id

    async def follow(self, channel_id: int, guild_id: int, topic: str | None) -> FollowOutcome:
        """Make a channel of this server follow the home channel of ``topic``. The cog has
        checked the bot may manage the channel's webhooks; Discord's refusal is explained."""
        wanted, home_id = self.home_channel(topic)
        if channel_id == home_id:
            raise UserFacingError(N_("A home channel cannot follow itself."))
        if await self._storage.get_subscription(channel_id) is not None:
            raise UserFacingError(
                N_(
                    "{channel} already has a subscription: /unsubscribe it first, so that it does "
                    "not get each briefing twice.",
                    channel=f"<#{channel_id}>",
                )
            )
        existing = await self._storage.get_follow(channel_id)
        if existing is not None and existing.guild_id != guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
        # What Discord has, not only what was stored: a webhook made before a crash kept its
        # id from us, and one a manager deleted by hand leaves a row that copies nothing.
        hooks = await self._hooks_in(channel_id)
        if existing is not None and existing.home_channel_id == home_id:
            if any(h.webhook_id == existing.webhook_id for h in hooks):
                await self._remove_duplicates(channel_id, home_id, hooks, keep=existing.webhook_id)
                return FollowOutcome(existing, changed=False)
            log.info(
                "follower webhook %d of channel %d is gone: following again", existing.webhook_id, channel_id
            )
        webhook_id = await self._adopt_or_follow(home_id, channel_id, hooks)
        stored = await self._storage.put_follow(
            Follow(channel_id, guild_id, home_id, wanted, webhook_id, created_at=self._clock.now())
        )
        log.info("channel %d follows home channel %d (webhook %d)", channel_id, home_id, webhook_id)
        replaced = existing if existing is not None and existing.home_channel_id != home_id else None
        if replaced is not None:  # the other home channel's copies stop
            await self._remove_webhook(replaced.channel_id, replaced.webhook_id)
        return FollowOutcome(stored, changed=True, replaced=replaced)

    async def _hooks_in(self, channel_id: int) -> list[FollowerWebhook]:
        where = f"<#{channel_id}>"
        try:
            return await self._follower.follower_webhooks(channel_id)
        except NoAccess as exc:
            raise UserFacingError(
                N_("I can't make {channel} follow: I need Manage Webhooks there.", channel=where)
            ) from exc
        except DeliveryError as exc:
            raise UserFacingError(
                N_(
                    "Discord did not make {channel} follow ({error}); try again.",
                    channel=where,
                    error=str(exc),
                )
            ) from exc

    async def _adopt_or_follow(self, home_id: int, channel_id: int, hooks: list[FollowerWebhook]) -> int:
        """The id of a follower webhook of ``home_id`` in the channel: one already there (made
        before a crash, or by a manager in Discord's app) is adopted, and any more of them
        deleted, since each copies every post; else Discord makes one."""
        found = sorted(h.webhook_id for h in hooks if h.home_channel_id == home_id)
        if not found:
            return await self._discord_follow(home_id, channel_id)
        adopted = found[0]
        log.info(
            "channel %d already has follower webhook %d of home channel %d: adopted",
            channel_id,
            adopted,
            home_id,
        )
        await self._remove_duplicates(channel_id, home_id, hooks, keep=adopted)
        return adopted

    async def _remove_duplicates(
        self, channel_id: int, home_id: int, hooks: list[FollowerWebhook], *, keep: int
    ) -> None:
        """Delete the channel's other follower webhooks of ``home_id``: each copies every post."""
        for hook in hooks:
            if hook.home_channel_id == home_id and hook.webhook_id != keep:
                await self._remove_webhook(channel_id, hook.webhook_id)
                log.info("channel %d: duplicate follower webhook %d deleted", channel_id, hook.webhook_id)

    async def _discord_follow(self, home_id: int, channel_id: int) -> int:
        where = f"<#{channel_id}>"
        try:
            return await self._follower.follow(home_id, channel_id)
        except NoAccess as exc:
            raise UserFacingError(
                N_("I can't make {channel} follow: I need Manage Webhooks there.", channel=where)
            ) from exc
        except TooManyWebhooks as exc:
            raise UserFacingError(
                N_(
                    "{channel} has the most webhooks Discord allows (15): delete one in the channel's "
                    "settings (Integrations), then try again.",
                    channel=where,
                )
            ) from exc
        except ChannelGone as exc:
            raise UserFacingError(N_("The home channel to follow is gone; tell the bot's operator.")) from exc
        except DeliveryError as exc:
            raise UserFacingError(
                N_(
                    "Discord did not make {channel} follow ({error}); try again.",
                    channel=where,
                    error=str(exc),
                )
            ) from exc

    async def unfollow(self, channel_id: int, guild_id: int) -> Follow | None:
        """Stop a channel of this server following: its follower webhook deleted, then the
        record. None when the channel follows nothing (it may have a subscription instead)."""
        existing = await self._storage.get_follow(channel_id)
        if existing is None:
            return None
        if existing.guild_id != guild_id:
            raise PermissionDeniedError(OTHER_SERVER)
        await self._remove_webhook(existing.channel_id, existing.webhook_id)
        await self._storage.delete_follow(channel_id, existing.webhook_id)
        log.info("channel %d no longer follows home channel %d", channel_id, existing.home_channel_id)
        return existing

    async def _remove_webhook(self, channel_id: int, webhook_id: int) -> None:
        try:
            await self._follower.unfollow(webhook_id)
        except NoAccess as exc:
            raise UserFacingError(
                N_(
                    "I can't stop {channel} following: I need Manage Webhooks there (or delete the "
                    "follower webhook in the channel's settings, Integrations).",
                    channel=f"<#{channel_id}>",
                )
            ) from exc
        except DeliveryError as exc:
            raise UserFacingError(
                N_(
                    "Discord did not remove the follower webhook of {channel} ({error}); try again.",
                    channel=f"<#{channel_id}>",
                    error=str(exc),
                )
            ) from exc

    async def channel_deleted(self, channel_id: int) -> None:
        """A deleted channel's follower webhook went with it: forget the follow."""
        existing = await self._storage.get_follow(channel_id)
        if existing is not None:
            await self._storage.delete_follow(channel_id, existing.webhook_id)
            log.info("channel %d was deleted: it no longer follows", channel_id)

    async def guild_removed(self, guild_id: int) -> int:
        """Gateway: the bot left (or was removed from) a server. Its follows are forgotten, as
        its subscriptions are: the bot can no longer delete their follower webhooks, which
        only a manager of that server can now (if Discord keeps them). How many there were."""
        removed = 0
        for follow in await self._storage.follows(guild_id=guild_id):
            removed += await self._storage.delete_follow(follow.channel_id, follow.webhook_id)
        log.info("left guild %d: %d follow(s) forgotten", guild_id, removed)
        return removed

    async def following(self, channel_id: int) -> Follow | None:
        """The channel's follow, if it has one (storage only: for the cog to decide whether
        answering will take a Discord call)."""
        return await self._storage.get_follow(channel_id)

    async def of_guild(self, guild_id: int) -> list[Follow]:
        return await self._storage.follows(guild_id=guild_id)

    async def refuse_if_following(self, channel_id: int) -> None:
        """An ordinary subscription would post each briefing there a second time."""
        existing = await self._storage.get_follow(channel_id)
        if existing is not None:
            raise UserFacingError(
                N_(
                    "{channel} follows a home channel already: /unsubscribe it first, so that it does "
                    "not get each briefing twice.",
                    channel=f"<#{channel_id}>",
                )
            )

    async def ensure_home_subscriptions(self) -> list[Subscription]:
        """Subscribe each home channel as configured: instant, published, its topic only
        (everything for ``all``). One already so is left alone (a pause after failures
        stays); one that differs is set right, keeping its starting point and history.
        The subscriptions written, for the caller to reschedule."""
        home = self._config.home_guild
        if home is None:
            return []
        written = []
        for topic, channel_id in self._config.channels:
            topics = () if topic == FOLLOW_ALL else (topic,)
            existing = await self._storage.get_subscription(channel_id)
            if existing is not None and (
                existing.guild_id,
                existing.schedule,
                existing.topics,
                existing.publish,
            ) == (home, ScheduleKind.INSTANT, topics, True):
                continue
            since = existing.since_briefing_id if existing else await self._storage.max_briefing_id()
            sub = Subscription(
                channel_id=channel_id,
                guild_id=home,
                schedule=ScheduleKind.INSTANT,
                topics=topics,
                since_briefing_id=since,
                publish=True,
            )
            if existing is not None:
                sub = replace(sub, created_at=existing.created_at, topic_roles=existing.topic_roles)
            written.append(await self._storage.upsert_subscription(sub))
            log.info("home channel %d subscribed for %r", channel_id, topic)
        return written
