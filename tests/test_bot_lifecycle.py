"""Start-up, command sync and shutdown of the real bot process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.client import BriefBot
from tests.conftest import start_world
from tests.fakediscord import FakeDiscord

REALISTIC_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
ROOT = Path(__file__).resolve().parent.parent


async def test_restart_with_unchanged_commands_does_not_resync(tmp_path):
    """Every restart would rewrite the commands and run into Discord's command rate limit."""
    world, bot = await start_world(tmp_path, populate_db=False)
    fake = world.fake
    try:
        with fake.patch_discord():
            async with fake.run_bot(bot):
                pass
            assert fake.command_writes == 1
            identify = fake.gateway.identifies[0]
            assert identify["intents"] == 1  # GUILDS only: no message content, no members
            async with fake.run_bot(BriefBot(world.config)):
                pass
            assert fake.command_writes == 1
    finally:
        await fake.stop()


async def test_dev_guilds_get_the_commands_instantly(tmp_path):
    """With dev_guild_ids set, commands would not appear in the test server right away."""
    from dataclasses import replace

    world, _ = await start_world(tmp_path, populate_db=False)
    fake = world.fake
    config = replace(world.config, discord=replace(world.config.discord, dev_guild_ids=(world.guild.id,)))
    try:
        with fake.patch_discord():
            async with fake.run_bot(BriefBot(config)):
                pass
        names = {c["name"] for c in fake.guild_commands[world.guild.id]}
        assert {"latest", "article", "subscribe"} <= names
    finally:
        await fake.stop()


async def test_sigterm_shuts_down_cleanly_and_the_token_never_reaches_the_log(tmp_path):
    """A deploy's stop signal would kill the bot mid-write or exit non-zero, or the log would leak the token."""
    fake = FakeDiscord(token=REALISTIC_TOKEN)
    guild = fake.add_guild(name="Desk")
    fake.add_channel(guild, name="general")
    await fake.start()
    env = {k: v for k, v in os.environ.items() if k != "BRIEFBOT_DB"}
    env["DISCORD_TOKEN"] = REALISTIC_TOKEN
    argv = fake.launch_command("bot.cli:main", "--db", str(tmp_path / "bot.db"), "run", python=sys.executable)
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for_identify(timeout=30)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log
    assert "shutting down" in log
    assert REALISTIC_TOKEN not in log
    assert REALISTIC_TOKEN.split(".", maxsplit=1)[0] not in log
