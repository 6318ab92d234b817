"""``/article review``: the waiting drafts of review-mode sources, one card at a time, with
Approve, Edit, Reject and Next buttons. Each button is one call to the ``SourceDesk``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot import i18n, render
from bot.client import handle_interaction_error
from bot.i18n.commands import reader
from bot.ingest import MAX_TITLE, format_when
from bot.models import WaitingDraft
from cogs._publishers import require_publisher

if TYPE_CHECKING:
    from bot.client import BriefBot

log = logging.getLogger(__name__)

FORM_BODY_MAX = 4000  # Discord's limit for one text input
NO_MENTIONS = discord.AllowedMentions.none()


class ReviewView(discord.ui.View):
    """The drafts waiting when ``/article review`` ran; acting on one shows the next."""

    def __init__(self, bot: BriefBot, user_id: int, drafts: list[WaitingDraft], tr: i18n.Localizer) -> None:
        super().__init__(timeout=900)
        self.bot, self.user_id, self.drafts, self.tr = bot, user_id, list(drafts), tr
        self.index = 0
        self.approve.label = tr.gettext("Approve")
        self.edit.label = tr.gettext("Edit")
        self.reject.label = tr.gettext("Reject")
        self.next_.label = tr.gettext("Next")
        self.next_.disabled = len(self.drafts) < 2

    @property
    def current(self) -> WaitingDraft:
        return self.drafts[self.index]

    def card(self) -> discord.Embed:
        return render.draft_embed(self.current, position=self.index + 1, total=len(self.drafts), tr=self.tr)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(
                reader(interaction).gettext("This review is not yours: run /article review."), ephemeral=True
            )
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[ReviewView]
    ) -> None:
        await handle_interaction_error(interaction, error)

    async def _done_with_current(self, interaction: discord.Interaction, note: str) -> None:
        """The current draft is approved or rejected: show the next, or say none is left."""
        del self.drafts[self.index]
        if not self.drafts:
            self.stop()
            await interaction.edit_original_response(
                content=note + " " + self.tr.gettext("No drafts left."), embed=None, view=None
            )
            return
        self.index %= len(self.drafts)
        self.next_.disabled = len(self.drafts) < 2
        await interaction.edit_original_response(content=note, embed=self.card(), view=self)

    @discord.ui.button(label="Approve", style=discord.ButtonStyle.success)
    async def approve(self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]) -> None:
        require_publisher(self.bot, interaction)
        await interaction.response.defer()  # publishing analyses the text first
        done = await self.bot.sources.approve(self.current.id, by=interaction.user.id)
        if done.duplicate:
            note = self.tr.gettext(
                "Draft #{id} was stored already, as briefing #{briefing}.",
                id=done.draft_id,
                briefing=done.briefing_id,
            )
        else:
            note = self.tr.gettext(
                "Published draft #{id} as briefing #{briefing}.", id=done.draft_id, briefing=done.briefing_id
            )
        await self._done_with_current(interaction, note)

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary)
    async def edit(self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]) -> None:
        require_publisher(self.bot, interaction)
        await interaction.response.send_modal(DraftModal(self, self.current, reader(interaction)))

    @discord.ui.button(label="Reject", style=discord.ButtonStyle.danger)
    async def reject(self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]) -> None:
        require_publisher(self.bot, interaction)
        await interaction.response.defer()
        dropped = await self.bot.sources.reject(self.current.id, by=interaction.user.id)
        note = self.tr.gettext("Rejected draft #{id}; it will not be imported again.", id=dropped.id)
        await self._done_with_current(interaction, note)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next_(self, interaction: discord.Interaction, button: discord.ui.Button[ReviewView]) -> None:
        self.index = (self.index + 1) % len(self.drafts)
        await interaction.response.edit_message(content=None, embed=self.card(), view=self)


class DraftModal(discord.ui.Modal):
    """A waiting draft's fields, prefilled; saving keeps it waiting for approval. A body
    longer than one text input holds is left out of the form (and kept) rather than cut."""

    def __init__(self, view: ReviewView, waiting: WaitingDraft, tr: i18n.Localizer) -> None:
        draft = waiting.draft
        body_fits = len(draft.body) <= FORM_BODY_MAX
        super().__init__(title=tr.gettext("Edit draft #{id}", id=waiting.id), timeout=1800)
        self.view, self.waiting = view, waiting
        self.headline: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=tr.gettext("Title"), max_length=MAX_TITLE, default=draft.title
        )
        self.body: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=tr.gettext("Body"), style=discord.TextStyle.paragraph, max_length=FORM_BODY_MAX
        )
        self.source_url: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=tr.gettext("Source URL"), required=False, max_length=500, default=draft.source_url or ""
        )
        self.published: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=tr.gettext("Publish time"),
            required=False,
            max_length=40,
            default=format_when(draft.published_at),
        )
        self.tags: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=tr.gettext("Tags"), required=False, max_length=200, default=", ".join(draft.tags)
        )
        self.kept_body: str | None = None
        if body_fits:
            self.body.default = draft.body
        else:
            self.kept_body = draft.body
        for field in (self.headline, self.body, self.source_url, self.published, self.tags):
            if field is not self.body or self.kept_body is None:
                self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_publisher(self.view.bot, interaction)
        desk = self.view.bot.sources
        draft = desk.draft_from_fields(
            title=self.headline.value,
            body=self.body.value if self.kept_body is None else self.kept_body,
            source_url=self.source_url.value,
            published=self.published.value,
            tags=self.tags.value,
            origin=f"draft #{self.waiting.id} edited by {interaction.user.id}",
        )
        saved = await desk.edit_draft(self.waiting.id, draft)
        for i, waiting in enumerate(self.view.drafts):
            if waiting.id == saved.id:
                self.view.drafts[i] = saved
        tr = reader(interaction)
        await interaction.response.send_message(
            tr.gettext("Saved draft #{id}; it waits for approval.", id=saved.id),
            embed=render.draft_embed(saved, position=1, total=1, tr=tr),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await handle_interaction_error(interaction, error)
