"""`briefbot source …`, `drafts`, `approve` and `reject` as an operator runs them, against the
loopback feed server (the config allows 127.0.0.1/32 only, as an intranet would be allowed)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from tests.feedserver import FeedServer
from tests.test_sources_poll import rss, story

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    tmp_path: Path
    server: FeedServer

    async def __call__(self, *args: str) -> Ran:
        env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BRIEFBOT_DB")}
        env["PYTHONPATH"] = str(ROOT)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(self.tmp_path / "briefbot.toml"),
            "--db",
            str(self.tmp_path / "cli.db"),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.tmp_path,
            env=env,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode is not None
        return Ran(proc.returncode, out.decode(), err.decode())

    def url(self, path: str) -> str:
        return self.server.url(path, host="127.0.0.1")


@pytest_asyncio.fixture
async def cli(tmp_path: Path) -> AsyncIterator[Cli]:
    (tmp_path / "briefbot.toml").write_text(
        '[sources]\nallowed_private_networks = ["127.0.0.1/32"]\ncontact_url = "https://desk.example/bot"\nfailure_threshold = 2\n'
    )
    server = await FeedServer().start()
    try:
        yield Cli(tmp_path, server)
    finally:
        await server.stop()


async def test_follow_a_feed_poll_it_and_see_what_happened_per_item(cli: Cli):
    """An operator could not follow a feed from the terminal, or see what a poll imported and why."""
    cli.server.serve("/feed.xml", rss(*(story(n) for n in range(7, 0, -1))), etag='"v1"')
    added = await cli(
        "source",
        "add",
        cli.url("/feed.xml"),
        "--name",
        "Council",
        "--topics",
        "water,local",
        "--interval",
        "15",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added source #1 (Council): publish, every 15 min")
    polled = await cli("source", "poll", "1")
    assert polled.returncode == 0, polled.stderr
    lines = polled.stdout.splitlines()
    assert lines[0] == "source #1 (Council): 7 entries (rss20)"
    assert sum(1 for line in lines if line.strip().startswith("added")) == 5
    assert sum(1 for line in lines if line.strip().startswith("skipped")) == 2
    assert "added          #" in polled.stdout and "Council decision number 7" in polled.stdout
    assert cli.server.hits("/feed.xml")[0].headers["User-Agent"].endswith("(+https://desk.example/bot)")
    again = await cli("source", "poll")
    assert again.stdout.strip() == "source #1 (Council): not modified since the last poll"
    listed = json.loads((await cli("source", "list", "--json")).stdout)
    assert listed[0]["topics"] == ["water", "local"] and listed[0]["status"] == "active"
    assert listed[0]["interval_minutes"] == 15 and listed[0]["last_success_at"]
    titles = (await cli("list")).stdout
    assert titles.count("Council decision number") == 5
    removed = await cli("source", "remove", "1")
    assert removed.stdout.startswith("removed source #1 (Council); the briefings it imported stay")
    assert (await cli("list")).stdout.count("Council decision number") == 5


async def test_review_drafts_are_approved_and_rejected_from_the_terminal(cli: Cli):
    """Drafts of a review-mode source could not be listed, approved or rejected without Discord."""
    cli.server.serve("/feed.xml", rss(story(2), story(1)))
    assert (await cli("source", "add", cli.url("/feed.xml"), "--mode", "review")).returncode == 0
    polled = await cli("source", "poll", "1")
    assert polled.stdout.count("draft          draft ") == 2, polled.stdout
    drafts = json.loads((await cli("drafts", "--json")).stdout)
    assert [d["title"] for d in drafts] == ["Council decision number 1", "Council decision number 2"]
    assert (await cli("list")).stdout.startswith("No briefings yet")
    approved = await cli("approve", str(drafts[0]["id"]))
    assert approved.stdout.startswith(f"published draft {drafts[0]['id']} as briefing #1")
    rejected = await cli("reject", str(drafts[1]["id"]))
    assert "it will not be imported again" in rejected.stdout
    assert (await cli("drafts")).stdout.strip() == "No drafts waiting."
    twice = await cli("approve", str(drafts[1]["id"]))
    assert twice.returncode == 1 and "is not waiting" in twice.stderr


async def test_refusals_and_failures_are_reported_with_the_url_and_reason(cli: Cli):
    """A forbidden URL would be followed, or a failing source fail without anyone being told why."""
    forbidden = await cli("source", "add", cli.server.url("/feed.xml", host="127.0.0.2"))
    assert forbidden.returncode == 1
    assert (
        "Cannot follow http://127.0.0.2" in forbidden.stderr
        and "127.0.0.2 is a loopback address" in forbidden.stderr
    )
    cli.server.serve("/down.xml", b"nope", status=502)
    await cli("source", "add", cli.url("/down.xml"), "--name", "Down")
    for _ in range(2):
        failed = await cli("source", "poll", "1")
    assert failed.returncode == 1 and "down.xml: HTTP 502 Bad Gateway" in failed.stdout
    status = await cli("status")
    assert "sources: 1 (1 failing or paused)" in status.stdout
    assert (
        "source #1 (Down)" in status.stdout and "FAILING: " in status.stdout and "HTTP 502" in status.stdout
    )
    assert cli.server.forbidden_hits == []


async def test_a_test_fetch_shows_what_would_be_imported_and_imports_nothing(cli: Cli):
    """`source test` would store what it only meant to show."""
    cli.server.serve("/feed.xml", rss(*(story(n) for n in range(6, 0, -1))))
    tested = await cli("source", "test", cli.url("/feed.xml"), "--json")
    assert tested.returncode == 0, tested.stderr
    report = json.loads(tested.stdout)
    assert [i["outcome"] for i in report["items"]] == ["new"] * 5 + ["skipped"]
    assert (await cli("list")).stdout.startswith("No briefings yet")
    assert json.loads((await cli("source", "list", "--json")).stdout) == []
