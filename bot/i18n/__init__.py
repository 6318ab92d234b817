"""The bot in its reader's language: English, Ukrainian or Russian.

Messages are written in English in the code and looked up in gettext catalogues,
``bot/locales/<language>/LC_MESSAGES/briefbot.po``, which Babel reads once (the bot's
command translator loads them at start-up; the CLI never needs them). A ``Localizer`` is one
reader's language: ``tr.gettext("Published")``, ``tr.ngettext("{n} briefing", "{n} briefings",
n)`` with the language's own plural forms, and ``tr.number``/``tr.date``/``tr.time`` in its
conventions. Code that does not know its reader yet (a service raising an error) marks the
message with ``N_``/``nN_``: a ``Message`` keeps the English text and its arguments until the
reply is rendered, and reads as English wherever it is printed as it is (the CLI, logs).

Placeholders are ``str.format`` fields (``{title}``), filled after translation, so what a
user typed or a briefing says is inserted as it is and never translated. Any language other
than Ukrainian and Russian gets English.
"""

from __future__ import annotations

import gettext
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

log = logging.getLogger(__name__)

DOMAIN = "briefbot"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("uk", "ru")  # the catalogues; Discord's locale codes for them are the same

# Catalogue contexts of the command tree's strings (messages in replies have none).
NAME = "name"  # command, subcommand and option names: Discord's rules for names apply
DESCRIPTION = "description"  # command and option descriptions
CHOICE = "choice"  # the names of an option's fixed choices


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    """The catalogue of ``language`` as Babel reads it (a malformed file raises)."""
    from babel.messages.pofile import read_po  # only where catalogues are read: not in the CLI

    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)


@cache
def _translations(language: str) -> gettext.NullTranslations:
    """gettext's lookup (plural forms from the catalogue's header) over the Babel catalogue,
    compiled in memory: fuzzy and untranslated entries fall back to English."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(language))
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    log.debug("catalogue %s loaded", language)
    return translations


def load() -> None:
    """Read every catalogue now, so a broken one stops start-up rather than a reply."""
    for language in LANGUAGES:
        _translations(language)


def language_of(locale: str | Enum | None) -> str | None:
    """``"uk"``/``"ru"`` for a Discord locale with a catalogue (``uk``, ``ru``), else ``None``."""
    code = locale.value if isinstance(locale, Enum) else locale
    if not code:
        return None
    language = str(code).replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


@dataclass(frozen=True, slots=True)
class Message:
    """A message for a reader not known yet: English text, maybe a plural, and its arguments.

    An argument may itself be a ``Message`` (translated with it) or a tuple of them (each
    translated, joined by spaces). ``str()`` gives the English text.
    """

    msgid: str
    plural: str | None = None
    n: int = 0
    args: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return ENGLISH.text(self)


def N_(msgid: str, /, **args: object) -> Message:  # noqa: N802 - gettext's name for "translate later"
    """Mark ``msgid`` for translation when it is shown."""
    return Message(msgid, args=tuple(args.items()))


def nN_(singular: str, plural: str, n: int, /, **args: object) -> Message:  # noqa: N802
    """Mark a message with plural forms for translation when it is shown (``{n}`` is ``n``)."""
    return Message(singular, plural, n, tuple(args.items()))


@dataclass(frozen=True, slots=True)
class Localizer:
    """Messages, numbers and dates in one language."""

    language: str
    locale: Locale
    translations: gettext.NullTranslations

    def gettext(self, message: str, /, **args: object) -> str:
        return self._fill(self.translations.gettext(message), args)

    def ngettext(self, singular: str, plural: str, n: int, /, **args: object) -> str:
        """The form of the message for ``n`` (Ukrainian and Russian have three); ``{n}`` is
        ``n`` written in this language's way unless given."""
        return self._fill(self.translations.ngettext(singular, plural, n), {"n": self.number(n), **args})

    def pgettext(self, context: str, message: str) -> str | None:
        """The translation of ``message`` in ``context``, or ``None`` when there is none."""
        found = self.translations.pgettext(context, message)
        return found if found != message or self.language == SOURCE_LANGUAGE else None

    def text(self, message: Message | str) -> str:
        """A marked message in this language; plain text as it is."""
        if isinstance(message, str):
            return message
        args = dict(message.args)
        if message.plural is None:
            return self.gettext(message.msgid, **args)
        return self.ngettext(message.msgid, message.plural, message.n, **args)

    def _fill(self, template: str, args: dict[str, object]) -> str:
        values = {key: self._value(value) for key, value in args.items()}
        return template.format(**values) if values else template

    def _value(self, value: object) -> object:
        if isinstance(value, Message):
            return self.text(value)
        if isinstance(value, tuple) and value and all(isinstance(v, Message) for v in value):
            return " ".join(self.text(v) for v in value)
        return value

    def number(self, value: int) -> str:
        """``12,345`` in English, ``12 345`` in Ukrainian and Russian."""
        return format_decimal(value, locale=self.locale)

    def date(self, moment: datetime) -> str:
        """A day: ``Dec 7, 2026``, ``7 груд. 2026 р.``, ``7 дек. 2026 г.``."""
        return format_skeleton("yMMMd", _utc(moment), tzinfo=UTC, locale=self.locale)

    def time(self, moment: datetime) -> str:
        """A 24-hour UTC time of day: ``15:53``."""
        return format_skeleton("Hm", _utc(moment), tzinfo=UTC, locale=self.locale)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


ENGLISH = Localizer(SOURCE_LANGUAGE, Locale.parse(SOURCE_LANGUAGE), gettext.NullTranslations())


@cache
def _localizer(language: str) -> Localizer:
    return Localizer(language, Locale.parse(language), _translations(language))


def localizer(locale: str | Enum | None) -> Localizer:
    """The ``Localizer`` for a Discord locale (``interaction.locale``, ``guild.preferred_locale``
    or its code): Ukrainian, Russian, or English for every other locale."""
    language = language_of(locale)
    return ENGLISH if language is None else _localizer(language)
