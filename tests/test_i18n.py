"""The catalogues and the language rules, without Discord: every message the code shows has its
Ukrainian and Russian translation, plurals and numbers follow each language, and posts and
notices render in the language they are given."""

from __future__ import annotations

import ast
import logging
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract

from bot import i18n, render
from bot.delivery.planner import render_message
from bot.i18n import N_, localizer, nN_
from bot.models import ScheduleKind, Subscription
from bot.timetable import describe
from tests.fakediscord.server import valid_command_name
from tests.test_render import briefing

ROOT = Path(__file__).resolve().parent.parent
# The marks that put a message in the catalogues: a Localizer's gettext/ngettext, or N_/nN_
# for a message shown later (Babel's extractor reads them as gettext does).
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None, "nN_": (1, 2)}


def _used_messages() -> dict[str | tuple[str, str], list[str]]:
    """Every message the code marks, with where; what Babel's extractor finds."""
    found: dict[str | tuple[str, str], list[str]] = {}
    logging.getLogger("babel").setLevel(logging.ERROR)
    for package in ("bot", "cogs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            with path.open("rb") as handle:
                for lineno, message, _comments, _context in extract("python", handle, keywords=KEYWORDS):
                    key = message if isinstance(message, str) else (message[0], message[1])
                    found.setdefault(key, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


USED = _used_messages()
CATALOGUES = {language: i18n.read_catalogue(language) for language in i18n.LANGUAGES}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(entry: Message) -> list[str]:
    if isinstance(entry.string, tuple | list):
        return [str(form) for form in entry.string]
    return [entry.string or ""]


def test_the_extractor_finds_the_code_s_messages():
    """A broken extraction would let the next test pass on nothing."""
    assert len(USED) > 100
    assert "Published" in USED
    assert ("{n} briefing", "{n} briefings") in USED
    assert "No briefings yet." in USED  # marked in a service with N_


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_in_the_code_is_translated(language: str):
    """A reader would get an English sentence in the middle of a Ukrainian or Russian bot."""
    catalogue: Catalog = CATALOGUES[language]
    missing = []
    for message, where in USED.items():
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid)
        if entry is None or entry.fuzzy or not all(_forms(entry)):
            missing.append((message, where[0]))
        elif isinstance(message, tuple) and len(_forms(entry)) != catalogue.num_plurals:
            missing.append((message, "needs every plural form"))
    assert not missing, f"untranslated in bot/locales/{language}: {missing}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_translations_keep_every_placeholder(language: str):
    """A translation that drops or misspells {title} would raise, or lose what the reader asked for."""
    broken = []
    for entry in CATALOGUES[language]:
        if not entry.id:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[1]
        for form in _forms(entry):
            wanted = _fields(source) - ({"n"} if not isinstance(entry.id, str) else set())
            if not wanted <= _fields(form) or not _fields(form) <= _fields(source):
                broken.append((entry.id, form))
    assert not broken


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_catalogues_hold_no_message_the_code_dropped(language: str):
    """A stale entry is work for translators that no reader will ever see."""
    used = {m if isinstance(m, str) else m[0] for m in USED}
    stale = [
        e.id
        for e in CATALOGUES[language]
        if e.id and e.context is None and (e.id if isinstance(e.id, str) else e.id[0]) not in used
    ]
    assert not stale


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_command_names_follow_discord_s_rules(language: str):
    """Discord rejects the whole command sync for one name with a capital or a space."""
    names = [e for e in CATALOGUES[language] if e.context == i18n.NAME]
    assert names
    assert not [(e.id, e.string) for e in names if not valid_command_name(str(e.string))]
    descriptions = [e for e in CATALOGUES[language] if e.context in (i18n.DESCRIPTION, i18n.CHOICE)]
    assert not [e.id for e in descriptions if not 1 <= len(str(e.string)) <= 100]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_commands_named_in_messages_are_the_ones_the_reader_sees(language: str):
    """A message pointing a Ukrainian reader to /subscribe names a command their Discord shows as /підписати."""
    catalogue = CATALOGUES[language]
    names = {e.id: str(e.string) for e in catalogue if e.context == i18n.NAME}
    commands = {
        "latest",
        "summary",
        "quote",
        "search",
        "help",
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "source",
        "notify",
    }
    shown = {names[c] for c in commands} | {
        f"{names['article']} {names[s]}" for s in ("add", "import", "quotes", "review")
    }
    wrong = []
    for entry in catalogue:
        if not entry.id or entry.context is not None:
            continue
        for form in _forms(entry):
            for found in re.findall(r"(?:^|\s)/(\w+(?: \w+)?)", form):
                if found not in shown and found.split()[0] not in shown:
                    wrong.append((entry.id, found))
    assert not wrong


def test_plural_forms_follow_each_language():
    """“5 брифінг” or “2 брифингов” reads as broken grammar to every Ukrainian or Russian reader."""
    expected = {
        "uk": {
            1: "брифінг",
            2: "брифінги",
            4: "брифінги",
            5: "брифінгів",
            11: "брифінгів",
            21: "брифінг",
            22: "брифінги",
        },
        "ru": {
            1: "брифинг",
            2: "брифинга",
            4: "брифинга",
            5: "брифингов",
            11: "брифингов",
            21: "брифинг",
            22: "брифинга",
        },
        "en-US": {1: "briefing", 2: "briefings", 5: "briefings", 21: "briefings"},
    }
    for locale, forms in expected.items():
        tr = localizer(locale)
        for n, word in forms.items():
            assert tr.ngettext("{n} briefing", "{n} briefings", n) == f"{n} {word}", (locale, n)


def test_numbers_and_dates_are_written_the_language_s_way():
    """A Ukrainian reader would see 12,345 (a decimal comma in their eyes) and English month names."""
    moment = datetime(2026, 12, 7, 15, 53, tzinfo=UTC)
    assert localizer("uk").number(12345) == "12\xa0345"
    assert localizer("ru").number(12345) == "12\xa0345"
    assert localizer("en-US").number(12345) == "12,345"
    assert localizer("uk").date(moment).startswith("7 груд. 2026")
    assert localizer("ru").date(moment).startswith("7 дек. 2026")
    assert localizer("en-GB").date(moment) == "Dec 7, 2026"
    assert localizer("uk").time(moment) == "15:53"


def test_every_other_locale_gets_english():
    """A French or Polish reader would get a half-translated bot instead of English."""
    for locale in ("en-US", "en-GB", "fr", "pl", "pt-BR", None, ""):
        assert localizer(locale) is i18n.ENGLISH
    assert localizer("uk").language == "uk" and localizer("ru").language == "ru"


def test_a_message_marked_in_a_service_is_translated_when_shown():
    """An error raised deep in the archive would reach a Ukrainian reader in English."""
    message = N_("No briefing matches '{reference}'.", reference="бюджет")
    assert str(message) == "No briefing matches 'бюджет'."  # the CLI and the logs
    assert localizer("uk").text(message) == "Брифінг «бюджет» не знайдено."
    assert localizer("ru").text(message) == "Брифинг «бюджет» не найден."
    filters = (N_("by '{speaker}'", speaker="Melnyk"), N_("in briefing #{id}", id=3))
    nested = N_("No quotes {filters}.", filters=filters)
    assert str(nested) == "No quotes by 'Melnyk' in briefing #3."
    assert localizer("uk").text(nested) == "Немає цитат автора «Melnyk» у брифінгу #3."
    assert localizer("ru").text(nN_("{n} result", "{n} results", 3)) == "3 результата"


def test_briefing_text_is_never_translated():
    """The bot would rewrite what a briefing says, or its title, in the reader's language."""
    card = render.briefing_embed(briefing(title="Published", tags=("Topics",)), tr=localizer("uk"))
    assert card.title == "Published"
    fields = {f.name: f.value for f in card.fields}
    assert set(fields) == {"Опубліковано", "Ключова цитата", "Теми"}
    assert fields["Теми"] == "`Topics`"
    assert "We moved faster than expected." in str(fields["Ключова цитата"])
    assert card.footer.text == "Брифінг #7 · briefbot"


def test_a_digest_is_titled_in_the_server_s_language_with_the_right_plural():
    """A Russian server's digest would say “5 новых брифинга”, or be in English."""
    briefings = [briefing(id=i, title=f"Item {i}") for i in range(1, 13)]
    [embed] = render_message("digest", briefings, localizer("ru"))
    assert embed.title == "Дайджест: 12 новых брифингов"
    assert embed.footer.text is not None and embed.footer.text.startswith("12 брифингов")
    [uk] = render_message("digest", briefings[:11] + briefings[:11], localizer("uk"))
    assert uk.title == "Дайджест: 22 нові брифінги"


def test_schedules_are_described_in_the_reader_s_grammar():
    """“щотижня в середа” is wrong: the day takes its own case after “в”."""
    weekly = Subscription(
        channel_id=1,
        guild_id=2,
        schedule=ScheduleKind.WEEKLY,
        time="07:30",
        weekday=2,
        timezone="Europe/Kyiv",
    )
    assert describe(weekly, localizer("uk")) == "щотижня в середу о 07:30 (Europe/Kyiv)"
    assert describe(weekly, localizer("ru")) == "еженедельно в среду в 07:30 (Europe/Kyiv)"
    assert describe(weekly) == "weekly on Wednesday at 07:30 (Europe/Kyiv)"


def _raises_of_user_errors(path: Path) -> list[tuple[int, ast.expr | None, set[str]]]:
    """Each ``raise UserFacingError(x)``: its line, ``x``, and the names of its function's
    parameters annotated as a ``Message``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        messages = {
            a.arg
            for a in function.args.args + function.args.kwonlyargs
            if ast.unparse(a.annotation or ast.Constant(None)) == "Message"
        }
        for node in ast.walk(function):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ("UserFacingError", "PermissionDeniedError"):
                    found.append((node.lineno, node.exc.args[0] if node.exc.args else None, messages))
    return found


# Errors whose text is not ours to translate: a parser's located reasons (they quote the
# file and name its fields) and the storage layer's operator-facing errors.
ENGLISH_ONLY = {("bot/newsroom.py", "str(exc)"), ("bot/newsroom.py", "'; '.join(")}


def test_every_error_shown_to_a_user_is_a_marked_message():
    """An error raised with a plain f-string would reach Ukrainian and Russian readers in English."""
    unmarked = []
    for package in ("bot", "cogs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            for lineno, arg, message_parameters in _raises_of_user_errors(path):
                if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") in ("N_", "nN_"):
                    continue
                # a module constant made with N_, or a parameter typed as a Message
                if isinstance(arg, ast.Name) and (arg.id.isupper() or arg.id in message_parameters):
                    continue
                source = ast.unparse(arg) if arg is not None else ""
                if any(relative == f and source.startswith(s) for f, s in ENGLISH_ONLY):
                    continue
                unmarked.append(f"{relative}:{lineno} {source[:60]}")
    assert not unmarked


def test_the_catalogues_ship_in_the_package():
    """An installed bot (not run from a clone) would find no catalogue and fail to start."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    for language in i18n.LANGUAGES:
        relative = i18n.po_path(language).relative_to(ROOT / "bot").as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
    assert any(d.lower().startswith("babel") for d in config["project"]["dependencies"])


class _RussianServer:
    """``Locales`` for the engine: every channel and server prefers Russian."""

    def of_channel(self, channel_id: int) -> str | None:
        return "ru"

    def of_guild(self, guild_id: int) -> str | None:
        return "ru"


async def test_the_engine_posts_and_notifies_in_the_server_s_language(tmp_path: Path):
    """A Russian server would get English cards, an English catch-up note and an English pause notice."""
    from bot.clock import ManualClock
    from bot.config import ScheduleConfig
    from bot.delivery.engine import DeliveryEngine
    from bot.delivery.sender import NoAccess
    from storage.sqlite import SQLiteStorage
    from tests.helpers import ALERTS, FakeSender, World

    storage = await SQLiteStorage.open(tmp_path / "briefbot.db")
    try:
        clock = ManualClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
        world = World(storage, clock, FakeSender(clock), None, [])  # type: ignore[arg-type]

        async def notify(guild_id: int, channel_id: int | None, text: str) -> None:
            world.notices.append((guild_id, channel_id, text))

        config = ScheduleConfig(instant_catchup_max=2)
        world.engine = DeliveryEngine(
            storage, world.sender, config, clock, notify=notify, locales=_RussianServer(), backoff_seconds=0.5
        )
        await world.subscribe(1)
        await world.subscribe(2, alerts_channel_id=ALERTS)
        for i in range(4):
            await world.add(f"Story {i}")
        world.sender.always[2] = NoAccess("Missing Access")
        for _ in range(3):
            await world.engine.run_instant()
            await world.add("More")
        posts = world.sender.channels[1]
        assert posts[0].embeds[0].fields[0].name == "Опубликовано"
        assert posts[0].embeds[0].title == "Story 2"  # the briefing's own words stay as written
        assert posts[1].content == "И ещё 2 брифинга: смотрите /последние"
        [(_, _, notice)] = world.notices
        assert notice.startswith("Публикация брифингов в <#2> приостановлена: бот не может там публиковать")
    finally:
        await storage.close()
