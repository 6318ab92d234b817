"""[follow]: the home server's announcement channels, validated as the config loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def load(tmp_path: Path, text: str):
    path = tmp_path / "briefbot.toml"
    path.write_text(text)
    return load_config(path, env={})


def test_home_channels_load_by_folded_topic(tmp_path: Path):
    """/subscribe mode:follow topic:Energy would find no home channel, or the wrong one."""
    config = load(
        tmp_path, '[follow]\nhome_guild = 10\nchannels = { all = 1, " Energy " = 2, defence = 3 }\n'
    )
    assert config.follow.home_guild == 10
    assert config.follow.channels == (("all", 1), ("energy", 2), ("defence", 3))
    assert config.follow.channel_for("ENERGY") == 2
    assert config.follow.channel_for("health") is None
    assert load(tmp_path, "").follow.enabled is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[follow]\nchannels = { all = 1 }\n", "[follow] home_guild: needed with channels"),
        ("[follow]\nhome_guild = 10\n", "[follow] channels: needed with home_guild"),
        ("[follow]\nhome_guild = 10\nchannels = [1, 2]\n", "[follow] channels: must be a table"),
        (
            '[follow]\nhome_guild = 10\nchannels = { all = "x" }\n',
            "[follow] channels.all: must be a channel id",
        ),
        (
            "[follow]\nhome_guild = 10\nchannels = { all = 1, news = 1 }\n",
            "[follow] channels.news: the same channel as channels.all",
        ),
        (
            "[follow]\nhome_guild = 10\nchannels = { Energy = 1, energy = 2 }\n",
            "[follow] channels.energy: the same topic as channels.Energy",
        ),
        ("[follow]\nhome_guild = -4\nchannels = { all = 1 }\n", "[follow] home_guild: must be a Discord id"),
        ("[follow]\nhome_guild = 10\nchannels = { all = 1 }\nhome = 3\n", "[follow] unknown key 'home'"),
    ],
)
def test_a_wrong_follow_section_names_its_key(tmp_path: Path, text: str, message: str):
    """An operator would start a bot whose follow mode points at nothing, or at one channel twice."""
    with pytest.raises(ConfigError) as error:
        load(tmp_path, text)
    assert message in str(error.value)
