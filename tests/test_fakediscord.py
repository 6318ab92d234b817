"""The fake Discord works with the real discord.py client, over real HTTP and websockets."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import Channel, FakeDiscord, Guild, Member
from tests.fakediscord import model as fm
from tests.fakediscord.fixtures import fake_discord  # noqa: F401 (fixture)
from tests.helpers import cached_guild

REPO_ROOT = Path(__file__).resolve().parent.parent
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


class VoteView(discord.ui.View):
    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]) -> None:
        await interaction.response.edit_message(content=f"{interaction.user.name} voted yes", view=None)


class EchoBot(commands.AutoShardedBot):
    """A minimal test-only bot: one slash command, one autocomplete, one modal."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,  # on_ready 0.1 s after the last GUILD_CREATE (2 s by default)
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s spacing between IDENTIFYs; the fake does not enforce it."""

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

        @app_commands.command(name="vote", description="Ask for a vote")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Vote now", view=VoteView())

        @app_commands.command(name="slow", description="Answer after deferring")
        @app_commands.describe(where="A channel to mention")
        async def slow(interaction: discord.Interaction, where: discord.TextChannel) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(f"first look at {where.mention}", ephemeral=True)
            await interaction.edit_original_response(content=f"done: {where.name}")

        @app_commands.command(name="upload", description="Read a file")
        @app_commands.describe(file="The file")
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            reply = discord.File(io.BytesIO(data.upper()), filename="shout.txt")
            await interaction.response.send_message(f"{file.filename}: {len(data)} bytes", file=reply)

        self.tree.add_command(upload)
        self.tree.add_command(vote)
        self.tree.add_command(slow)
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
    assert {c["name"] for c in fake.global_commands} == {"echo", "topic", "article", "vote", "slow", "upload"}
    assert fake.command_writes == 1
    assert fake.unhandled == []
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
    async with channel.typing():
        pass
    await channel.send("Daily digest <@&123>", embed=discord.Embed(title="Budget", description="Summary"))
    [msg] = await world.fake.wait_for_messages(world.channel, 1)
    assert msg.content == "Daily digest <@&123>"
    assert msg.embeds[0]["title"] == "Budget"
    assert msg.allowed_mentions == {"parse": []}
    assert msg.pings()["roles"] == []


async def test_button_click_updates_message(world: World) -> None:
    """Pressing a button under a bot reply would do nothing."""
    asked = await world.fake.slash(world.reader, world.channel, "vote")
    clicked = await asked.click("vote:yes")
    assert clicked.type == 7
    msg = asked.final_message()
    assert msg.content == "reader voted yes"
    assert msg.components == []


async def test_deferred_reply_with_followup_and_edit(world: World) -> None:
    """A slow command would show "thinking..." forever, or its follow-up would be lost."""
    result = await world.fake.slash(world.reader, world.channel, "slow", {"where": world.channel})
    assert result.type == 5
    [followup] = await result.followups(1)
    assert followup.content == f"first look at <#{world.channel.id}>"
    assert followup.ephemeral
    final = await result.wait_final()
    assert final.content == "done: briefings"
    assert final.ephemeral


async def test_resume_after_dropped_websocket(world: World) -> None:
    """After a network blip the bot would miss commands sent meanwhile, or re-identify needlessly."""
    fake = world.fake
    await fake.drop_connection(0)
    during = await fake.slash(world.reader, world.channel, "echo", {"text": "during"}, wait=False)
    await fake.wait_for_resume(0)
    await during.wait()
    assert during.final_message().content == "during"
    assert fake.gateway.resume_attempts[-1]["path"] == "/gateway-resume"
    assert len(fake.gateway.identifies) == 1


async def test_reconnect_request_resumes(world: World) -> None:
    """When Discord asks the bot to reconnect (op 7) it would drop off instead of resuming."""
    world.fake.send_reconnect(0)
    await world.fake.wait_for_resume(0)
    result = await world.fake.slash(world.reader, world.channel, "echo", {"text": "back"})
    assert result.final_message().content == "back"


async def test_nonce_deduplicates_retried_post(world: World) -> None:
    """A retried scheduled post (same nonce) would appear twice in the channel."""
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("Briefing 7", nonce="b7-c1")
    second = await channel.send("Briefing 7", nonce="b7-c1")
    assert first.id == second.id
    [post] = world.fake.posts(world.channel)
    assert (post.nonce, post.enforce_nonce) == ("b7-c1", True)
    other = await channel.send("Briefing 8", nonce="b8-c1")
    assert other.id != first.id


async def test_injected_429_is_retried_once(world: World) -> None:
    """A rate-limited post would be lost or posted twice instead of retried after retry_after."""
    fault = world.fake.inject(
        status=429, route="/channels/{channel_id}/messages", method="POST", times=1, retry_after=0.1
    )
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("after the limit")
    assert fault.hits == 1
    assert world.fake.ratelimits.hits["injected"] == 1
    assert [m.content for m in world.fake.posts(world.channel)] == ["after the limit"]
    attempts = [r for r in world.fake.requests if r.route == "/channels/{channel_id}/messages"]
    assert [r.status for r in attempts] == [429, 200]


async def test_enforced_channel_limit_keeps_every_post(world: World) -> None:
    """Under Discord's 5-per-5s channel limit a burst of posts would lose or duplicate some."""
    world.fake.ratelimits.configure(message_limit=2, message_window=0.5)
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    for i in range(5):
        await channel.send(f"post {i}")
    assert [m.content for m in world.fake.posts(world.channel)] == [f"post {i}" for i in range(5)]
    ok = [r for r in world.fake.requests if r.route == "/channels/{channel_id}/messages" and r.status == 200]
    assert len(ok) == 5


