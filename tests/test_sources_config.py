"""The [sources] configuration: every key read and checked, and the User-Agent it makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, SourcesConfig, load_config
from bot.sources import user_agent


def load(tmp_path: Path, text: str):
    path = tmp_path / "briefbot.toml"
    path.write_text(text)
    return load_config(path, env={})


def test_sources_settings_are_read(tmp_path: Path):
    """An operator's allow-list, contact URL or limits would be ignored."""
    config = load(
        tmp_path,
        '[sources]\nallowed_private_networks = ["10.1.0.0/16", "fd00::/8"]\ncontact_url = "https://desk.example/bot"\n'
        "max_response_bytes = 1000000\nrequest_timeout_seconds = 7.5\nfirst_poll_entries = 3\ncheck_seconds = 60\n",
    )
    assert config.sources.allowed_private_networks == ("10.1.0.0/16", "fd00::/8")
    assert config.sources.max_response_bytes == 1_000_000 and config.sources.request_timeout_seconds == 7.5
    assert config.sources.first_poll_entries == 3 and config.sources.check_seconds == 60
    assert user_agent(config.sources).endswith("(+https://desk.example/bot)")
    assert user_agent(SourcesConfig()).startswith("briefbot/") and "(" not in user_agent(SourcesConfig())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'allowed_private_networks = ["10.0.0.0/33"]',
            "[sources] allowed_private_networks: '10.0.0.0/33' is not a network",
        ),
        (
            'allowed_private_networks = "10.0.0.0/8"',
            "[sources] allowed_private_networks: must be a list of networks",
        ),
        ('contact_url = "javascript:alert(1)"', "[sources] contact_url: must be an http(s) or mailto: URL"),
        ("max_redirects = 50", "[sources] max_redirects: must be from 0 to 20, got 50"),
        ("default_interval_minutes = 1", "[sources] default_interval_minutes: must be from 2 to 10080"),
        (
            'default_timezone = "Mars/Base"',
            "[sources] default_timezone: 'Mars/Base' is not an IANA time zone",
        ),
        ("surprise = 1", "[sources] unknown key 'surprise'"),
    ],
)
def test_bad_sources_settings_name_the_key(tmp_path: Path, text: str, message: str):
    """A typo in [sources] would be ignored silently, or stop start-up without saying where."""
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, f"[sources]\n{text}\n")
    assert message in str(refused.value)
