"""The delivery engine and scheduler of a bot process, wired to Discord through discord.py:
the sender, forums, webhooks, correction replies, notices and server languages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord

from bot.clock import SystemClock
from bot.delivery.budget import InvalidRequestBudget
from bot.delivery.engine import DeliveryEngine
from bot.delivery.sender import Fence, Locales
from bot.discord_replies import DiscordReplies
from bot.discord_sender import DiscordLocales, DiscordNotifier, DiscordSender
from bot.discord_webhooks import DiscordWebhooks
from bot.scheduler import BriefingScheduler

if TYPE_CHECKING:
    from bot.config import Config
    from storage import Storage


class _DeliveryHost(Protocol):
    """What ``build_delivery`` needs from the bot."""

    storage: Storage
    config: Config


def build_delivery(
    bot: discord.Client,
    *,
    fence: Fence | None = None,
    languages: Locales | None = None,
    budget: InvalidRequestBudget | None = None,
) -> tuple[DeliveryEngine, BriefingScheduler]:
    """The engine and scheduler for a bot with ``storage`` and ``config`` attributes
    (call in ``setup_hook`` after opening storage; then ``await scheduler.start()``).
    ``fence`` says whether this process may post (the dispatcher's); ``budget`` counts the
    client's invalid requests (its ``trace_config()`` is the client's ``http_trace``)."""
    host: _DeliveryHost = bot  # type: ignore[assignment]

    async def known_forum(channel_id: int) -> bool | None:
        sub = await host.storage.get_subscription(channel_id)
        return None if sub is None else sub.forum

    sender = DiscordSender(bot, known_forum=known_forum)
    clock = SystemClock()
    engine = DeliveryEngine(
        host.storage,
        sender,
        host.config.schedule,
        clock,
        notify=DiscordNotifier(bot),
        locales=DiscordLocales(bot, languages),
        fence=fence,
        forums=sender,
        cards=host.config.discord.cards,
        webhooks=DiscordWebhooks(bot),
        replies=DiscordReplies(bot, sender),
        budget=budget,
    )
    return engine, BriefingScheduler(engine, host.storage, host.config.schedule, clock)
