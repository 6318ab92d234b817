"""The Discord client: start-up, shutdown, command sync and the one error handler.

Start-up has one owner: ``setup_hook`` opens the database, builds the services,
loads the cogs, syncs commands if their definitions changed, and starts the
scheduler; ``close`` undoes it in reverse. Nothing happens in ``on_ready``, which
fires again after every reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import signal
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import wordforms
from bot.clock import SystemClock
from bot.config import Config
from bot.delivery.engine import DeliveryEngine
from bot.discord_sender import build_delivery
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.i18n.commands import CatalogueTranslator, reader
from bot.newsroom import Newsroom
from bot.publishing import PublishingDesk
from bot.scheduler import BriefingScheduler
from bot.subscriptions import SubscriptionDesk
from storage import Storage, open_storage

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = ("cogs.reader", "cogs.subscriptions", "cogs.publisher")
COMMAND_HASH_KEY = "command_hash:{scope}"


class BriefTree(app_commands.CommandTree["BriefBot"]):
    """Routes every command error to ``handle_interaction_error``."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await handle_interaction_error(interaction, error)


async def handle_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """The one error handler, for commands, modals and buttons alike.

    A ``UserFacingError`` becomes a short ephemeral reply in the user's language; anything
    unexpected is logged with its traceback and answered with a reference to find it in the log.
    """
    tr = reader(interaction)
    original = getattr(error, "original", error)
    if isinstance(original, UserFacingError):
        await send_ephemeral(interaction, tr.text(original.args[0]) if original.args else str(original))
        return
    if isinstance(error, app_commands.CheckFailure):
        await send_ephemeral(interaction, tr.text(N_("You can't use this command here.")))
        return
    if isinstance(original, discord.Forbidden):
        await send_ephemeral(
            interaction, tr.text(N_("Discord refused: the bot lacks a permission it needs here."))
        )
        log.warning("forbidden in %s: %s", _command_name(interaction), original)
        return
    reference = secrets.token_hex(4)
    log.error(
        "%s failed (ref %s) in guild %s",
        _command_name(interaction),
        reference,
        interaction.guild_id,
        exc_info=original,
    )
    await send_ephemeral(
        interaction,
        tr.gettext("Something went wrong on our side (reference {reference}).", reference=f"`{reference}`"),
    )


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return f"/{command.qualified_name}" if command else f"interaction {interaction.type.name}"


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply or follow up ephemerally, whichever is still possible."""
    try:
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            # Replace the "thinking…" placeholder rather than leave it spinning.
            await interaction.edit_original_response(
                content=text, allowed_mentions=discord.AllowedMentions.none()
            )
        elif interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


class BriefBot(commands.AutoShardedBot):
    """briefbot's client. Services are typed attributes built in ``setup_hook``."""

    storage: Storage
    newsroom: Newsroom
    engine: DeliveryEngine
    scheduler: BriefingScheduler
    publishing: PublishingDesk
    subscriptions: SubscriptionDesk

    def __init__(self, config: Config, *, sync_only: bool = False) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=BriefTree,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
        )
        self.config = config
        self.sync_only = sync_only
        self._owner_ids: frozenset[int] = frozenset()
        self._warm_up: asyncio.Future[None] | None = None

    async def setup_hook(self) -> None:
        self.storage = await open_storage(self.config.storage.path, pool_size=self.config.storage.pool_size)
        self.newsroom = Newsroom(self.storage, self.config)
        await self._load_owners()
        self.engine, self.scheduler = build_delivery(self)
        self.publishing = PublishingDesk(self.newsroom, self.engine, self.scheduler)
        self.subscriptions = SubscriptionDesk(
            self.storage, self.scheduler, self.config.schedule, SystemClock()
        )
        # Command names and descriptions in Ukrainian and Russian (reads the catalogues now).
        await self.tree.set_translator(CatalogueTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands(force=self.sync_only)
        if self.sync_only:
            return
        await self.scheduler.start()
        # The word-form dictionaries load in a thread while the bot connects.
        self._warm_up = asyncio.get_running_loop().run_in_executor(None, wordforms.warm_up)
        log.info("briefbot ready to serve: database %s", self.storage.location)

    async def _load_owners(self) -> None:
        info = await self.application_info()
        owners = {info.owner.id}
        if info.team:
            owners |= {member.id for member in info.team.members}
        self._owner_ids = frozenset(owners)

    def is_publisher(self, user: discord.abc.User) -> bool:
        """Owner or team member, a configured user id, or a member with a configured role."""
        cfg = self.config.discord
        if user.id in self._owner_ids or user.id in cfg.publisher_user_ids:
            return True
        roles = getattr(user, "roles", None) or []
        return any(role.id in cfg.publisher_role_ids for role in roles)

    # -- command sync ---------------------------------------------------------------

    async def command_payload(self, guild: discord.abc.Snowflake | None = None) -> list[dict[str, Any]]:
        """What ``tree.sync`` sends: with the translations, so a changed catalogue syncs too."""
        translator = self.tree.translator
        commands = self.tree._get_all_commands(guild=guild)
        if translator is None:
            return [command.to_dict(self.tree) for command in commands]
        return [await command.get_translated_payload(self.tree, translator) for command in commands]

    async def sync_commands(self, *, force: bool = False) -> list[str]:
        """Push command definitions only where they changed (Discord rate-limits writes)."""
        synced: list[str] = []
        scopes: list[discord.Object | None] = [None]
        if self.config.discord.dev_guild_ids:
            dev_guilds = [discord.Object(gid) for gid in self.config.discord.dev_guild_ids]
            for dev_guild in dev_guilds:
                self.tree.copy_global_to(guild=dev_guild)
            scopes = list(dev_guilds)
        for guild in scopes:
            scope = "global" if guild is None else f"guild:{guild.id}"
            payload = json.dumps(await self.command_payload(guild), sort_keys=True, default=str)
            digest = hashlib.sha256(payload.encode()).hexdigest()
            key = COMMAND_HASH_KEY.format(scope=scope)
            if not force and await self.storage.get_meta(key) == digest:
                log.info("commands unchanged for %s: not syncing", scope)
                continue
            await self.tree.sync(guild=guild)
            await self.storage.set_meta(key, digest)
            synced.append(scope)
            log.info("synced commands for %s", scope)
        return synced

    # -- gateway events that change subscriptions -------------------------------------

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.engine.channel_deleted(channel.id)

    async def on_thread_delete(self, thread: discord.Thread) -> None:
        await self.engine.channel_deleted(thread.id)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.engine.guild_removed(guild.id)

    async def close(self) -> None:
        log.info("shutting down")
        scheduler = getattr(self, "scheduler", None)  # absent if start-up failed before it
        if scheduler is not None:
            await scheduler.shutdown()
        await super().close()
        storage = getattr(self, "storage", None)
        if storage is not None:
            await storage.close()


async def _serve(config: Config, *, sync_only: bool) -> None:
    bot = BriefBot(config, sync_only=sync_only)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        if sync_only:
            await bot.login(config.discord.token.reveal())
            return
        runner = asyncio.create_task(bot.start(config.discord.token.reveal()))
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            waiter.cancel()
            runner.result()  # re-raise a start-up failure
            return
        log.info("signal received: closing")
        await bot.close()
        await asyncio.gather(runner, return_exceptions=True)


def run_bot(config: Config, *, sync_only: bool = False) -> int:
    """Run until SIGINT/SIGTERM; exit status 0 on a clean shutdown."""
    try:
        asyncio.run(_serve(config, sync_only=sync_only))
    except discord.LoginFailure:
        log.error("Discord rejected the token (check DISCORD_TOKEN); not starting")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("Discord refused the requested intents")
        return 1
    return 0
