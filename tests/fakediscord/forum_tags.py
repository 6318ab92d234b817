"""PATCH /channels/{id} of a forum or media channel with ``available_tags``, as Discord does it.

The list replaces the forum's tags: a tag with an ``id`` the forum has keeps it (renamed,
say), one without an ``id`` is created with a new one, and a tag left out is deleted.
Modifying a channel needs View Channel and Manage Channels (403: 50001, 50013). A forum holds
at most 20 tags and a tag's name is 1 to 20 characters; past either Discord answers 400
Invalid Form Body (50035) and changes nothing. The forum's CHANNEL_UPDATE follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import model
from .model import Channel, Guild

if TYPE_CHECKING:
    from .server import FakeDiscord

MAX_TAGS = 20  # tags a forum may hold
MAX_TAG_NAME = 20  # characters in a tag's name


def patch_forum_tags(fake: FakeDiscord, guild: Guild, forum: Channel, payload: dict[str, Any]) -> None:
    """Replace the forum's tags with ``payload["available_tags"]`` (raising Discord's errors)."""
    from .server import DiscordError, _form_error  # the server module imports this one

    if fake.enforce_permissions:
        perms = fake.bot_permissions(forum)
        if not perms & model.VIEW_CHANNEL:
            raise DiscordError(50001)
        if not perms & model.MANAGE_CHANNELS:
            raise DiscordError(50013)
    wanted = payload.get("available_tags")
    if not isinstance(wanted, list):
        raise _form_error({"available_tags": "Must be an array."})
    if len(wanted) > MAX_TAGS:
        raise _form_error({"available_tags": f"Must be {MAX_TAGS} or fewer in length."})
    known = {str(t["id"]): t for t in forum.available_tags}
    tags: list[dict[str, Any]] = []
    for index, tag in enumerate(wanted):
        name = tag.get("name") if isinstance(tag, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_TAG_NAME:
            raise _form_error(
                {f"available_tags.{index}.name": f"Must be between 1 and {MAX_TAG_NAME} in length."}
            )
        tag_id = str(tag.get("id")) if tag.get("id") is not None else None
        if tag_id is not None and tag_id not in known:
            raise _form_error({f"available_tags.{index}.id": "Unknown tag."})
        tags.append(
            {
                "id": tag_id if tag_id is not None else str(fake.snowflake()),
                "name": name,
                "moderated": bool(tag.get("moderated", False)),
                "emoji_id": tag.get("emoji_id"),
                "emoji_name": tag.get("emoji_name"),
            }
        )
    forum.available_tags = tags
    fake._dispatch_if_live("CHANNEL_UPDATE", lambda s: forum.to_dict(), guild.id)
