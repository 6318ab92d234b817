"""Publisher commands: the /article group (add, import, edit, remove, list).

Discord's command permissions are only a default that server admins can change,
so every command here checks at run time that the user is a publisher: the
application's owner or team, or a user or role listed in the config.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n, render, replies
from bot.client import handle_interaction_error
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.i18n.commands import reader
from bot.ingest import MAX_TITLE, format_when
from bot.models import Briefing
from bot.publishing import QUOTE_ACTIONS, PublishingDesk
from cogs._publishers import require_publisher
from cogs._review import ReviewView
from cogs.reader import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

FORM_BODY_MAX = 4000  # Discord's limit for one text input


class ArticleModal(discord.ui.Modal):
    """The form for a new briefing, or an edit prefilled with the current text."""

    def __init__(
        self, cog: PublisherCog, *, editing: Briefing | None = None, tr: i18n.Localizer = i18n.ENGLISH
    ) -> None:
        """Every prefilled value parses back to what is stored, so a field left as it is
        stays as it is. A body longer than one text input holds is left out of the form
        (and kept) rather than shown cut and saved cut. Labels are in the editor's language;
        the values are the briefing's own."""
        body_fits = editing is None or len(editing.body) <= FORM_BODY_MAX
        title = tr.gettext("New briefing") if editing is None else tr.gettext("Edit briefing")
        if not body_fits:
            title = tr.gettext("Edit briefing (long body kept)")
        super().__init__(title=title, timeout=1800)
        self.headline: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
            label=tr.gettext("Title"), max_length=MAX_TITLE, placeholder=tr.gettext("Headline")
        )
        self.body: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
            label=tr.gettext("Body"),
            style=discord.TextStyle.paragraph,
            max_length=FORM_BODY_MAX,
            placeholder=tr.gettext("Paragraphs, blank line between"),
        )
        self.source_url: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
            label=tr.gettext("Source URL"), required=False, max_length=500, placeholder="https://…"
        )
        self.published: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
            label=tr.gettext("Publish time"),
            required=False,
            max_length=40,
            placeholder=tr.gettext("2026-03-01 14:30 UTC (empty: now; future: embargo)"),
        )
        self.tags: discord.ui.TextInput[ArticleModal] = discord.ui.TextInput(
            label=tr.gettext("Tags"),
            required=False,
            max_length=200,
            placeholder=tr.gettext("energy, eu, sanctions"),
        )
        self.cog = cog
        self.editing = editing
        self.kept_body: str | None = None
        if editing is not None:
            self.headline.default = editing.title
            self.source_url.default = editing.source_url or ""
            self.published.default = format_when(editing.published_at)
            self.tags.default = ", ".join(editing.tags)
            if body_fits:
                self.body.default = editing.body
            else:
                self.kept_body = editing.body
        for field in (self.headline, self.body, self.source_url, self.published, self.tags):
            if field is not self.body or self.kept_body is None:
                self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.cog.require_publisher(interaction)
        desk = self.cog.desk
        draft = desk.draft(  # a bad field is answered at once
            title=self.headline.value,
            body=self.body.value if self.kept_body is None else self.kept_body,
            source_url=self.source_url.value,
            published=self.published.value,
            tags=self.tags.value,
            origin=f"/article {'edit' if self.editing else 'add'} by {interaction.user.id}",
        )
        tr = reader(interaction)
        # Storing may wait on a busy database: answer Discord first, then edit the reply.
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self.editing is None:
            added = await desk.add(draft)
            if added.briefing is None:
                await interaction.edit_original_response(
                    content=tr.gettext("Already stored as #{id}: nothing added.", id=added.duplicate_of)
                )
                return
            briefing = added.briefing
            log.info("briefing %d added by user %d", briefing.id, interaction.user.id)
            text = tr.gettext("Added briefing #{id}.", id=briefing.id)
        else:
            edited = await desk.edit(self.editing.id, draft)
            briefing = edited.briefing
            log.info("briefing %d edited by user %d", briefing.id, interaction.user.id)
            text = tr.gettext("Updated briefing #{id}.", id=briefing.id)
            text += _copies_corrected(tr, edited.corrected, edited.queued)
        await interaction.edit_original_response(
            content=text, embed=render.briefing_embed(briefing, tr=tr), allowed_mentions=NO_MENTIONS
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await handle_interaction_error(interaction, error)


def _copies_corrected(tr: i18n.Localizer, copies: int, queued: int) -> str:
    """What became of the posted copies: corrected now, or shortly by the process that posts."""
    text = ""
    if copies:
        text += " " + tr.ngettext("{n} posted copy corrected.", "{n} posted copies corrected.", copies)
    if queued:
        text += " " + tr.ngettext(
            "{n} posted copy will be corrected within seconds by the bot process that posts.",
            "{n} posted copies will be corrected within seconds by the bot process that posts.",
            queued,
        )
    return text


class RemoveConfirm(discord.ui.View):
    """Ask before removing, and whether to delete the copies already posted."""

    def __init__(
        self, cog: PublisherCog, user_id: int, briefing: Briefing, tr: i18n.Localizer = i18n.ENGLISH
    ) -> None:
        super().__init__(timeout=300)
        self.cog, self.user_id, self.briefing = cog, user_id, briefing
        self.remove_all.label = tr.gettext("Remove and delete posted copies")
        self.remove_keep.label = tr.gettext("Remove, keep posts")
        self.cancel.label = tr.gettext("Cancel")

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[RemoveConfirm]
    ) -> None:
        await handle_interaction_error(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(
                reader(interaction).gettext("This confirmation is not yours."), ephemeral=True
            )
            return False
        return True

    async def _remove(self, interaction: discord.Interaction, *, delete_posts: bool) -> None:
        self.cog.require_publisher(interaction)
        tr = reader(interaction)
        await interaction.response.defer(ephemeral=True)
        removed = await self.cog.desk.remove(self.briefing.id, delete_posts=delete_posts)
        text = tr.gettext("Removed briefing #{id}.", id=self.briefing.id)
        if removed.posted and delete_posts and removed.queued:
            text += " " + tr.ngettext(
                "{n} posted copy will be deleted within seconds by the bot process that posts.",
                "{n} posted copies will be deleted within seconds by the bot process that posts.",
                removed.queued,
            )
        elif removed.posted and delete_posts:
            text += " " + tr.ngettext(
                "Deleted {deleted} of {n} posted copy.",
                "Deleted {deleted} of {n} posted copies.",
                removed.posted,
                deleted=tr.number(removed.deleted),
            )
        elif removed.posted:
            text += " " + tr.ngettext(
                "{n} posted copy was left in place.", "{n} posted copies were left in place.", removed.posted
            )
        self.stop()
        await interaction.edit_original_response(content=text, view=None, embed=None)

    @discord.ui.button(label="Remove and delete posted copies", style=discord.ButtonStyle.danger)
    async def remove_all(
        self, interaction: discord.Interaction, button: discord.ui.Button[RemoveConfirm]
    ) -> None:
        await self._remove(interaction, delete_posts=True)

    @discord.ui.button(label="Remove, keep posts", style=discord.ButtonStyle.secondary)
    async def remove_keep(
        self, interaction: discord.Interaction, button: discord.ui.Button[RemoveConfirm]
    ) -> None:
        await self._remove(interaction, delete_posts=False)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[RemoveConfirm]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=reader(interaction).gettext("Nothing removed."), view=None, embed=None
        )


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class PublisherCog(
    commands.GroupCog, group_name="article", group_description="Publish and correct briefings"
):
    def __init__(self, bot: BriefBot, desk: PublishingDesk) -> None:
        self.bot = bot
        self.desk = desk
        super().__init__()

    def require_publisher(self, interaction: discord.Interaction) -> None:
        require_publisher(self.bot, interaction)

    @app_commands.command(name="add", description="Write a new briefing in a form")
    async def add(self, interaction: discord.Interaction) -> None:
        self.require_publisher(interaction)
        await interaction.response.send_modal(ArticleModal(self, tr=reader(interaction)))

    @app_commands.command(
        name="import", description="Import briefings from a file (wire text, Markdown, JSON, plain)"
    )
    @app_commands.describe(file="A .txt, .md or .json file; a JSON list may hold many briefings")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        self.require_publisher(interaction)
        tr = reader(interaction)
        limit = self.bot.config.ingest.max_bytes
        if file.size > limit:
            raise UserFacingError(
                N_(
                    "{file} is {size} bytes; the limit is {limit} bytes.",
                    file=file.filename,
                    size=tr.number(file.size),
                    limit=tr.number(limit),
                )
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            raise UserFacingError(
                N_(
                    "Could not download {file} from Discord ({status}).",
                    file=file.filename,
                    status=exc.status,
                )
            ) from None
        report = await self.desk.import_file(data, file.filename)
        log.info(
            "import of %s by user %d: %d added, %d duplicate, %d failed",
            file.filename,
            interaction.user.id,
            report.added,
            report.duplicates,
            report.failed,
        )
        reply = replies.import_report(report, tr=tr)
        await interaction.edit_original_response(embeds=reply.embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="edit", description="Correct a briefing; posted copies are corrected too")
    @app_commands.describe(briefing="Which briefing (type words of its title)")
    async def edit(self, interaction: discord.Interaction, briefing: app_commands.Range[str, 1, 200]) -> None:
        self.require_publisher(interaction)
        found = await self.desk.find(briefing)
        await interaction.response.send_modal(ArticleModal(self, editing=found, tr=reader(interaction)))

    @app_commands.command(name="remove", description="Delete a briefing (asks first)")
    @app_commands.describe(briefing="Which briefing (type words of its title)")
    async def remove(
        self, interaction: discord.Interaction, briefing: app_commands.Range[str, 1, 200]
    ) -> None:
        self.require_publisher(interaction)
        tr = reader(interaction)
        found = await self.desk.find(briefing)
        view = RemoveConfirm(self, interaction.user.id, found, tr)
        await interaction.response.send_message(
            tr.gettext("Remove briefing #{id}?", id=found.id),
            embed=render.briefing_embed(found, tr=tr),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="quotes", description="Review a briefing's quotes and correct them")
    @app_commands.describe(
        briefing="Which briefing (type words of its title)",
        action="Leave empty to list; speaker/drop/key/undo take a number, add takes text",
        number="The quote's number in the list",
        speaker="The right speaker (speaker, add)",
        role="The speaker's role (speaker, add)",
        text="The exact words of a quote the analysis missed (add)",
    )
    @app_commands.choices(action=[app_commands.Choice(name=a, value=a) for a in QUOTE_ACTIONS])
    async def quotes(
        self,
        interaction: discord.Interaction,
        briefing: app_commands.Range[str, 1, 200],
        action: str | None = None,
        number: app_commands.Range[int, 1, 500] | None = None,
        speaker: app_commands.Range[str, 1, 120] | None = None,
        role: app_commands.Range[str, 1, 200] | None = None,
        text: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        self.require_publisher(interaction)
        tr = reader(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if action is None:
            review = await self.desk.review_quotes(briefing)
            content = None
        else:
            review = await self.desk.correct_quote(
                briefing,
                action,
                number=number,
                speaker=speaker,
                role=role,
                text=text,
                editor_id=interaction.user.id,
            )
            content = tr.gettext("Saved ({action}).", action=action)
            content += _copies_corrected(tr, review.corrected, review.queued)
        await interaction.edit_original_response(
            content=content, embed=render.quote_review_embed(review, tr), allowed_mentions=NO_MENTIONS
        )

    @edit.autocomplete("briefing")
    @remove.autocomplete("briefing")
    @quotes.autocomplete("briefing")
    async def _briefing(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not self.bot.is_publisher(interaction.user):
            return []  # the choices include embargoed titles
        refs = await self.desk.choices(current)
        tr = reader(interaction)
        return [
            app_commands.Choice(name=f"{r.title} ({tr.date(r.published_at)})"[:100], value=str(r.id))
            for r in refs
        ]

    @app_commands.command(
        name="review", description="Drafts from review-mode sources: approve, edit or reject"
    )
    async def review(self, interaction: discord.Interaction) -> None:
        self.require_publisher(interaction)
        tr = reader(interaction)
        drafts = await self.bot.sources.drafts()
        if not drafts:
            raise UserFacingError(N_("No drafts are waiting for review."))
        view = ReviewView(self.bot, interaction.user.id, drafts, tr)
        await interaction.response.send_message(
            embed=view.card(), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="list", description="Recent briefings with their ids, embargoed ones included")
    async def list_(self, interaction: discord.Interaction) -> None:
        self.require_publisher(interaction)
        tr = reader(interaction)
        refs = await self.desk.recent()
        now = discord.utils.utcnow()
        embargoed = " · " + tr.gettext("embargoed")
        lines = [
            f"`#{r.id}` {render.escape(r.title)[:120]} · {render.timestamp(r.published_at, 'd')}"
            + (embargoed if r.published_at > now else "")
            for r in refs
        ]
        embed = discord.Embed(
            title=tr.gettext("Recent briefings"), description="\n".join(lines), colour=render.BRAND_COLOUR
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(PublisherCog(bot, bot.publishing))
