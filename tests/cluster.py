"""Several real ``briefbot run`` processes over one PostgreSQL store and a fake Discord.

Shared by the scale-out tests (``tests/test_scale_out.py``) and the failover benchmark
(``bench/failover.py``). Each process serves one shard (``--shards N/COUNT``); the fake tells
them apart by the pid the launcher sends with their requests (``RequestRecord.process``,
``Message.process``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.dispatcher import META_DISPATCHER
from bot.models import ScheduleKind, Subscription
from storage import META_INSTANT_LAST_RUN, Storage, open_storage
from tests.fakediscord import Channel, FakeDiscord, Member
from tests.fakediscord import model as fake_model
from tests.helpers import TOKEN, analysis, draft

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_ROUTE = "/channels/{channel_id}/messages"


@dataclass
class Cluster:
    """The fake Discord, the shared store and the bot processes (shard -> process)."""

    fake: FakeDiscord
    storage: Storage
    url: str
    config: Path
    logs: Path
    shard_count: int
    channels: list[int]
    # A reader and a manager, with a channel, in a server on each shard.
    readers: dict[int, tuple[Member, Member, Channel]]
    processes: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)

    async def start(self, shard: int) -> asyncio.subprocess.Process:
        process = await self.launch(f"{shard}/{self.shard_count}", f"shard-{shard}")
        self.processes[shard] = process
        return process

    async def launch(self, shards: str | None, name: str) -> asyncio.subprocess.Process:
        """``briefbot run --shards SHARDS`` (``1/2``, ``any/2``; no ``--shards`` for None),
        logging to ``NAME.log``."""
        env = {k: v for k, v in os.environ.items() if k not in ("BRIEFBOT_DB", "DISCORD_TOKEN")}
        env["DISCORD_TOKEN"] = TOKEN
        args = ["run"] if shards is None else ["run", "--shards", shards]
        argv = self.fake.launch_command(
            "bot.cli:main", "--config", str(self.config), *args, python=sys.executable
        )
        with (self.logs / f"{name}.log").open("ab") as log:
            return await asyncio.create_subprocess_exec(
                *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log
            )

    async def start_all(self) -> None:
        """Shard 0's process first, as the dispatcher; then the others, standing by."""
        first = await self.start(0)
        await self.wait_for_dispatcher(first.pid, within=60)
        for shard in range(1, self.shard_count):
            await self.start(shard)
        await self.wait_serving()

    async def close(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
        await self.storage.close()
        await self.fake.stop()

    # -- who does what ---------------------------------------------------------------

    async def dispatcher_pid(self) -> int | None:
        record = await self.storage.get_meta(META_DISPATCHER)
        return int(json.loads(record)["pid"]) if record else None

    async def wait_for_dispatcher(self, pid: int, *, within: float) -> float:
        """Wait until process ``pid`` records itself as the dispatcher; the seconds it took."""
        started = time.monotonic()
        while await self.dispatcher_pid() != pid:
            self.check_alive()
            if time.monotonic() - started > within:
                raise AssertionError(f"process {pid} did not become the dispatcher within {within}s")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def wait_serving(self) -> None:
        """Every shard identified by its own process, and the commands synced."""
        pids = {shard: p.pid for shard, p in self.processes.items()}

        def serving() -> bool:
            self.check_alive()
            live = {s.shard: s.process for s in self.fake.gateway.live_sessions() if s.connection is not None}
            return live == pids and bool(self.fake.global_commands)

        await self.fake.wait_until(serving, timeout=120, what="every shard to be served and commands synced")

    def check_alive(self) -> None:
        for shard, process in self.processes.items():
            if process.returncode is not None and process.returncode != -signal.SIGKILL:
                raise AssertionError(
                    f"shard {shard}'s process exited with {process.returncode}:\n{self.log(shard)}"
                )

    def log(self, shard: int) -> str:
        path = self.logs / f"shard-{shard}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    async def poll(
        self, predicate: Callable[[], bool], *, within: float, what: str, every: float = 0.1
    ) -> None:
        """Wait until ``predicate()`` holds, checking every ``every`` seconds: unlike
        ``fake.wait_until``, not on every request, which at thousands of channels would keep
        the fake's own event loop (and so its rate-limit clock) busy."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            self.check_alive()
            if loop.time() > deadline:
                raise TimeoutError(f"timed out after {within}s waiting for {what}")
            await asyncio.sleep(every)

    # -- what reached Discord --------------------------------------------------------

    def copies(self) -> dict[int, int]:
        """How many posts each subscribed channel holds (one pass over the fake's messages)."""
        held = Counter(
            m.channel_id for m in self.fake.messages.values() if m.source == "channel" and not m.deleted
        )
        return {cid: held[cid] for cid in self.channels}

    def posts_by(self, pid: int) -> list[float]:
        """When each POST of a message from process ``pid`` reached the fake (``time.time()``)."""
        return [
            r.at
            for r in self.fake.requests
            if r.process == pid and r.method == "POST" and r.route == MESSAGE_ROUTE
        ]

    # -- what the editors do ---------------------------------------------------------

    async def add_briefing(self, title: str) -> None:
        await self.storage.add_briefing(
            draft(title=title, url=None, published=datetime.now(UTC) - timedelta(minutes=1)),
            analysis(("We will not wait for the winter to test us.", "Olena Marchuk", "Minister", 0.9)),
        )

    async def settled(self, *, within: float) -> None:
        """Nothing pending, and an instant poll started and finished since: nothing more to send."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (await self.storage.outbox_counts()).pending:
            if loop.time() > deadline:
                raise AssertionError("deliveries still pending")
            await asyncio.sleep(0.1)
        since = datetime.now(UTC)
        while True:
            last = await self.storage.get_meta(META_INSTANT_LAST_RUN)
            if (
                last
                and datetime.fromisoformat(last) > since
                and not (await self.storage.outbox_counts()).pending
            ):
                return
            if loop.time() > deadline:
                raise AssertionError("no instant poll after the fan-out")
            await asyncio.sleep(0.1)


async def make_cluster(
    url: str,
    folder: Path,
    *,
    channels: int,
    guilds: int,
    shard_count: int = 2,
    rate_limits: bool = True,
    poll_seconds: int = 5,
) -> Cluster:
    """The fake Discord (``shard_count`` shards, Discord's limits on, IDENTIFYs beyond
    max_concurrency refused) with ``guilds`` servers spread over the shards and ``channels``
    channels over them, each subscribed (instant) in the store at ``url``, and a config for
    the processes. Not started: call ``Cluster.start_all``."""
    fake = FakeDiscord(token=TOKEN, shard_count=shard_count)
    fake.enforce_identify_concurrency = True
    if rate_limits:
        fake.ratelimits.configure(enabled=True)
    readers: dict[int, tuple[Member, Member, Channel]] = {}
    made = []
    for g in range(guilds):
        shard = g % shard_count
        guild = fake.add_guild(name=f"Desk {g}", shard=shard)
        if shard not in readers:
            reader = fake.add_member(guild, fake.add_user(f"reader-{shard}"))
            manager = fake.add_member(
                guild, fake.add_user(f"manager-{shard}"), permissions=fake_model.MANAGE_GUILD
            )
            readers[shard] = (reader, manager, fake.add_channel(guild, name="general"))
        made.append(guild)
    subscribed = [fake.add_channel(made[c % guilds], name=f"briefings-{c}") for c in range(channels)]
    storage = await open_storage(url)
    try:
        for channel in subscribed:
            assert channel.guild_id is not None
            await storage.upsert_subscription(
                Subscription(
                    channel_id=channel.id,
                    guild_id=channel.guild_id,
                    schedule=ScheduleKind.INSTANT,
                    timezone="UTC",
                )
            )
        config = folder / "briefbot.toml"
        config.write_text(
            f"[discord]\npublisher_user_ids = {sorted(m.user.id for _, m, _ in readers.values())}\n"
            'cards = "embed"\n'  # its tests read embed posts
            f'[storage]\nurl = "{url}"\n[schedule]\npoll_seconds = {poll_seconds}\ninstant_delay_seconds = 0.2\n',
            encoding="utf-8",
        )
        config.chmod(0o600)
        await fake.start()
    except BaseException:
        await storage.close()
        raise
    return Cluster(fake, storage, url, config, folder, shard_count, [c.id for c in subscribed], readers)
