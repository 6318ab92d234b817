"""Reader commands: /latest, /summary, /quote, /search, /help.

Thin by design: read the options, ask the newsroom (through ``bot.replies``, the
same answers the terminal demo prints), send. Errors are raised as
``UserFacingError`` and answered by the tree's one error handler.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, replies
from bot.client import handle_interaction_error
from bot.models import SummaryLength
from bot.newsroom import Newsroom

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


def _choice_name(text: str) -> str:
    return limits.one_line(text, limits.CHOICE_NAME)


async def briefing_choices(newsroom: Newsroom, current: str) -> list[app_commands.Choice[str]]:
    """Titles matching any typed word, newest first; the value is the id."""
    refs = await newsroom.title_choices(current)
    return [
        app_commands.Choice(name=_choice_name(f"{r.title} ({r.published_at:%d %b %Y})"), value=str(r.id))
        for r in refs
    ]


class SearchPager(discord.ui.View):
    """Previous/Next buttons that only the person who searched may press."""

    def __init__(
        self, newsroom: Newsroom, owner_id: int, query: str, limit: int, reply: replies.Reply
    ) -> None:
        super().__init__(timeout=600)
        self.newsroom, self.owner_id, self.query, self.limit = newsroom, owner_id, query, limit
        self.page, self.pages = reply.page, reply.pages
        self.message: discord.InteractionMessage | None = None
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[SearchPager]
    ) -> None:
        await handle_interaction_error(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "Only the person who searched can turn these pages; run /search yourself.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return False
        return True

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        reply = await replies.search(self.newsroom, self.query, page=page, limit=self.limit)
        self.page, self.pages = reply.page, reply.pages
        self._sync_buttons()
        await interaction.response.edit_message(embeds=reply.embeds, view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[SearchPager]
    ) -> None:
        await self._show(interaction, max(1, self.page - 1))

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[SearchPager]) -> None:
        await self._show(interaction, min(self.pages, self.page + 1))

    async def on_timeout(self) -> None:
        if self.message is not None:
            for item in self.children:
                if isinstance(item, discord.ui.Button):
                    item.disabled = True
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


class ReaderCog(commands.Cog):
    def __init__(self, bot: BriefBot, newsroom: Newsroom) -> None:
        self.bot = bot
        self.newsroom = newsroom

    @app_commands.command(name="latest", description="The newest briefing(s)")
    @app_commands.describe(count="How many briefings (1-5)", topic="Only briefings tagged with this topic")
    async def latest(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 5] = 1,
        topic: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        reply = await replies.latest(self.newsroom, count, topic)
        await interaction.response.send_message(embeds=reply.embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="summary", description="A briefing's summary")
    @app_commands.describe(
        briefing="Which briefing (type words of its title); default the newest", length="How long"
    )
    async def summary(
        self,
        interaction: discord.Interaction,
        briefing: app_commands.Range[str, 1, 200] | None = None,
        length: SummaryLength = SummaryLength.STANDARD,
    ) -> None:
        reply = await replies.summary(self.newsroom, briefing, length)
        await interaction.response.send_message(embeds=reply.embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="quote", description="Key quotes: exact words, who said them, and the source")
    @app_commands.describe(
        speaker="Who said it (any part of the name)",
        briefing="Only quotes from this briefing",
        contains="Only quotes containing these words",
    )
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, 100] | None = None,
        briefing: app_commands.Range[str, 1, 200] | None = None,
        contains: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        reply = await replies.quote(self.newsroom, speaker=speaker, briefing=briefing, contains=contains)
        await interaction.response.send_message(embeds=reply.embeds, allowed_mentions=NO_MENTIONS)

    @quote.autocomplete("speaker")
    async def _quote_speaker(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        speakers = await self.newsroom.speaker_choices(current)
        return [
            app_commands.Choice(name=_choice_name(f"{name} — {role}" if role else name), value=name[:100])
            for name, role in speakers
        ]

    @summary.autocomplete("briefing")
    @quote.autocomplete("briefing")
    async def _briefing(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await briefing_choices(self.newsroom, current)

    @app_commands.command(name="search", description="Full-text search over all briefings")
    @app_commands.describe(
        query='Words in any form (contracts finds contract); "exact phrase" and -exclude work',
        limit="Results per page (1-10)",
    )
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        limit: app_commands.Range[int, 1, 10] = 5,
    ) -> None:
        reply = await replies.search(self.newsroom, query, limit=limit)
        if reply.pages > 1:
            view = SearchPager(self.newsroom, interaction.user.id, query, limit, reply)
            await interaction.response.send_message(
                embeds=reply.embeds, view=view, allowed_mentions=NO_MENTIONS
            )
            view.message = await interaction.original_response()
        else:
            await interaction.response.send_message(embeds=reply.embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="help", description="What briefbot does and the commands you can use")
    async def help(self, interaction: discord.Interaction) -> None:
        lines = [
            "I keep this server informed with policy briefings: summaries, attributed key quotes, "
            "and scheduled posts.",
            "",
            "**Reading**",
            "`/latest [count] [topic]` the newest briefings",
            "`/summary [briefing] [length]` a briefing's summary (short, standard, detailed)",
            "`/quote [speaker] [briefing] [contains]` key quotes with who said them",
            "`/search query [limit]` full-text search",
        ]
        perms = interaction.permissions
        if interaction.guild_id is not None and perms.manage_guild:
            lines += [
                "",
                "**Managing this server's channels**",
                "`/subscribe channel [schedule] [time] [timezone] [topics] [backfill]` post briefings to a channel",
                "`/unsubscribe channel` stop posting there",
                "`/subscriptions` what this server receives, and when",
            ]
        if self.bot.is_publisher(interaction.user):
            lines += [
                "",
                "**Publishing**",
                "`/article add` write a briefing · `/article import` upload a file",
                "`/article edit` correct one (posted copies are corrected too) · `/article remove` · `/article list`",
            ]
        embed = discord.Embed(title="briefbot", description="\n".join(lines), colour=discord.Colour(0x1F4E79))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(ReaderCog(bot, bot.newsroom))
