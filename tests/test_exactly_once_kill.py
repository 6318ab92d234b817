"""Exactly-once delivery through crashes: kill -9 a real bot process mid fan-out, restart it,
and check every channel on the fake Discord has the briefing exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.models import ScheduleKind, Subscription
from storage import Storage, open_storage
from storage.constants import META_INSTANT_LAST_RUN
from tests.fakediscord import FakeDiscord
from tests.kill_harness import TOKEN, Runs, eventually, make_archive, settled_log

CHANNELS = 24


def posted(fake: FakeDiscord, channel_ids: list[int]) -> dict[int, int]:
    return {cid: len(fake.posts(cid)) for cid in channel_ids}


async def last_instant_run(storage: Storage) -> datetime | None:
    value = await storage.get_meta(META_INSTANT_LAST_RUN)
    return datetime.fromisoformat(value) if value else None


async def test_kill_9_during_fan_out_loses_and_duplicates_nothing(tmp_path: Path):
    """A crash mid fan-out would leave channels without the briefing, or post it twice after restart."""
    fake = FakeDiscord(token=TOKEN)
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(4)]
    channels = [fake.add_channel(guilds[i % 4], name=f"briefings-{i}") for i in range(CHANNELS)]
    channel_ids = [c.id for c in channels]

    async def subscribe(storage: Storage) -> None:
        for ch in channels:
            assert ch.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=ch.id, guild_id=ch.guild_id, schedule=ScheduleKind.INSTANT, timezone="UTC"
                )
            )

    config = await make_archive(tmp_path, subscribe)
    await fake.start()
    # Staggered slow sends spread the fan-out over seconds, so each kill lands mid fan-out,
    # with requests in flight: Discord may create a message the bot never recorded.
    for index, channel_id in enumerate(channel_ids):
        fake.inject(
            channel=channel_id,
            route="/channels/{channel_id}/messages",
            method="POST",
            delay=0.2 + 0.12 * index,
        )
    runs = Runs(fake, config)
    try:
        after = await runs.kill_at(
            (1, 8, 17), lambda: sum(1 for n in posted(fake, channel_ids).values() if n)
        )
        assert after[0] < CHANNELS, "the first kill must land before the fan-out finished"
        await runs.start()
        await fake.wait_until(
            lambda: all(n >= 1 for n in posted(fake, channel_ids).values()),
            timeout=90,
            what="every channel to have the briefing",
        )
        # Let the restarted bot finish recovery and one more instant poll: nothing may be re-sent.
        await settled_log(tmp_path / "bot.db", channel_ids, within=20)
        storage = await open_storage(tmp_path / "bot.db")
        try:
            recovered_at = datetime.now(UTC)

            async def polled_since_recovery() -> bool:
                # An instant poll that started after recovery, with whatever it planned sent.
                last = await last_instant_run(storage)
                return (
                    last is not None and last > recovered_at and (await storage.outbox_counts()).pending == 0
                )

            await eventually(polled_since_recovery, within=30, what="an instant poll after recovery")
        finally:
            await storage.close()
        assert posted(fake, channel_ids) == dict.fromkeys(channel_ids, 1)
    finally:
        await runs.close()
