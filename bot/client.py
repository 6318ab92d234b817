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
import os
import secrets
import signal
import socket
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import wordforms
from bot.branding import Branding
from bot.clock import SystemClock
from bot.config import Config
from bot.copy_updates import CopyUpdates
from bot.delivery.budget import InvalidRequestBudget
from bot.delivery.engine import DeliveryEngine
from bot.discord_delivery import build_delivery
from bot.discord_follower import DiscordFollower, DiscordHomeChannels
from bot.discord_sender import DiscordLocales, DiscordNotifier
from bot.discord_webhooks import DiscordWebhooks
from bot.dispatcher import Dispatcher, Hook, SchedulerRelay
from bot.errors import UserFacingError
from bot.following import FollowDesk
from bot.heartbeat import Heartbeat
from bot.home_channels import HomeChannelCheck
from bot.i18n import N_, Message, localizer
from bot.i18n.commands import CatalogueTranslator, reader
from bot.newsroom import Newsroom
from bot.publishing import PublishingDesk
from bot.scheduler import BriefingScheduler
from bot.server_languages import ServerLanguages
from bot.shard_claims import ShardClaims, ShardTakenError, refuse_mixing
from bot.shards import IdentifyGate, describe_ids
from bot.sources import SourceDesk, build_sources
from bot.subscriptions import SubscriptionDesk
from storage import Storage, open_storage

log = logging.getLogger(__name__)

MAX_RATELIMIT_WAIT_SECONDS = 30.0  # discord.py's smallest allowed max_ratelimit_timeout

