"""Shared fixtures: the fake Discord, a running briefbot with a populated server, and a
store per storage backend (``tests.storage_fixtures``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest_asyncio
from discord.ext import commands

from bot.config import Config, DiscordConfig, ScheduleConfig, StorageConfig
from bot.ingest import sample_paths
from bot.models import Secret
from bot.newsroom import Newsroom
from storage import open_storage
from tests.fakediscord import Channel, FakeDiscord, Guild, Member, Role
from tests.fakediscord import model as fake_model
from tests.fakediscord.fixtures import discord_patched, fake_discord
from tests.storage_fixtures import postgres_session, sqlite_storage, storage, storage_options

if TYPE_CHECKING:
    from bot.client import BriefBot

__all__ = [
    "discord_patched",
    "fake_discord",
    "postgres_session",
    "sqlite_storage",
    "storage",
    "storage_options",
]

# How soon the test bot's instant poll runs after a briefing is added (2 s in production).
INSTANT_DELAY_SECONDS = 0.05
# How long discord.py waits after the last GUILD_CREATE before on_ready (2 s by default).
GUILD_READY_SECONDS = 0.1


class _QuickGateway(commands.AutoShardedBot):
    """discord.py's gateway waits, shortened for the fake Discord: ``on_ready`` comes
    ``GUILD_READY_SECONDS`` after the last GUILD_CREATE, and a re-IDENTIFY is not held back."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options, guild_ready_timeout=GUILD_READY_SECONDS)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s spacing between IDENTIFYs; the fake does not enforce it."""


@functools.cache
def quick_briefbot() -> type[BriefBot]:
    """BriefBot with the gateway waits of ``_QuickGateway``; everything else is BriefBot's own."""
    from bot.client import BriefBot

    class QuickBriefBot(BriefBot, _QuickGateway):
        pass

    return QuickBriefBot


@dataclass
class BotWorld:
    """A server with every kind of user the permission rules distinguish."""

    fake: FakeDiscord
    bot: BriefBot
    config: Config
    db_path: Path
    guild: Guild
    channel: Channel
    news: Channel
    reader: Member
    manager: Member
    publisher: Member  # by user id in config
    role_publisher: Member  # by role in config
    publisher_role: Role
    other_guild: Guild
    other_channel: Channel
    other_manager: Member
    owner: Member


async def populate(db_path: Path, config: Config) -> None:
    """Load the bundled sample briefings, as an editor would before readers arrive."""
    storage = await open_storage(db_path)
    try:
        newsroom = Newsroom(storage, config)
        for path in sample_paths():
            await newsroom.import_document(path.read_bytes(), path.name)
    finally:
        await storage.close()


async def start_world(
    tmp_path: Path, *, populate_db: bool = True, **config_changes: object
) -> tuple[BotWorld, BriefBot]:
    fake = FakeDiscord()
    guild = fake.add_guild(name="Policy Desk")
    channel = fake.add_channel(guild, name="general")
    news = fake.add_channel(guild, name="briefings")
    reader = fake.add_member(guild, fake.add_user("reader"))
    manager = fake.add_member(guild, fake.add_user("manager"), permissions=fake_model.MANAGE_GUILD)
    publisher = fake.add_member(guild, fake.add_user("publisher"))
    publisher_role = fake.add_role(guild, "Editors")
    role_publisher = fake.add_member(guild, fake.add_user("editor"), roles=[publisher_role])
    owner = fake.add_member(guild, fake.owner)
    other_guild = fake.add_guild(name="Elsewhere")
    other_channel = fake.add_channel(other_guild, name="news")
    other_manager = fake.add_member(
        other_guild, fake.add_user("stranger"), permissions=fake_model.MANAGE_GUILD
    )

    db_path = tmp_path / "briefbot.db"
    config = Config(
        discord=DiscordConfig(
            token=Secret(fake.token),
            publisher_user_ids=(publisher.user.id,),
            publisher_role_ids=(publisher_role.id,),
            cards="embed",  # the tests of embed posts; tests/test_bot_cards.py runs the default
        ),
        storage=StorageConfig(path=str(db_path)),
        schedule=ScheduleConfig(instant_delay_seconds=INSTANT_DELAY_SECONDS),
    )
    if config_changes:
        config = replace(config, **config_changes)  # type: ignore[arg-type]
    if populate_db:
        await populate(db_path, config)
    await fake.start()
    bot = quick_briefbot()(config)
    world = BotWorld(
        fake,
        bot,
        config,
        db_path,
        guild,
        channel,
        news,
        reader,
        manager,
        publisher,
        role_publisher,
        publisher_role,
        other_guild,
        other_channel,
        other_manager,
        owner,
    )
    return world, bot


@pytest_asyncio.fixture
async def bot_world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    world, bot = await start_world(tmp_path)
    try:
        with world.fake.patch_discord():
            async with world.fake.run_bot(bot, ready=False):
                await asyncio.wait_for(_synced(world), 20)
                yield world
    finally:
        await world.fake.stop()


async def _synced(world: BotWorld) -> None:
    await world.fake.wait_until(lambda: world.fake.global_commands, timeout=20, what="command sync")
