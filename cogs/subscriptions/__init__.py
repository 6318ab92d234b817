"""Server-manager commands (/subscribe, /unsubscribe, the /subscriptions group) and the topic
pings members choose (/notify and the panel's buttons). The work is in ``_cog`` (the
commands), ``_notify`` (giving and taking topic roles) and ``_render`` (replies)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.subscriptions._cog import SubscriptionsCog
from cogs.subscriptions._notify import NotifyButton

if TYPE_CHECKING:
    from bot.client import BriefBot

__all__ = ["NotifyButton", "SubscriptionsCog"]


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(SubscriptionsCog(bot, bot.subscriptions))
