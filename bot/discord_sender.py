"""The engine's ``Sender`` (and ``Forums``) over a real ``discord.Client``: REST calls, errors mapped.

Messages go straight through ``client.http`` with the channel id we already have,
so no channel object is fetched per send. ``handle_message_parameters`` in
discord.py 2.x sends any ``nonce`` together with ``enforce_nonce: true``: Discord
then answers a repeated nonce from the same author (within a few minutes) with
the message it already created instead of posting another. discord.py's own
rate-limit handling (buckets, 429 with ``retry_after``, the global limit) stays in
charge underneath.

A forum (or media) channel takes posts, not messages: a post is a thread whose starter
message (with the thread's own id) is the card, tagged with the forum's existing tags named
like the briefing's topics. Editing or deleting a post's message reaches it in its thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord
from discord.http import handle_message_parameters

from bot.delivery.records import Followups
from bot.delivery.sender import (
    ChannelGone,
    EditRefused,
    Locales,
    MessageGone,
    NoAccess,
    Rejected,
    ThreadArchived,
    TransientError,
)
from bot.forum_tags import ForumTagMaker

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

T = TypeVar("T")

UNKNOWN_MESSAGE = 10008
THREAD_ARCHIVED = 50083
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
ALREADY_PUBLISHED = 40033  # "This message has already been crossposted"
HAS_THREAD = 1 << 5  # a message's flag: a thread was started from it
CROSSPOSTED = 1 << 0  # a message's flag: published to the channel's followers
# Edit limits, answered as a 429 with a code: edits of messages older than an hour, of a
# published announcement. discord.py raises RateLimited instead when the wait is long.
EDIT_LIMIT_CODES = frozenset({30046, 20022})
REQUEST_TIMEOUT_SECONDS = 60.0
TAGS_PER_POST = 5  # Discord's limit on a forum post's applied tags
ARCHIVED_PAGES = 10  # pages of 100 archived posts looked through when reconciling
FORUM_TYPES = frozenset({discord.ChannelType.forum.value, discord.ChannelType.media.value})
REQUIRE_TAG = 1 << 4  # a forum's flag: every post needs a tag


@dataclass(frozen=True, slots=True)
class ForumInfo:
    """What posting in a forum needs: its server, its tags by folded name, whether a post
    must carry one."""

    guild_id: int
    tags: dict[str, int]
    require_tag: bool

    def tags_for(self, topics: Sequence[str]) -> list[int]:
        """The ids of the forum's existing tags named like ``topics`` (any case), at most five."""
        found = [self.tags[t.casefold()] for t in topics if t.casefold() in self.tags]
        return list(dict.fromkeys(found))[:TAGS_PER_POST]


