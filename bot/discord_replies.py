"""The engine's ``Replies`` over a real ``discord.Client``: correction replies to posted copies.

A reply carries a ``message_reference`` to the copy with ``fail_if_not_exists: false`` (a copy
deleted meanwhile still gets its correction, as a plain message) and a nonce with
``enforce_nonce``, and pings nobody. In a forum the copy is a post's starter message, and its
reply goes into the post's thread (which has the post's id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import discord
from discord.http import handle_message_parameters

from bot.delivery.sender import EditRefused, ThreadArchived, TransientError
from bot.discord_sender import call_discord

log = logging.getLogger(__name__)

HISTORY_PAGES = 10  # pages of 100 messages after ``since`` looked through for a begun reply


class ForumCheck(Protocol):
    async def is_forum(self, channel_id: int) -> bool: ...


class DiscordReplies:
    """``Replies`` for ``DeliveryEngine``."""

    def __init__(self, client: discord.Client, forums: ForumCheck) -> None:
        self._client = client
        self._forums = forums

    async def _where(self, channel_id: int, message_id: int) -> int:
        """The channel the copy is in: a forum post's thread, else the channel itself."""
        return message_id if await self._forums.is_forum(channel_id) else channel_id

    async def reply(
        self,
        channel_id: int,
        message_id: int,
        *,
        content: str,
        embeds: Sequence[discord.Embed],
        nonce: str,
    ) -> int:
        where = await self._where(channel_id, message_id)
        reference: Any = {
            "message_id": str(message_id),
            "channel_id": str(where),
            "fail_if_not_exists": False,
        }
        with handle_message_parameters(
            content=content,
            embeds=list(embeds),
            nonce=nonce,
            allowed_mentions=discord.AllowedMentions.none(),
            message_reference=reference,
        ) as params:
            try:
                data = await call_discord(self._client.http.send_message(where, params=params))
            except ThreadArchived:
                log.info("unarchiving thread %s to post a correction in it", where)
                await call_discord(
                    self._client.http.edit_channel(where, archived=False, reason="briefing corrected")
                )
                data = await call_discord(self._client.http.send_message(where, params=params))
        return int(data["id"])

    async def edit_reply(
        self, channel_id: int, message_id: int, reply_id: int, *, embeds: Sequence[discord.Embed]
    ) -> None:
        where = await self._where(channel_id, message_id)
        with handle_message_parameters(embeds=list(embeds)) as params:
            try:
                await call_discord(self._client.http.edit_message(where, reply_id, params=params))
            except TransientError as exc:
                if isinstance(exc.__cause__, discord.RateLimited):  # an edit limit's long wait
                    raise EditRefused(str(exc)) from exc
                raise

    async def delete_reply(self, channel_id: int, message_id: int, reply_id: int) -> None:
        where = await self._where(channel_id, message_id)
        await call_discord(self._client.http.delete_message(where, reply_id))

    async def find_reply(self, channel_id: int, message_id: int, *, since: datetime) -> int | None:
        where = await self._where(channel_id, message_id)
        me = self._client.user.id if self._client.user is not None else self._client.application_id
        after = discord.utils.time_snowflake(since)
        found: int | None = None
        for _ in range(HISTORY_PAGES):
            page = await call_discord(self._client.http.logs_from(where, 100, after=after))
            for raw in page:
                data: dict[str, Any] = dict(raw)
                reference = data.get("message_reference") or {}
                if (
                    str(reference.get("message_id")) == str(message_id)
                    and str(data.get("author", {}).get("id")) == str(me)
                    and (found is None or int(data["id"]) > found)
                ):
                    found = int(data["id"])
            if len(page) < 100:
                break
            after = max(int(m["id"]) for m in page)
        return found
