"""Reader commands wherever a reader is: a user who installed briefbot to their account uses
/latest, /summary, /quote, /search and /help in a DM with the bot, a group DM, a DM with a friend
and a server the bot is not in. Answers go through the interaction only, for the reader alone
where the bot is not a member; the server-management and publisher commands are not offered
there, and refuse on their own if they are ever called there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import BotWorld, start_world
from tests.fakediscord import Channel, Guild, Member, User
from tests.fakediscord.interactions import CommandUnavailable
from tests.test_permissions_matrix import PUBLISHER_ONLY

READER_COMMANDS = ("latest", "summary", "quote", "search", "help")
SERVER_COMMANDS = (
    "subscribe",
    "unsubscribe",
    "subscriptions list",
    "subscriptions log",
    "notify",
    "article add",
    "article list",
)


@dataclass
class Anywhere:
    """A running bot, and a reader who installed it to their account."""

    world: BotWorld
    reader: User
    friend: User
    bot_dm: Channel
    friends_dm: Channel
    group_dm: Channel
    elsewhere: Guild  # a server without the bot
    elsewhere_channel: Channel
    reader_elsewhere: Member


@pytest_asyncio.fixture
async def anywhere(tmp_path: Path) -> AsyncIterator[Anywhere]:
    world, bot = await start_world(tmp_path)
    fake = world.fake
    reader = fake.install_for_user(world.reader)
    friend = fake.add_user("friend")
    elsewhere = fake.add_guild(name="Book club", with_bot=False)
    place = Anywhere(
        world=world,
        reader=reader,
        friend=friend,
        bot_dm=fake.add_dm(reader),
        friends_dm=fake.add_dm(reader, friend),
        group_dm=fake.add_group_dm(reader, friend, fake.add_user("third")),
        elsewhere=elsewhere,
        elsewhere_channel=fake.add_channel(elsewhere, "chat"),
        reader_elsewhere=fake.add_member(elsewhere, reader),
    )
    try:
        with fake.patch_discord():
            async with fake.run_bot(bot, ready=False):
                await fake.wait_until(lambda: fake.global_commands, timeout=20, what="command sync")
                yield place
    finally:
        await fake.stop()


def _places(a: Anywhere) -> dict[str, tuple[User | Member, Channel]]:
    """Where the bot is not a member: (who invokes, where)."""
    return {
        "group DM": (a.reader, a.group_dm),
        "DM with a friend": (a.reader, a.friends_dm),
        "server without the bot": (a.reader_elsewhere, a.elsewhere_channel),
    }


def _channel_posts(a: Anywhere) -> list[str]:
    return [r.path for r in a.world.fake.requests if r.method == "POST" and r.route.startswith("/channels/")]


@pytest.mark.parametrize("place", ["group DM", "DM with a friend", "server without the bot"])
async def test_reader_commands_answer_only_the_reader_where_the_bot_is_not(anywhere: Anywhere, place: str):
    """A user install would not work in a group DM or another server, or would post the answer for everyone."""
    user, channel = _places(anywhere)[place]
    fake = anywhere.world.fake
    latest = await fake.slash(user, channel, "latest", {"count": 2})
    assert latest.type == 4 and latest.ephemeral
    assert len(latest.final_message().embeds) == 2
    summary = await fake.slash(user, channel, "summary", {"length": "short"})
    assert summary.ephemeral and summary.final_message().embeds
    quote = await fake.slash(user, channel, "quote")
    assert quote.ephemeral and quote.final_message().embeds
    search = await fake.slash(user, channel, "search", {"query": "the", "limit": 1})
    message = search.final_message()
    assert message.ephemeral and "page 1 of" in message.embeds[0]["footer"]["text"]
    buttons = [c for row in message.components for c in row["components"]]
    turned = await fake.click(user, message, buttons[1]["custom_id"])
    assert turned.type == 7 and "page 2 of" in fake.messages[message.id].embeds[0]["footer"]["text"]
    helped = await fake.slash(user, channel, "help")
    text = helped.final_message().embeds[0]["description"]
    assert helped.ephemeral and "/latest" in text and "Only you can see my answers here." in text
    assert "/subscribe" not in text and "/article" not in text
    assert _channel_posts(anywhere) == []  # interaction replies only: the bot cannot post there


async def test_a_dm_with_the_bot_gets_ordinary_answers(anywhere: Anywhere):
    """In its own DM the bot is a member: hiding answers there would only make them vanish on reload."""
    fake = anywhere.world.fake
    latest = await fake.slash(anywhere.reader, anywhere.bot_dm, "latest")
    assert latest.type == 4 and not latest.ephemeral
    assert latest.final_message().embeds
    assert latest.record.payload["context"] == 1 and "guild_id" not in latest.record.payload
    error = await fake.slash(
        anywhere.reader, anywhere.bot_dm, "summary", {"briefing": "xyzzy plugh"}, locale="uk"
    )
    assert error.ephemeral and error.final_message().content == "Брифінг «xyzzy plugh» не знайдено."
    assert _channel_posts(anywhere) == []


async def test_the_interactions_carry_what_discord_sends_for_each_place(anywhere: Anywhere):
    """The fake would test user installs against payloads Discord never sends."""
    fake = anywhere.world.fake
    reader_id = str(anywhere.reader.id)
    group = await fake.slash(anywhere.reader, anywhere.group_dm, "help")
    assert group.record.payload["context"] == 2
    assert group.record.payload["authorizing_integration_owners"] == {"1": reader_id}
    assert "guild_id" not in group.record.payload and "member" not in group.record.payload
    assert group.record.payload["channel"]["type"] == 3
    server = await fake.slash(anywhere.reader_elsewhere, anywhere.elsewhere_channel, "help")
    assert server.record.payload["context"] == 0
    assert server.record.payload["guild_id"] == str(anywhere.elsewhere.id)
    assert server.record.payload["authorizing_integration_owners"] == {"1": reader_id}
    home = await fake.slash(anywhere.world.reader, anywhere.world.channel, "help")
    assert home.record.payload["authorizing_integration_owners"] == {
        "0": str(anywhere.world.guild.id),
        "1": reader_id,
    }


@pytest.mark.parametrize("command", SERVER_COMMANDS)
@pytest.mark.parametrize(
    "place", ["DM with the bot", "group DM", "DM with a friend", "server without the bot"]
)
async def test_server_commands_are_not_offered_outside_the_bot_s_servers(
    anywhere: Anywhere, command: str, place: str
):
    """/subscribe or /article would show up in DMs and foreign servers, where they can only fail."""
    places = {**_places(anywhere), "DM with the bot": (anywhere.reader, anywhere.bot_dm)}
    user, channel = places[place]
    with pytest.raises(CommandUnavailable):
        await anywhere.world.fake.slash(user, channel, command)


async def test_without_a_user_install_nothing_is_offered_outside_the_bot_s_servers(anywhere: Anywhere):
    """The fake would offer a user-installed command to someone who never installed the app."""
    fake = anywhere.world.fake
    stranger = fake.add_user("stranger")
    group = fake.add_group_dm(stranger, anywhere.friend)
    with pytest.raises(CommandUnavailable):
        await fake.slash(stranger, group, "latest")
    member = fake.add_member(anywhere.elsewhere, stranger)
    with pytest.raises(CommandUnavailable):
        await fake.slash(member, anywhere.elsewhere_channel, "latest")


async def test_server_commands_refuse_by_themselves_where_the_bot_is_not_a_member(
    anywhere: Anywhere, monkeypatch: pytest.MonkeyPatch
):
    """If Discord ever delivered /subscribe or /article from a server without the bot, the bot
    would act on a server it cannot see."""
    fake = anywhere.world.fake
    monkeypatch.setattr(type(fake), "_check_offered", lambda self, cmd, user, channel: None)
    fake.add_role(anywhere.elsewhere, "admins")
    manager = fake.add_member(anywhere.elsewhere, fake.add_user("boss"), permissions=1 << 3)
    subscribe = await fake.slash(manager, anywhere.elsewhere_channel, "subscriptions list", locale="ru")
    assert subscribe.ephemeral
    assert subscribe.final_message().content.startswith("Подписки относятся к серверу")
    fake.install_for_user(anywhere.world.publisher)
    publisher = fake.add_member(anywhere.elsewhere, anywhere.world.publisher.user)
    article = await fake.slash(publisher, anywhere.elsewhere_channel, "article list")
    assert article.ephemeral and article.final_message().content == PUBLISHER_ONLY
