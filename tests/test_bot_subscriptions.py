"""/subscribe, /unsubscribe and /subscriptions end to end: rules, validation, listing."""

from __future__ import annotations

from storage import open_storage
from tests.conftest import BotWorld
from tests.fakediscord import model as fake_model


async def stored_subscription(world: BotWorld, channel_id: int):
    storage = await open_storage(world.db_path)
    try:
        return await storage.get_subscription(channel_id)
    finally:
        await storage.close()


async def test_manager_subscribes_a_channel_with_a_daily_digest(bot_world: BotWorld):
    """A manager's /subscribe would not be stored, or the reply would not say when the digest comes."""
    result = await bot_world.fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {
            "channel": bot_world.news,
            "schedule": "daily",
            "time": "7:30",
            "timezone": "europe/kyiv",
            "topics": "Energy, EU",
        },
    )
    message = await result.wait_final()
    assert message.ephemeral
    assert message.content.startswith(f"Subscribed <#{bot_world.news.id}>: daily at 07:30 (Europe/Kyiv)")
    assert "Next digest <t:" in message.content
    sub = await stored_subscription(bot_world, bot_world.news.id)
    assert sub is not None and sub.topics == ("energy", "eu") and sub.guild_id == bot_world.guild.id


async def test_readers_cannot_subscribe_even_if_discord_lets_them(bot_world: BotWorld):
    """A reader an admin granted /subscribe could point the bot at any channel."""
    result = await bot_world.fake.slash(
        bot_world.reader, bot_world.channel, "subscribe", {"channel": bot_world.news}
    )
    assert result.ephemeral
    assert result.final_message().content == "You need Manage Server to subscribe a channel."
    assert await stored_subscription(bot_world, bot_world.news.id) is None


async def test_a_manager_of_another_server_cannot_touch_this_servers_channels(bot_world: BotWorld):
    """A manager elsewhere could subscribe or unsubscribe channels of a server they don't manage."""
    fake = bot_world.fake
    result = await fake.slash(
        bot_world.other_manager, bot_world.other_channel, "subscribe", {"channel": bot_world.news}
    )
    assert result.ephemeral
    assert result.final_message().content == "You can only manage channels of this server."
    result = await fake.slash(
        bot_world.other_manager, bot_world.other_channel, "unsubscribe", {"channel": bot_world.news}
    )
    assert result.final_message().content == "You can only manage channels of this server."


async def test_bot_checks_it_can_post_before_accepting(bot_world: BotWorld):
    """A subscription to a channel the bot can't write in would fail silently at every post."""
    fake = bot_world.fake
    locked = fake.add_channel(
        bot_world.guild,
        name="locked",
        overwrites={fake.bot_role(bot_world.guild): (0, fake_model.SEND_MESSAGES)},
    )
    await fake.wait_until(lambda: bot_world.bot.get_channel(locked.id), what="the bot to see the new channel")
    result = await fake.slash(bot_world.manager, bot_world.channel, "subscribe", {"channel": locked})
    assert result.ephemeral
    assert result.final_message().content == f"I can't post in <#{locked.id}>: I need Send Messages there."


async def test_invalid_schedule_options_get_specific_errors(bot_world: BotWorld):
    """A typo in time or time zone would be accepted and the digest would never come."""
    fake = bot_world.fake
    bad_time = await fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {"channel": bot_world.news, "schedule": "daily", "time": "25:00"},
    )
    assert bad_time.final_message().content == "time must be HH:MM (24-hour), got '25:00'"
    bad_zone = await fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {"channel": bot_world.news, "schedule": "daily", "timezone": "Mars/Base"},
    )
    assert "'Mars/Base' is not a time zone" in bad_zone.final_message().content
    assert await stored_subscription(bot_world, bot_world.news.id) is None


async def test_timezone_autocomplete(bot_world: BotWorld):
    """Managers would have to guess the exact IANA spelling of their time zone."""
    result = await bot_world.fake.autocomplete(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {"channel": bot_world.news, "timezone": "kyi"},
        focused="timezone",
    )
    assert "Europe/Kyiv" in [c["value"] for c in result.choices]


async def test_subscriptions_lists_and_unsubscribe_removes(bot_world: BotWorld):
    """A manager could not see what the server receives, or could not stop it."""
    fake = bot_world.fake
    await (
        await fake.slash(
            bot_world.manager,
            bot_world.channel,
            "subscribe",
            {"channel": bot_world.news, "schedule": "weekly", "day": 4, "time": "16:00", "keywords": "grid"},
        )
    ).wait_final()
    listing = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    [embed] = listing.final_message().embeds
    [field] = embed["fields"]
    assert field["name"] == "#briefings"
    assert "weekly on Friday at 16:00 (UTC)" in field["value"]
    assert "Keywords: grid" in field["value"] and "Active" in field["value"] and "Next: <t:" in field["value"]
    gone = await fake.slash(bot_world.manager, bot_world.channel, "unsubscribe", {"channel": bot_world.news})
    assert gone.final_message().content == f"<#{bot_world.news.id}> will get no more briefings."
    again = await fake.slash(bot_world.manager, bot_world.channel, "unsubscribe", {"channel": bot_world.news})
    assert again.final_message().content == f"<#{bot_world.news.id}> has no subscription."
    empty = await fake.slash(bot_world.manager, bot_world.channel, "subscriptions list")
    assert "No channel here is subscribed yet" in empty.final_message().content
