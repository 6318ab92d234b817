"""Shard ranges (config and ``--shards``) and IDENTIFY spacing across processes."""

from __future__ import annotations

import os

import pytest

from bot.config import Config, ConfigError, DiscordConfig, load_config
from bot.models import Secret
from bot.shards import IDENTIFY_MARGIN_SECONDS, IDENTIFY_WINDOW_SECONDS, IdentifyGate, ShardPlan, parse_shards
from storage import StorageError
from tests.helpers import TOKEN, run


@pytest.mark.parametrize(
    ("text", "ids", "count"),
    [
        ("0-3/8", (0, 1, 2, 3), 8),
        ("1/2", (1,), 2),
        (" 0, 2, 4-5 / 8 ", (0, 2, 4, 5), 8),
        ("0-0/1", (0,), 1),
    ],
)
def test_shard_ranges_are_read_as_operators_write_them(text: str, ids: tuple[int, ...], count: int):
    """``--shards 0-3/8`` would start the wrong shards: servers unanswered or answered twice."""
    plan = parse_shards(text)
    assert plan == ShardPlan(ids, count)
    assert parse_shards(str(plan)) == plan


def test_any_shard_is_read_as_a_spare():
    """``--shards any/2`` would be refused, or start a process serving every shard."""
    plan = parse_shards(" any / 2 ")
    assert plan == ShardPlan((), 2, any_shard=True)
    assert str(plan) == "any/2"
    assert parse_shards("ANY/3").any_shard
    with pytest.raises(ValueError, match="from 1 to"):
        parse_shards("any/0")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0-3", "is not a shard range"),
        ("4/4", "shard 4 does not exist: shards are numbered 0 to 3"),
        ("3-1/8", "runs backwards"),
        ("0,0/2", "listed twice"),
        ("0/0", "from 1 to"),
        ("a-b/8", "is not a shard range"),
    ],
)
def test_bad_shard_ranges_say_what_is_wrong(text: str, why: str):
    """A typo in --shards would start a process that serves nothing, silently."""
    with pytest.raises(ValueError, match=why):
        parse_shards(text)


def write(tmp_path, text: str):
    path = tmp_path / "briefbot.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_shards_in_the_config(tmp_path):
    """[discord] shard_count and shard_ids would be ignored, or accepted when they cannot work."""
    config = load_config(write(tmp_path, "[discord]\nshard_count = 4\nshard_ids = [3, 1]\n"), env={})
    assert (config.discord.shard_count, config.discord.shard_ids) == (4, (1, 3))
    assert load_config(write(tmp_path, "[discord]\nshard_count = 2\n"), env={}).discord.shard_ids == ()
    spare = load_config(write(tmp_path, '[discord]\nshard_count = 2\nshard_ids = "any"\n'), env={}).discord
    assert (spare.shard_count, spare.shard_ids, spare.any_shard) == (2, (), True)
    for text, why in (
        ("shard_ids = [0]\n", "needs shard_count too"),
        ("shard_count = 2\nshard_ids = [2]\n", "shard 2 does not exist"),
        ("shard_count = 2\nshard_ids = [1, 1]\n", "lists a shard twice"),
        ("shard_count = 0\n", "must be from 1"),
        ("shard_count = 2\nshard_ids = [-1]\n", "list of shard numbers"),
        ('shard_ids = "any"\n', "needs shard_count too"),
        ('shard_count = 2\nshard_ids = "some"\n', 'list of shard numbers \\(0, 1, ...\\) or "any"'),
    ):
        with pytest.raises(ConfigError, match=why):
            load_config(write(tmp_path, "[discord]\n" + text), env={})


def test_run_refuses_a_bad_shard_range_as_a_usage_error(tmp_path):
    """A bad --shards would start the bot and fail later, or exit as if the bot had failed."""
    result = run(tmp_path, "run", "--shards", "2/2", env={"DISCORD_TOKEN": TOKEN})
    assert result.returncode == 2
    assert "shard 2 does not exist" in result.stderr


def test_the_client_connects_only_its_shards():
    """A process would connect every shard and answer the servers another process serves."""
    from bot.client import BriefBot

    def client(**shards: object) -> BriefBot:
        return BriefBot(Config(discord=DiscordConfig(token=Secret(TOKEN), **shards)))  # type: ignore[arg-type]

    ranged = client(shard_count=8, shard_ids=(4, 5, 6, 7))
    assert (ranged.shard_count, ranged.shard_ids) == (8, [4, 5, 6, 7])
    assert ranged.identity()["shards"] == "4-7/8"
    whole = client(shard_count=2)
    assert (whole.shard_count, whole.shard_ids) == (2, [0, 1])
    unset = client()
    assert unset.shard_ids is None  # every shard Discord recommends
    assert unset.identity()["shards"] == "all"
    spare = client(shard_count=2, any_shard=True)
    assert (spare.shard_count, spare.shard_ids) == (2, [])  # the one it claims, once claimed


async def test_a_spare_that_claimed_no_shard_connects_none():
    """A spare stopped while standing by would connect every shard (discord.py's default
    for an empty list) and answer servers other processes serve."""
    from bot.client import BriefBot
    from bot.shard_claims import ShardClaims

    bot = BriefBot(Config(discord=DiscordConfig(token=Secret(TOKEN), shard_count=2, any_shard=True)))
    bot._claims = ShardClaims(None, 2)  # type: ignore[arg-type]  # holding nothing

    async def launched() -> None:
        raise AssertionError("connected without a claim")

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("discord.AutoShardedClient.launch_shards", lambda self: launched())
            await bot.launch_shards()
    finally:
        await bot.http.close()


class Slots:
    """IDENTIFY slots by a fake clock, as ``claim_identify_slot`` keeps them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.last: dict[int, float] = {}
        self.failing = False

    async def claim_identify_slot(self, bucket: int, *, spacing: float) -> float:
        if self.failing:
            raise StorageError("the database is away")
        last = self.last.get(bucket)
        if last is not None and self.now - last < spacing:
            return last + spacing - self.now
        self.last[bucket] = self.now
        return 0.0

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_identify_gate_spaces_each_bucket_by_the_window():
    """Shards of several processes would IDENTIFY together and be refused by Discord."""
    slots = Slots()
    gate = IdentifyGate(slots, max_concurrency=2, sleep=slots.sleep)
    spacing = IDENTIFY_WINDOW_SECONDS + IDENTIFY_MARGIN_SECONDS
    assert await gate.wait(0) == 0.0
    assert await gate.wait(1) == 0.0  # another bucket: at once
    assert await gate.wait(2) == pytest.approx(spacing)  # bucket 0 again
    assert slots.now == pytest.approx(spacing)
    assert await gate.wait(3) == 0.0  # bucket 1's window has passed meanwhile


async def test_identify_gate_falls_back_to_a_full_window_when_the_store_fails():
    """A database hiccup at start-up would stop the shards from ever connecting."""
    slots = Slots()
    slots.failing = True
    gate = IdentifyGate(slots, sleep=slots.sleep)
    assert await gate.wait(0) == pytest.approx(IDENTIFY_WINDOW_SECONDS + IDENTIFY_MARGIN_SECONDS)
