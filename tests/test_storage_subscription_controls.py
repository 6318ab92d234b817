"""The storage contract of a subscription's controls, on every backend: exclusions, topic roles and
the hourly cap stored; settings changed without touching the rest; pause by hand and resume;
a move that keeps history; the cap's held digest; the delivery log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.records import ChannelPlan, MessagePlan
from bot.models import ScheduleKind, Subscription
from storage import NotFoundError, StorageError
from tests.helpers import analysis, draft

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def subscription(channel_id: int = 10, **kw) -> Subscription:
    fields = {"channel_id": channel_id, "guild_id": 1, "schedule": ScheduleKind.INSTANT, "created_at": NOW}
    return Subscription(**{**fields, **kw})


async def add(storage, title: str, **kw) -> int:
    outcome = await storage.add_briefing(
        draft(title=title, body=f"{title} body.", url=None, published=NOW - timedelta(hours=1), **kw),
        analysis(),
        now=NOW,
    )
    return outcome.briefing_id


def post(channel_id: int, briefing_id: int, nonce: str, *, roles: tuple[int, ...] = (), **kw) -> ChannelPlan:
    message = MessagePlan(nonce, kw.pop("kind", "post"), (briefing_id,), kw.pop("content", None), roles, **kw)
    return ChannelPlan(channel_id, (message,), cursor_id=briefing_id)


async def test_exclusions_topic_roles_and_the_cap_are_stored(storage):
    """A manager's excluded topics, topic pings or hourly cap would be lost on the next read."""
    stored = await storage.upsert_subscription(
        subscription(
            exclude_topics=("sport",),
            exclude_keywords=("тариф", "lottery"),
            topic_roles=(("energy", 2**62 + 5), ("eu", 7)),
            max_per_hour=4,
        )
    )
    assert stored.exclude_topics == ("sport",)
    assert stored.exclude_keywords == ("тариф", "lottery")
    assert stored.topic_roles == (("energy", 2**62 + 5), ("eu", 7))
    assert stored.max_per_hour == 4 and stored.moved_from == () and not stored.paused_by_hand
    assert await storage.get_subscription(10) == stored


async def test_changing_settings_keeps_the_pause_cursor_and_start(storage):
    """Setting a topic ping would resume a paused channel or reset where it starts from."""
    await storage.upsert_subscription(subscription(since_briefing_id=3))
    await storage.set_pause(10, "paused by a manager", now=NOW)
    current = await storage.get_subscription(10)
    changed = await storage.update_subscription(replace(current, topic_roles=(("energy", 5),)))
    assert changed.topic_roles == (("energy", 5),)
    assert changed.paused_reason == "paused by a manager" and changed.paused_by_hand
    assert changed.paused_at == NOW and changed.since_briefing_id == 3
    with pytest.raises(NotFoundError):
        await storage.update_subscription(subscription(channel_id=99))


async def test_pause_by_hand_keeps_what_waits_and_resume_clears_any_pause(storage):
    """A pause would throw away the posts waiting to go out, or resume would leave the channel paused."""
    await storage.upsert_subscription(subscription())
    b = await add(storage, "Waiting story")
    await storage.record_plans([post(10, b, "n1")], now=NOW)
    paused = await storage.set_pause(10, "paused by a manager", now=NOW)
    assert paused.paused_by_hand and paused.paused_reason == "paused by a manager"
    assert [m.nonce for m in await storage.pending_messages(10)] == ["n1"]
    await storage.record_send_failure(10, "n1", "NoAccess", counts=True, threshold=9, pause_reason="x")
    resumed = await storage.set_pause(10, None)
    assert resumed.paused_reason is None and not resumed.paused_by_hand and resumed.paused_at is None
    assert resumed.failures == 0
    assert await storage.set_pause(99, None) is None


async def test_resubscribing_clears_a_pause_by_hand_and_keeps_the_history(storage):
    """/subscribe after a pause would leave it paused, or forget where it was moved from."""
    await storage.upsert_subscription(subscription())
    await storage.move_subscription(10, 11)
    await storage.set_pause(11, "paused by a manager", now=NOW)
    again = await storage.upsert_subscription(subscription(channel_id=11))
    assert again.paused_reason is None and not again.paused_by_hand and again.moved_from == (10,)


