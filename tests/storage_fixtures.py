"""Storage fixtures: the contract tests run once per backend.

``storage`` is a fresh, migrated, empty store, opened with ``open_storage`` once for
each entry of ``BACKENDS``; a second backend runs every contract test by adding its
entry there. ``sqlite_storage`` is the SQLite backend itself, for tests of its
internals (shards, migrations, faults). A test module changes how both are opened by
overriding ``storage_options``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol, cast

import pytest
import pytest_asyncio

from storage import SQLiteStorage, Storage, open_storage

# Backend name -> the ``open_storage`` target of a fresh store for a test's tmp_path.
BACKENDS: dict[str, Callable[[Path], str]] = {
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path / 'briefbot.db'}",
}


class ContractStorage(Storage, Protocol):
    """``Storage`` plus the two methods only tests call, to set up and check a store;
    every backend the contract tests run against has them too."""

    async def count_briefings(self) -> int: ...

    async def pause_subscription(self, channel_id: int, reason: str) -> None: ...


async def open_contract_storage(target: str | os.PathLike[str], **options: Any) -> ContractStorage:
    """``open_storage(target)``, typed with the methods only tests call."""
    return cast(ContractStorage, await open_storage(target, **options))


async def open_backend(backend: str, tmp_path: Path, **options: Any) -> ContractStorage:
    """A fresh store on ``backend`` (a key of ``BACKENDS``) for this test."""
    return await open_contract_storage(BACKENDS[backend](tmp_path), **options)


@pytest.fixture
def storage_options() -> dict[str, Any]:
    """Keyword options for opening the store (``search_shard_size``, ...)."""
    return {}


@pytest_asyncio.fixture(params=sorted(BACKENDS))
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, storage_options: dict[str, Any]
) -> AsyncIterator[ContractStorage]:
    opened = await open_backend(request.param, tmp_path, **storage_options)
    try:
        yield opened
    finally:
        await opened.close()


@pytest_asyncio.fixture
async def sqlite_storage(tmp_path: Path, storage_options: dict[str, Any]) -> AsyncIterator[SQLiteStorage]:
    opened = await SQLiteStorage.open(tmp_path / "briefbot.db", **storage_options)
    try:
        yield opened
    finally:
        await opened.close()
