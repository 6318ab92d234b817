"""The command line, run as a subprocess the way a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TOKEN, WIRE, run


@pytest.fixture
def wire_file(tmp_path: Path) -> Path:
    path = tmp_path / "grid.txt"
    path.write_text(WIRE, encoding="utf-8")
    return path


def test_add_then_read_back_in_every_form(tmp_path, wire_file):
    """An editor's file would not come back out of list, show, latest, quote and search."""
    added = run(tmp_path, "add", str(wire_file))
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added      #1 Parliament approves emergency grid fund")

    listed = json.loads(run(tmp_path, "list", "--json").stdout)
    assert [item["title"] for item in listed] == ["Parliament approves emergency grid fund"]

    shown = json.loads(run(tmp_path, "show", "1", "--json").stdout)
    assert shown["published_at"] == "2026-03-03T07:40:00+00:00"  # Kyiv (UTC+2) dateline stored as UTC
    assert set(shown["summary"]) == {"short", "standard", "detailed"}
    quote = shown["quotes"][0]
    assert quote["text"].startswith("This fund buys transformers before the winter")
    assert quote["speaker"] == "Taras Melnyk"
    assert quote["speaker_role"] == "Energy Minister"

    quotes = json.loads(run(tmp_path, "quote", "--speaker", "melnyk", "--json").stdout)
    assert quotes[0]["speaker"] == "Taras Melnyk"

    found = json.loads(run(tmp_path, "search", "transformers", "--json").stdout)
    assert found["total"] == 1 and "transformers" in found["hits"][0]["snippet"]

    latest = run(tmp_path, "latest")
    assert "Parliament approves emergency grid fund" in latest.stdout
    assert "Taras Melnyk" in latest.stdout


def test_adding_the_same_file_twice_reports_a_duplicate(tmp_path, wire_file):
    """Re-running an import would silently create a second copy."""
    run(tmp_path, "add", str(wire_file))
    again = run(tmp_path, "add", str(wire_file))
    assert again.returncode == 0
    assert again.stdout.startswith("duplicate  #1")
    assert len(json.loads(run(tmp_path, "list", "--json").stdout)) == 1


def test_stdin_and_bad_input_exit_1_with_a_located_reason(tmp_path):
    """A broken file would be half-imported or fail without saying where and why."""
    bad = run(tmp_path, "add", "-", stdin="31.02.2026 10:00\nHeadline\n\nBody text.\n")
    assert bad.returncode == 1
    assert "stdin line 1" in bad.stderr and "impossible date" in bad.stderr
    assert json.loads(run(tmp_path, "list", "--json").stdout) == []
    missing = run(tmp_path, "add", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "nope.txt: cannot read" in missing.stderr


def test_unknown_id_and_usage_errors_use_the_conventional_exit_codes(tmp_path):
    """Scripts could not tell 'not found' (1) from a usage mistake (2)."""
    assert run(tmp_path, "show", "42").returncode == 1
    assert run(tmp_path, "show", "not-a-number").returncode == 2
    assert run(tmp_path, "frobnicate").returncode == 2


def test_remove_takes_a_briefing_out_of_search(tmp_path, wire_file):
    """A removed briefing would still show up for readers."""
    run(tmp_path, "add", str(wire_file))
    assert run(tmp_path, "remove", "1").returncode == 0
    assert run(tmp_path, "search", "transformers").returncode == 1


def test_db_upgrade_and_check(tmp_path):
    """An operator could not migrate or verify the database from the command line."""
    upgraded = run(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0 and "applied migrations" in upgraded.stdout
    assert "already at version" in run(tmp_path, "db", "upgrade").stdout
    assert run(tmp_path, "db", "check").stdout.strip().endswith(": ok")


def test_config_errors_exit_2_and_never_print_the_token(tmp_path):
    """A config typo would start the bot anyway, or the error would leak the token."""
    config = tmp_path / "briefbot.toml"
    config.write_text(f"[discord]\ntoken = '{TOKEN}'\n[schedule]\npoll_seconds = 1\n", encoding="utf-8")
    config.chmod(0o600)
    result = run(tmp_path, "--config", str(config), "config", "check")
    assert result.returncode == 2
    assert "[schedule] poll_seconds" in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_run_without_token_explains_how_to_set_it(tmp_path):
    """`briefbot run` with no token would crash with a traceback instead of saying what to do."""
    result = run(tmp_path, "run")
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_runs_the_pipeline_offline(tmp_path):
    """The README's promised demo would fail on a fresh machine."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        capture_output=True,
        check=False,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BRIEFBOT_DB")},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("What the bot posts to #policy-briefings", "/latest", "/summary", "/quote", "/search"):
        assert heading in out
    assert "added      #1" in out
    assert "Briefing #" in out
    assert not list(tmp_path.glob("*.db")), "the demo must not leave a database in the working folder"


def test_backup_restores_to_a_working_database(tmp_path, wire_file):
    """A backup would be unusable when the operator needs it."""
    run(tmp_path, "add", str(wire_file))
    backup = tmp_path / "backup.db"
    made = run(tmp_path, "db", "backup", str(backup))
    assert made.returncode == 0, made.stderr
    restored = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(backup), "show", "1", "--json"],
        capture_output=True,
        check=False,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert json.loads(restored.stdout)["title"] == "Parliament approves emergency grid fund"
    assert run(tmp_path, "db", "backup", str(tmp_path / "missing" / "b.db")).returncode == 1


def test_status_shows_pending_and_paused_subscriptions(tmp_path):
    """An operator could not see which channels are paused and why, or what is waiting to go out."""
    import asyncio

    from bot.models import ScheduleKind, Subscription
    from tests.storage_fixtures import open_contract_storage

    async def seed() -> None:
        storage = await open_contract_storage(tmp_path / "cli.db")
        try:
            await storage.upsert_subscription(
                Subscription(
                    channel_id=42, guild_id=7, schedule=ScheduleKind.DAILY, time="08:00", timezone="UTC"
                )
            )
            await storage.pause_subscription(42, "Missing Access (403) three times")
        finally:
            await storage.close()

    asyncio.run(seed())
    result = run(tmp_path, "status")
    assert result.returncode == 0, result.stderr
    assert "0 pending" in result.stdout
    assert (
        "channel 42 (server 7): daily at 08:00 (UTC); PAUSED: Missing Access (403) three times"
        in result.stdout
    )
    data = json.loads(run(tmp_path, "status", "--json").stdout)
    assert data["channels"][0]["paused_reason"].startswith("Missing Access")
