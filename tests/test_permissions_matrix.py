"""Every command x every kind of user, over the fake Discord: who is allowed, who is refused and how.

Discord's command permissions are only defaults that a server admin can override, so
the fake delivers every command to everyone (as if an admin had granted it) and the
bot itself must refuse. A refusal is ephemeral and says specifically why; an allowed
command gives its normal answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.conftest import BotWorld
from tests.fakediscord import InteractionResult
from tests.fakediscord import model as fake_model
from tests.helpers import cached_guild

PUBLISHER_ONLY = "Only publishers can change briefings (ask the bot's operator to add you or your role)."
OTHER_SERVER = "You can only manage channels of this server."
BATCH = json.dumps(
    [
        {
            "title": "Matrix import: port tariffs frozen",
            "body": "The port authority froze tariffs for a year.",
            "published_at": "2026-11-20T10:00:00+02:00",
            "tags": ["trade"],
        }
    ]
)


@dataclass(frozen=True)
class Case:
    """How one user fares with one command: ``allowed`` or the exact refusal."""

    command: str
    denial: str | None  # None: allowed


Who = str


def _where(world: BotWorld, who: Who):
    """Each user acts in their own server (the other server's manager in theirs)."""
    return world.other_channel if who == "other_manager" else world.channel


async def _run(world: BotWorld, who: Who, command: str) -> InteractionResult:
    fake = world.fake
    member = getattr(world, who)
    channel = _where(world, who)
    options: dict[str, object] = {}
    if command == "summary":
        options = {"briefing": "1"}
    elif command == "quote":
        options = {}
    elif command == "search":
        options = {"query": "minister"}
    elif command in ("subscribe", "unsubscribe") or command in CHANNEL_SUBCOMMANDS:
        options = {"channel": world.news}
    elif command == "subscriptions ping":
        options = {"channel": world.news, "topic": "energy", "role": world.publisher_role}
    elif command == "article import":
        options = {"file": fake.add_attachment("batch.json", BATCH, content_type="application/json")}
    elif command in ("article edit", "article remove", "article quotes"):
        options = {"briefing": "1"}
    result = await fake.slash(member, channel, command, options)
    if result.type == 5:  # deferred: wait for the real answer
        await result.wait_final()
    return result


READER_COMMANDS = ("latest", "summary", "quote", "search", "help")
CHANNEL_SUBCOMMANDS = (
    "subscriptions test",
    "subscriptions log",
    "subscriptions pause",
    "subscriptions resume",
)
MANAGER_COMMANDS = (
    "subscribe",
    "subscriptions list",
    "subscriptions ping",
    *CHANNEL_SUBCOMMANDS,
    "unsubscribe",
)
MANAGE_REFUSAL = "You need Manage Server to manage this server's subscriptions."
PUBLISHER_COMMANDS = (
    "article add",
    "article import",
    "article edit",
    "article remove",
    "article list",
    "article quotes",
)


def _manager_denial(who: Who, command: str) -> str | None:
    if who == "manager":
        return None
    if who == "other_manager":
        # Allowed in their own server, but never on this server's channels.
        return None if command == "subscriptions list" else OTHER_SERVER
    action = {
        "subscribe": "subscribe a channel",
        "unsubscribe": "unsubscribe a channel",
        "subscriptions list": "see this server's subscriptions",
    }.get(command)
    return f"You need Manage Server to {action}." if action else MANAGE_REFUSAL


def _cases(who: Who) -> list[Case]:
    publisher = who in ("publisher", "role_publisher", "owner")
    cases = [Case(c, None) for c in READER_COMMANDS]
    cases += [Case(c, _manager_denial(who, c)) for c in MANAGER_COMMANDS]
    cases += [Case(c, None if publisher else PUBLISHER_ONLY) for c in PUBLISHER_COMMANDS]
    return cases


def _allowed_answer(world: BotWorld, who: Who, command: str, result: InteractionResult) -> str | None:
    """Why ``result`` is not the command's normal answer (None when it is)."""
    if command in ("article add", "article edit"):
        return None if result.type == 9 else f"expected the modal, got callback {result.type}"
    message = result.final_message()
    text = message.content or ""
    embeds = message.embeds
    if command in ("latest", "summary", "quote", "search"):
        return None if embeds and not message.ephemeral else f"expected public cards, got {text!r}"
    if command == "help":
        body = embeds[0]["description"] if embeds else ""
        wants_manage = who in ("manager", "other_manager")
        wants_publish = who in ("publisher", "role_publisher", "owner")
        if ("Managing" in body) != wants_manage or ("Publishing" in body) != wants_publish:
            return f"/help lists the wrong sections for {who}: {body!r}"
        return None if message.ephemeral else "/help should be private"
    if command == "subscribe":
        return None if text.startswith(f"Subscribed <#{world.news.id}>") else text
    if command == "unsubscribe":
        return None if text == f"<#{world.news.id}> will get no more briefings." else text
    if command == "subscriptions list":
        if who == "other_manager":
            # Their own server has none; this server's subscription must not leak.
            return None if text.startswith("No channel here is subscribed yet") else text
        return None if embeds and embeds[0]["title"] == "Subscriptions" else text
    news = f"<#{world.news.id}>"
    managing = {
        "subscriptions ping": lambda: text.startswith(f"Posts to {news} about 'energy' will mention <@&"),
        "subscriptions test": lambda: text.startswith("Posted a test of #") and message.ephemeral,
        "subscriptions log": lambda: bool(embeds) and embeds[0]["title"] == "Delivery log",
        "subscriptions pause": lambda: text.startswith(f"Paused {news}"),
        "subscriptions resume": lambda: text == f"Resumed {news}: instant.",
    }
    if command in managing:
        return None if managing[command]() else text or str(embeds)
    publishing = {
        "article import": lambda: bool(embeds) and "1 added" in embeds[0]["description"],
        "article remove": lambda: text == "Remove briefing #1?" and bool(message.components),
        "article list": lambda: bool(embeds) and embeds[0]["title"] == "Recent briefings",
        "article quotes": lambda: (
            bool(embeds) and embeds[0]["title"].startswith("Quotes of #1") and message.ephemeral
        ),
    }
    return None if publishing[command]() else text


USERS = ["reader", "manager", "other_manager", "publisher", "role_publisher", "owner"]


@pytest.mark.parametrize("who", USERS)
async def test_permission_matrix(bot_world: BotWorld, who: Who):
    """Someone could run a command they have no right to, or be refused one they may use, or get a vague denial."""
    world = bot_world
    # The server already has a subscription (set up by its manager), so the
    # listing and unsubscribe have something to act on.
    setup = await world.fake.slash(world.manager, world.channel, "subscribe", {"channel": world.news})
    await setup.wait_final()
    problems: list[str] = []
    for case in _cases(who):
        if case.command == "subscribe" and who == "manager":
            await world.fake.slash(world.manager, world.channel, "unsubscribe", {"channel": world.news})
        result = await _run(world, who, case.command)
        if case.denial is not None:
            message = result.original
            if message is None or message.content != case.denial or not message.ephemeral:
                problems.append(
                    f"/{case.command}: expected ephemeral {case.denial!r}, got "
                    f"{None if message is None else (message.content, message.ephemeral)} (type {result.type})"
                )
            continue
        why = _allowed_answer(world, who, case.command, result)
        if why is not None:
            problems.append(f"/{case.command}: {why}")
    assert not problems, f"{who}:\n" + "\n".join(problems)


async def test_publisher_status_is_checked_again_when_the_form_is_submitted(bot_world: BotWorld):
    """A user who lost publisher rights (or forged a modal submit) could still add a briefing."""
    world = bot_world
    opened = await world.fake.slash(world.publisher, world.channel, "article add")
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Forged briefing", "Body text of the forged briefing.", "", "", ""]
    forged = await opened.submit_modal(dict(zip(custom_ids, values, strict=True)), user=world.manager)
    message = forged.final_message()
    assert message.ephemeral and message.content == PUBLISHER_ONLY


async def test_only_the_publisher_who_asked_can_confirm_a_removal(bot_world: BotWorld):
    """Another user pressing the Remove button could delete a briefing."""
    world = bot_world
    asked = await world.fake.slash(world.publisher, world.channel, "article remove", {"briefing": "1"})
    message = asked.final_message()
    buttons = {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}
    pressed = await world.fake.click(world.manager, message, buttons["Remove, keep posts"])
    assert pressed.ephemeral and pressed.final_message().content == "This confirmation is not yours."
    listing = await world.fake.slash(world.publisher, world.channel, "article list")
    assert "`#1`" in listing.final_message().embeds[0]["description"]


@pytest.mark.parametrize(
    ("deny", "missing"),
    [
        (fake_model.SEND_MESSAGES, "Send Messages"),
        (fake_model.EMBED_LINKS, "Embed Links"),
        (fake_model.VIEW_CHANNEL, None),
    ],
)
async def test_subscribe_refuses_channels_the_bot_cannot_post_in(
    bot_world: BotWorld, deny: int, missing: str | None
):
    """A subscription to a channel the bot can't post in would be accepted and then silently never arrive."""
    fake = bot_world.fake
    locked = fake.add_channel(
        bot_world.guild, name="locked", overwrites={fake.bot_role(bot_world.guild): (0, deny)}
    )
    await fake.wait_until(lambda: bot_world.bot.get_channel(locked.id), what="the bot to see the channel")
    result = await fake.slash(bot_world.manager, bot_world.channel, "subscribe", {"channel": locked})
    message = result.final_message()
    assert message.ephemeral
    if missing is None:
        assert message.content == f"I can't post in <#{locked.id}>: I need View Channel there."
    else:
        assert message.content == f"I can't post in <#{locked.id}>: I need {missing} there."


async def test_subscribe_refuses_a_role_or_alerts_channel_of_another_server(bot_world: BotWorld):
    """A manager could make the bot mention a role, or send alerts to a channel, of a server they don't manage."""
    fake = bot_world.fake
    foreign_role = fake.add_role(bot_world.other_guild, "Outsiders", mentionable=True)
    result = await fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": bot_world.news, "role": foreign_role}
    )
    message = result.final_message()
    assert message.ephemeral and message.content == "The role must be in this server."
    result = await fake.slash(
        bot_world.manager,
        bot_world.channel,
        "subscribe",
        {"channel": bot_world.news, "alerts": bot_world.other_channel},
    )
    message = result.final_message()
    assert message.ephemeral and message.content == OTHER_SERVER
    own_role = fake.add_role(bot_world.guild, "Subscribers", mentionable=True)
    await fake.wait_until(
        lambda: cached_guild(bot_world.bot, bot_world.guild.id).get_role(own_role.id),
        what="the bot to see the role",
    )
    result = await fake.slash(
        bot_world.manager, bot_world.channel, "subscribe", {"channel": bot_world.news, "role": own_role}
    )
    assert f"mentioning <@&{own_role.id}>" in (await result.wait_final()).content


