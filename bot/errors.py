"""Errors meant for the person who typed the command.

A ``UserFacingError`` carries a short, specific message that the one central error
handler shows as an ephemeral reply; anything else is a bug, logged with its
traceback and answered with a reference the operator can grep for.
"""


class UserFacingError(Exception):
    """An expected problem with what the user asked: shown to them as is."""


class PermissionDeniedError(UserFacingError):
    """The user may not run this command here."""
