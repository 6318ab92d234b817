"""Discord's rules for a webhook's name and avatar, checked before anything is made (no Discord)."""

from __future__ import annotations

import pytest

from bot.models import ChannelWebhook, Secret
from bot.webhooks import DEFAULT_NAME, avatar_problem, clean_name, name_problem


@pytest.mark.parametrize(
    "name",
    ["Energy Desk", "x" * 80, "Новини енергетики", "Discourse weekly", "Клайд"],
)
def test_names_discord_takes_pass(name: str):
    """A good name refused would stop a manager for nothing."""
    assert name_problem(clean_name(name)) is None


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("x" * 81, "1 to 80 characters"),
        ("   ", "1 to 80 characters"),
        ("The CLYDE feed", 'contain "clyde"'),
        ("discordnews", 'contain "discord"'),
        ("Everyone", 'be "everyone"'),
        ("System  Message", 'be "system message"'),
    ],
)
def test_names_discord_refuses_are_refused_naming_the_option(name: str, says: str):
    """A refused name would reach Discord and fail with a bare 400 Invalid Form Body."""
    problem = name_problem(clean_name(name))
    assert problem is not None
    text = str(problem)  # the English text, as a manager with an English client reads it
    assert text.startswith("webhook_name") and says in text, text


def test_a_missing_name_is_the_default_and_spacing_is_discord_s():
    """Posts would be named "" or keep spaces Discord strips."""
    assert clean_name(None) == DEFAULT_NAME
    assert clean_name("  Energy \t Desk ") == "Energy Desk"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a.png",
        "https://",
        "ftp://example.org/a.png",
        "https://exa mple.org/a.png",
        "javascript:alert(1)",
    ],
)
def test_only_a_plain_https_avatar_link_is_taken(url: str):
    """Discord fetches the avatar itself: anything but an https link would fail or leak."""
    assert avatar_problem(url) is not None
    assert avatar_problem("https://" + "x" * 600 + ".org/a.png") is not None
    assert avatar_problem("https://example.org/desk.png") is None


def test_the_token_never_shows():
    """A webhook logged or shown in an error would hand anyone its token."""
    hook = ChannelWebhook(1, 2, Secret("very-secret-token"), "Desk")
    assert "very-secret-token" not in repr(hook) and "very-secret-token" not in str(hook)
