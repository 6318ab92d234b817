"""Branded webhooks: a channel's briefings posted through a webhook the bot made there,
under the name and avatar its managers chose (``/subscribe ... webhook:true``).

This module holds the domain side, with no I/O: the stored webhook (its token wrapped so
that no ``repr``, log line or error can show it) and Discord's rules for a webhook's name
and avatar, checked before anything is created so that a manager gets an error naming the
option instead of Discord's 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.i18n import N_, Message

NAME_LIMIT = 80  # Discord's limit on a webhook's name (and an execution's username)
AVATAR_URL_LIMIT = 512  # generous for an image URL, short enough to keep a row small
DEFAULT_NAME = "Briefings"
# Discord refuses a webhook name containing these (any case) ...
FORBIDDEN_PARTS = ("clyde", "discord")
# ... or equal to these (any case), as for usernames.
FORBIDDEN_NAMES = frozenset({"everyone", "here", "system message"})


def clean_name(name: str | None) -> str:
    """The name as Discord keeps it: leading, trailing and repeated inner whitespace removed;
    the default when none was given."""
    cleaned = " ".join((name or "").split())
    return cleaned if name is not None else DEFAULT_NAME


def name_problem(name: str) -> Message | None:
    """Why Discord would refuse ``name`` (already ``clean_name``d) for a webhook; None when fine."""
    if not 1 <= len(name) <= NAME_LIMIT:
        return N_("webhook_name must be 1 to {most} characters long", most=NAME_LIMIT)
    folded = name.casefold()
    for part in FORBIDDEN_PARTS:
        if part in folded:
            return N_('webhook_name may not contain "{word}" (Discord refuses it)', word=part)
    if folded in FORBIDDEN_NAMES:
        return N_('webhook_name may not be "{word}" (Discord refuses it)', word=folded)
    return None


def avatar_problem(url: str) -> Message | None:
    """Why ``url`` cannot be a webhook post's avatar; None when it can. Discord fetches it
    itself for every post, so it must be a plain https URL with a host."""
    if len(url) > AVATAR_URL_LIMIT:
        return N_("webhook_avatar must be at most {most} characters long", most=AVATAR_URL_LIMIT)
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        return N_("webhook_avatar must be an https:// link to an image")
    return None
