"""The fake Discord's channel webhooks behave as Discord documents them: names it refuses, the
Manage Webhooks permission, 15 per channel, Unknown Webhook after a delete, executions with a
username and avatar (``wait=true`` or 204), messages edited and deleted through the webhook only,
and 5 requests per 2 s per webhook, which discord.py's own client waits out."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord

from tests.fakediscord import FakeDiscord
from tests.fakediscord import model as fm
from tests.fakediscord.fixtures import fake_discord  # noqa: F401 (fixture)


async def call(
    fake: FakeDiscord, method: str, path: str, body: Any = None, *, bot: bool = True
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {fake.token}"} if bot else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.api_base + path, json=body, headers=headers) as response,
    ):
        data = await response.json() if response.status != 204 else None
        return response.status, data


def world(fake: FakeDiscord, *, manage: bool = True) -> fm.Channel:
    guild = fake.add_guild(name="Desk")
    allow = fm.MANAGE_WEBHOOKS if manage else 0
    return fake.add_channel(guild, "branded", overwrites={fake.bot_role(guild): (allow, 0)})


async def test_names_discord_refuses_are_refused(fake_discord: FakeDiscord):  # noqa: F811
    """A fake that took any name would let the bot's own validation go untested against Discord's."""
    channel = world(fake_discord)
    for name in ("Clyde bot", "my DISCORD news", "Here", "system message", "   ", "x" * 81):
        status, data = await call(fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": name})
        assert (status, data["code"]) == (400, 50035), name
        assert "name" in data["errors"]
    status, data = await call(
        fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": " Energy  Desk "}
    )
    assert status == 200 and data["name"] == "Energy Desk" and data["token"]
    assert fake_discord.channel_webhooks.of_channel(channel)[0].name == "Energy Desk"


async def test_making_webhooks_needs_manage_webhooks_and_stops_at_15(fake_discord: FakeDiscord):  # noqa: F811
    """Without these the bot's permission check and its 'too many webhooks' answer go untested."""
    denied = world(fake_discord, manage=False)
    status, data = await call(fake_discord, "POST", f"/channels/{denied.id}/webhooks", {"name": "Desk"})
    assert (status, data["code"]) == (403, 50013)
    channel = world(fake_discord)
    fake_discord.channel_webhooks.add(channel, "Someone's feed")
    for _ in range(14):
        status, _data = await call(fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": "Desk"})
        assert status == 200
    status, data = await call(fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": "Desk"})
    assert (status, data["code"]) == (400, 30007)
    status, listed = await call(fake_discord, "GET", f"/channels/{channel.id}/webhooks")
    assert status == 200 and len(listed) == 15
    assert sum("token" in h for h in listed) == 14  # only the bot's own show their token


async def test_execute_edit_delete_and_unknown_webhook(fake_discord: FakeDiscord):  # noqa: F811
    """The engine's webhook route (wait=true, edits through the webhook, 10015) would go untested."""
    channel = world(fake_discord)
    _, made = await call(fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": "Desk"})
    base = f"/webhooks/{made['id']}/{made['token']}"
    body = {
        "embeds": [{"title": "Grid fund"}],
        "username": "Energy Desk",
        "avatar_url": "https://example.org/a.png",
    }
    status, msg = await call(fake_discord, "POST", base + "?wait=true", body, bot=False)
    assert status == 200 and msg["webhook_id"] == made["id"] and msg["author"]["username"] == "Energy Desk"
    status, _ = await call(fake_discord, "POST", base, {"content": "no wait"}, bot=False)
    assert status == 204
    status, data = await call(
        fake_discord, "POST", base + "?wait=true", {"content": "x", "username": "Clyde"}, bot=False
    )
    assert (status, data["code"]) == (400, 50035) and "username" in data["errors"]
    status, data = await call(
        fake_discord, "POST", f"/webhooks/{made['id']}/wrong?wait=true", body, bot=False
    )
    assert (status, data["code"]) == (401, 50027)
    status, edited = await call(
        fake_discord,
        "PATCH",
        f"{base}/messages/{msg['id']}",
        {"embeds": [{"title": "Grid fund, corrected"}]},
        bot=False,
    )
    assert status == 200 and edited["embeds"][0]["title"] == "Grid fund, corrected"
    other = fake_discord.channel_webhooks.add(channel)
    status, data = await call(
        fake_discord, "GET", f"/webhooks/{other.id}/{other.token}/messages/{msg['id']}", bot=False
    )
    assert (status, data["code"]) == (404, 10008)  # another webhook's message
    status, _ = await call(fake_discord, "DELETE", f"{base}/messages/{msg['id']}", bot=False)
    assert status == 204 and fake_discord.messages[int(msg["id"])].deleted
    status, _ = await call(fake_discord, "DELETE", f"/webhooks/{made['id']}")
    assert status == 204
    status, data = await call(fake_discord, "POST", base + "?wait=true", body, bot=False)
    assert (status, data["code"]) == (404, 10015)
    status, data = await call(fake_discord, "DELETE", f"/webhooks/{made['id']}")
    assert (status, data["code"]) == (404, 10015)


async def test_five_requests_per_two_seconds_per_webhook(fake_discord: FakeDiscord):  # noqa: F811
    """A fake without the webhook limit would hide a 429 storm from branded fan-outs."""
    fake_discord.ratelimits.configure(enabled=True)
    channel = world(fake_discord)
    _, made = await call(fake_discord, "POST", f"/channels/{channel.id}/webhooks", {"name": "Desk"})
    base = f"/webhooks/{made['id']}/{made['token']}?wait=true"
    statuses = [
        (await call(fake_discord, "POST", base, {"content": f"n{i}"}, bot=False))[0] for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    async with aiohttp.ClientSession() as session:
        async with session.post(fake_discord.api_base + base, json={"content": "again"}) as response:
            assert response.status == 429
            assert response.headers["X-RateLimit-Scope"] == "user"
            assert float(response.headers["Retry-After"]) > 0
            assert response.headers["X-RateLimit-Remaining"] == "0"
        # discord.py's webhook client reads the headers and waits: seven posts, none lost.
        with fake_discord.patch_discord():
            hook = discord.Webhook.partial(int(made["id"]), made["token"], session=session)
            sent = [await hook.send(f"post {i}", username="Energy Desk", wait=True) for i in range(7)]
    assert len({m.id for m in sent}) == 7
    assert len(fake_discord.channel_webhooks.posts(channel)) == 5 + 7
