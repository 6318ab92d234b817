"""pytest fixtures for the fake Discord. In ``tests/conftest.py``::

    from tests.fakediscord.fixtures import fake_discord, discord_patched  # noqa: F401

``fake_discord`` is a started :class:`FakeDiscord` with an empty world (build guilds on it
before starting the bot); ``discord_patched`` additionally points discord.py at it for the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from .server import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def discord_patched(fake_discord: FakeDiscord) -> Iterator[FakeDiscord]:
    with fake_discord.patch_discord():
        yield fake_discord
