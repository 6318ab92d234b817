"""Publish digests and forum tag creation in storage, on every backend: posts left unpublished
gather in one open digest, which stops gathering once it is being sent, counts against the
channel's publishes once published, and shows in the delivery log of each post it carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.records import ChannelPlan, MessagePlan
from bot.models import ScheduleKind, Subscription
from tests.helpers import analysis, draft
from tests.storage_fixtures import ContractStorage

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
CHANNEL = 10


async def sent_posts(storage: ContractStorage, count: int) -> list[str]:
    """``count`` briefings posted (and recorded as sent) in the channel; their nonces."""
    await storage.upsert_subscription(Subscription(CHANNEL, 1, ScheduleKind.INSTANT, publish=True))
    nonces = []
    for n in range(count):
        added = await storage.add_briefing(
            draft(title=f"Lock gates tested {n}", url=f"https://example.org/locks/{n}"), analysis()
        )
        nonce = f"{n:032x}"
        plan = ChannelPlan(CHANNEL, messages=(MessagePlan(nonce, "post", (added.briefing_id,)),))
        await storage.record_plans([plan], now=NOW)
        await storage.mark_sent(CHANNEL, nonce, 1000 + n, now=NOW + timedelta(seconds=n))
        nonces.append(nonce)
    return nonces


async def test_unpublished_posts_gather_in_one_digest_until_it_is_sent(storage: ContractStorage):
    """Posts left unpublished would each get a digest of their own, or a post held while the
    digest was being sent would be recorded in a message that does not show it."""
    first, second, third = await sent_posts(storage, 3)
    assert await storage.due_publish_digest(CHANNEL) is None
    digest = await storage.hold_for_publish_digest(CHANNEL, first, digest_nonce="d" * 32, now=NOW)
    assert digest == "d" * 32
    again = await storage.hold_for_publish_digest(CHANNEL, second, digest_nonce="e" * 32, now=NOW)
    assert again == digest  # the open digest gathers
    due = await storage.due_publish_digest(CHANNEL)
    assert due is not None and due.state == "open" and len(due.briefing_ids) == 2
    assert await storage.publish_digest_channels() == [CHANNEL]

    await storage.mark_publish_digest(CHANNEL, digest, "sending", now=NOW)
    later = await storage.hold_for_publish_digest(CHANNEL, third, digest_nonce="f" * 32, now=NOW)
    assert later == "f" * 32  # a digest being sent takes no more posts
    due = await storage.due_publish_digest(CHANNEL)
    assert due is not None and due.nonce == digest and len(due.briefing_ids) == 2

    assert await storage.publish_count(CHANNEL, NOW - timedelta(hours=1)) == 0
    await storage.mark_publish_digest(CHANNEL, digest, "posted", now=NOW, message_id=5000)
    await storage.mark_publish_digest(CHANNEL, digest, "published", now=NOW)
    assert await storage.publish_count(CHANNEL, NOW - timedelta(hours=1)) == 1  # its publish counts
    due = await storage.due_publish_digest(CHANNEL)
    assert due is not None and due.nonce == "f" * 32  # the next one

    log = {r.message_id: r for r in await storage.delivery_log([CHANNEL])}
    carried = log[1000].publish_digest
    assert carried is not None and carried.state == "published" and carried.message_id == 5000
    assert carried.published_at is not None
    pending = log[1002].publish_digest
    assert pending is not None and pending.state == "open"


async def test_a_given_up_digest_keeps_its_reason_and_is_no_longer_due(storage: ContractStorage):
    """A digest Discord refused for good would be tried on every run, or the log would not say why."""
    [only] = await sent_posts(storage, 1)
    digest = await storage.hold_for_publish_digest(CHANNEL, only, digest_nonce="a" * 32, now=NOW)
    await storage.mark_publish_digest(
        CHANNEL, digest, "failed", now=NOW, note="not published: Missing Access"
    )
    assert await storage.due_publish_digest(CHANNEL) is None
    assert await storage.publish_digest_channels() == []
    [row] = await storage.delivery_log([CHANNEL])
    assert row.publish_digest is not None and row.publish_digest.last_error == "not published: Missing Access"


async def test_create_tags_is_kept_with_the_subscription(storage: ContractStorage):
    """/subscribe ... create_tags:true would be forgotten, and the bot never create a tag."""
    await storage.upsert_subscription(
        Subscription(CHANNEL, 1, ScheduleKind.INSTANT, forum=True, create_tags=True)
    )
    sub = await storage.get_subscription(CHANNEL)
    assert sub is not None and sub.create_tags
    await storage.upsert_subscription(Subscription(CHANNEL, 1, ScheduleKind.INSTANT, forum=True))
    sub = await storage.get_subscription(CHANNEL)
    assert sub is not None and not sub.create_tags
