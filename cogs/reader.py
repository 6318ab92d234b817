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

from bot import i18n, limits, replies
from bot.client import handle_interaction_error
from bot.i18n.commands import reader
from bot.models import SummaryLength
from bot.newsroom import Newsroom

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

READER_COMMANDS = ("latest", "summary", "quote", "search", "help")
MANAGER_COMMANDS = ("subscribe", "unsubscribe", "subscriptions")
MEMBER_COMMAND = "notify"
PUBLISHER_GROUP = "article"
SOURCES_GROUP = "source"


def _choice_name(text: str) -> str:
    return limits.one_line(text, limits.CHOICE_NAME)


def bot_is_here(bot: discord.Client, interaction: discord.Interaction) -> bool:
    """Whether the bot itself is where the command was used: a server it has joined, or a
    DM with it. Elsewhere (a user install in a group DM, another DM, a server without the
    bot) only the person who asked may see the answer."""
    if interaction.guild_id is not None:
        return bot.get_guild(interaction.guild_id) is not None
    return interaction.context.dm_channel


async def briefing_choices(
    newsroom: Newsroom, current: str, tr: i18n.Localizer = i18n.ENGLISH
) -> list[app_commands.Choice[str]]:
    """Titles matching any typed word, newest first; the value is the id."""
    refs = await newsroom.title_choices(current)
    return [
        app_commands.Choice(name=_choice_name(f"{r.title} ({tr.date(r.published_at)})"), value=str(r.id))
        for r in refs
    ]


class SearchPager(discord.ui.View):
    """Previous/Next buttons that only the person who searched may press."""

    def __init__(
        self,
        newsroom: Newsroom,
        owner_id: int,
        query: str,
        limit: int,
        reply: replies.Reply,
        tr: i18n.Localizer = i18n.ENGLISH,
    ) -> None:
        super().__init__(timeout=600)
        self.newsroom, self.owner_id, self.query, self.limit = newsroom, owner_id, query, limit
        self.page, self.pages = reply.page, reply.pages
        self.message: discord.InteractionMessage | None = None
        self.previous.label = tr.gettext("Previous")
        self.next.label = tr.gettext("Next")
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
            tr = reader(interaction)
            await interaction.response.send_message(
                tr.gettext("Only the person who searched can turn these pages; run /search yourself."),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return False
        return True

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        reply = await replies.search(
            self.newsroom, self.query, page=page, limit=self.limit, tr=reader(interaction)
        )
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


# Reader commands work wherever a reader is: installed to a server or to a user, in servers,
# DMs with the bot, group DMs and other people's DMs.
anywhere = app_commands.allowed_installs(guilds=True, users=True)
in_any_chat = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)


