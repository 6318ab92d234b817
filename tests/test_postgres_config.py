"""``[storage] url`` and ``pool_size``: pointing the bot at PostgreSQL from the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefbot.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_url_replaces_the_sqlite_file_and_is_shown_without_its_password(tmp_path):
    """The bot would open briefbot.db instead of the configured server, or log the URL's password."""
    path = write(
        tmp_path, '[storage]\nurl = "postgresql://bot:s3cret@db.example.org/briefbot"\npool_size = 8\n'
    )
    config = load_config(path, env={})
    assert config.storage.path == "postgresql://bot:s3cret@db.example.org/briefbot"
    assert config.storage.pool_size == 8
    assert config.storage.location == "postgresql://bot@db.example.org/briefbot"
    assert "s3cret" not in repr(config) and "s3cret" not in repr(config.storage)


def test_briefbot_db_may_be_a_url_and_wins_over_the_file(tmp_path):
    """BRIEFBOT_DB=postgresql://... would be ignored, or lose to the config file's path."""
    path = write(tmp_path, '[storage]\npath = "file.db"\n')
    config = load_config(path, env={"BRIEFBOT_DB": "postgres://db.example.org/briefbot"})
    assert config.storage.path == "postgres://db.example.org/briefbot"
    assert config.storage.is_url
    assert load_config(path, env={}).storage.path == "file.db"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[storage]\nurl = "mysql://bot:s3cret@db/briefbot"\n', "must be a PostgreSQL URL"),
        ('[storage]\nurl = "postgresql://"\n', "must be a PostgreSQL URL"),
        ('[storage]\npath = "a.db"\nurl = "postgresql://bot:s3cret@db/b"\n', "give one"),
        ("[storage]\npool_size = 0\n", "pool_size: must be from 1 to 100"),
        ('[storage]\npool_size = "many"\n', "pool_size: must be a whole number"),
    ],
)
def test_a_bad_storage_setting_names_the_key_without_the_password(tmp_path, text, says):
    """A typo in [storage] would crash start-up with a traceback, or print the password in the error."""
    with pytest.raises(ConfigError, match=says) as info:
        load_config(write(tmp_path, text), env={})
    assert "s3cret" not in str(info.value)
