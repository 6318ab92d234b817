"""Forum tags created on request (``/subscribe ... create_tags:true``), through the real bot and
the fake Discord: the tags a post's topics name and the forum lacks are created when the bot
may (Manage Channels), within Discord's 20 tags a forum and 20 characters a name; past those,
or without the permission, the post still goes out and the delivery log says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from tests.conftest import BotWorld
from tests.fakediscord import model
from tests.fakediscord.model import Channel
from tests.helpers import analysis, draft

PATCH_ROUTE = "/channels/{channel_id}"


def managed_forum(world: BotWorld, tags: list[str], *, manage: bool = True) -> Channel:
    allow = model.MANAGE_CHANNELS if manage else 0
    return world.fake.add_forum(
        world.guild, "briefing-forum", tags=tags, overwrites={world.fake.bot_role(world.guild): (allow, 0)}
    )


async def subscribe(world: BotWorld, forum: Channel, **options: object) -> str:
    def cached() -> bool:
        channel = world.bot.get_channel(forum.id)
        return isinstance(channel, discord.ForumChannel) and len(channel.available_tags) == len(
            forum.available_tags
        )

    await world.fake.wait_until(cached, what="the forum in the bot's cache")
    result = await world.fake.slash(world.manager, world.channel, "subscribe", {"channel": forum, **options})
    return (await result.wait_final()).content


async def post_briefing(world: BotWorld, title: str, tags: tuple[str, ...]) -> None:
    await world.bot.storage.add_briefing(
        draft(
            title=title,
            url=f"https://example.org/{abs(hash(title))}",
            tags=tags,
            published=datetime.now(UTC) - timedelta(minutes=1),
        ),
        analysis(),
    )
    await world.bot.engine.run_instant()


def tag_patches(world: BotWorld, forum: Channel) -> list[int]:
    return [
        r.status
        for r in world.fake.requests
        if r.method == "PATCH" and r.route == PATCH_ROUTE and r.channel_id == forum.id
    ]


async def test_missing_tags_are_created_and_applied_when_asked(bot_world: BotWorld):
    """A topic with no tag in the forum would leave posts untagged although the manager asked
    the bot to create the tags, or the forum's own tags would be replaced."""
    fake = bot_world.fake
    forum = managed_forum(bot_world, ["Transport"])
    before = {t["name"]: t["id"] for t in forum.available_tags}
    answer = await subscribe(bot_world, forum, create_tags=True)
    assert answer.startswith("Subscribed") and "missing forum tags created" in answer, answer
    await post_briefing(bot_world, "Ferry fares frozen for the winter", ("transport", "Energy"))
    [(thread, _starter)] = fake.forum_posts(forum)
    names = {t["name"]: t["id"] for t in forum.available_tags}
    assert names["Transport"] == before["Transport"]  # kept, with its id
    assert set(names) == {"Transport", "Energy"}
    assert sorted(thread.applied_tags) == sorted([int(names["Transport"]), int(names["Energy"])])
    await post_briefing(bot_world, "Grid repairs finished early", ("energy",))
    assert len(tag_patches(bot_world, forum)) == 1  # made once: the next post uses it
    [row] = [
        r
        for r in await bot_world.bot.storage.delivery_log([forum.id])
        if r.title == "Grid repairs finished early"
    ]
    assert row.state == "sent" and not row.last_error


