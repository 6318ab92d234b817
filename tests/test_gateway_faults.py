"""Gateway faults over the fake Discord: a dropped websocket, RECONNECT and INVALID_SESSION.

The bot resumes (or identifies again), start-up work is not repeated, commands keep
working, and a subscription still gets each new briefing exactly once.
"""

from __future__ import annotations

import pytest

from tests.conftest import BotWorld

BODY = "The ministry published the plan on Monday.\n\nIt covers every region and starts in spring."


async def _add(world: BotWorld, title: str) -> None:
    opened = await world.fake.slash(world.publisher, world.channel, "article add")
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    submitted = await opened.submit_modal(dict(zip(custom_ids, [title, BODY, "", "", ""], strict=True)))
    assert (await submitted.wait_final()).content.startswith("Added briefing #")


async def _fault(world: BotWorld, fault: str) -> None:
    fake = world.fake
    identifies = len(fake.gateway.identifies)
    resumes = fake.gateway.session_for_shard(0).resumes
    if fault == "drop":
        await fake.drop_connection()
        await fake.wait_for_resume(count=resumes + 1)
    elif fault == "reconnect":
        fake.send_reconnect()
        await fake.wait_for_resume(count=resumes + 1)
    elif fault == "invalid-resumable":
        fake.invalidate_session(resumable=True)
        await fake.wait_for_resume(count=resumes + 1)
    else:
        fake.invalidate_session(resumable=False)
        await fake.wait_for_identify(identifies + 1)
    await fake.wait_until(
        lambda: world.bot.is_ready() and not world.bot.is_closed(), what="the bot to be ready"
    )


FAULTS = ["drop", "reconnect", "invalid"]  # a resumable INVALID_SESSION: in the posts test


@pytest.mark.parametrize("fault", FAULTS)
async def test_commands_work_after_a_gateway_fault(bot_world: BotWorld, fault: str):
    """After a network blip or a Discord restart the bot would stop answering or redo its start-up."""
    world = bot_world
    fake = world.fake
    writes = fake.command_writes
    await _fault(world, fault)
    latest = await fake.slash(world.reader, world.channel, "latest")
    assert latest.final_message().embeds
    found = await fake.slash(world.reader, world.channel, "search", {"query": "minister"})
    assert found.final_message().embeds
    opened = await fake.slash(world.publisher, world.channel, "article add")
    assert opened.type == 9  # modals too
    assert fake.command_writes == writes  # start-up (command sync) was not redone


async def test_posts_go_on_exactly_once_across_faults(bot_world: BotWorld):
    """A reconnect would stop a subscription's posts, or post a briefing a second time."""
    world = bot_world
    fake = world.fake
    subscribed = await fake.slash(world.manager, world.channel, "subscribe", {"channel": world.news})
    await subscribed.wait_final()
    await _add(world, "Before the faults")
    await fake.wait_for_messages(world.news, 1)
    for fault in ("drop", "reconnect", "invalid-resumable"):
        await _fault(world, fault)
    await _add(world, "After the faults")
    posts = await fake.wait_for_messages(world.news, 2)
    latest = await fake.slash(world.reader, world.channel, "latest", {"count": 2})
    assert len(latest.final_message().embeds) == 2  # a round trip: anything pending has been sent
    titles = [p.embeds[0]["title"] for p in fake.posts(world.news)]
    assert titles == ["Before the faults", "After the faults"], titles  # each exactly once, in order
    assert posts
