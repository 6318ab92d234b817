"""What the delivery log says of a post of a ``publish:true`` channel: published to the
following servers, or in which publish digest it went or goes (``bot.delivery.publishing``).
A leaf: the log's readers (``explain``, the cog) import it without the engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.delivery.records import DeliveryRecord
from bot.i18n import Localizer


def publish_note(record: DeliveryRecord, tr: Localizer, *, when: Callable[[datetime], str]) -> str | None:
    """What the delivery log says of a sent post of a ``publish`` channel: published, or in
    which publish digest it went (or will go) to the following servers; None otherwise."""
    if record.published_at is not None:
        return tr.gettext("published to the following servers")
    digest = record.publish_digest
    if digest is None:
        return None
    if digest.state == "published" and digest.published_at is not None:
        return tr.gettext(
            "published to the following servers {when} in a publish digest (message {id})",
            when=when(digest.published_at),
            id=digest.message_id,
        )
    if digest.state == "failed":
        return tr.gettext(
            "not published: its publish digest failed ({error})", error=digest.last_error or "?"
        )
    return tr.gettext(
        "not published yet: the channel's publishes of the hour are used; it goes to the "
        "following servers in the next publish digest"
    )