async def test_past_discords_limits_tags_are_skipped_with_a_note_and_the_post_made(bot_world: BotWorld):
    """A forum with 19 tags, or a topic longer than a tag name may be, would fail the post (400)
    or silently drop the topic."""
    fake = bot_world.fake
    forum = managed_forum(bot_world, [f"Desk {n}" for n in range(19)])
    await subscribe(bot_world, forum, create_tags=True)
    topic = "infrastructure-and-transport"  # 28 characters: no tag name can hold it
    await post_briefing(bot_world, "Bridge works move to spring", ("health", "weather", topic))
    [(thread, _starter)] = fake.forum_posts(forum)
    names = [t["name"] for t in forum.available_tags]
    assert len(names) == 20 and names[-1] == "health"
    assert thread.applied_tags == [int(forum.available_tags[-1]["id"])]
    assert tag_patches(bot_world, forum) == [200]  # never a request Discord would refuse
    [row] = await bot_world.bot.storage.delivery_log([forum.id])
    assert row.state == "sent" and row.last_error is not None
    assert "weather (the forum has Discord's 20 tags at most)" in row.last_error
    assert f"{topic} (longer than Discord's 20 characters)" in row.last_error
    shown = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions log", {"channel": forum})
    assert "tags not created" in str((await shown.wait_final()).embeds)


async def test_without_manage_channels_the_post_goes_out_and_the_log_says_so(bot_world: BotWorld):
    """Manage Channels taken away after subscribing would fail every post, or cost a refused
    request (an invalid one, towards Discord's ban) on each post."""
    fake = bot_world.fake
    forum = managed_forum(bot_world, ["Transport"])
    await subscribe(bot_world, forum, create_tags=True)
    for overwrite in forum.overwrites:  # taken away without the bot's cache being told
        overwrite.allow &= ~model.MANAGE_CHANNELS
    await post_briefing(bot_world, "Harbour crane inspected", ("energy",))
    await post_briefing(bot_world, "Second crane inspected", ("energy",))
    assert len(fake.forum_posts(forum)) == 2
    assert [t["name"] for t in forum.available_tags] == ["Transport"]
    assert tag_patches(bot_world, forum) == [403]  # asked once, then remembered
    log = await bot_world.bot.storage.delivery_log([forum.id])
    assert all(r.state == "sent" and "needs Manage Channels" in (r.last_error or "") for r in log)


@pytest.mark.parametrize(
    ("manage", "kind", "expected"),
    [
        (True, "text", "create_tags:true needs a forum or media channel"),
        (False, "forum", "I need Manage Channels there"),
    ],
)
async def test_create_tags_is_refused_where_it_cannot_work(bot_world: BotWorld, manage, kind, expected):
    """create_tags on a text channel, or on a forum where the bot may not manage the channel,
    would be accepted and then never create a tag."""
    if kind == "forum":
        target = managed_forum(bot_world, [], manage=manage)
        answer = await subscribe(bot_world, target, create_tags=True)
    else:
        result = await bot_world.fake.slash(
            bot_world.manager,
            bot_world.channel,
            "subscribe",
            {"channel": bot_world.news, "create_tags": True},
        )
        answer = (await result.wait_final()).content
    assert expected in answer, answer
    assert await bot_world.bot.storage.get_subscription(bot_world.news.id) is None


async def test_the_fake_edits_forum_tags_as_discord_does(bot_world: BotWorld):
    """The fake would accept what Discord refuses (a 21st tag, a long name, no permission), so
    the tests above would prove nothing."""
    http = bot_world.bot.http
    forum = managed_forum(bot_world, ["Transport"])
    [kept] = forum.available_tags
    with pytest.raises(discord.HTTPException) as too_many:
        await http.edit_channel(forum.id, available_tags=[kept, *({"name": f"t{n}"} for n in range(20))])
    assert (too_many.value.status, too_many.value.code) == (400, 50035)
    with pytest.raises(discord.HTTPException) as too_long:
        await http.edit_channel(forum.id, available_tags=[kept, {"name": "x" * 21}])
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    assert forum.available_tags == [kept]  # nothing changed
    done: dict[str, Any] = dict(await http.edit_channel(forum.id, available_tags=[{"name": "Energy"}]))
    assert [t["name"] for t in done["available_tags"]] == ["Energy"]  # the list replaces the tags
    locked = managed_forum(bot_world, ["Transport"], manage=False)
    with pytest.raises(discord.Forbidden) as denied:
        await http.edit_channel(locked.id, available_tags=[{"name": "Energy"}])
    assert denied.value.code == 50013