class ReaderCog(commands.Cog):
    def __init__(self, bot: BriefBot, newsroom: Newsroom) -> None:
        self.bot = bot
        self.newsroom = newsroom

    async def _send(self, interaction: discord.Interaction, reply: replies.Reply) -> None:
        """The answer, through the interaction: for everyone where the bot is, else only
        for the reader."""
        if reply.view is not None:  # a card: the message is the card alone
            await interaction.response.send_message(
                view=reply.view,
                ephemeral=not bot_is_here(self.bot, interaction),
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_message(
            embeds=reply.embeds,
            ephemeral=not bot_is_here(self.bot, interaction),
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="latest", description="The newest briefing(s)")
    @app_commands.describe(count="How many briefings (1-5)", topic="Only briefings tagged with this topic")
    @anywhere
    @in_any_chat
    async def latest(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 5] = 1,
        topic: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        reply = await replies.latest(
            self.newsroom, count, topic, tr=reader(interaction), style=self.bot.config.discord.cards
        )
        await self._send(interaction, reply)

    @app_commands.command(name="summary", description="A briefing's summary")
    @app_commands.describe(
        briefing="Which briefing (type words of its title); default the newest", length="How long"
    )
    @anywhere
    @in_any_chat
    async def summary(
        self,
        interaction: discord.Interaction,
        briefing: app_commands.Range[str, 1, 200] | None = None,
        length: SummaryLength = SummaryLength.STANDARD,
    ) -> None:
        reply = await replies.summary(self.newsroom, briefing, length, tr=reader(interaction))
        await self._send(interaction, reply)

    @app_commands.command(name="quote", description="Key quotes: exact words, who said them, and the source")
    @app_commands.describe(
        speaker="Who said it (any part of the name)",
        briefing="Only quotes from this briefing",
        contains="Only quotes containing these words",
    )
    @anywhere
    @in_any_chat
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, 100] | None = None,
        briefing: app_commands.Range[str, 1, 200] | None = None,
        contains: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        reply = await replies.quote(
            self.newsroom, speaker=speaker, briefing=briefing, contains=contains, tr=reader(interaction)
        )
        await self._send(interaction, reply)

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
        return await briefing_choices(self.newsroom, current, reader(interaction))

    @app_commands.command(name="search", description="Full-text search over all briefings")
    @app_commands.describe(
        query='Words in any form (contracts finds contract); "exact phrase" and -exclude work',
        limit="Results per page (1-10)",
    )
    @anywhere
    @in_any_chat
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        limit: app_commands.Range[int, 1, 10] = 5,
    ) -> None:
        tr = reader(interaction)
        reply = await replies.search(self.newsroom, query, limit=limit, tr=tr)
        if reply.pages <= 1:
            await self._send(interaction, reply)
            return
        view = SearchPager(self.newsroom, interaction.user.id, query, limit, reply, tr)
        await interaction.response.send_message(
            embeds=reply.embeds,
            view=view,
            ephemeral=not bot_is_here(self.bot, interaction),
            allowed_mentions=NO_MENTIONS,
        )
        view.message = await interaction.original_response()

    @app_commands.command(name="help", description="What briefbot does and the commands you can use")
    @anywhere
    @in_any_chat
    async def help(self, interaction: discord.Interaction) -> None:
        tr = reader(interaction)
        lines = [
            tr.gettext(
                "I keep servers informed with policy briefings: summaries, attributed key quotes, "
                "and scheduled posts."
            ),
            "",
            "**" + tr.gettext("Reading") + "**",
            *self._usage(READER_COMMANDS[:-1], tr),
        ]
        if bot_is_here(self.bot, interaction) and interaction.guild_id:
            lines += self._usage((MEMBER_COMMAND,), tr)  # topic pings: in a server with the bot
        if bot_is_here(self.bot, interaction) and interaction.permissions.manage_guild:
            lines += ["", "**" + tr.gettext("Managing this server's channels") + "**"]
            lines += self._usage(MANAGER_COMMANDS, tr)
        if (
            bot_is_here(self.bot, interaction)
            and interaction.guild_id
            and self.bot.is_publisher(interaction.user)
        ):
            lines += ["", "**" + tr.gettext("Publishing") + "**"]
            lines += self._usage((PUBLISHER_GROUP, SOURCES_GROUP), tr)
        if not bot_is_here(self.bot, interaction):
            lines += ["", tr.gettext("Only you can see my answers here.")]
        embed = discord.Embed(title="briefbot", description="\n".join(lines), colour=discord.Colour(0x1F4E79))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _usage(self, names: tuple[str, ...], tr: i18n.Localizer) -> list[str]:
        """``/command [option]… description`` for each command (each subcommand of a group),
        as the reader's Discord shows them: the synced names and descriptions in their language."""
        lines = []
        for name in names:
            found = self.bot.tree.get_command(name)
            leaves = found.commands if isinstance(found, app_commands.Group) else [found]
            for command in leaves:
                if not isinstance(command, app_commands.Command):
                    continue
                path = " ".join(_translated(tr, i18n.NAME, part) for part in command.qualified_name.split())
                options = [
                    _translated(tr, i18n.NAME, p.name)
                    if p.required
                    else f"[{_translated(tr, i18n.NAME, p.name)}]"
                    for p in command.parameters
                ]
                usage = " ".join([f"/{path}", *options])
                lines.append(f"`{usage}` {_translated(tr, i18n.DESCRIPTION, command.description)}")
        return lines


def _translated(tr: i18n.Localizer, context: str, text: str) -> str:
    return tr.pgettext(context, text) or text


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(ReaderCog(bot, bot.newsroom))
