"""Exactly-once correction replies through crashes: an editor corrects a quote from the
command line, Discord refuses to edit the hour-old copies (30046), so the running bot replies
to each with the corrected card; kill -9 it while Discord makes those replies and answers
late, restart it, and check every copy has exactly one reply and the outbox names it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from bot.models import ScheduleKind, Subscription
from storage import Storage, open_storage
from tests.fakediscord import FakeDiscord
from tests.fakediscord.model import Message
from tests.kill_harness import ROOT, TOKEN, Runs, make_archive

DESKS = 10
MESSAGES_ROUTE = "/channels/{channel_id}/messages"
CORRECTED_ROLE = "Deputy Minister for Energy"


def replies(fake: FakeDiscord, channel_id: int) -> list[Message]:
    return [m for m in fake.posts(channel_id) if m.message_reference]


def replied(fake: FakeDiscord, channel_ids: list[int]) -> int:
    """Replies Discord has made so far, whether or not the bot heard back."""
    return sum(len(replies(fake, c)) for c in channel_ids)


async def correct_from_the_command_line(config: Path) -> str:
    """``briefbot quotes 1 --fix 1 --role ...``: what an editor runs while the bot is up."""
    command = [sys.executable, "-m", "bot", "--config", str(config), "quotes", "1", "--fix", "1"]
    command += ["--name", "Olena Marchuk", "--role", CORRECTED_ROLE]
    done = await asyncio.to_thread(
        subprocess.run, command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_kill_9_while_correction_replies_are_made_repeats_none(tmp_path: Path):
    """A crash after Discord made a correction reply and before the outbox recorded it would
    make the restarted bot reply a second time (two corrections under one post), or leave a
    copy with the wrong card and no reply."""
    fake = FakeDiscord(token=TOKEN)
    guild = fake.add_guild(name="Energy desk")
    desks = [fake.add_channel(guild, name=f"briefings-{i}") for i in range(DESKS)]
    desk_ids = [d.id for d in desks]

    async def subscribe(storage: Storage) -> None:
        for desk in desks:
            assert desk.guild_id is not None
            await storage.upsert_subscription(
                Subscription(channel_id=desk.id, guild_id=desk.guild_id, schedule=ScheduleKind.INSTANT)
            )

    config = await make_archive(tmp_path, subscribe)
    await fake.start()
    runs = Runs(fake, config)
    try:
        first = await runs.start()
        await fake.wait_until(
            lambda: all(fake.posts(d) for d in desk_ids), timeout=60, what="the briefing in every desk"
        )
        posts = {d: fake.posts(d)[0] for d in desk_ids}
        # The posts are over an hour old and Discord allows no more edits of such messages.
        fake.edit_limits.configure(old_limit=0)
        for post in posts.values():
            fake.edit_limits.age(post, 3600 + 60)
        # The replies are made one after another, each answered a second late: the kills land
        # with replies made that the bot never heard of.
        for index, desk_id in enumerate(desk_ids):
            fake.inject(
                channel=desk_id, route=MESSAGES_ROUTE, method="POST", delay=0.3 * index, delay_response=1.0
            )

        printed = await correct_from_the_command_line(config)
        assert f"{DESKS} posted copies marked" in printed, printed

        await fake.wait_until(lambda: replied(fake, desk_ids) >= 2, timeout=60, what="two replies")
        first.kill()
        await first.wait()
        after = await runs.kill_at([6], lambda: replied(fake, desk_ids))
        assert after[0] < DESKS, "the kills must land before every copy had its reply"
        await runs.start()
        await fake.wait_until(
            lambda: all(replies(fake, d) for d in desk_ids), timeout=120, what="a reply under every copy"
        )

        storage = await open_storage(tmp_path / "bot.db")
        try:

            async def settled() -> bool:
                begun = await storage.begun_replies()
                due = (await storage.outbox_counts()).pending
                return not begun and not due

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 40
            while not await settled():
                assert loop.time() < deadline, "recovery did not settle"
                await asyncio.sleep(0.1)
            # Another sweep of marked copies (every 15 s) may run: nothing more may be posted.
            await asyncio.sleep(16)
            recorded = {}
            for copy in await storage.posted_copies(1):
                record = await storage.correction_reply(copy.channel_id, copy.nonce)
                recorded[copy.channel_id] = record.reply_id if record else None
        finally:
            await storage.close()

        for desk_id, post in posts.items():
            [reply] = replies(fake, desk_id)  # exactly one correction under the copy
            assert reply.message_reference is not None
            assert reply.message_reference["message_id"] == str(post.id)
            assert CORRECTED_ROLE in str(reply.embeds[0])  # the corrected card
            assert fake.notified(reply) == {"everyone": False, "users": [], "roles": []}
            assert fake.messages[post.id].embeds == post.embeds  # the copy itself untouched
            assert len(fake.posts(desk_id)) == 2
        assert recorded == {d: replies(fake, d)[0].id for d in desk_ids}
        # The kills did land in the middle: a restarted bot looked through a channel's messages
        # for a reply it had begun, rather than posting it again.
        looked = {r.channel_id for r in fake.requests if r.route == MESSAGES_ROUTE and r.method == "GET"}
        assert looked & set(desk_ids), "no reply was interrupted"
    finally:
        await runs.close()