async def test_a_move_keeps_settings_start_cursor_and_takes_what_waits(storage):
    """A moved subscription would start over (reposting), lose its settings, or leave its waiting posts behind."""
    sent = await add(storage, "Sent story")
    waiting = await add(storage, "Waiting story")
    await storage.upsert_subscription(subscription(topics=("energy",), since_briefing_id=1, max_per_hour=3))
    await storage.record_plans([post(10, sent, "n-sent"), post(10, waiting, "n-wait")], now=NOW)
    await storage.mark_sent(10, "n-sent", 555, now=NOW)
    await storage.record_send_failure(
        10, "n-wait", "NoAccess", counts=True, threshold=1, pause_reason="broken"
    )
    assert (await storage.get_subscription(10)).paused_reason == "broken"
    moved = await storage.move_subscription(10, 11)
    assert moved.channel_id == 11 and moved.moved_from == (10,) and moved.channel_ids == (11, 10)
    assert moved.topics == ("energy",) and moved.max_per_hour == 3 and moved.since_briefing_id == 1
    assert moved.paused_reason is None and moved.failures == 0  # the old channel's trouble stays there
    state = await storage.subscription_state(11)
    assert state.cursor_id == waiting
    assert await storage.get_subscription(10) is None
    assert [m.briefing_ids for m in await storage.pending_messages(11)] == [(waiting,)]
    assert await storage.pending_messages(10) == []
    log = await storage.delivery_log(moved.channel_ids)
    assert {(r.channel_id, r.briefing_id, r.state) for r in log} == {
        (10, sent, "sent"),
        (11, waiting, "pending"),
    }
    with pytest.raises(NotFoundError):
        await storage.move_subscription(10, 12)
    await storage.upsert_subscription(subscription(channel_id=12))
    with pytest.raises(StorageError):
        await storage.move_subscription(11, 12)


async def test_a_paused_by_hand_subscription_stays_paused_when_moved(storage):
    """Moving a channel a manager paused would quietly start posting again."""
    await storage.upsert_subscription(subscription())
    await storage.set_pause(10, "paused by a manager", now=NOW)
    moved = await storage.move_subscription(10, 11)
    assert moved.paused_by_hand and moved.paused_reason == "paused by a manager"


async def test_the_cap_s_digest_waits_until_its_hour_ends_and_gathers_every_run_s_rows(storage):
    """Held briefings would go out at once, as several messages, or lose the roles they mention."""
    await storage.upsert_subscription(subscription())
    a, b, c = [await add(storage, f"Story {i}") for i in range(3)]
    end = NOW + timedelta(minutes=30)
    await storage.record_plans([post(10, a, "p-a", roles=(5,))], now=NOW)
    await storage.record_plans([post(10, b, "held", kind="digest", roles=(6,), hold_until=end)], now=NOW)
    await storage.record_plans([post(10, c, "held", kind="digest", roles=(6, 7), hold_until=end)], now=NOW)
    waiting = await storage.pending_messages(10, now=NOW)
    assert [(m.nonce, m.briefing_ids, m.ping_role_ids) for m in waiting] == [("p-a", (a,), (5,))]
    due = await storage.pending_messages(10, now=end)
    assert [(m.nonce, m.kind, m.briefing_ids, m.ping_role_ids) for m in due] == [
        ("p-a", "post", (a,), (5,)),
        ("held", "digest", (b, c), (6, 7)),
    ]
    counts = await storage.post_counts({10: NOW, 11: NOW})
    assert counts == {10: 1, 11: 0}  # the held digest is not a post
    assert await storage.post_counts({10: NOW + timedelta(seconds=1)}) == {10: 0}


async def test_the_delivery_log_is_newest_first_with_titles_and_errors(storage):
    """The log would be in the wrong order, miss a failure's Discord error, or break on a removed briefing."""
    await storage.upsert_subscription(subscription())
    ids = [await add(storage, f"Story {i}") for i in range(3)]
    for i, b in enumerate(ids):
        await storage.record_plans([post(10, b, f"n{i}")], now=NOW + timedelta(minutes=i))
    await storage.mark_sent(10, "n0", 900, now=NOW)
    await storage.mark_message(10, "n1", "failed", "rejected: 400 Bad Request (error code: 50035)")
    await storage.remove_briefing(ids[2])
    log = await storage.delivery_log([10], limit=2)
    assert [r.briefing_id for r in log] == [ids[2], ids[1]]
    assert log[0].title is None and log[0].state == "skipped"
    assert log[1].state == "failed" and "50035" in log[1].last_error
    [record] = await storage.delivery_records([10, 11], ids[0])
    assert (record.state, record.message_id, record.title, record.sent_at) == ("sent", 900, "Story 0", NOW)
    assert await storage.delivery_records([], ids[0]) == []
