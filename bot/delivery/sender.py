"""What the delivery engine needs of Discord: three calls, and the errors they may raise;
and, where the target is a forum (or media) channel, posts as threads (``Forums``).

``bot.discord_sender`` implements it over discord.py; tests and benchmarks use fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

import discord

from bot.delivery.records import Followups


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


class EditRefused(Rejected):
    """Discord will not edit this message for a while: too many edits of messages older than
    an hour (30046) or of a published announcement (20022). ``code`` is Discord's, or 0
    when discord.py gave up on the wait without one (``RateLimited``). Not retried."""

    def __init__(self, message: str, *, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


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
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        """Post a message and return its id (the existing one if the nonce was seen).

        With ``view`` (a Components V2 card) the message is the card alone: no content and
        no embeds (the caller puts any mentions in the card's text)."""
        ...

    async def edit(
        self,
        channel_id: int,
        message_id: int,
        *,
        embeds: Sequence[discord.Embed],
        view: discord.ui.LayoutView | None = None,
    ) -> None:
        """Replace the message's embeds; or, with ``view``, make it that card (clearing its
        content and embeds: an embed post may become a card, never the reverse)."""
        ...

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
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        """Create a post titled ``title`` with the forum's tags named like ``topics``; its id."""
        ...

    async def find_post(
        self, channel_id: int, *, title: str, since: datetime, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        """The id of a post by the bot titled ``title`` and created after ``since`` (active or
        archived), other than those of ``exclude``; None when there is none."""
        ...

    async def followups(self, channel_id: int, message_id: int) -> Followups:
        """Whether a message has its thread and was published, as Discord says (GET message)."""
        ...

    async def ensure_tags(self, channel_id: int, topics: Sequence[str]) -> str | None:
        """Create the forum's missing tags named like ``topics`` (``/subscribe ...
        create_tags:true``); never raises: a note saying what was not created and why, or None."""
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


class Replies(Protocol):
    """Replies to posted messages: how a correction reaches a copy that Discord refused
    to edit (``bot.delivery.correction_replies``). In a forum, the reply to a post is in
    the post's thread."""

    async def reply(
        self,
        channel_id: int,
        message_id: int,
        *,
        content: str,
        embeds: Sequence[discord.Embed],
        nonce: str,
    ) -> int:
        """Post a reply to ``message_id`` (pinging nobody; no error if it is gone); its id
        (the existing one if the nonce was seen)."""
        ...

    async def edit_reply(
        self, channel_id: int, message_id: int, reply_id: int, *, embeds: Sequence[discord.Embed]
    ) -> None:
        """Show ``embeds`` in the reply ``reply_id`` to ``message_id``."""
        ...

    async def delete_reply(self, channel_id: int, message_id: int, reply_id: int) -> None:
        """Delete the reply ``reply_id`` to ``message_id`` (``MessageGone`` if it is gone)."""
        ...

    async def find_reply(self, channel_id: int, message_id: int, *, since: datetime) -> int | None:
        """The newest reply by the bot to ``message_id`` made after ``since``; None when none."""
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