@pytest.mark.parametrize("command", ["article edit", "article remove"])
async def test_publisher_autocomplete_does_not_leak_embargoed_titles(bot_world: BotWorld, command: str):
    """A non-publisher typing into /article edit could read the titles of embargoed briefings before release."""
    world = bot_world
    opened = await world.fake.slash(world.publisher, world.channel, "article add")
    custom_ids = [c["custom_id"] for row in opened.data["components"] for c in row["components"]]
    values = ["Secret embargoed budget", "Body of the embargoed briefing.", "", "2099-01-01 09:00", ""]
    await (await opened.submit_modal(dict(zip(custom_ids, values, strict=True)))).wait_final()
    seen = await world.fake.autocomplete(
        world.publisher, world.channel, command, {"briefing": "Secret"}, focused="briefing"
    )
    assert any("Secret embargoed budget" in c["name"] for c in seen.choices)
    for who in ("reader", "manager"):
        typed = await world.fake.autocomplete(
            getattr(world, who), world.channel, command, {"briefing": "Secret"}, focused="briefing"
        )
        assert not any("Secret" in c["name"] for c in typed.choices), (who, typed.choices)


MANAGE_GUILD = 1 << 5
GUILD_ONLY = [0]  # Discord's interaction context type GUILD


async def test_synced_commands_carry_their_default_permissions_and_contexts(bot_world: BotWorld):
    """Subscription and publisher commands would show to every member, in DMs or to user installs,
    where they can only fail; reader commands would be missing from DMs and user installs."""
    synced = {c["name"]: c for c in bot_world.fake.global_commands}
    for name in ("subscribe", "unsubscribe", "subscriptions", "article"):
        command = synced[name]
        assert int(command["default_member_permissions"]) == MANAGE_GUILD, name
        assert command["contexts"] == GUILD_ONLY, name
        assert command["integration_types"] == [0], name  # guild install only
    notify = synced["notify"]  # for every member, in servers with the bot only
    assert notify.get("default_member_permissions") is None
    assert (notify["contexts"], notify["integration_types"]) == (GUILD_ONLY, [0])
    for name in ("latest", "summary", "quote", "search", "help"):
        assert synced[name].get("default_member_permissions") is None, name
        assert sorted(synced[name]["contexts"]) == [0, 1, 2], name  # server, bot DM, other DMs
        assert sorted(synced[name]["integration_types"]) == [0, 1], name  # guild and user install
