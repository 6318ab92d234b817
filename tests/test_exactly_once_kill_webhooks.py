"""Exactly-once webhook posts through crashes: kill -9 a real bot process while Discord is
executing channels' branded webhooks (an execution takes no nonce), restart it, and check every
channel has the briefing exactly once, through its webhook."""

from __future__ import annotations

from pathlib import Path

from bot.models import ChannelWebhook, ScheduleKind, Secret, Subscription
from storage import Storage
from tests.fakediscord import FakeDiscord
from tests.kill_harness import TOKEN, Runs, make_archive, settled_log

CHANNELS = 16


def posts(fake: FakeDiscord, channel_ids: list[int]) -> dict[int, int]:
    return {cid: len(fake.channel_webhooks.posts(cid)) for cid in channel_ids}


async def test_kill_9_while_webhooks_execute_loses_and_duplicates_nothing(tmp_path: Path):
    """A crash after Discord posted through a webhook but before the bot recorded it would, with
    no nonce on that route, post it again after restart; a crash before would lose it."""
    fake = FakeDiscord(token=TOKEN)
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(4)]
    channels = [fake.add_channel(guilds[i % 4], f"branded-{i}") for i in range(CHANNELS)]
    channel_ids = [c.id for c in channels]

    async def subscribe(storage: Storage) -> None:
        for index, channel in enumerate(channels):
            assert channel.guild_id is not None
            hook = fake.channel_webhooks.add(channel, "Energy Desk")
            # Each execution is made at once and answered late, staggered: every kill lands
            # with posts on Discord whose ids the bot never learned.
            fake.channel_webhooks.answer_after[hook.id] = 0.3 + 0.15 * index
            await storage.upsert_subscription(
                Subscription(channel_id=channel.id, guild_id=channel.guild_id, schedule=ScheduleKind.INSTANT)
            )
            await storage.put_webhook(
                ChannelWebhook(
                    channel.id, hook.id, Secret(hook.token), "Energy Desk", "https://example.org/a.png"
                )
            )

    config = await make_archive(tmp_path, subscribe)
    await fake.start()
    runs = Runs(fake, config)
    try:
        after = await runs.kill_at((1, 6, 11), lambda: sum(posts(fake, channel_ids).values()))
        assert after[-1] < CHANNELS, "the kills must land before the fan-out finished"
        await runs.start()
        await fake.wait_until(
            lambda: all(n >= 1 for n in posts(fake, channel_ids).values()),
            timeout=90,
            what="every channel to have the briefing",
        )
        sent = await settled_log(tmp_path / "bot.db", channel_ids)
        assert posts(fake, channel_ids) == dict.fromkeys(channel_ids, 1)
        # Each outbox row names the webhook's post that is on Discord, and nothing came from the bot.
        on_discord = {cid: fake.channel_webhooks.posts(cid)[0].id for cid in channel_ids}
        assert {r.channel_id: r.message_id for r in sent} == on_discord
        assert all(m.source == "webhook" for cid in channel_ids for m in fake.channel_history(cid))
        assert {fake.channel_webhooks.posts(cid)[0].author["username"] for cid in channel_ids} == {
            "Energy Desk"
        }
    finally:
        await runs.close()
