"""Each server's language, for the processes that do not serve it.

A post, its corrections and notices are written in the server's preferred language.
Discord tells it only to the process that serves the server's gateway shard, and the
dispatcher that posts may serve other shards (or none of a server's). So every process
records the language of each of its servers in the store (when a shard is ready, when the
bot joins a server, when a server changes its language), and reads what the others
recorded every ``refresh_seconds`` (30 s), and at once before acting on another
process's event. A process records a server's language again before it tells the dispatcher
of a subscription there, so a backfill is posted in the right language even when the
subscription came before the shard's first record. ``DiscordLocales`` asks the client's
cache first and these records second.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Protocol

import discord

from bot.periodic import Periodic
from storage import StorageError

log = logging.getLogger(__name__)

REFRESH_SECONDS = 30.0


class LanguageStore(Protocol):
    """What this needs of storage (``storage.Coordination`` has it)."""

    async def record_server_languages(self, locales: Mapping[int, str]) -> None: ...

    async def server_languages(self) -> tuple[dict[int, str], dict[int, str]]: ...


class ServerLanguages:
    """The recorded languages of every server, by server and by subscribed channel."""

    def __init__(
        self, store: LanguageStore, client: discord.Client, *, refresh_seconds: float = REFRESH_SECONDS
    ) -> None:
        self._store = store
        self._client = client
        self._refreshes = Periodic("briefbot-server-languages", self.refresh, refresh_seconds)
        self._guilds: dict[int, str] = {}
        self._channels: dict[int, str] = {}

    def of_channel(self, channel_id: int) -> str | None:
        return self._channels.get(channel_id)

    def of_guild(self, guild_id: int) -> str | None:
        return self._guilds.get(guild_id)

    async def record(self, guilds: Iterable[discord.Guild]) -> None:
        """Record the languages of ``guilds`` (servers this process serves)."""
        locales = {g.id: g.preferred_locale.value for g in guilds if not g.unavailable}
        try:
            await self._store.record_server_languages(locales)
        except StorageError as exc:
            log.warning("could not record the language of %d servers: %s", len(locales), exc)
            return
        self._guilds.update(locales)

    async def record_channel(self, channel_id: int) -> None:
        """Record the language of the server of ``channel_id``, if this process serves it."""
        guild = getattr(self._client.get_channel(channel_id), "guild", None)
        if isinstance(guild, discord.Guild):
            await self.record([guild])

    async def refresh(self) -> None:
        """Read what every process recorded."""
        try:
            self._guilds, self._channels = await self._store.server_languages()
        except StorageError as exc:
            log.warning("could not read the servers' languages: %s", exc)

    async def start(self) -> None:
        await self.refresh()
        self._refreshes.start()

    async def stop(self) -> None:
        await self._refreshes.stop()
