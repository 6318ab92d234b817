"""Follows in storage (both backends): the channels that follow a home announcement channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.models import Follow
from storage.transfer import as_transfer, copy_archive
from tests.storage_fixtures import ContractStorage, open_backend

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def follow(channel_id: int, guild_id: int = 7, *, topic: str = "all", webhook_id: int = 900) -> Follow:
    return Follow(channel_id, guild_id, 5000 + len(topic), topic, webhook_id, created_at=NOW)


async def test_a_follow_is_kept_listed_by_server_and_replaced(storage: ContractStorage):
    """/subscriptions would not show a follow, or show another server's, or keep a stale
    home channel after the channel switched topics."""
    await storage.put_follow(follow(30, topic="energy", webhook_id=901))
    await storage.put_follow(follow(10))
    await storage.put_follow(follow(20, guild_id=8))
    assert await storage.get_follow(10) == follow(10)
    assert [f.channel_id for f in await storage.follows(guild_id=7)] == [10, 30]
    assert [f.channel_id for f in await storage.follows()] == [10, 20, 30]
    switched = await storage.put_follow(follow(10, topic="defence", webhook_id=902))
    assert (switched.topic, switched.webhook_id) == ("defence", 902)
    assert await storage.get_follow(10) == switched
    assert await storage.get_follow(11) is None


async def test_a_follow_is_forgotten_only_through_its_own_webhook(storage: ContractStorage):
    """Unsubscribing could forget a follow that a concurrent /subscribe had just replaced,
    leaving its new webhook copying posts with nothing to remove it."""
    await storage.put_follow(follow(10, webhook_id=901))
    assert not await storage.delete_follow(10, 999)
    assert await storage.get_follow(10) is not None
    assert await storage.delete_follow(10, 901)
    assert await storage.get_follow(10) is None
    assert not await storage.delete_follow(10, 901)


async def test_follows_move_between_backends(tmp_path: Path):
    """briefbot db copy would lose the follows, and with them the webhooks to delete on /unsubscribe."""
    source = await open_backend("sqlite", tmp_path)
    (tmp_path / "pg").mkdir()
    target = await open_backend("postgresql", tmp_path / "pg")
    try:
        await source.put_follow(follow(10, topic="energy", webhook_id=901))
        await copy_archive(as_transfer(source), as_transfer(target))
        assert await target.follows() == [follow(10, topic="energy", webhook_id=901)]
    finally:
        await source.close()
        await target.close()
