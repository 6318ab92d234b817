"""Managers' and members' controls end to end, the real discord.py client against the fake Discord:
exclusion filters, topic pings members opt into (/notify and a panel's buttons, with Discord's role
hierarchy and Manage Roles), test posts, the delivery log, pause, resume and move, and the hourly cap."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.models import ScheduleKind
from storage.sqlite import SQLiteStorage
from tests.conftest import BotWorld
from tests.fakediscord import Role
from tests.fakediscord import model as fake_model
from tests.helpers import add_via_modal, cached_guild

ROLE_ROUTE = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"


async def subscribe(world: BotWorld, channel=None, **options) -> str:
    result = await world.fake.slash(
        world.manager, world.channel, "subscribe", {"channel": channel or world.news, **options}
    )
    message = await result.wait_final()
    assert message.content.startswith(("Subscribed", "Updated", "Resumed")), message.content
    return message.content


async def add(world: BotWorld, title: str, **values: str) -> int:
    """A briefing added by the publisher through /article add; its id."""
    added = await add_via_modal(world, world.publisher, title=title, **values)
    return int(re.search(r"#(\d+)", added.final_message().content).group(1))  # type: ignore[union-attr]


async def manage(world: BotWorld, command: str, options: dict, *, locale: str = "en-US"):
    """``/subscriptions <command>`` as the manager: the final reply message."""
    result = await world.fake.slash(
        world.manager, world.channel, f"subscriptions {command}", options, locale=locale
    )
    return await result.wait_final()


async def role_seen(world: BotWorld, role: Role) -> None:
    await world.fake.wait_until(
        lambda: cached_guild(world.bot, world.guild.id).get_role(role.id), what="the bot to see the role"
    )


async def bot_can_manage_roles(world: BotWorld, *, above: Role | None = None) -> None:
    """Give the bot Manage Roles (and put its role above ``above``), as a server admin would."""
    fake = world.fake
    bot_role = fake.bot_role(world.guild)
    position = above.position + 1 if above is not None else None
    fake.update_role(
        bot_role, permissions=fake_model.DEFAULT_BOT_PERMISSIONS | fake_model.MANAGE_ROLES, position=position
    )

    def updated() -> bool:
        me = cached_guild(world.bot, world.guild.id).me
        return me.guild_permissions.manage_roles and (above is None or me.top_role.position > above.position)

    await fake.wait_until(updated, what="the bot to see its new role")


async def test_exclusions_beat_inclusions_in_posts(bot_world: BotWorld):
    """A channel would get briefings on an excluded topic or with an excluded word, in any of its forms."""
    fake = bot_world.fake
    reply = await subscribe(
        bot_world, topics="energy", exclude_topics="Sport", exclude_keywords="tariff", schedule="instant"
    )
    assert ", never topics sport, never keywords tariff" in reply
    await add(bot_world, "Energy league final", tags="energy, sport")
    await add(bot_world, "Gas tariffs rise again", tags="energy")
    await add(bot_world, "Gas storage is full", tags="energy")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    assert post.embeds[0]["title"] == "Gas storage is full"
    await bot_world.bot.engine.run_instant()
    assert len(fake.posts(bot_world.news)) == 1


async def test_a_post_pings_exactly_the_roles_of_its_topics(bot_world: BotWorld):
    """Members who chose a topic would not be pinged, others would, or a post could ping @everyone."""
    fake = bot_world.fake
    energy = fake.add_role(bot_world.guild, "Energy news", mentionable=True)
    trade = fake.add_role(bot_world.guild, "Trade news", mentionable=True)
    await role_seen(bot_world, trade)
    await subscribe(bot_world)
    for topic, role in (("Energy", energy), ("trade", trade)):
        reply = await manage(bot_world, "ping", {"channel": bot_world.news, "topic": topic, "role": role})
        assert reply.content.startswith(
            f"Posts to <#{bot_world.news.id}> about '{topic.lower()}' will mention"
        )
    await add(bot_world, "Gas storage @everyone", tags="energy")
    [post] = await fake.wait_for_messages(bot_world.news, 1, timeout=20)
    assert post.content == f"<@&{energy.id}>"
    assert post.allowed_mentions == {"parse": [], "roles": [energy.id]}
    assert fake.notified(post) == {"everyone": False, "users": [], "roles": [energy.id]}
    await add(bot_world, "Weather report", tags="weather")
    posts = await fake.wait_for_messages(bot_world.news, 2, timeout=20)
    assert posts[1].content == "" and posts[1].pings() == {"everyone": False, "users": [], "roles": []}
    listing = await manage(bot_world, "list", {})
    assert f"'energy' mentions <@&{energy.id}>" in listing.embeds[0]["fields"][0]["value"]


async def test_setting_a_ping_warns_when_discord_would_not_deliver_it(bot_world: BotWorld):
    """A manager would set a topic ping that never notifies anyone (role not mentionable, bot unable to give it)."""
    fake = bot_world.fake
    quiet = fake.add_role(bot_world.guild, "Quiet role")
    await role_seen(bot_world, quiet)
    await subscribe(bot_world)
    reply = await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "eu", "role": quiet})
    assert "Note: I can't ping" in reply.content and "Note: members can't opt in" in reply.content
    everyone = await manage(
        bot_world,
        "ping",
        {"channel": bot_world.news, "topic": "eu", "role": fake.guilds[bot_world.guild.id].everyone},
    )
    assert everyone.content.endswith(
        "can't be given to members: it is @everyone, or a bot's or an integration's role."
    )
    # A role with permissions of its own: anyone could take those permissions with /notify.
    powerful = fake.add_role(bot_world.guild, "Moderators", permissions=fake_model.MANAGE_MESSAGES)
    await role_seen(bot_world, powerful)
    refused = await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "eu", "role": powerful})
    assert refused.content == (
        f"<@&{powerful.id}> grants permissions beyond @everyone's, so members may not give it to themselves: "
        "use a role without permissions for topic pings."
    )


async def test_notify_refuses_a_topic_role_that_gained_permissions(bot_world: BotWorld):
    """A role mapped while harmless and given permissions later would let any member take them."""
    fake = bot_world.fake
    energy = fake.add_role(bot_world.guild, "Energy news", mentionable=True)
    await role_seen(bot_world, energy)
    await bot_can_manage_roles(bot_world, above=energy)
    await subscribe(bot_world)
    await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "energy", "role": energy})
    fake.update_role(energy, permissions=fake_model.MANAGE_GUILD)
    await fake.wait_until(
        lambda: cached_guild(bot_world.bot, bot_world.guild.id).get_role(energy.id).permissions.manage_guild,  # type: ignore[union-attr]
        what="the bot to see the role's new permissions",
    )
    result = await fake.slash(bot_world.reader, bot_world.channel, "notify", {"topic": "energy"})
    assert "grants permissions beyond @everyone's" in result.final_message().content
    assert energy.id not in bot_world.reader.role_ids


async def test_notify_gives_and_takes_the_topic_role_and_refuses_clearly_when_it_cannot(bot_world: BotWorld):
    """A member could not opt in or out, or would get a vague error when the bot lacks Manage Roles or rank."""
    fake = bot_world.fake
    energy = fake.add_role(bot_world.guild, "Energy news", mentionable=True)
    await role_seen(bot_world, energy)
    await subscribe(bot_world)
    await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "energy", "role": energy})
    reader = bot_world.reader

    async def notify(locale: str = "en-US") -> str:
        result = await fake.slash(reader, bot_world.channel, "notify", {"topic": "energy"}, locale=locale)
        message = result.final_message()
        assert message.ephemeral
        return message.content

    assert (await notify()).startswith("I need the Manage Roles permission to give")
    await bot_can_manage_roles(bot_world)  # Manage Roles, but its role is still below the topic's
    assert (await notify()).startswith(f"I can't give <@&{energy.id}>: it is not below my highest role")
    assert energy.id not in reader.role_ids
    await bot_can_manage_roles(bot_world, above=energy)
    assert (await notify()).startswith("You will be pinged for 'energy' from now on")
    assert energy.id in reader.role_ids
    assert (await notify(locale="uk")).startswith("Ви більше не отримуватимете згадок на тему «energy»")
    assert energy.id not in reader.role_ids
    # Discord refuses even though the bot's cache says it may (a change it has not heard of yet).
    fault = fake.inject(code=50013, route=ROLE_ROUTE, times=1)
    assert (await notify()).startswith("Discord refused to change your roles (Missing Permissions)")
    assert fault.hits == 1 and energy.id not in reader.role_ids
    unknown = await fake.slash(reader, bot_world.channel, "notify", {"topic": "sport"})
    assert unknown.final_message().content.startswith("No channel here pings anyone for 'sport'")
    typed = await fake.autocomplete(reader, bot_world.channel, "notify", {"topic": "en"}, focused="topic")
    assert [c["value"] for c in typed.choices] == ["energy"]


async def test_a_panel_s_buttons_give_and_take_the_role(bot_world: BotWorld):
    """Members could not opt in from the panel, or the panel would not be pinned where the bot may pin."""
    fake = bot_world.fake
    energy = fake.add_role(bot_world.guild, "Energy news", mentionable=True, position=2)
    await role_seen(bot_world, energy)
    await bot_can_manage_roles(bot_world, above=energy)
    await subscribe(bot_world)
    await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "energy", "role": energy})
    reply = await manage(bot_world, "panel", {})
    assert reply.content.startswith(f"Posted the panel in <#{bot_world.channel.id}>")
    assert "Pin it so members find it" in reply.content  # the bot may not pin here
    [panel] = fake.posts(bot_world.channel)
    assert not panel.pinned and panel.pings() == {"everyone": False, "users": [], "roles": []}
    [button] = [c for row in panel.components for c in row["components"]]
    assert button["label"] == "energy"
    pressed = await fake.click(bot_world.reader, panel, button["custom_id"])
    assert pressed.ephemeral and pressed.final_message().content.startswith("You will be pinged for 'energy'")
    assert energy.id in bot_world.reader.role_ids
    again = await fake.click(bot_world.reader, panel, button["custom_id"])
    assert again.final_message().content.startswith("You will no longer be pinged")
    assert energy.id not in bot_world.reader.role_ids
    fake.set_overwrite(bot_world.news, fake.bot_role(bot_world.guild), allow=fake_model.PIN_MESSAGES)
    await fake.wait_until(
        lambda: (
            bot_world.bot.get_channel(bot_world.news.id)
            .permissions_for(  # type: ignore[union-attr]
                cached_guild(bot_world.bot, bot_world.guild.id).me
            )
            .pin_messages
        ),
        what="the bot to see its new permission",
    )
    pinned = await manage(bot_world, "panel", {"channel": bot_world.news})
    assert "I pinned it." in pinned.content
    assert fake.posts(bot_world.news)[-1].pinned


async def test_a_test_post_goes_through_the_channel_s_path_and_leaves_the_outbox_alone(bot_world: BotWorld):
    """A test post would land in the outbox (and be skipped or repeated later), ping members, or not show up."""
    fake = bot_world.fake
    energy = fake.add_role(bot_world.guild, "Energy news", mentionable=True)
    await role_seen(bot_world, energy)
    await subscribe(bot_world, schedule="daily")
    await manage(bot_world, "ping", {"channel": bot_world.news, "topic": "energy", "role": energy})
    await add(bot_world, "Energy market opens", tags="energy")
    storage = bot_world.bot.storage
    before = await storage.outbox_counts()
    reply = await manage(bot_world, "test", {"channel": bot_world.news})
    assert reply.content.startswith("Posted a test of #") and "Energy market opens" in reply.content
    [post] = fake.posts(bot_world.news)
    assert post.content.startswith("🧪 Test post") and f"<@&{energy.id}>" in post.content
    assert post.pings() == {"everyone": False, "users": [], "roles": []}  # named, not pinged
    assert post.embeds[0]["title"] == "Energy market opens"
    assert await storage.outbox_counts() == before
    assert await storage.delivery_log([bot_world.news.id]) == []
    sub = await storage.get_subscription(bot_world.news.id)
    assert sub is not None and sub.last_delivery_at is None
    await bot_world.bot.engine.run_digest(bot_world.news.id)  # the real digest still has it
    digest = fake.posts(bot_world.news)[-1]
    assert digest.id != post.id and digest.content == f"<@&{energy.id}>"


async def test_the_delivery_log_lists_deliveries_and_says_why(bot_world: BotWorld):
    """A manager could not find out why a briefing did not arrive: filtered, embargoed, before the start,
    paused, waiting for the digest, or refused by Discord."""
    fake = bot_world.fake
    world = bot_world
    await subscribe(world, exclude_topics="sport")
    sent = await add(world, "Grid fund approved", tags="energy")
    await fake.wait_for_messages(world.news, 1, timeout=20)
    sport = await add(world, "Cup final tonight", tags="sport")
    embargoed = await add(world, "Budget embargoed", published="2099-01-01 09:00")

    async def why(briefing: int, channel=None, locale: str = "en-US") -> tuple[str, str]:
        message = await manage(
            world, "log", {"channel": channel or world.news, "briefing": str(briefing)}, locale=locale
        )
        [field] = message.embeds[0]["fields"]
        return field["name"], field["value"]

    name, value = await why(sent)
    assert name == f"Briefing #{sent}: Grid fund approved"
    assert (
        value.startswith(f"Delivered to <#{world.news.id}> <t:")
        and "](https://discord.com/channels/" in value
    )
    assert (await why(sport))[1] == "Not delivered: filtered out by excluded topic 'sport'."
    name, value = await why(embargoed)
    assert name == f"Briefing #{embargoed}" and value.startswith("Waiting: embargoed until <t:")
    assert (await why(1))[1].startswith("Not delivered: it was stored before the subscription started")
    log = await manage(world, "log", {"channel": world.news})
    lines = log.embeds[0]["description"].splitlines()
    assert any(
        f"`#{sent}` Grid fund approved · ✅ sent · [message](https://discord.com/channels/" in line
        for line in lines
    )
    await manage(world, "pause", {"channel": world.news})
    later = await add(world, "Grid tender opens", tags="energy")
    assert (await why(later))[1].startswith("Waiting: a manager paused the subscription <t:")
    digest_channel = fake.add_channel(world.guild, name="digest")
    await fake.wait_until(lambda: world.bot.get_channel(digest_channel.id), what="the bot to see the channel")
    await subscribe(world, digest_channel, schedule="daily", time="07:00")
    waiting = await add(world, "Digest item")
    assert (await why(waiting, digest_channel))[1].startswith("Waiting for the next digest, <t:")
    assert (await why(waiting, digest_channel, locale="uk"))[1].startswith("Очікує наступного дайджесту: <t:")
    broken = fake.add_channel(world.guild, name="broken")
    await fake.wait_until(lambda: world.bot.get_channel(broken.id), what="the bot to see the channel")
    await subscribe(world, broken)
    fake.inject(
        status=400, code=50035, channel=broken, route="/channels/{channel_id}/messages", method="POST"
    )
    refused = await add(world, "Refused by Discord")
    await fake.wait_until(
        lambda: any(r.status == 400 and r.channel_id == broken.id for r in fake.requests), what="the refusal"
    )
    await world.bot.engine.wait_idle()
    value = (await why(refused, broken))[1]
    assert value.startswith("Not delivered: Discord refused the message (") and "50035" in value


async def test_pause_resume_and_move_post_nothing_twice(bot_world: BotWorld):
    """A paused channel would still get posts; resuming or moving would repost what was already delivered."""
    fake = bot_world.fake
    world = bot_world
    await subscribe(world, keywords="grid")
    await add(world, "Grid repairs start", tags="energy")
    await fake.wait_for_messages(world.news, 1, timeout=20)
    paused = await manage(world, "pause", {"channel": world.news})
    assert paused.content.startswith(f"Paused <#{world.news.id}>")
    await add(world, "Grid outage in the east")
    await world.bot.engine.run_instant()
    assert len(fake.posts(world.news)) == 1
    listing = await manage(world, "list", {})
    assert "Paused by a manager <t:" in listing.embeds[0]["fields"][0]["value"]
    resumed = await manage(world, "resume", {"channel": world.news})
    assert resumed.content == f"Resumed <#{world.news.id}>: instant."
    posts = await fake.wait_for_messages(world.news, 2, timeout=20)
    assert [p.embeds[0]["title"] for p in posts] == ["Grid repairs start", "Grid outage in the east"]
    target = fake.add_channel(world.guild, name="grid-news")
    await fake.wait_until(lambda: world.bot.get_channel(target.id), what="the bot to see the channel")
    moved = await manage(world, "move", {"from": world.news, "to": target})
    assert moved.content.startswith(
        f"Moved the subscription of <#{world.news.id}> to <#{target.id}>: instant."
    )
    await world.bot.engine.run_instant()
    assert fake.posts(target) == []
    await add(world, "Grid tariffs frozen")
    await add(world, "Weather")
    [post] = await fake.wait_for_messages(target, 1, timeout=20)
    assert post.embeds[0]["title"] == "Grid tariffs frozen"
    assert len(fake.posts(world.news)) == 2
    log = await manage(world, "log", {"channel": target})
    assert f"in <#{world.news.id}>" in log.embeds[0]["description"]  # the history came along
    gone = await fake.slash(world.manager, world.channel, "subscriptions pause", {"channel": world.news})
    assert gone.final_message().content == f"<#{world.news.id}> has no subscription: use /subscribe first."


async def test_the_hourly_cap_holds_the_rest_for_one_digest(bot_world: BotWorld):
    """A busy instant channel would get every briefing as its own post past its cap, or lose the rest."""
    fake = bot_world.fake
    world = bot_world
    reply = await subscribe(world, per_hour=1)
    assert ", at most 1 post an hour" in reply
    first = await add(world, "First story")
    await fake.wait_for_messages(world.news, 1, timeout=20)
    second = await add(world, "Second story")
    third = await add(world, "Third story")
    storage = world.bot.storage

    async def held() -> bool:
        records = await storage.delivery_records([world.news.id], third)
        return bool(records) and records[0].hold_until is not None

    await world.bot.engine.run_instant()
    assert await held() and len(fake.posts(world.news)) == 1
    value = (await manage(world, "log", {"channel": world.news, "briefing": str(second)})).embeds[0][
        "fields"
    ][0]
    assert value["value"].startswith("Held by the hourly cap: it goes out in one digest with the others <t:")
    # The hour ends (the bot's clock is the real one: move the hold back instead of waiting).
    past = datetime.now(UTC) - timedelta(seconds=1)
    assert isinstance(storage, SQLiteStorage)
    await storage._write(
        "UPDATE deliveries SET hold_until = ? WHERE hold_until IS NOT NULL", (int(past.timestamp()),)
    )
    await world.bot.engine.run_instant()
    posts = fake.posts(world.news)
    assert len(posts) == 2
    assert [e["title"] for e in posts[1].embeds] == ["Second story", "Third story"]
    assert first < second < third


async def test_the_subscriptions_group_is_synced_guild_only_for_managers(bot_world: BotWorld):
    """The new subcommands would be missing, offered outside servers, or shown to every member by default."""
    group = bot_world.fake.command("subscriptions")
    assert {o["name"] for o in group["options"]} == {
        "list",
        "ping",
        "panel",
        "test",
        "log",
        "pause",
        "resume",
        "move",
    }
    assert int(group["default_member_permissions"]) == 1 << 5 and group["contexts"] == [0]
    move = next(o for o in group["options"] if o["name"] == "move")
    assert [o["name"] for o in move["options"]] == ["from", "to"]
    assert move["options"][0]["name_localizations"] == {"uk": "звідки", "ru": "откуда"}
    subscribe = bot_world.fake.command("subscribe")
    assert {"exclude_topics", "exclude_keywords", "per_hour"} <= {o["name"] for o in subscribe["options"]}
    assert ScheduleKind.INSTANT.value in {
        c["value"] for o in subscribe["options"] for c in o.get("choices", [])
    }
