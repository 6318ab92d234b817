"""What the delivery engine needs of Discord: three calls, and the errors they may raise;
and, where the target is a forum (or media) channel, posts as threads (``Forums``).

``bot.discord_sender`` implements it over discord.py; tests and benchmarks use fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
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


class ThreadArchived(Rejected):
    """400 code 50083: the thread is archived (unarchive it before editing in it)."""


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


class Forums(Protocol):
    """Forum and media channels, threads and publishing.

    In forum and media channels each message is a post (a thread) whose starter message is
    the card; the post's id is its thread's id, which is also the starter message's id.

    ``Sender.edit`` and ``Sender.delete`` take the forum's id and that id, and reach the
    starter message (unarchiving the thread first when needed). Creating a post carries no
    nonce, so the engine records that it is about to create one and, after a crash, asks
    ``find_post`` before creating another."""

    async def is_forum(self, channel_id: int) -> bool:
        """Whether ``channel_id`` is a forum or media channel (posts are threads); known
        also before the gateway has told the process about the channel (recovery at start-up)."""
        ...

    async def create_post(
        self,
        channel_id: int,
        *,
        title: str,
        topics: Sequence[str],
        content: str | None,
        embeds: Sequence[discord.Embed],
        allowed_mentions: discord.AllowedMentions,
    ) -> int:
        """Create a post titled ``title`` with the forum's tags named like ``topics``; its id."""
        ...

    async def find_post(
        self, channel_id: int, *, title: str, since: datetime, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        """The id of a post by the bot titled ``title`` and created after ``since`` (active or
        archived), other than those of ``exclude``; None when there is none."""
        ...

    async def publish(self, channel_id: int, message_id: int) -> None:
        """Publish (crosspost) a message of an announcement channel to the servers following
        it; done already when it was published."""
        ...

    async def start_thread(
        self, channel_id: int, message_id: int, *, name: str, archive_minutes: int
    ) -> None:
        """A discussion thread on a posted message (a text or announcement channel's); done
        already when the message has one."""
        ...


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
