"""The delivery plan's data: what the planner decides and the outbox records and returns.

Plain data with no behaviour beyond a derived field; storage builds and returns these, so
this module imports nothing but the domain models.
"""

from __future__ import annotations

import enum
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
    """One message to write to the outbox: its briefings in order.

    ``content`` is frozen with the rows (mentions and any note); ``ping_role_ids`` are the
    only roles the message may ping. A message with ``hold_until`` is the hourly cap's
    digest: it gathers briefings until then (each run adds its rows under the same nonce,
    with ``content`` None, so the mentions are those of all its briefings) and is sent after.
    """

    nonce: str
    kind: str  # 'post' | 'digest'
    briefing_ids: tuple[int, ...]
    content: str | None = None
    ping_role_ids: tuple[int, ...] = ()
    hold_until: datetime | None = None


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
    content: str | None  # None: only the mentions of ``ping_role_ids``
    ping_role_ids: tuple[int, ...]
    attempts: int
    # When a send without a nonce (a forum post) was begun: it may be on Discord already,
    # so the engine looks for it there before making it again.
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PostedCopy:
    """A message on Discord and the briefings it still shows."""

    channel_id: int
    message_id: int
    nonce: str
    kind: str
    briefing_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CopyLook:
    """How a posted message looks: ``card`` (Components V2, which Discord never turns back
    into an embed post), and what led it when it was sent: its frozen ``content`` and the
    roles it mentioned (a corrected card keeps that line)."""

    card: bool = False
    content: str | None = None
    ping_role_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CorrectionReply:
    """A posted copy's correction reply (posted when Discord refused to edit the copy):
    ``reply_id`` once Discord took it; ``started_at`` when posting it was begun (set with no
    ``reply_id``: it may be on Discord, so it is looked for before another is posted);
    ``note``: what the delivery log says of the copy (the ``last_error`` of a sent row)."""

    reply_id: int | None
    started_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    failures: int
    paused: bool


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    failed: int
    sent: int


class FilterRule(enum.StrEnum):
    """Which of a subscription's filters decided whether a briefing passes."""

    NO_FILTERS = "no_filters"  # passes: the subscription filters nothing
    INCLUDED = "included"  # passes: a listed topic and/or keyword matched
    EXCLUDED_TOPIC = "excluded_topic"  # an excluded topic is among its tags
    EXCLUDED_KEYWORD = "excluded_keyword"  # an excluded keyword is in its title or text
    NO_TOPIC = "no_topic"  # topics are listed and it carries none of them
    NO_KEYWORD = "no_keyword"  # keywords are listed and it mentions none of them


@dataclass(frozen=True, slots=True)
class FilterVerdict:
    """Whether a briefing passes a subscription's filters, and the rule that said so: the
    matched ``topic``/``keyword``, or for ``NO_TOPIC``/``NO_KEYWORD`` the ones listed."""

    passed: bool
    rule: FilterRule
    topic: str | None = None
    keyword: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One outbox row, for the delivery log: a briefing and what became of it in a channel."""

    channel_id: int
    briefing_id: int
    title: str | None  # None once the briefing was removed
    state: str  # 'pending' | 'sent' | 'skipped' | 'failed'
    kind: str
    message_id: int | None
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None  # the Discord error, or why it was skipped
    hold_until: datetime | None = None
    published_at: datetime | None = None  # a post of a ``publish`` subscription, published
    # Past the channel's publishes of the hour: the publish digest that carries it to the
    # following servers (None when it is in none).
    publish_digest: PublishDigestRecord | None = None


@dataclass(frozen=True, slots=True)
class Followups:
    """What Discord says was done to a posted message: a thread started from it
    (``HAS_THREAD``), published to the following servers (``CROSSPOSTED``)."""

    thread: bool = False
    published: bool = False


@dataclass(frozen=True, slots=True)
class PublishDigestRecord:
    """A channel's publish digest, as the delivery log shows it: ``state`` is 'open'
    (gathering), 'sending', 'posted' (not published yet), 'published' or 'failed'."""

    state: str
    message_id: int | None
    published_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class PublishDigest:
    """A publish digest to send: one message that posts and publishes the briefings of a
    ``publish`` channel that were posted past its hourly publishes (``bot.delivery.publishing``)."""

    channel_id: int
    nonce: str
    state: str  # 'open' | 'sending' | 'posted'
    message_id: int | None
    briefing_ids: tuple[int, ...]
    created_at: datetime


class Reason(enum.StrEnum):
    """Why a briefing was or was not delivered to a channel (``bot.delivery.explain``)."""

    SENT = "sent"
    SENDING = "sending"  # in the outbox, not sent yet (maybe retrying after an error)
    HELD = "held"  # past the hourly cap: in the digest at the end of the hour
    FAILED = "failed"  # Discord refused the message itself
    SKIPPED = "skipped"  # given up: catch-up limit, unsubscribed, channel deleted, removed
    BEFORE_START = "before_start"  # stored before the subscription began
    FILTERED = "filtered"
    EMBARGOED = "embargoed"
    PAUSED = "paused"
    NEXT_DIGEST = "next_digest"
    NEXT_RUN = "next_run"  # an instant channel's next run will take it
    PASSED_OVER = "passed_over"  # decided under earlier filters that did not let it through


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the delivery log says of one briefing in one channel.

    ``at``: when it was sent, when the embargo ends, when the next digest (or the hourly
    cap's digest) goes out, or when it was paused by hand. ``detail``: the Discord error, the
    skip or pause reason as stored. ``by_hand``: paused by a manager. ``channel_id``: where it
    went (an earlier channel of a moved subscription, maybe)."""

    reason: Reason
    at: datetime | None = None
    filter: FilterVerdict | None = None
    detail: str | None = None
    by_hand: bool = False
    message_id: int | None = None
    channel_id: int | None = None
    record: DeliveryRecord | None = None  # the sent row (its publish, for a publish:true channel)
