"""Creating the forum tags a post's topics name and the forum lacks (``/subscribe ...
create_tags:true``), over a real ``discord.Client``.

Discord keeps a forum's tags as one list on the channel: creating one is a PATCH of the whole
list (``available_tags``), so the list is read fresh first and sent back with the new tags
added, the existing ones (and their ids) kept as they are. It needs Manage Channels, checked
before the request from the client's cache and remembered for an hour when Discord refuses
it anyway, so that each post does not add an invalid request. A forum holds at most
``MAX_FORUM_TAGS`` tags and a tag's name is at most ``MAX_TAG_NAME`` characters: topics past
either are skipped with a note. Nothing here ever fails a post: what was not created is
said in the note (English, stored as the delivery's note, like pause reasons).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import discord

from bot.delivery.sender import DeliveryError, NoAccess

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_FORUM_TAGS = 20  # Discord: tags a forum may hold
MAX_TAG_NAME = 20  # Discord: characters in a tag's name
DENIED_SECONDS = 3600.0  # after a 403, how long a forum is not asked again
_KEPT = ("id", "name", "moderated", "emoji_id", "emoji_name")


class ForumTagMaker:
    """Makes a forum's missing tags; ``call`` runs one discord.py request, its errors mapped to
    the engine's (``discord_sender.call_discord``)."""

    def __init__(self, client: discord.Client, call: Callable[[Awaitable[Any]], Awaitable[Any]]) -> None:
        self._client = client
        self._call = call
        self._denied: dict[int, float] = {}  # forum id -> when Discord last refused (monotonic)
        self.made: dict[int, dict[str, int]] = {}  # forum id -> tags made here, by folded name

    async def ensure(self, channel_id: int, topics: Sequence[str], known: dict[str, int]) -> str | None:
        """Create the tags named like ``topics`` that the forum (whose tags are ``known``, by
        folded name) lacks; a note saying what was not created and why, or None."""
        wanted = list(dict.fromkeys(t.strip() for t in topics if t.strip()))
        missing = [
            t
            for t in wanted
            if t.casefold() not in known and t.casefold() not in self.made.get(channel_id, {})
        ]
        if not missing:
            return None
        notes: list[str] = []
        too_long = [t for t in missing if len(t) > MAX_TAG_NAME]
        if too_long:
            notes.append(
                f"tags not created: {', '.join(too_long)} (longer than Discord's {MAX_TAG_NAME} characters)"
            )
        fitting = [t for t in missing if len(t) <= MAX_TAG_NAME]
        if not fitting:
            return "; ".join(notes)
        denied = self._denied.get(channel_id)
        if (denied is not None and time.monotonic() - denied < DENIED_SECONDS) or not self._may_manage(
            channel_id
        ):
            return "; ".join([_no_permission(fitting), *notes])
        try:
            data = await self._call(self._client.http.get_channel(channel_id))
            current = [{k: t.get(k) for k in _KEPT} for t in data.get("available_tags", [])]
            names = {str(t["name"]).casefold() for t in current}
            fitting = [t for t in fitting if t.casefold() not in names]
            room = max(MAX_FORUM_TAGS - len(current), 0)
            made, skipped = fitting[:room], fitting[room:]
            if skipped:
                notes.append(
                    f"tags not created: {', '.join(skipped)} (the forum has Discord's {MAX_FORUM_TAGS} tags at most)"
                )
            if made:
                result = await self._call(
                    self._client.http.edit_channel(
                        channel_id,
                        available_tags=[*current, *({"name": t} for t in made)],
                        reason="tags for briefing topics (/subscribe create_tags)",
                    )
                )
                fresh = {str(t["name"]).casefold(): int(t["id"]) for t in result.get("available_tags", [])}
                self.made.setdefault(channel_id, {}).update({t.casefold(): fresh[t.casefold()] for t in made})
                log.info("forum %s: %d tag(s) created", channel_id, len(made))
        except NoAccess:
            self._denied[channel_id] = time.monotonic()
            log.warning("forum %s: tags not created: Manage Channels missing", channel_id)
            return "; ".join([_no_permission(fitting), *notes])
        except DeliveryError as exc:
            log.warning("forum %s: tags not created: %s", channel_id, exc)
            notes.append(f"tags not created: {exc}")
        return "; ".join(notes) or None

    def _may_manage(self, channel_id: int) -> bool:
        """Whether the bot has Manage Channels in the forum, as the client's cache says (a
        forum not in the cache: asked of Discord, which answers 403 when it may not)."""
        channel = self._client.get_channel(channel_id)
        if isinstance(channel, discord.ForumChannel):
            return channel.permissions_for(channel.guild.me).manage_channels
        return True


def _no_permission(names: Sequence[str]) -> str:
    return (
        f"tags not created: {', '.join(names)} (the bot needs Manage Channels in the forum to create "
        "tags; give it that permission there)"
    )
