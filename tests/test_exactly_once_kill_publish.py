"""Exactly-once discussion threads and publishes through crashes: kill -9 a real bot process
while Discord is making the threads and publishing the posts of announcement channels
(``thread:true`` and ``publish:true``; neither request takes a nonce), restart it, and check
every post has exactly one thread and was published exactly once, the restarted bot having
read back from Discord what was done rather than asking for it again."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.models import ScheduleKind, Subscription
from storage import open_storage
from tests.fakediscord import FakeDiscord, model
from tests.helpers import analysis, draft
from tests.kill_harness import TOKEN, eventually, start_bot

DESKS = 12
THREADS_ROUTE = "/channels/{channel_id}/messages/{message_id}/threads"
PUBLISH_ROUTE = "/channels/{channel_id}/messages/{message_id}/crosspost"
MESSAGE_ROUTE = "/channels/{channel_id}/messages/{message_id}"


async def prepare(tmp_path: Path, fake: FakeDiscord) -> tuple[Path, list[int], list[int]]:
    guilds = [fake.add_guild(name=f"Desk {i}") for i in range(3)]
    desks = [fake.add_channel(guilds[i % 3], f"press-{i}", type="announcement") for i in range(DESKS)]
    town = fake.add_guild(name="Harbour town")
    followers = [fake.add_channel(town, f"from-press-{i}") for i in range(DESKS)]
    for desk, follower in zip(desks, followers, strict=True):
        fake.followers.add(desk, follower)
    db = tmp_path / "bot.db"
    storage = await open_storage(db)
    try:
        for desk in desks:
            assert desk.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=desk.id,
                    guild_id=desk.guild_id,
                    schedule=ScheduleKind.INSTANT,
                    thread_archive_minutes=60,
                    publish=True,
                )
            )
        await storage.add_briefing(
            draft(
                title="Harbour dredging starts in March", published=datetime.now(UTC) - timedelta(minutes=5)
            ),
            analysis(("The channel will be deeper by summer.", "Iryna Kovalenko", "Harbour master", 0.9)),
        )
    finally:
        await storage.close()
    config = tmp_path / "briefbot.toml"
    config.write_text(f"[storage]\npath = '{db}'\n[schedule]\npoll_seconds = 5\n", encoding="utf-8")
    config.chmod(0o600)
    return config, [d.id for d in desks], [f.id for f in followers]


def done(fake: FakeDiscord, route: str) -> int:
    """Threads made (or publishes made) on Discord so far, whether or not the bot heard back."""
    posts = [p for d in fake.guilds.values() for c in d.channels.values() for p in fake.posts(c)]
    flag = model.HAS_THREAD if route == THREADS_ROUTE else model.CROSSPOSTED
    return sum(1 for p in posts if p.flags & flag)


async def test_kill_9_while_threads_and_publishes_are_made_repeats_neither(tmp_path):
    """A crash after Discord made a post's thread or published it, before the bot recorded the
    post, would make the restarted bot try again: a second thread, a second copy at every
    following server, or a post left without either."""
    fake = FakeDiscord(token=TOKEN)
    config, desk_ids, follower_ids = await prepare(tmp_path, fake)
    await fake.start()
    # Each thread and each publish is made at once and answered late, staggered: every kill
    # lands with threads made or posts published that the bot never heard of.
    for index, desk_id in enumerate(desk_ids):
        late = 0.5 + 0.4 * index  # apart enough that a loaded machine still kills in between
        fake.inject(channel=desk_id, route=THREADS_ROUTE, method="POST", delay_response=late)
        fake.inject(channel=desk_id, route=PUBLISH_ROUTE, method="POST", delay_response=late)
    processes: list[asyncio.subprocess.Process] = []
    try:
        for route, kill_after in ((THREADS_ROUTE, 2), (PUBLISH_ROUTE, 3), (PUBLISH_ROUTE, 8)):
            process = await start_bot(fake, config)
            processes.append(process)

            def enough(r: str = route, n: int = kill_after) -> bool:
                return done(fake, r) >= n

            await fake.wait_until(enough, timeout=60, what=f"{kill_after} made on {route} before the kill")
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert done(fake, PUBLISH_ROUTE) < DESKS, "the kills must land before every post was published"
        processes.append(await start_bot(fake, config))
        await fake.wait_until(
            lambda: done(fake, PUBLISH_ROUTE) >= DESKS and done(fake, THREADS_ROUTE) >= DESKS,
            timeout=120,
            what="every post threaded and published",
        )
        storage = await open_storage(tmp_path / "bot.db")
        try:

            async def settled() -> bool:
                return (await storage.outbox_counts()).pending == 0

            await eventually(settled, within=60, what="recovery to settle every channel")
            log = await storage.delivery_log(desk_ids, limit=100)
        finally:
            await storage.close()
        for desk_id, follower_id in zip(desk_ids, follower_ids, strict=True):
            [post] = fake.posts(desk_id)
            assert post.flags & model.HAS_THREAD and post.thread_id == post.id
            threads = [c for g in fake.guilds.values() for c in g.channels.values() if c.parent_id == desk_id]
            assert [t.id for t in threads] == [post.id]  # one discussion thread, on the post
            assert post.flags & model.CROSSPOSTED
            assert len(fake.followers.copies(follower_id)) == 1  # published once: one copy
        # Each outbox row names the post on Discord and records its publish.
        assert {r.channel_id: r.message_id for r in log} == {d: fake.posts(d)[0].id for d in desk_ids}
        assert all(r.state == "sent" and r.published_at is not None and not r.last_error for r in log)
        # The kills did land in the middle: after a restart the bot read back posts whose thread
        # or publish it had begun, and asked for none of them again (no "done already" 400s).
        read_back = [r for r in fake.requests if r.route == MESSAGE_ROUTE and r.method == "GET"]
        assert {r.channel_id for r in read_back} & set(desk_ids), "no thread or publish was interrupted"
        repeated = [r for r in fake.requests if r.route in (THREADS_ROUTE, PUBLISH_ROUTE) and r.status == 400]
        assert repeated == []
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await fake.stop()
