"""The storage contract of card styles, on every backend: a channel's chosen style, and how
each posted message looks (a card or not, and the line that led it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.delivery.records import ChannelPlan, CopyLook, MessagePlan
from bot.models import ScheduleKind, Subscription
from tests.helpers import analysis, draft

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def subscription(channel_id: int = 10, **kw) -> Subscription:
    fields = {"channel_id": channel_id, "guild_id": 1, "schedule": ScheduleKind.INSTANT, "created_at": NOW}
    return Subscription(**{**fields, **kw})


async def add(storage, title: str) -> int:
    outcome = await storage.add_briefing(
        draft(title=title, body=f"{title} body.", url=None, published=NOW - timedelta(hours=1)),
        analysis(),
        now=NOW,
    )
    return outcome.briefing_id


async def test_a_channel_s_style_is_stored_and_none_means_the_operator_s(storage):
    """A channel's style:embed or style:card would be lost, or a channel that chose nothing
    would be pinned to one style when the operator changes theirs."""
    plain = await storage.upsert_subscription(subscription(10))
    assert plain.card_style is None
    cards = await storage.upsert_subscription(subscription(11, card_style="components"))
    embeds = await storage.upsert_subscription(subscription(12, card_style="embed"))
    assert (cards.card_style, embeds.card_style) == ("components", "embed")
    assert (await storage.get_subscription(11)).card_style == "components"
    assert {s.channel_id: s.card_style for s in await storage.subscriptions()} == {
        10: None,
        11: "components",
        12: "embed",
    }
    state = await storage.subscription_state(12)
    assert state.subscription.card_style == "embed"  # what the engine reads when it posts
    back = await storage.update_subscription(replace(cards, card_style=None))
    assert back.card_style is None and (await storage.get_subscription(11)).card_style is None


async def test_a_sent_message_keeps_whether_it_is_a_card_and_its_lead(storage):
    """A correction would not know a message is a card (Discord then refuses the edit) or
    would drop the role line the post led with."""
    first, second, third = [await add(storage, t) for t in ("First story", "Second story", "Third story")]
    await storage.upsert_subscription(subscription(10))
    digest = MessagePlan("n-digest", "digest", (first, second), "<@&7> <@&8>", (7, 8))
    plain = MessagePlan("n-plain", "post", (third,), None, ())
    await storage.record_plans([ChannelPlan(10, (digest, plain), cursor_id=third)], now=NOW)
    assert await storage.copy_look(10, "n-digest") == CopyLook(False, "<@&7> <@&8>", (7, 8))  # pending
    await storage.mark_sent(10, "n-digest", 900, now=NOW, card=True)
    await storage.mark_sent(10, "n-plain", 901, now=NOW)
    assert await storage.copy_look(10, "n-digest") == CopyLook(True, "<@&7> <@&8>", (7, 8))
    assert await storage.copy_look(10, "n-plain") == CopyLook(False, None, ())
    assert await storage.copy_look(10, "unknown") == CopyLook()
    await storage.mark_card(10, "n-plain")  # a correction turns it into a card
    assert (await storage.copy_look(10, "n-plain")).card
