"""Command and option names, descriptions and choices in Discord's ``uk`` and ``ru`` locales.

discord.py asks the tree's translator for every string of every command, once per Discord
locale, when it builds the synced payload; the answers become ``name_localizations`` and
``description_localizations``. Readers then see ``/останні`` or ``/последние`` in the command
picker; the interaction still carries the English names, so the cogs never see a translation.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot import i18n

log = logging.getLogger(__name__)

_CONTEXTS = {
    Where.command_name: i18n.NAME,
    Where.group_name: i18n.NAME,
    Where.parameter_name: i18n.NAME,
    Where.command_description: i18n.DESCRIPTION,
    Where.group_description: i18n.DESCRIPTION,
    Where.parameter_description: i18n.DESCRIPTION,
    Where.choice_name: i18n.CHOICE,
}


class CatalogueTranslator(app_commands.Translator):
    """Looks the command tree's strings up in the catalogues, under the context of what they are."""

    async def load(self) -> None:
        i18n.load()

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = i18n.language_of(locale)
        where = _CONTEXTS.get(context.location)
        if language is None or where is None:
            return None
        found = i18n.localizer(language).pgettext(where, string.message)
        if found is None:
            log.warning("no %s translation of %s %r", language, where, string.message)
        return found


def reader(interaction: discord.Interaction) -> i18n.Localizer:
    """The language of the person who used a command or pressed a button."""
    return i18n.localizer(interaction.locale)


def server(guild: discord.Guild | None) -> i18n.Localizer:
    """The language a server prefers, for what the bot posts in its channels."""
    return i18n.localizer(guild.preferred_locale if guild is not None else None)
