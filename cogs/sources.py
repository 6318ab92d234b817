"""Publisher commands: the /source group (add, list, remove, pause, resume, test).

Each command is one call to the ``SourceDesk``; the desk checks the URL (only http(s), no
internal address), the interval and the rest. As for /article, Discord's command
permissions are only a default, so every command checks at run time that the user is a
publisher.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n, render
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.i18n.commands import reader
from bot.models import MAX_POLL_MINUTES, MIN_POLL_MINUTES, Source
from bot.sources import Outcome, PollReport, SourceDesk
from cogs._publishers import require_publisher
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

REPORT_ITEMS = 15  # items a /source test reply lists


def _source_id(text: str) -> int:
    """What autocomplete sends (the id), or ``#12`` typed by hand."""
    digits = text.strip().removeprefix("#").split(" ", 1)[0]
    if not digits.isdigit():
        raise UserFacingError(N_("No source matches '{reference}'.", reference=text[:60]))
    return int(digits)


def _outcome(tr: i18n.Localizer, outcome: Outcome) -> str:
    labels = {
        Outcome.NEW: tr.gettext("would be imported"),
        Outcome.SKIPPED: tr.gettext("skipped: older than a first poll imports"),
        Outcome.UNCHANGED: tr.gettext("imported already"),
        Outcome.REJECTED: tr.gettext("rejected earlier"),
        Outcome.CHANGED: tr.gettext("changed: its briefing would be corrected"),
    }
    return labels.get(outcome, outcome.value)


def report_embed(report: PollReport, tr: i18n.Localizer) -> discord.Embed:
    """What following a URL would import, entry by entry (``/source test``)."""
    embed = discord.Embed(title=render.escape(report.url)[:256], colour=render.BRAND_COLOUR)
    if report.error:
        embed.colour = discord.Colour.orange()
        embed.description = tr.gettext(
            "Could not read it: {reason}", reason=render.escape(report.error)[:1500]
        )
        return embed
    new = report.count(Outcome.NEW)
    lines = [
        tr.ngettext("{n} entry would be imported now.", "{n} entries would be imported now.", new),
        "",
    ]
    for item in report.items[:REPORT_ITEMS]:
        lines.append(f"• {render.escape(item.title)[:150]} — *{_outcome(tr, item.outcome)}*")
    if len(report.items) > REPORT_ITEMS:
        lines.append(tr.gettext("…and {count} more.", count=tr.number(len(report.items) - REPORT_ITEMS)))
    embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text=tr.gettext("A test: nothing was imported."))
    return embed


def _followed(tr: i18n.Localizer, source: Source) -> str:
    mode = tr.gettext("review") if source.mode.value == "review" else tr.gettext("publish")
    return tr.gettext(
        "Following source #{id} ({name}): {mode}, {interval}. The first poll runs within a minute.",
        id=source.id,
        name=render.escape(source.name),
        mode=mode,
        interval=tr.ngettext("every {n} minute", "every {n} minutes", source.interval_minutes),
    )


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class SourcesCog(
    commands.GroupCog, group_name="source", group_description="Feeds and pages briefings arrive from"
):
    def __init__(self, bot: BriefBot, desk: SourceDesk) -> None:
        self.bot = bot
        self.desk = desk
        super().__init__()

    @app_commands.command(name="add", description="Follow a feed (RSS, Atom, JSON Feed) or a page")
    @app_commands.describe(
        url="The feed's or page's address (http or https)",
        name="What to call it (default: its host name)",
        topics="Tags every briefing from it gets, comma-separated",
        mode="publish: briefings at once; review: drafts wait for /article review",
        interval="Minutes between polls (default 10)",
        full_text="Fetch each teaser's page for the article's text",
        language="The language of its briefings, when the feed does not say",
        timezone="IANA time zone for dates without one, e.g. Europe/Kyiv",
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="publish", value="publish"),
            app_commands.Choice(name="review", value="review"),
        ],
        language=[
            app_commands.Choice(name="English", value="en"),
            app_commands.Choice(name="Ukrainian", value="uk"),
            app_commands.Choice(name="Russian", value="ru"),
        ],
    )
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        name: app_commands.Range[str, 1, 100] | None = None,
        topics: app_commands.Range[str, 1, 400] | None = None,
        mode: str = "publish",
        interval: app_commands.Range[int, MIN_POLL_MINUTES, MAX_POLL_MINUTES] | None = None,
        full_text: bool = False,
        language: str | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        require_publisher(self.bot, interaction)
        tr = reader(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # checking the URL resolves it
        source = await self.desk.add(
            url,
            name=name,
            topics=topics,
            mode=mode,
            interval=interval,
            full_text=full_text,
            language=language,
            timezone=timezone,
            added_by=interaction.user.id,
        )
        await interaction.edit_original_response(content=_followed(tr, source), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="list", description="Every source with its status")
    async def list_(self, interaction: discord.Interaction) -> None:
        require_publisher(self.bot, interaction)
        tr = reader(interaction)
        found = await self.desk.sources()
        if not found:
            raise UserFacingError(N_("No sources yet: follow one with /source add."))
        await interaction.response.send_message(
            embed=render.sources_embed(found, tr), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="remove", description="Stop following a source (its briefings stay)")
    @app_commands.describe(source="Which source")
    async def remove(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 120]) -> None:
        require_publisher(self.bot, interaction)
        removed = await self.desk.remove(_source_id(source))
        log.info("source %d removed by user %d", removed.id, interaction.user.id)
        await interaction.response.send_message(
            reader(interaction).gettext(
                "Stopped following source #{id} ({name}); the briefings it brought stay.",
                id=removed.id,
                name=render.escape(removed.name),
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="pause", description="Stop polling a source for now")
    @app_commands.describe(source="Which source")
    async def pause(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 120]) -> None:
        require_publisher(self.bot, interaction)
        paused = await self.desk.pause(_source_id(source))
        await interaction.response.send_message(
            reader(interaction).gettext(
                "Source #{id} ({name}) is paused.", id=paused.id, name=render.escape(paused.name)
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="resume", description="Poll a paused or failing source again")
    @app_commands.describe(source="Which source")
    async def resume(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 120]) -> None:
        require_publisher(self.bot, interaction)
        resumed = await self.desk.resume(_source_id(source))
        await interaction.response.send_message(
            reader(interaction).gettext(
                "Source #{id} ({name}) is polled again.", id=resumed.id, name=render.escape(resumed.name)
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="test", description="Fetch a feed now and show what would be imported")
    @app_commands.describe(
        url="The feed's or page's address", full_text="Fetch teasers' pages as a source would"
    )
    async def test(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000], full_text: bool = False
    ) -> None:
        require_publisher(self.bot, interaction)
        tr = reader(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.desk.test(url, full_text=full_text)
        await interaction.edit_original_response(embed=report_embed(report, tr), allowed_mentions=NO_MENTIONS)

    @remove.autocomplete("source")
    @pause.autocomplete("source")
    @resume.autocomplete("source")
    async def _source(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not self.bot.is_publisher(interaction.user):
            return []
        typed = current.strip().casefold().removeprefix("#")
        found = [
            s
            for s in await self.desk.sources()
            if not typed or typed in s.name.casefold() or typed in s.url.casefold() or str(s.id) == typed
        ]
        return [app_commands.Choice(name=f"#{s.id} {s.name}"[:100], value=str(s.id)) for s in found[:25]]


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(SourcesCog(bot, bot.sources))
