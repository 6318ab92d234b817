"""The fake Discord works with the real discord.py client, over real HTTP and websockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import Channel, FakeDiscord, Guild, Member

TOPICS = ["budget", "borders", "broadband", "health", "housing"]


class ArticleModal(discord.ui.Modal, title="New article"):
    headline: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(label="Title", custom_id="title")
    body: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
        label="Body", custom_id="body", style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Added {self.headline.value} ({len(self.body.value)} chars)", ephemeral=True
        )


class EchoBot(commands.AutoShardedBot):
    """A minimal test-only bot: one slash command, one autocomplete, one modal."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def setup_hook(self) -> None:
        @app_commands.command(name="echo", description="Say something back")
        @app_commands.describe(text="What to say")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            embed = discord.Embed(title="Echo", description=text)
            await interaction.response.send_message(text, embed=embed)

        @app_commands.command(name="topic", description="Pick a topic")
        @app_commands.describe(name="The topic")
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"topic {name}", ephemeral=True)

        @topic.autocomplete("name")
        async def topic_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)][:25]

        article = app_commands.Group(name="article", description="Manage articles")

        @article.command(name="add", description="Add an article")
        async def add(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(ArticleModal())

        self.tree.add_command(echo)
        self.tree.add_command(topic)
        self.tree.add_command(article)
        await self.tree.sync()


@dataclass
class World:
    fake: FakeDiscord
    bot: EchoBot
    guild: Guild
    channel: Channel
    reader: Member


@pytest_asyncio.fixture
async def world() -> AsyncIterator[World]:
    fake = FakeDiscord()
    guild = fake.add_guild(name="Newsroom")
    channel = fake.add_channel(guild, name="briefings")
    reader = fake.add_member(guild, fake.add_user("reader"))
    await fake.start()
    try:
        with fake.patch_discord():
            bot = EchoBot()
            async with fake.run_bot(bot):
                yield World(fake, bot, guild, channel, reader)
    finally:
        await fake.stop()


async def test_bot_connects_and_syncs_commands(world: World) -> None:
    """The bot would never come online or its slash commands would not appear in Discord."""
    fake = world.fake
    identify = fake.gateway.identifies[0]
    assert identify["token"] == fake.token
    assert identify["intents"] == discord.Intents(guilds=True).value
    assert identify["shard"] == [0, 1]
    assert fake.gateway.connections[0].query["compress"] in ("zlib-stream", "zstd-stream")
    assert {c["name"] for c in fake.global_commands} == {"echo", "topic", "article"}
    assert fake.command_writes == 1
    await world.bot.wait_until_ready()
    assert world.bot.get_guild(world.guild.id) is not None
    assert world.bot.get_channel(world.channel.id) is not None


async def test_slash_command_reply_is_recorded(world: World) -> None:
    """A reader's /echo would get no answer, or the answer would ping people."""
    result = await world.fake.slash(world.reader, world.channel, "echo", {"text": "hi @everyone"})
    assert result.type == 4
    msg = result.final_message()
    assert msg.content == "hi @everyone"
    assert msg.embeds[0]["title"] == "Echo"
    assert msg.allowed_mentions == {"parse": []}
    assert msg.pings() == {"everyone": False, "users": [], "roles": []}
    assert result.record.latency is not None and result.record.latency < 3


async def test_autocomplete_returns_choices(world: World) -> None:
    """Typing in an autocompleted option would show no suggestions."""
    result = await world.fake.autocomplete(
        world.reader, world.channel, "topic", {"name": "b"}, focused="name"
    )
    assert [c["value"] for c in result.choices] == ["budget", "borders", "broadband"]


async def test_modal_round_trip(world: World) -> None:
    """A publisher's /article add form would not open, or submitting it would do nothing."""
    opened = await world.fake.slash(world.reader, world.channel, "article add")
    assert opened.type == 9
    submitted = await opened.submit_modal({"title": "Tax cuts", "body": "Long text"})
    assert submitted.type == 4
    assert submitted.final_message().content == "Added Tax cuts (9 chars)"
    assert submitted.ephemeral


async def test_channel_post_recorded(world: World) -> None:
    """A scheduled post would not reach the channel, or would arrive without its embed or mention guard."""
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("Daily digest <@&123>", embed=discord.Embed(title="Budget", description="Summary"))
    [msg] = await world.fake.wait_for_messages(world.channel, 1)
    assert msg.content == "Daily digest <@&123>"
    assert msg.embeds[0]["title"] == "Budget"
    assert msg.allowed_mentions == {"parse": []}
    assert msg.pings()["roles"] == []
