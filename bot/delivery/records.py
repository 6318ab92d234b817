"""The delivery plan's data: what the planner decides and the outbox records and returns.

Plain data with no behaviour beyond a derived field; storage builds and returns these, so
this module imports nothing but the domain models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Subscription


@dataclass(frozen=True, slots=True)
class SubscriptionState:
    """A subscription with the engine's bookkeeping that the model does not carry."""

    subscription: Subscription
    cursor_id: int
    last_run_at: datetime | None

    @property
    def low_id(self) -> int:
        """Briefings with a higher id are still to be decided for this channel."""
        return max(self.subscription.since_briefing_id, self.cursor_id)


@dataclass(frozen=True, slots=True)
class Candidate:
    """The fields a filter needs, for a briefing that may be delivered."""

    id: int
    title: str
    body: str
    tags: tuple[str, ...]
    published_at: datetime


@dataclass(frozen=True, slots=True)
class MessagePlan:
    """One message to write to the outbox: its briefings in order."""

    nonce: str
    kind: str  # 'post' | 'digest'
    briefing_ids: tuple[int, ...]
    content: str | None = None
    ping_role_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    """What one run decided for one channel, written in a single transaction."""

    channel_id: int
    messages: tuple[MessagePlan, ...] = ()
    skipped: tuple[int, ...] = ()
    skip_reason: str = ""
    cursor_id: int = 0
    ran: bool = False  # record last_run_at (digest runs)


@dataclass(frozen=True, slots=True)
class PendingMessage:
    channel_id: int
    nonce: str
    kind: str
    briefing_ids: tuple[int, ...]
    content: str | None
    ping_role_id: int | None
    attempts: int


@dataclass(frozen=True, slots=True)
class PostedCopy:
    """A message on Discord and the briefings it still shows."""

    channel_id: int
    message_id: int
    nonce: str
    kind: str
    briefing_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    failures: int
    paused: bool


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    failed: int
    sent: int
