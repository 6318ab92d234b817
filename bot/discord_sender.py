"""The engine's ``Sender`` over a real ``discord.Client``: three REST calls, errors mapped.

Messages go straight through ``client.http`` with the channel id we already have,
so no channel object is fetched per send. ``handle_message_parameters`` in
discord.py 2.x sends any ``nonce`` together with ``enforce_nonce: true``: Discord
then answers a repeated nonce from the same author (within a few minutes) with
the message it already created instead of posting another. discord.py's own
rate-limit handling (buckets, 429 with ``retry_after``, the global limit) stays in
charge underneath.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

import aiohttp
import discord
from discord.http import handle_message_parameters

from bot.clock import SystemClock
from bot.delivery.engine import DeliveryEngine
from bot.delivery.sender import ChannelGone, Fence, MessageGone, NoAccess, Rejected, TransientError
from bot.scheduler import BriefingScheduler

if TYPE_CHECKING:
    from bot.config import Config
    from storage import Storage

log = logging.getLogger(__name__)

T = TypeVar("T")

UNKNOWN_MESSAGE = 10008
REQUEST_TIMEOUT_SECONDS = 60.0


class DiscordSender:
    """``Sender`` for ``DeliveryEngine``."""

    def __init__(self, client: discord.Client, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self._client = client
        self._timeout = timeout

    async def send(
        self,
        channel_id: int,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        nonce: str,
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        with handle_message_parameters(
            content=content, embeds=list(embeds), nonce=nonce, allowed_mentions=allowed_mentions
        ) as params:
            data = await self._call(self._client.http.send_message(channel_id, params=params))
        return int(data["id"])

    async def edit(self, channel_id: int, message_id: int, *, embeds: Sequence[discord.Embed]) -> None:
        with handle_message_parameters(embeds=list(embeds)) as params:
            await self._call(self._client.http.edit_message(channel_id, message_id, params=params))

    async def delete(self, channel_id: int, message_id: int) -> None:
        await self._call(self._client.http.delete_message(channel_id, message_id))

    async def _call(self, request: Awaitable[T]) -> T:
        return await call_discord(request, self._timeout)


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
        if exc.status == 429:
            raise TransientError(str(exc)) from exc
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
    """``Locales`` for the engine: each server's preferred locale, from the client's cache."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def of_channel(self, channel_id: int) -> str | None:
        guild = getattr(self._client.get_channel(channel_id), "guild", None)
        return guild.preferred_locale.value if isinstance(guild, discord.Guild) else None

    def of_guild(self, guild_id: int) -> str | None:
        guild = self._client.get_guild(guild_id)
        return guild.preferred_locale.value if guild is not None else None


class _DeliveryHost(Protocol):
    """What ``build_delivery`` needs from the bot."""

    storage: Storage
    config: Config


def build_delivery(
    bot: discord.Client, *, fence: Fence | None = None
) -> tuple[DeliveryEngine, BriefingScheduler]:
    """The engine and scheduler for a bot with ``storage`` and ``config`` attributes
    (call in ``setup_hook`` after opening storage; then ``await scheduler.start()``).
    ``fence`` says whether this process may post (the dispatcher's)."""
    host: _DeliveryHost = bot  # type: ignore[assignment]
    sender = DiscordSender(bot)
    clock = SystemClock()
    engine = DeliveryEngine(
        host.storage,
        sender,
        host.config.schedule,
        clock,
        notify=DiscordNotifier(bot),
        locales=DiscordLocales(bot),
        fence=fence,
    )
    return engine, BriefingScheduler(engine, host.storage, host.config.schedule, clock)
