"""What the delivery engine needs of Discord: three calls, and the errors they may raise.

``bot.discord_sender`` implements it over discord.py; tests and benchmarks use fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import discord


class DeliveryError(Exception):
    """A send, edit or delete that did not happen."""


class ChannelGone(DeliveryError):  # noqa: N818 - reads better at the raise site
    """404 Unknown Channel: the channel (or thread) no longer exists."""


class NoAccess(DeliveryError):  # noqa: N818 - reads better at the raise site
    """403 Missing Access / Missing Permissions."""


class MessageGone(DeliveryError):  # noqa: N818 - reads better at the raise site
    """404 Unknown Message on edit or delete: someone already deleted it."""


class TransientError(DeliveryError):
    """5xx or a timeout: worth trying again later."""


class Rejected(DeliveryError):  # noqa: N818 - reads better at the raise site
    """Any other 4xx: Discord will never accept this request as it is."""


class Sender(Protocol):
    """The three Discord calls the engine makes."""

    async def send(
        self,
        channel_id: int,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        nonce: str,
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        """Post a message and return its id (the existing one if the nonce was seen)."""
        ...

    async def edit(self, channel_id: int, message_id: int, *, embeds: Sequence[discord.Embed]) -> None: ...

    async def delete(self, channel_id: int, message_id: int) -> None: ...


class Fence(Protocol):
    """Whether this process may post now. Several processes may share one store, and
    only one of them, the dispatcher, sends posts; the engine asks right before each
    send, so a process that stops being the dispatcher stops sending at once."""

    async def may_send(self) -> bool: ...


class Locales(Protocol):
    """The language a server prefers (Discord's locale code, e.g. ``uk``), for what is posted
    there: by channel for posts and their corrections, by server for notices."""

    def of_channel(self, channel_id: int) -> str | None: ...

    def of_guild(self, guild_id: int) -> str | None: ...


Notify = Callable[[int, int | None, str], Awaitable[None]]
"""``notify(guild_id, channel_id, text)``: tell a server's managers something.

``channel_id`` is the alerts channel chosen for the subscription or in config, or
``None`` when neither is set (the bot may then use the server's system channel if
it can write there, or stay silent)."""
