"""Which gateway shards a process serves, and IDENTIFYs spaced across processes.

Discord sends each server's events, interactions included, over one shard: number
``(guild_id >> 22) % shard_count``. A bot too big for one process runs several, each
connecting its own range of shards (``--shards 0-3/8``: shards 0 to 3 of 8), so each
answers the commands of its servers. Starting a shard's session (IDENTIFY) is limited
by Discord to ``max_concurrency`` (from ``GET /gateway/bot``; 1 for most bots) per 5
seconds: shards are grouped in buckets ``shard_id % max_concurrency``, and each bucket
may IDENTIFY once per 5 s. ``IdentifyGate`` keeps to that for every process together
by claiming each IDENTIFY's slot in the shared store first.

``--shards any/8`` asks for one shard of 8 that no other process serves, claimed at start
(a spare: ``bot.shard_claims``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from storage import StorageError

log = logging.getLogger(__name__)

IDENTIFY_WINDOW_SECONDS = 5.0
# Added to the window between two claims: a claim is made a moment before the IDENTIFY
# it allows reaches Discord, and that moment varies.
IDENTIFY_MARGIN_SECONDS = 0.5
MAX_SHARDS = 65_536

_PLAN = re.compile(r"^\s*(?P<ids>[0-9,\s-]+?)\s*/\s*(?P<count>\d+)\s*$")
_ANY = re.compile(r"^\s*any\s*/\s*(?P<count>\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """Shards ``ids`` of ``count``; or, with ``any_shard`` (``ids`` empty), one shard of
    ``count`` that no other process holds, chosen at start."""

    ids: tuple[int, ...]
    count: int
    any_shard: bool = False

    def __str__(self) -> str:
        if self.any_shard:
            return f"any/{self.count}"
        return f"{describe_ids(self.ids)}/{self.count}"


def describe_ids(ids: tuple[int, ...] | list[int]) -> str:
    """``0-3,6`` for (0, 1, 2, 3, 6)."""
    parts: list[str] = []
    ordered = sorted(ids)
    start = prev = None
    for shard in [*ordered, None]:
        if start is not None and (shard is None or shard != prev + 1):  # type: ignore[operator]
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if shard is not None and start is None:
            start = shard
        prev = shard
    return ",".join(parts)


def parse_shards(text: str) -> ShardPlan:
    """``0-3/8`` (shards 0 to 3 of 8), ``1/2``, ``0,2,4-5/8``, ``any/8`` (a free one of 8);
    ``ValueError`` saying what is wrong."""
    spare = _ANY.match(text)
    match = spare or _PLAN.match(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a shard range: write FIRST-LAST/COUNT, e.g. 0-3/8, ID/COUNT, or any/COUNT"
        )
    count = int(match.group("count"))
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"the shard count must be from 1 to {MAX_SHARDS}, got {count}")
    if spare is not None:
        return ShardPlan((), count, any_shard=True)
    ids: list[int] = []
    for part in match.group("ids").split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(f"{text!r} is not a shard range: write FIRST-LAST/COUNT, e.g. 0-3/8")
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ValueError(f"shard range {part.strip()} runs backwards")
        ids.extend(range(first, last + 1))
    return ShardPlan(check_ids(ids, count), count)


def check_ids(ids: list[int] | tuple[int, ...], count: int) -> tuple[int, ...]:
    """``ids`` sorted, or ``ValueError`` if one repeats or is not below ``count``."""
    if len(set(ids)) != len(ids):
        raise ValueError("a shard id is listed twice")
    outside = [i for i in ids if not 0 <= i < count]
    if outside:
        raise ValueError(f"shard {outside[0]} does not exist: shards are numbered 0 to {count - 1}")
    if not ids:
        raise ValueError("no shard ids given")
    return tuple(sorted(ids))


class IdentifySlots(Protocol):
    """What the gate needs of storage (``storage.Coordination``)."""

    async def claim_identify_slot(self, bucket: int, *, spacing: float) -> float: ...


class IdentifyGate:
    """Holds each IDENTIFY until its bucket's slot is free in the shared store.

    A store that cannot be reached is no reason not to connect: the gate then waits one
    whole window, as discord.py does between two shards of one process.
    """

    def __init__(
        self,
        slots: IdentifySlots,
        max_concurrency: int = 1,
        *,
        spacing: float = IDENTIFY_WINDOW_SECONDS + IDENTIFY_MARGIN_SECONDS,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._slots = slots
        self.max_concurrency = max(1, max_concurrency)
        self._spacing = spacing
        self._sleep = sleep

    def bucket(self, shard_id: int) -> int:
        return shard_id % self.max_concurrency

    async def wait(self, shard_id: int) -> float:
        """Return when shard ``shard_id`` may IDENTIFY; the seconds waited."""
        bucket = self.bucket(shard_id)
        waited = 0.0
        while True:
            try:
                wait = await self._slots.claim_identify_slot(bucket, spacing=self._spacing)
            except StorageError as exc:  # fall back to discord.py's own spacing
                log.warning(
                    "shard %s: could not claim an IDENTIFY slot (%s); waiting a full window", shard_id, exc
                )
                await self._sleep(self._spacing)
                return waited + self._spacing
            if wait <= 0:
                if waited:
                    log.info(
                        "shard %s: IDENTIFY after waiting %.1f s for bucket %s", shard_id, waited, bucket
                    )
                return waited
            await self._sleep(wait)
            waited += wait
