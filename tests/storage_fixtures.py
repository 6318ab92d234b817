"""Storage fixtures: the contract tests run once per backend.

``storage`` is a fresh, migrated, empty store, opened with ``open_storage`` once for
each entry of ``BACKENDS``; a second backend runs every contract test by adding its
entry there. ``sqlite_storage`` is the SQLite backend itself, for tests of its
internals (shards, migrations, faults). A test module changes how both are opened by
overriding ``storage_options``.

PostgreSQL runs on the server ``BRIEFBOT_TEST_POSTGRES`` names (default
``postgresql://127.0.0.1:5432/test``, trust auth). Each test session (each xdist worker
is one) creates its own database there when a test first needs it and drops it at the
end; each store is a new schema in it, reached through the URL's ``search_path``, so a
test starts from an empty, freshly migrated schema and two workers never meet. When the
server cannot be reached those tests are skipped, with the reason, except under
``CI=true``, where that is a failure: CI must run both backends.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from storage import SQLiteStorage, Storage, open_storage

POSTGRES_ENV = "BRIEFBOT_TEST_POSTGRES"
DEFAULT_POSTGRES = "postgresql://127.0.0.1:5432/test"
CONNECT_TIMEOUT_SECONDS = 5


class PostgresServer:
    """The test PostgreSQL server: this test run's database, made on first use, and a
    fresh schema in it for every store."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.database = f"briefbot_test_{uuid.uuid4().hex[:8]}_{worker}"
        self.created = False
        self.unreachable: str | None = None

    @property
    def address(self) -> str:
        return urlsplit(self.admin_url).netloc.rpartition("@")[2] or "localhost"

    def url(self, **query: str) -> str:
        """This test run's database on the server, with ``query`` (``search_path=...``)."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(
            (
                parts.scheme,
                parts.netloc,
                "/" + self.database,
                "&".join(f"{k}={v}" for k, v in query.items()),
                "",
            )
        )

    async def _connect(self, url: str) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            self.unreachable = f"PostgreSQL not reachable at {self.address}: {exc}"
            _unavailable(self.unreachable)

    async def new_schema(self) -> str:
        """A new, empty schema in this test run's database (created with the first)."""
        if self.unreachable is not None:
            _unavailable(self.unreachable)
        if not self.created:
            admin = await self._connect(self.admin_url)
            try:
                await admin.execute(f'CREATE DATABASE "{self.database}"')
            finally:
                await admin.close()
            self.created = True
        schema = f"t_{uuid.uuid4().hex[:12]}"
        db = await self._connect(self.url())
        try:
            await db.execute(f'CREATE SCHEMA "{schema}"')
        finally:
            await db.close()
        return schema

    async def store_url(self) -> str:
        """The URL of a fresh, empty store: a new schema, found through ``search_path``."""
        return self.url(search_path=await self.new_schema())

    def drop(self) -> None:
        """Drop this test run's database, if it was made (connections still open are ended)."""
        if not self.created:
            return

        async def drop() -> None:
            admin = await asyncpg.connect(self.admin_url, timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            finally:
                await admin.close()

        asyncio.run(drop())
        self.created = False


def _unavailable(reason: str) -> NoReturn:
    """Skip the test that needs PostgreSQL, or fail it in CI, where both backends must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


_server: PostgresServer | None = None


def postgres_server() -> PostgresServer:
    """The session's server (the ``postgres_session`` fixture drops its database at the end)."""
    global _server  # noqa: PLW0603 - one per test session, like the session fixture that ends it
    if _server is None:
        _server = PostgresServer(os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES)
    return _server


@pytest.fixture(scope="session", autouse=True)
def postgres_session() -> Iterator[None]:
    """Drops the session's PostgreSQL database, if a test made it, when the session ends."""
    yield
    if _server is not None:
        _server.drop()


async def _sqlite_target(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'briefbot.db'}"


async def _postgres_target(tmp_path: Path) -> str:
    return await postgres_server().store_url()


# Backend name -> the ``open_storage`` target of a fresh store for a test's tmp_path.
BACKENDS: dict[str, Callable[[Path], Awaitable[str]]] = {
    "postgresql": _postgres_target,
    "sqlite": _sqlite_target,
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
    return await open_contract_storage(await BACKENDS[backend](tmp_path), **options)


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
