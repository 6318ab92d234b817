"""The fake Discord's roles behave as Discord's: giving a role needs Manage Roles and a higher role
(403, code 50013, otherwise), a role ping notifies only as allowed_mentions and the role's
mentionability allow, and pinning needs Pin Messages."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import model as fm
from tests.helpers import cached_guild
from tests.test_fakediscord import World, world  # noqa: F401 (fixture)


async def test_giving_a_role_follows_manage_roles_and_the_role_hierarchy(world: World) -> None:  # noqa: F811
    """The bot's topic roles would be tested against a fake that lets it give any role."""
    fake, bot = world.fake, world.bot
    below = fake.add_role(world.guild, "below", position=1)
    above = fake.add_role(world.guild, "above")
    bot_role = fake.bot_role(world.guild)
    bot_role.position = 2
    http = bot.http
    with pytest.raises(discord.Forbidden) as no_permission:
        await http.add_role(world.guild.id, world.reader.id, below.id)
    assert no_permission.value.code == 50013
    fake.update_role(bot_role, permissions=fm.DEFAULT_BOT_PERMISSIONS | fm.MANAGE_ROLES)
    with pytest.raises(discord.Forbidden) as too_high:
        await http.add_role(world.guild.id, world.reader.id, above.id)
    assert too_high.value.code == 50013
    await http.add_role(world.guild.id, world.reader.id, below.id)
    assert below.id in world.reader.role_ids
    await http.remove_role(world.guild.id, world.reader.id, below.id)
    assert below.id not in world.reader.role_ids
    with pytest.raises(discord.NotFound) as unknown:
        await http.add_role(world.guild.id, world.reader.id, 12345)
    assert unknown.value.code == 10011
    await fake.wait_until(
        lambda: cached_guild(bot, world.guild.id).me.guild_permissions.manage_roles,
        what="GUILD_ROLE_UPDATE to reach the bot",
    )


async def test_a_role_ping_notifies_only_a_mentionable_role_or_with_mention_everyone(world: World) -> None:  # noqa: F811
    """A test of topic pings would pass although Discord would notify nobody."""
    fake, bot = world.fake, world.bot
    quiet = fake.add_role(world.guild, "quiet")
    loud = fake.add_role(world.guild, "loud", mentionable=True)
    await fake.wait_until(lambda: cached_guild(bot, world.guild.id).get_role(loud.id), what="roles")
    channel = bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    mentions = discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(quiet.id), discord.Object(loud.id)]
    )
    await channel.send(f"{quiet.mention} {loud.mention} @everyone", allowed_mentions=mentions)
    [post] = fake.posts(world.channel)
    assert post.pings()["roles"] == sorted([quiet.id, loud.id])
    assert fake.notified(post) == {"everyone": False, "users": [], "roles": [loud.id]}
    fake.update_role(fake.bot_role(world.guild), permissions=fm.DEFAULT_BOT_PERMISSIONS | fm.MENTION_EVERYONE)
    assert fake.notified(post)["roles"] == sorted([quiet.id, loud.id])


async def test_pinning_needs_pin_messages(world: World) -> None:  # noqa: F811
    """The panel's pin would be tested against a fake that lets anyone pin."""
    fake, bot = world.fake, world.bot
    channel = bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("panel")
    with pytest.raises(discord.Forbidden) as refused:
        await message.pin()
    assert refused.value.code == 50013
    fake.set_overwrite(world.channel, fake.bot_role(world.guild), allow=fm.PIN_MESSAGES)
    await message.pin()
    assert fake.posts(world.channel)[0].pinned
