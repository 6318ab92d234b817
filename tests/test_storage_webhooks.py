"""The branded webhook of a subscribed channel in storage, on every backend: kept with its token,
replaced, and gone with its subscription (unsubscribed, server left) or moved with it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import ChannelWebhook, ScheduleKind, Secret, Subscription
from tests.storage_fixtures import ContractStorage

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def hook(channel_id: int = 10, webhook_id: int = 900, **changes: object) -> ChannelWebhook:
    fields: dict[str, object] = {
        "token": Secret("tok-" + str(webhook_id)),
        "name": "Energy Desk",
        "avatar_url": "https://example.org/a.png",
        "created_at": NOW,
    }
    fields.update(changes)
    return ChannelWebhook(channel_id, webhook_id, **fields)  # type: ignore[arg-type]


async def subscribe(storage: ContractStorage, channel_id: int = 10, guild_id: int = 1) -> None:
    await storage.upsert_subscription(Subscription(channel_id, guild_id, ScheduleKind.INSTANT))


async def test_a_channel_s_webhook_is_kept_with_its_token_and_replaced(storage: ContractStorage):
    """The bot would lose the token it posts with, or keep posting through a replaced webhook."""
    await subscribe(storage)
    assert await storage.get_webhook(10) is None
    stored = await storage.put_webhook(hook())
    assert stored == hook()
    assert "tok-900" not in repr(stored)  # the token never shows in a repr or a log line
    assert stored.token.reveal() == "tok-900"
    sub = await storage.get_subscription(10)
    assert sub is not None and sub.webhook  # the engine looks for the webhook only then
    await storage.put_webhook(hook(webhook_id=901, name="Grid Desk", avatar_url=None, lost=1))
    again = await storage.get_webhook(10)
    assert again is not None
    assert (again.webhook_id, again.token.reveal(), again.name, again.avatar_url, again.lost) == (
        901,
        "tok-901",
        "Grid Desk",
        None,
        1,
    )
    assert await storage.delete_webhook(10) is True
    assert await storage.get_webhook(10) is None
    sub = await storage.get_subscription(10)
    assert sub is not None and not sub.webhook
    assert await storage.delete_webhook(10) is False


async def test_the_webhook_goes_with_its_subscription(storage: ContractStorage):
    """An unsubscribed channel, or a server the bot left, would keep a webhook token forever."""
    await subscribe(storage, 10, guild_id=1)
    await subscribe(storage, 20, guild_id=2)
    await storage.put_webhook(hook(10))
    await storage.put_webhook(hook(20, 902))
    await storage.delete_subscription(10)
    assert await storage.get_webhook(10) is None
    await storage.remove_guild(2)
    assert await storage.get_webhook(20) is None