class DiscordSender:
    """``Sender`` for ``DeliveryEngine``."""

    def __init__(
        self,
        client: discord.Client,
        *,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
        known_forum: Callable[[int], Awaitable[bool | None]] | None = None,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._fetched: dict[int, ForumInfo | None] = {}  # channels not in the cache: forums, by id
        # Whether a channel is a forum, as its subscription says (None: no subscription): a
        # dispatcher does not hold the channels of other processes' shards, and asking
        # Discord for each one before editing it would double a correction's requests.
        self._known_forum = known_forum
        self._tag_maker = ForumTagMaker(client, self._call)  # /subscribe ... create_tags:true

    async def send(
        self,
        channel_id: int,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        nonce: str,
        allowed_mentions: discord.AllowedMentions,
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        with handle_message_parameters(
            **message_body(content, embeds, view), nonce=nonce, allowed_mentions=allowed_mentions
        ) as params:
            data = await self._call(self._client.http.send_message(channel_id, params=params))
        return int(data["id"])

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        embeds: Sequence[discord.Embed],
        view: discord.ui.LayoutView | None = None,
    ) -> None:
        if await self.is_forum(channel_id):  # a post: its starter message, in its thread
            channel_id = message_id
        with handle_message_parameters(**message_body(None, embeds, view, editing=True)) as params:
            try:
                await self._call(self._client.http.edit_message(channel_id, message_id, params=params))
            except ThreadArchived:
                await self._unarchive(channel_id)
                await self._call(self._client.http.edit_message(channel_id, message_id, params=params))
            except TransientError as exc:
                if isinstance(exc.__cause__, discord.RateLimited):  # an edit limit's long wait
                    raise EditRefused(str(exc)) from exc
                raise

    async def delete(self, channel_id: int, message_id: int) -> None:
        if not await self.is_forum(channel_id):
            await self._call(self._client.http.delete_message(channel_id, message_id))
            return
        try:  # the whole post, with Manage Threads
            await self._call(self._client.http.delete_channel(message_id, reason="briefing removed"))
        except ChannelGone as exc:
            raise MessageGone(str(exc)) from exc
        except NoAccess:  # without it, the starter message (the post stays, its card gone)
            try:
                await self._call(self._client.http.delete_message(message_id, message_id))
            except ThreadArchived:
                await self._unarchive(message_id)
                await self._call(self._client.http.delete_message(message_id, message_id))

    async def _unarchive(self, thread_id: int) -> None:
        log.info("unarchiving thread %s to correct its message", thread_id)
        await self._call(
            self._client.http.edit_channel(thread_id, archived=False, reason="briefing corrected")
        )

    # -- forums ----------------------------------------------------------------------------

    async def is_forum(self, channel_id: int) -> bool:
        return await self._forum(channel_id) is not None

    async def _forum(self, channel_id: int) -> ForumInfo | None:
        """The forum's server, tags and rules, from the client's cache or, for a channel it
        does not hold yet (recovery may run before the gateway has sent the servers), asked
        of Discord once and remembered; None when it is not a forum (or cannot be read)."""
        channel = self._client.get_channel(channel_id)
        if channel is not None:
            if not isinstance(channel, discord.ForumChannel):
                return None
            tags = {tag.name.casefold(): tag.id for tag in channel.available_tags}
            return ForumInfo(channel.guild.id, tags, channel.flags.require_tag)
        known = self._known_forum
        if channel_id not in self._fetched and known is not None and await known(channel_id) is False:
            self._fetched[channel_id] = None
        if channel_id not in self._fetched:
            try:
                data = await self._call(self._client.http.get_channel(channel_id))
            except (ChannelGone, NoAccess, Rejected) as exc:  # (a TransientError: asked again later)
                log.info("channel %s: type unknown (%s); taken as a text channel", channel_id, exc)
                return None
            info = None
            if int(data["type"]) in FORUM_TYPES:
                raw: Any = data
                tags = {str(t["name"]).casefold(): int(t["id"]) for t in raw.get("available_tags", [])}
                info = ForumInfo(int(raw["guild_id"]), tags, bool(int(raw.get("flags", 0)) & REQUIRE_TAG))
            self._fetched[channel_id] = info
        return self._fetched[channel_id]

    async def create_post(
        self,
        channel_id: int,
        *,
        title: str,
        topics: Sequence[str],
        content: str | None,
        embeds: Sequence[discord.Embed],
        allowed_mentions: discord.AllowedMentions,
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        forum = await self._forum(channel_id)
        if forum is not None and self._tag_maker.made.get(channel_id):  # created since it was read
            forum = ForumInfo(
                forum.guild_id, {**self._tag_maker.made[channel_id], **forum.tags}, forum.require_tag
            )
        tags = forum.tags_for(topics) if forum is not None else []
        if forum is not None and forum.require_tag and not tags:
            raise Rejected(
                f"the forum requires a tag and none of its tags is named like the topics {', '.join(topics) or '(none)'}"
            )
        channel_payload: dict[str, object] = {"name": title, "applied_tags": [str(t) for t in tags]}
        with handle_message_parameters(
            **message_body(content, embeds, view),
            allowed_mentions=allowed_mentions,
            channel_payload=channel_payload,
        ) as params:
            data = await self._call(self._client.http.start_thread_in_forum(channel_id, params=params))
        return int(data["id"])

    async def followups(self, channel_id: int, message_id: int) -> Followups:
        data: Any = await self._call(self._client.http.get_message(channel_id, message_id))
        flags = int(data.get("flags") or 0)
        return Followups(
            thread=bool(flags & HAS_THREAD) or data.get("thread") is not None,
            published=bool(flags & CROSSPOSTED),
        )

    async def ensure_tags(self, channel_id: int, topics: Sequence[str]) -> str | None:
        forum = await self._forum(channel_id)
        if forum is None:
            return None
        return await self._tag_maker.ensure(channel_id, topics, forum.tags)

    async def publish(self, channel_id: int, message_id: int) -> None:
        try:
            await self._call(self._client.http.publish_message(channel_id, message_id))
        except Rejected as exc:
            cause = exc.__cause__
            if isinstance(cause, discord.HTTPException) and cause.code == ALREADY_PUBLISHED:
                return  # published before a crash
            raise

    async def start_thread(
        self, channel_id: int, message_id: int, *, name: str, archive_minutes: int
    ) -> None:
        try:
            await self._call(
                self._client.http.start_thread_with_message(
                    channel_id,
                    message_id,
                    name=name,
                    auto_archive_duration=archive_minutes,  # type: ignore[arg-type]
                    reason="briefing discussion",
                )
            )
        except Rejected as exc:
            cause = exc.__cause__
            if isinstance(cause, discord.HTTPException) and cause.code == THREAD_EXISTS:
                return  # made before a crash: the message keeps its thread
            raise

    async def find_post(
        self, channel_id: int, *, title: str, since: datetime, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        forum = await self._forum(channel_id)
        me = self._client.user.id if self._client.user is not None else self._client.application_id
        if forum is None or me is None:
            return None
        wanted = title.strip()

        def ours(thread: dict[str, object]) -> bool:
            thread_id = int(str(thread["id"]))
            return (
                str(thread.get("parent_id")) == str(channel_id)
                and str(thread.get("owner_id")) == str(me)
                and str(thread.get("name", "")).strip() == wanted
                and thread_id not in exclude
                and discord.utils.snowflake_time(thread_id) >= since
            )

        active = await self._call(self._client.http.get_active_threads(forum.guild_id))
        for thread in active.get("threads", []):
            if ours(dict(thread)):
                return int(thread["id"])
        before: str | None = None
        for _ in range(ARCHIVED_PAGES):
            page = await self._call(
                self._client.http.get_public_archived_threads(channel_id, before=before, limit=100)
            )
            threads = page.get("threads", [])
            for thread in threads:
                if ours(dict(thread)):
                    return int(thread["id"])
            if not page.get("has_more") or not threads:
                return None
            # Newest archived first: a post made after ``since`` was archived after it too.
            before = threads[-1]["thread_metadata"]["archive_timestamp"]
            if datetime.fromisoformat(before) < since:
                return None
        log.warning("forum %s: no post titled %r among the newest archived ones", channel_id, title)
        return None

    async def _call(self, request: Awaitable[T]) -> T:
        return await call_discord(request, self._timeout)


def message_body(
    content: str | None,
    embeds: Sequence[discord.Embed],
    view: discord.ui.LayoutView | None,
    *,
    editing: bool = False,
) -> dict[str, Any]:
    """The message's body for ``handle_message_parameters``: its content and embeds, or a
    Components V2 card alone (discord.py sets the IS_COMPONENTS_V2 flag). An edit into a
    card clears the content and embeds, which Discord requires to set that flag, and allows
    no mentions: the role line a corrected card keeps was pinged when it was posted."""
    if view is None:
        return {"content": content, "embeds": list(embeds)} if not editing else {"embeds": list(embeds)}
    if editing:
        return {
            "content": None,
            "embeds": [],
            "view": view,
            "allowed_mentions": discord.AllowedMentions.none(),
        }
    return {"view": view}


async def call_discord(request: Awaitable[T], limit_seconds: float = REQUEST_TIMEOUT_SECONDS) -> T:
    """Await one discord.py HTTP call, turning its errors into the engine's."""
    try:
        async with asyncio.timeout(limit_seconds):
            return await request
    except discord.NotFound as exc:
        if exc.code == UNKNOWN_MESSAGE:
            raise MessageGone(str(exc)) from exc
        raise ChannelGone(str(exc)) from exc
    except discord.Forbidden as exc:
        raise NoAccess(str(exc)) from exc
    except discord.DiscordServerError as exc:
        raise TransientError(str(exc)) from exc
    except discord.RateLimited as exc:
        raise TransientError(f"rate limited for {exc.retry_after:.0f}s") from exc
    except discord.HTTPException as exc:
        if exc.code in EDIT_LIMIT_CODES:
            raise EditRefused(str(exc), code=exc.code) from exc
        if exc.status == 429:
            raise TransientError(str(exc)) from exc
        if exc.code == THREAD_ARCHIVED:
            raise ThreadArchived(str(exc)) from exc
        raise Rejected(str(exc)) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc


class DiscordNotifier:
    """``notify(guild_id, channel_id, text)`` for the engine: a short notice to the
    chosen alerts channel, else the server's system channel if the bot may write
    there, else only the log."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def __call__(self, guild_id: int, channel_id: int | None, text: str) -> None:
        target = channel_id
        if target is None:
            guild = self._client.get_guild(guild_id)
            system = guild.system_channel if guild is not None else None
            if system is not None and guild is not None and system.permissions_for(guild.me).send_messages:
                target = system.id
        if target is None:
            log.info("guild %s has no alerts channel: notice only logged", guild_id)
            return
        embed = discord.Embed(description=text, colour=discord.Colour.orange())
        with handle_message_parameters(
            embeds=[embed], allowed_mentions=discord.AllowedMentions.none()
        ) as params:
            try:
                await call_discord(self._client.http.send_message(target, params=params))
            except (ChannelGone, NoAccess, TransientError, Rejected) as exc:
                log.warning("guild %s: could not post notice to channel %s: %s", guild_id, target, exc)


class DiscordLocales:
    """``Locales`` for the engine: each server's preferred locale, from the client's cache,
    else as the process serving that server recorded it (``recorded``)."""

    def __init__(self, client: discord.Client, recorded: Locales | None = None) -> None:
        self._client = client
        self._recorded = recorded

    def of_channel(self, channel_id: int) -> str | None:
        guild = getattr(self._client.get_channel(channel_id), "guild", None)
        if isinstance(guild, discord.Guild):
            return guild.preferred_locale.value
        return self._recorded.of_channel(channel_id) if self._recorded is not None else None

    def of_guild(self, guild_id: int) -> str | None:
        guild = self._client.get_guild(guild_id)
        if guild is not None:
            return guild.preferred_locale.value
        return self._recorded.of_guild(guild_id) if self._recorded is not None else None