async def test_global_limit_is_retried_by_discord_py(world: World) -> None:
    """Hitting the global 50/s limit during a fan-out would drop posts instead of waiting."""
    fake = world.fake
    fake.ratelimits.configure(global_limit=3, global_window=0.5, message_limit=100)
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await asyncio.gather(*(channel.send(f"fan-out {i}") for i in range(6)))
    assert fake.ratelimits.hits["global"] >= 1
    assert sorted(m.content for m in fake.posts(world.channel)) == [f"fan-out {i}" for i in range(6)]


async def test_slow_and_failing_channel_responses(world: World) -> None:
    """A slow or 503-ing channel would hang the bot or be reported as a success."""
    fake = world.fake
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject(channel=world.channel, delay=0.2, times=1)
    await channel.send("slow but fine")
    fake.inject(status=503, channel=world.channel, times=1)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("unavailable")
    assert [m.content for m in fake.posts(world.channel)] == ["slow but fine"]


async def test_missing_permissions_surface_as_forbidden(world: World) -> None:
    """A channel the bot may not post in would fail silently instead of raising discord.Forbidden."""
    fake = world.fake
    locked = fake.add_channel(
        world.guild, "locked", overwrites={fake.bot_role(world.guild): (0, fm.SEND_MESSAGES)}
    )
    hidden = fake.add_channel(world.guild, "hidden")
    missing_access = fake.inject(code=50001, channel=hidden)
    bot = world.bot
    await fake.wait_until(lambda: bot.get_channel(locked.id) and bot.get_channel(hidden.id), what="channels")
    locked_channel = bot.get_channel(locked.id)
    hidden_channel = bot.get_channel(hidden.id)
    assert isinstance(locked_channel, discord.TextChannel) and isinstance(hidden_channel, discord.TextChannel)
    assert not locked_channel.permissions_for(locked_channel.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as denied:
        await locked_channel.send("nope")
    assert denied.value.code == 50013
    with pytest.raises(discord.Forbidden) as hidden_err:
        await hidden_channel.send("nope")
    assert hidden_err.value.code == 50001
    missing_access.remove()
    fake.delete_channel(hidden)
    with pytest.raises(discord.NotFound) as gone:
        await bot.http.send_message(hidden.id, params=discord.http.handle_message_parameters(content="x"))
    assert gone.value.code == 10003
    assert fake.posts(locked) == []


async def test_attachment_option_is_downloadable(world: World) -> None:
    """/article import would fail to read the uploaded file, or its file reply would be lost."""
    att = world.fake.add_attachment("notes.txt", b"quote me", content_type="text/plain")
    result = await world.fake.slash(world.reader, world.channel, "upload", {"file": att})
    msg = result.final_message()
    assert msg.content == "notes.txt: 8 bytes"
    [sent] = msg.attachments
    assert (sent.filename, sent.data) == ("shout.txt", b"QUOTE ME")


async def test_invalid_session_reidentifies(world: World) -> None:
    """After Discord invalidates the session the bot would stay offline instead of identifying again."""
    fake = world.fake
    fake.invalidate_session(0, resumable=False)
    await fake.wait_for_identify(2)
    result = await fake.slash(world.reader, world.channel, "echo", {"text": "new session"})
    assert result.final_message().content == "new session"
    assert fake.gateway.connections[-1].path == "/gateway"


async def test_channel_and_guild_deletes_reach_the_bot(world: World) -> None:
    """The bot would keep posting to a deleted channel or a server that removed it."""
    fake, bot = world.fake, world.bot
    doomed = fake.add_channel(world.guild, "doomed")
    await fake.wait_until(lambda: bot.get_channel(doomed.id), what="CHANNEL_CREATE")
    fake.delete_channel(doomed)
    await fake.wait_until(lambda: bot.get_channel(doomed.id) is None, what="CHANNEL_DELETE")
    fake.remove_guild(world.guild)
    await fake.wait_until(lambda: bot.get_guild(world.guild.id) is None, what="GUILD_DELETE")


async def test_two_shards_each_get_their_guilds() -> None:
    """With more than one shard, servers on the second shard would never get answers."""
    fake = FakeDiscord(shard_count=2)
    guilds = [fake.add_guild(name=f"g{shard}", shard=shard) for shard in (0, 1)]
    channels = [fake.add_channel(g, "news") for g in guilds]
    readers = [fake.add_member(g) for g in guilds]
    async with fake:
        with fake.patch_discord():
            async with fake.run_bot(EchoBot()) as bot:
                assert sorted(i["shard"] for i in fake.gateway.identifies) == [[0, 2], [1, 2]]
                for guild, channel, reader in zip(guilds, channels, readers, strict=True):
                    result = await fake.slash(reader, channel, "echo", {"text": guild.name})
                    assert result.final_message().content == guild.name
                await fake.wait_until(lambda: all(bot.get_guild(g.id) for g in guilds), what="both guilds")
                assert {cached_guild(bot, g.id).shard_id for g in guilds} == {0, 1}


class HastyBot(EchoBot):
    """Identifies its second shard at once, then waits a little longer than the fake's window."""

    def __init__(self, window: float) -> None:
        super().__init__()
        self.window = window
        self.hurried = False

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial and self.hurried:
            await asyncio.sleep(self.window * 1.2)
        self.hurried = self.hurried or not initial


async def test_identify_beyond_max_concurrency_is_refused_and_retried() -> None:
    """A multi-process bot's IDENTIFY coordination could not be checked: the fake would let
    every shard start at once, as Discord does not."""
    fake = FakeDiscord(shard_count=2)
    fake.enforce_identify_concurrency = True
    fake.identify_window = 0.5
    guilds = [fake.add_guild(name=f"g{shard}", shard=shard) for shard in (0, 1)]
    async with fake:
        with fake.patch_discord():
            async with fake.run_bot(HastyBot(fake.identify_window)) as bot:
                assert [(r.shard_id, r.accepted) for r in fake.gateway.identify_log] == [
                    (0, True),
                    (1, False),  # INVALID_SESSION: too soon after shard 0
                    (1, True),
                ]
                assert len(fake.gateway.identify_bursts()) == 1
                await fake.wait_until(lambda: all(bot.get_guild(g.id) for g in guilds), what="both guilds")


async def test_identify_for_a_shard_that_does_not_exist_is_closed_with_4010(
    fake_discord: FakeDiscord,  # noqa: F811
) -> None:
    """A process started with a wrong --shards would seem to connect in tests and fail on Discord."""
    fake = fake_discord
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_json(
            {"op": 2, "d": {"token": fake.token, "intents": 1, "shard": [2, 2], "properties": {}}}
        )
        message = await ws.receive()
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 4010
    assert fake.gateway.identifies == []


async def test_application_owner_and_team() -> None:
    """Publisher checks based on the app owner or team would deny the owner or allow strangers."""
    fake = FakeDiscord(team=True)
    member = fake.add_team_member(fake.add_user("teammate"))
    stranger = fake.add_user("stranger")
    async with fake:
        with fake.patch_discord():
            async with fake.run_bot(EchoBot()) as bot:
                info = await bot.application_info()
                assert info.team is not None
                assert {m.id for m in info.team.members} == {fake.owner.id, member.id}
                assert await bot.is_owner(discord.Object(member.id))  # type: ignore[arg-type]
                assert not await bot.is_owner(discord.Object(stranger.id))  # type: ignore[arg-type]


def subprocess_main() -> int:
    """Entry point for the launcher test: post once to the channel in argv, then stay online."""

    class Poster(discord.Client):
        async def setup_hook(self) -> None:
            channel_id = int(sys.argv[1])
            await self.http.send_message(
                channel_id, params=discord.http.handle_message_parameters(content="up")
            )

    Poster(intents=discord.Intents(guilds=True)).run(os.environ["FAKE_TOKEN"], log_handler=None)
    return 0


async def test_launcher_runs_a_real_process_that_can_be_killed(fake_discord: FakeDiscord) -> None:  # noqa: F811
    """A bot started as a separate process (for the kill -9 test) would not reach the fake."""
    fake = fake_discord
    channel = fake.add_channel(fake.add_guild(name="Solo"), "posts")
    root = str(REPO_ROOT)
    env = {**os.environ, "FAKE_TOKEN": fake.token, "PYTHONPATH": root}
    argv = fake.launch_command("tests.test_fakediscord:subprocess_main", str(channel.id))
    proc = await asyncio.create_subprocess_exec(*argv, cwd=root, env=env)
    try:
        [msg] = await fake.wait_for_messages(channel, 1, timeout=20)
        assert msg.content == "up"
        assert msg.process == proc.pid  # launched processes are told apart
        await fake.wait_for_identify(1, timeout=20)
    finally:
        proc.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(proc.wait(), 10) == -signal.SIGKILL
