"""Config loading: defaults, validation messages naming the key, token secrecy."""

from __future__ import annotations

import os

import pytest

from bot.config import ConfigError, load_config, token_problem
from bot.models import Secret

GOOD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"


def write(tmp_path, text: str):
    path = tmp_path / "briefbot.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_example_config_is_valid_and_documents_every_key():
    """The shipped config.example.toml loads and mentions every key the loader knows."""
    from pathlib import Path

    from bot.config import _SECTIONS

    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    config = load_config(example, env={})
    assert config.storage.path == "briefbot.db"
    text = example.read_text()
    for section, keys in _SECTIONS.items():
        assert f"[{section}]" in text
        for key in keys:
            assert f"{key} =" in text, key


def test_defaults_without_a_file(tmp_path, monkeypatch):
    """Running with no config file works on the documented defaults."""
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.storage.path == "briefbot.db"
    assert config.ingest.timezone == "Europe/Kyiv"
    assert config.schedule.instant_catchup_max == 5
    assert config.schedule.instant_delay_seconds == 2.0


def test_explicit_missing_file_is_an_error(tmp_path):
    """--config with a wrong path says the file is missing instead of silently using defaults."""
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[ingest]\ntimezone = 'Mars/Olympus'\n",
            r"\[ingest\] timezone: 'Mars/Olympus' is not an IANA time zone",
        ),
        ("[schedule]\npoll_seconds = 0\n", r"\[schedule\] poll_seconds: must be from 5 to 3600, got 0"),
        (
            "[schedule]\ninstant_delay_seconds = 90\n",
            r"\[schedule\] instant_delay_seconds: must be from 0 to 60, got 90",
        ),
        (
            "[schedule]\ninstant_delay_seconds = -0.5\n",
            r"\[schedule\] instant_delay_seconds: must be from 0 to 60, got -0.5",
        ),
        (
            "[schedule]\ninstant_delay_seconds = nan\n",
            r"\[schedule\] instant_delay_seconds: must be from 0 to 60, got nan",
        ),
        (
            "[schedule]\ninstant_delay_seconds = '2s'\n",
            r"\[schedule\] instant_delay_seconds: must be a number of seconds from 0 to 60, got '2s'",
        ),
        (
            "[schedule]\ninstant_delay_seconds = true\n",
            r"\[schedule\] instant_delay_seconds: must be a number of seconds",
        ),
        (
            "[schedule]\ninstant_catchup_max = 'five'\n",
            r"\[schedule\] instant_catchup_max: must be a whole number",
        ),
        (
            "[discord]\npublisher_role_ids = ['admin']\n",
            r"\[discord\] publisher_role_ids: must be a list of Discord ids",
        ),
        ("[discord]\nprefix = '!'\n", r"\[discord\] unknown key 'prefix'"),
        ("[server]\nport = 1\n", r"unknown section \[server\]"),
        ("[logging]\nlevel = 'LOUD'\n", r"\[logging\] level: must be one of"),
        ("[storage\npath = 'x'\n", r"invalid TOML"),
    ],
)
def test_invalid_values_name_the_key_and_what_is_allowed(tmp_path, text, expected):
    """An operator's typo gets a message naming the file, section, key and what is allowed."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path, env={})
    assert str(path) in str(info.value)


@pytest.mark.parametrize(("value", "expected"), [("0", 0.0), ("0.25", 0.25), ("60", 60.0)])
def test_instant_delay_takes_whole_and_fractional_seconds(tmp_path, value, expected):
    """An operator's instant_delay_seconds, whole or fractional, would be refused or misread."""
    config = load_config(write(tmp_path, f"[schedule]\ninstant_delay_seconds = {value}\n"), env={})
    assert config.schedule.instant_delay_seconds == expected


def test_environment_overrides_token_and_database(tmp_path):
    """DISCORD_TOKEN and BRIEFBOT_DB win over the file, as the README promises."""
    path = write(tmp_path, "[storage]\npath = 'file.db'\n[discord]\ntoken = 'from-file'\n")
    config = load_config(path, env={"DISCORD_TOKEN": GOOD_TOKEN, "BRIEFBOT_DB": "env.db"})
    assert config.discord.token.reveal() == GOOD_TOKEN
    assert config.storage.path == "env.db"


def test_token_never_shows_in_repr_or_errors(tmp_path):
    """The token cannot leak through a log line, a repr or a validation error."""
    config = load_config(write(tmp_path, ""), env={"DISCORD_TOKEN": GOOD_TOKEN})
    assert GOOD_TOKEN not in repr(config)
    assert GOOD_TOKEN not in str(config.discord)
    bad = Secret("not-a-token-" + "x" * 30)
    problem = token_problem(bad)
    assert problem is not None and "x" * 30 not in problem
    assert token_problem(Secret("")) is not None
    assert token_problem(Secret(GOOD_TOKEN)) is None


def test_world_readable_config_with_token_warns(tmp_path):
    """A token in a file others can read triggers a warning with the fix."""
    path = write(tmp_path, f"[discord]\ntoken = '{GOOD_TOKEN}'\n")
    os.chmod(path, 0o644)
    config = load_config(path, env={})
    assert any("chmod 600" in w for w in config.warnings)
    assert all(GOOD_TOKEN not in w for w in config.warnings)