EXTENSIONS: tuple[str, ...] = (
    "cogs.reader",
    "cogs.subscriptions",
    "cogs.publisher",
    "cogs.sources",
    "cogs.cards",
)
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
    """briefbot's client. Services are typed attributes built in ``setup_hook``.

    It connects the shards ``[discord] shard_ids`` of ``shard_count`` (all of them
    unless configured), holding a claim on each in the store first (``bot.shard_claims``);
    with ``shard_ids = "any"`` it waits for a shard no other process holds, as a spare,
    and connects only that one. A claim lost while serving disconnects the bot and ends
    the process (``exit_status`` 1), since another process may serve the shard now. Of the
    processes sharing one store, only the dispatcher (``bot.dispatcher``) posts, runs the
    scheduler and syncs commands; every process answers the commands of the servers on its
    own shards.
    """

    storage: Storage
    newsroom: Newsroom
    dispatcher: Dispatcher
    engine: DeliveryEngine
    scheduler: BriefingScheduler
    publishing: PublishingDesk
    sources: SourceDesk
    subscriptions: SubscriptionDesk
    follows: FollowDesk

    def __init__(self, config: Config, *, sync_only: bool = False) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        shards: dict[str, Any] = {}
        if config.discord.shard_count is not None:
            count = config.discord.shard_count
            # A spare's shard is set once claimed (setup_hook); launch_shards refuses to start without.
            ids = [] if config.discord.any_shard else list(config.discord.shard_ids or range(count))
            shards = {"shard_count": count, "shard_ids": ids}
        self.invalid_requests = InvalidRequestBudget(SystemClock())
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=BriefTree,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            # A request Discord asks to wait longer for (a publish past the hourly limit, an
            # edit quota) fails at once instead of parking its delivery: the engine decides.
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT_SECONDS,
            # Every response Discord gives counts towards the invalid-request budget.
            http_trace=self.invalid_requests.trace_config(),
            **shards,
        )
        self.config = config
        self.sync_only = sync_only
        self._owner_ids: frozenset[int] = frozenset()
        self._warm_up: asyncio.Future[None] | None = None
        self._identify_gate: IdentifyGate | None = None
        self._heartbeat: Heartbeat | None = None
        self._claims: ShardClaims | None = None
        self._fence_task: asyncio.Task[None] | None = None
        self.exit_status = 0  # 1 once a shard's claim was lost (the fence): restart me

    async def setup_hook(self) -> None:
        self.storage = await open_storage(self.config.storage.path, pool_size=self.config.storage.pool_size)
        cfg = self.config.discord
        if not self.sync_only:
            # A process with no shard settings beside sharded ones would serve their shards too.
            await refuse_mixing(self.storage, cfg.shard_count)
        if cfg.shard_count is not None and not self.sync_only:
            self._claims = ShardClaims(self.storage, cfg.shard_count)
            if not cfg.any_shard:
                # Before anything else: a shard another process serves is refused at once.
                await self._claims.claim(tuple(self.shard_ids or ()))
        self.newsroom = Newsroom(self.storage, self.config)
        await self._load_owners()
        self.dispatcher = Dispatcher(self.storage, identity=self.identity)
        self.server_languages = ServerLanguages(self.storage, self)
        self.engine, self.scheduler = build_delivery(
            self, fence=self.dispatcher, languages=self.server_languages, budget=self.invalid_requests
        )
        # The desks' scheduler events reach the dispatcher's scheduler from any process.
        relay = SchedulerRelay(self.dispatcher, self.scheduler, self.engine, self.server_languages)
        # Edits and removals of posted copies: sent by the dispatcher, whichever process asks.
        self.copy_updates = CopyUpdates(self.dispatcher, self.engine, self.storage)
        self.publishing = PublishingDesk(self.newsroom, self.copy_updates, relay)
        self.subscriptions = SubscriptionDesk(
            self.storage,
            relay,
            self.config.schedule,
            SystemClock(),
            poster=self.engine,
            branding=Branding(self.storage, DiscordWebhooks(self)),
        )
        # Follow mode: the home channels are publish subscriptions, kept as configured.
        self.follows = FollowDesk(self.storage, DiscordFollower(self.http), self.config.follow, SystemClock())
        await self.follows.ensure_home_subscriptions()
        self.sources = build_sources(
            self.storage, self.publishing, self.config, copies=self.copy_updates, notify=self._source_notice
        )
        # Command names and descriptions in Ukrainian and Russian (reads the catalogues now).
        await self.tree.set_translator(CatalogueTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_only:
            await self.sync_commands(force=True)
            return
        # What only the dispatcher does, in this order; more duties (feed polls) are
        # added with self.dispatcher.add_duty(name, duty) before dispatcher.start().
        self.dispatcher.add_duty("command sync", Hook(self._sync_commands_if_changed))
        self.dispatcher.add_duty("scheduler", Hook(self.scheduler.start, self.scheduler.shutdown))
        self.dispatcher.add_duty("copy updates", self.copy_updates)
        self.dispatcher.add_duty("source polling", Hook(self._poll_sources, self._stop_polling_sources))
        homes = HomeChannelCheck(
            self.config.follow, DiscordHomeChannels(self), self.storage, self.wait_until_ready
        )
        self.dispatcher.add_duty("home channel check", homes)
        if self.storage.shared:
            self._identify_gate = IdentifyGate(self.storage, await self._max_concurrency())
        self._heartbeat = Heartbeat(
            self.storage,
            shards=self.identity()["shards"],
            is_dispatcher=lambda: self.dispatcher.active,
            invalid=self.invalid_requests,
        )
        if self._claims is not None and cfg.any_shard:
            # A spare is listed (as standby) while it waits; it joins the dispatcher's
            # election only once it serves a shard.
            await self._heartbeat.start()
            claimed = await self._claims.claim_any()
            if claimed is None:
                return  # shutting down while standing by
            self.shard_ids = list(claimed)
            await self._heartbeat.set_shards(self._claims.describe())
        # A spare taking over connects its shard first; it may become the dispatcher meanwhile.
        await self.dispatcher.start(try_now=not cfg.any_shard)
        if self._claims is None or not cfg.any_shard:
            await self._heartbeat.start()
        if self._claims is not None and self.storage.shared:
            self._fence_task = asyncio.create_task(self._fence(self._claims), name="briefbot-shard-fence")
        await self.server_languages.start()
        # The word-form dictionaries load in a thread while the bot connects.
        self._warm_up = asyncio.get_running_loop().run_in_executor(None, wordforms.warm_up)
        log.info(
            "briefbot ready to serve: database %s, shards %s, %s",
            self.storage.location,
            self.identity()["shards"],
            "the dispatcher" if self.dispatcher.active else "standing by to take over dispatching",
        )

    async def _poll_sources(self) -> None:
        """Feeds are polled by the scheduler's job, on the dispatcher only (after the scheduler starts)."""
        self.scheduler.poll_sources(self.sources.poll_due, self.config.sources.check_seconds)

    async def _stop_polling_sources(self) -> None:
        self.scheduler.stop_polling_sources()

    async def _source_notice(self, message: Message) -> None:
        """A source is failing: tell the publishers in ``[schedule] alerts_channel_id`` (in
        its server's language), if the operator set one; the poller has logged it already,
        and ``briefbot status`` lists it."""
        channel_id = self.config.schedule.alerts_channel_id
        if channel_id is None:
            return
        text = localizer(DiscordLocales(self, self.server_languages).of_channel(channel_id)).text(message)
        await DiscordNotifier(self)(0, channel_id, text)

    def identity(self) -> dict[str, Any]:
        """This process, as ``briefbot status`` shows the dispatcher."""
        cfg = self.config.discord
        shards = "all"
        if self._claims is not None:
            shards = self._claims.describe()
        elif cfg.shard_count is not None:
            shards = f"{describe_ids(cfg.shard_ids or tuple(range(cfg.shard_count)))}/{cfg.shard_count}"
        return {"host": socket.gethostname(), "pid": os.getpid(), "shards": shards}

    async def _sync_commands_if_changed(self) -> None:
        await self.sync_commands()

    async def launch_shards(self) -> None:
        """Connect the claimed shards only: a spare that claimed none (it was stopped while
        standing by) connects nothing, where discord.py would connect every shard."""
        if self._claims is not None and not self._claims.ids:
            log.info("no shard claimed: not connecting to Discord")
            return
        await super().launch_shards()

    async def _fence(self, claims: ShardClaims) -> None:
        """Disconnect from Discord the moment a shard's claim is lost, then exit.

        Whoever claims the shard next answers its servers; this process must not, even for
        a moment, so the gateway closes before anything else (the dispatcher may take 30 s
        to stop). The process exits with status 1 for the service manager to start it
        again, when it claims a shard anew (a spare) or finds its shard held."""
        why = await claims.watch()
        log.error(
            "lost the claim to shards %s (%s): disconnecting from Discord now, so that no two processes "
            "answer its servers, and exiting with status 1 for the service manager to restart this process",
            claims.describe(),
            why,
        )
        self.exit_status = 1
        await asyncio.gather(*(shard.disconnect() for shard in self.shards.values()), return_exceptions=True)
        await self.close()

    async def _max_concurrency(self) -> int:
        """Discord's ``max_concurrency``: how many shards may IDENTIFY per 5 seconds."""
        try:
            limits = await self.fetch_session_start_limits()
        except (discord.HTTPException, discord.GatewayNotFound) as exc:
            log.warning("could not read the session start limits (%s): one IDENTIFY per 5 s", exc)
            return 1
        log.info(
            "session starts: %d of %d left; max_concurrency %d",
            limits.remaining,
            limits.total,
            limits.max_concurrency,
        )
        return max(1, limits.max_concurrency)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Processes sharing a store take turns through it, ``max_concurrency`` shards per
        5 s between them; a process alone keeps discord.py's own 5 s between its shards."""
        if self._identify_gate is None:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        await self._identify_gate.wait(shard_id or 0)

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
        await self.follows.channel_deleted(channel.id)

    async def on_thread_delete(self, thread: discord.Thread) -> None:
        await self.engine.channel_deleted(thread.id)

    async def on_shard_ready(self, shard_id: int) -> None:
        """Record the language of this shard's servers for the dispatcher."""
        await self.server_languages.record(g for g in self.guilds if g.shard_id == shard_id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.server_languages.record([guild])

    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        if before.preferred_locale != after.preferred_locale:
            await self.server_languages.record([after])

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.engine.guild_removed(guild.id)
        await self.follows.guild_removed(guild.id)

    async def close(self) -> None:
        log.info("shutting down")
        if self._claims is not None:
            self._claims.stop_waiting()  # a spare standing by stops trying
        fence = self._fence_task
        if fence is not None and fence is not asyncio.current_task():
            if self.exit_status:  # the fence is closing the bot already: let it finish
                await asyncio.gather(fence, return_exceptions=True)
                return
            fence.cancel()
        dispatcher = getattr(self, "dispatcher", None)  # absent if start-up failed before it
        if dispatcher is not None:
            await dispatcher.close()  # stops the scheduler if this process is the dispatcher
        scheduler = getattr(self, "scheduler", None)
        if scheduler is not None:
            await scheduler.shutdown()
        if self._heartbeat is not None:
            await self._heartbeat.stop()
        languages = getattr(self, "server_languages", None)
        if languages is not None:
            await languages.stop()
        sources = getattr(self, "sources", None)
        if sources is not None:
            await sources.close()
        await super().close()
        if self._claims is not None:  # the gateway is closed: a spare may take the shards now
            await self._claims.release()
        storage = getattr(self, "storage", None)
        if storage is not None:
            await storage.close()


async def _serve(config: Config, *, sync_only: bool) -> int:
    bot = BriefBot(config, sync_only=sync_only)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        if sync_only:
            await bot.login(config.discord.token.reveal())
            return 0
        runner = asyncio.create_task(bot.start(config.discord.token.reveal()))
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            waiter.cancel()
            runner.result()  # re-raise a start-up failure
            return bot.exit_status
        log.info("signal received: closing")
        await bot.close()
        await asyncio.gather(runner, return_exceptions=True)
    return bot.exit_status


def run_bot(config: Config, *, sync_only: bool = False) -> int:
    """Run until SIGINT/SIGTERM; exit status 0 on a clean shutdown, 1 when a shard's claim
    was lost (see ``BriefBot._fence``) or another process serves this one's shard."""
    try:
        return asyncio.run(_serve(config, sync_only=sync_only))
    except ShardTakenError as exc:
        log.error("not starting: %s", exc)
        return 1
    except discord.LoginFailure:
        log.error("Discord rejected the token (check DISCORD_TOKEN); not starting")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("Discord refused the requested intents")
        return 1
