"""A fake Discord (REST + gateway on loopback) for end-to-end tests with the real discord.py client."""

from .interactions import InteractionResult
from .limits import Fault
from .model import Attachment, Channel, Guild, Member, Message, Role, User
from .patch import pointed_at
from .server import FakeDiscord

__all__ = [
    "Attachment",
    "Channel",
    "FakeDiscord",
    "Fault",
    "Guild",
    "InteractionResult",
    "Member",
    "Message",
    "Role",
    "User",
    "pointed_at",
]
