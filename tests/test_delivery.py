"""The delivery engine on every storage backend (a real SQLite file, a PostgreSQL schema) and an
in-memory fake Discord sender."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import cast

import aiohttp
import discord
import pytest

from bot.clock import ManualClock
from bot.copy_updates import QueuedCopies
from bot.delivery.planner import allowed_mentions, message_nonce
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.sender import ChannelGone, MessageGone, NoAccess, Rejected, TransientError
from bot.discord_sender import DiscordSender
from bot.models import Analysis, Draft, ScheduleKind, Summaries
from tests.helpers import ALERTS, GUILD, FakeSender, World, outbox_rows
from tests.storage_fixtures import BACKENDS, open_backend


@pytest.fixture(params=sorted(BACKENDS))
async def world(request, tmp_path):
    storage = await open_backend(request.param, tmp_path)
    clock = ManualClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
    sender = FakeSender(clock)
    w = World(storage, clock, sender, None, [])  # type: ignore[arg-type]
    w.engine = w.new_engine()
    yield w
    await storage.close()


async def test_subscribing_does_not_flood_backlog(world):
    """A channel would be flooded with every old briefing the moment it subscribes."""
    for i in range(4):
        await world.add(f"Old story {i}")
    await world.subscribe(1)
    await world.engine.run_instant()
    assert world.sender.channels.get(1, []) == []
    await world.add("Fresh story")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Fresh story"]


async def test_backfill_posts_the_newest_once(world):
    """backfill:2 would post the wrong briefings, too many, or repeat them on the next run."""
    for i in range(4):
        await world.add(f"Old story {i}")
        world.clock.advance(60)
    await world.subscribe(1)
    report = await world.engine.backfill(1, 2)
    assert report.sent == 2
    assert world.sender.titles(1) == ["Old story 2", "Old story 3"]
    await world.engine.run_instant()
    await world.engine.backfill(1, 2)
    assert len(world.sender.channels[1]) == 2


async def test_instant_catch_up_is_capped(world):
    """After downtime an instant channel would get dozens of posts instead of 5 and a note."""
    await world.subscribe(1)
    ids = [await world.add(f"Story {i}") for i in range(8)]
    report = await world.engine.run_instant()
    posted = world.sender.channels[1]
    assert len(posted) == 5
    assert world.sender.titles(1) == [f"Story {i}" for i in range(3, 8)]
    assert posted[-1].content == "+3 more: use /latest"
    assert all(m.content is None for m in posted[:-1])
    assert report.skipped == 3
    assert await world.states(1) == {"sent": 5, "skipped": 3}
    await world.engine.run_instant()
    assert len(world.sender.channels[1]) == 5
    assert ids  # all stored


async def test_digest_composition(world):
    """A digest would arrive split, empty, or with more than Discord's 10 embeds."""
    await world.subscribe(1, ScheduleKind.DAILY)
    await world.engine.run_digest(1)
    assert world.sender.channels.get(1, []) == []  # nothing new: nothing sent
    for i in range(3):
        await world.add(f"Budget {i}")
    await world.engine.run_digest(1)
    assert len(world.sender.channels[1]) == 1
    assert world.sender.titles(1) == ["Budget 0", "Budget 1", "Budget 2"]
    for i in range(12):
        await world.add(f"Trade {i}")
    await world.engine.run_digest(1)
    second = world.sender.channels[1][1]
    assert len(second.embeds) == 1
    assert "Trade 11" in (second.embeds[0].description or "")
    assert second.embeds[0].title == "Digest: 12 new briefings"
    await world.engine.run_digest(1)
    assert len(world.sender.channels[1]) == 2


async def test_instant_run_leaves_digest_channels_alone(world):
    """A daily-digest channel would get every briefing instantly as well."""
    await world.subscribe(1, ScheduleKind.DAILY)
    await world.add("Story")
    await world.engine.run_instant()
    assert world.sender.channels.get(1, []) == []


async def test_topic_and_keyword_filters(world):
    """A channel would receive briefings outside the topics or keywords it asked for."""
    await world.subscribe(1, topics=("energy",))
    await world.subscribe(2, keywords=("grid",))
    await world.subscribe(3, topics=("energy",), keywords=("tariff",))
    await world.add("Gas storage", tags=("energy",))
    await world.add("Power grid repairs", tags=("infrastructure",))
    await world.add("Gridlock in parliament")  # "grid" only as part of a word
    await world.add("Tariff review", tags=("energy",))
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Gas storage", "Tariff review"]
    assert world.sender.titles(2) == ["Power grid repairs"]
    assert world.sender.titles(3) == ["Tariff review"]


async def test_embargo_is_respected(world):
    """An embargoed briefing would be posted early, or never, or twice."""
    await world.subscribe(1)
    later = world.clock.now() + timedelta(hours=2)
    await world.add("Embargoed", published=later)
    await world.add("Public now")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Public now"]
    world.clock.advance(3 * 3600)
    await world.engine.run_instant()
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Public now", "Embargoed"]


async def test_role_ping_allows_only_that_role(world):
    """A post would ping nobody, ping @everyone, or ping users named in the text."""
    await world.subscribe(1, role_id=4242)
    await world.subscribe(2)
    await world.add("Story")
    await world.engine.run_instant()
    pinged = world.sender.channels[1][0]
    assert pinged.content == "<@&4242>"
    mentions = pinged.allowed_mentions.to_dict()
    assert [int(r) for r in mentions["roles"]] == [4242]
    assert mentions["parse"] == []
    quiet = world.sender.channels[2][0]
    assert quiet.content is None
    assert quiet.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()


async def test_pause_after_repeated_403_and_notify(world):
    """A channel the bot lost access to would be retried forever (risking a ban) or paused silently."""
    await world.subscribe(1, alerts_channel_id=ALERTS)
    await world.subscribe(2)
    world.sender.always[1] = NoAccess("Missing Access")
    for i in range(3):
        await world.add(f"Story {i}")
        await world.engine.run_instant()
    sub = await world.storage.get_subscription(1)
    assert sub is not None and sub.paused_reason and "cannot post" in sub.paused_reason
    assert world.sender.titles(2) == ["Story 0", "Story 1", "Story 2"]
    assert len(world.notices) == 1
    assert world.notices[0][:2] == (GUILD, ALERTS)
    attempts = world.sender.attempts[1]
    await world.add("Story 3")
    await world.engine.run_instant()
    assert world.sender.attempts[1] == attempts  # paused: no further requests
    status = await world.engine.status()
    assert [c.channel_id for c in status.paused] == [1]


async def test_success_resets_failure_count(world):
    """Two unrelated 404 blips weeks apart would pause a healthy channel."""
    await world.subscribe(1)
    world.sender.failures[1] = [ChannelGone("unknown"), ChannelGone("unknown")]
    await world.add("A")
    await world.engine.run_instant()
    await world.engine.run_instant()
    await world.engine.run_instant()  # third attempt succeeds
    sub = await world.storage.get_subscription(1)
    assert sub is not None and sub.failures == 0 and sub.paused_reason is None
    assert world.sender.titles(1) == ["A"]


async def test_server_error_retried_then_left_pending(world):
    """A Discord 5xx would lose the post, or it would be posted twice once Discord recovers."""
    await world.subscribe(1)
    await world.subscribe(2)
    world.sender.failures[1] = [TransientError("503")] * 4
    await world.add("Story")
    report = await world.engine.run_instant()
    assert report.deferred == 1
    assert world.sender.attempts[1] == 3
    backoff = [s for s in world.clock.slept if s >= 0.1]  # shorter sleeps are the limiter's pacing
    assert backoff[:2] == [0.5, 1.0]  # exponential backoff
    assert world.sender.titles(2) == ["Story"]  # the broken channel held no one up
    assert await world.states(1) == {"pending": 1}
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Story"]
    assert await world.states(1) == {"sent": 1}
    sub = await world.storage.get_subscription(1)
    assert sub is not None and sub.paused_reason is None


async def test_crash_between_send_and_record_recovers_without_duplicate(world):
    """After a crash mid-send, a restart would post the briefing a second time (or never)."""
    await world.subscribe(1)
    await world.subscribe(2)
    b = await world.add("Story")
    world.sender.crash_after_send.add(1)
    await world.engine.run_instant()
    assert await world.states(1) == {"pending": 1}
    world.sender.crash_after_send.clear()
    restarted = world.new_engine()
    await restarted.recover_pending()
    assert len(world.sender.channels[1]) == 1
    assert world.sender.channels[1][0].nonce == message_nonce(1, [b])
    rows = [r for r in await outbox_rows(world.storage) if r["channel_id"] == 1]
    assert [(r["state"], r["message_id"]) for r in rows] == [("sent", world.sender.channels[1][0].id)]
    assert len(world.sender.channels[2]) == 1


async def test_repeated_and_concurrent_runs_deliver_once(world):
    """Overlapping scheduler runs would post the same briefing twice."""
    for channel in range(1, 21):
        await world.subscribe(channel)
    for i in range(3):
        await world.add(f"Story {i}")
    await asyncio.gather(
        world.engine.run_instant(), world.engine.run_instant(), world.engine.recover_pending()
    )
    await world.engine.run_instant()
    for channel in range(1, 21):
        assert world.sender.titles(channel) == ["Story 0", "Story 1", "Story 2"]


async def test_correction_edits_every_posted_copy(world):
    """After a publisher fixes a briefing, channels would keep showing the wrong text."""
    await world.subscribe(1)
    await world.subscribe(2, ScheduleKind.DAILY)
    b = await world.add("Budget vote")
    other = await world.add("Trade talks")
    await world.engine.run_instant()
    await world.engine.run_digest(2)
    text = "Budget vote postponed. The vote moves to Friday."
    await world.storage.update_briefing(
        b,
        Draft(title="Budget vote postponed", body=text, published_at=world.clock.now()),
        Analysis(Summaries(text, text, text), ()),
        now=world.clock.now(),
    )
    report = await world.engine.correct(b)
    assert int(report) == 2
    assert world.sender.titles(1) == ["Budget vote postponed", "Trade talks"]
    assert world.sender.titles(2) == ["Budget vote postponed", "Trade talks"]  # digest re-rendered whole
    footers = [e.footer.text or "" for m in world.sender.channels[1] for e in m.embeds]
    assert "corrected" in footers[0] and "corrected" not in footers[1]
    assert other


async def test_retract_deletes_posts_and_trims_digests(world):
    """A removed briefing would stay visible in channels, or a whole digest would vanish with it."""
    await world.subscribe(1)
    await world.subscribe(2, ScheduleKind.DAILY)
    b = await world.add("Mistaken story")
    await world.add("Good story")
    await world.engine.run_instant()
    await world.engine.run_digest(2)
    posted = await world.storage.remove_briefing(b)
    report = await world.engine.retract(posted)
    assert (report.deleted, report.edited) == (1, 1)
    assert world.sender.titles(1) == ["Good story"]
    assert world.sender.titles(2) == ["Good story"]
    assert len(world.sender.channels[2]) == 1


async def test_a_correction_made_elsewhere_is_sent_by_the_dispatcher_once(world):
    """A correction made in a process that does not post (another shard's, the command line)
    would never reach the posted copies, or reach them twice."""
    await world.subscribe(1)
    await world.subscribe(2, ScheduleKind.DAILY)
    b = await world.add("Budget vote")
    await world.add("Trade talks")
    await world.engine.run_instant()
    await world.engine.run_digest(2)
    text = "Budget vote postponed. The vote moves to Friday."
    await world.storage.update_briefing(
        b,
        Draft(title="Budget vote postponed", body=text, published_at=world.clock.now()),
        Analysis(Summaries(text, text, text), ()),
        now=world.clock.now(),
    )
    elsewhere = QueuedCopies(world.storage)
    assert (await elsewhere.correct(b)).queued == 2
    assert (await elsewhere.correct(b)).queued == 2  # marked twice, sent once
    assert world.sender.titles(1) == ["Budget vote", "Trade talks"]  # nothing sent by the other process
    report = await world.engine.refresh_due_copies()
    assert (report.edited, report.failed) == (2, 0)
    assert world.sender.titles(1) == ["Budget vote postponed", "Trade talks"]
    assert world.sender.titles(2) == ["Budget vote postponed", "Trade talks"]
    assert int(await world.engine.refresh_due_copies()) == 0
    # A removal made elsewhere: the post of its own is deleted, the digest edited to leave it out.
    removed = await world.storage.remove_briefing(b)
    assert (await elsewhere.retract(removed)).queued == 2
    report = await world.engine.refresh_due_copies()
    assert (report.deleted, report.edited) == (1, 1)
    assert world.sender.titles(1) == ["Trade talks"]
    assert world.sender.titles(2) == ["Trade talks"]


async def test_a_briefing_added_after_the_newest_was_removed_is_posted_as_itself(world):
    """The new briefing would take the removed one's id: it would never be posted (the channel
    already had that id), and correcting or removing it would rewrite or delete the old post."""
    await world.subscribe(1)
    mistaken = await world.add("Mistaken story")
    await world.engine.run_instant()
    await world.storage.remove_briefing(mistaken)  # the post is kept
    replacement = await world.add("Replacement story")
    assert replacement > mistaken
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Mistaken story", "Replacement story"]
    assert len(await world.storage.posted_copies(replacement)) == 1
    report = await world.engine.retract(await world.storage.remove_briefing(replacement))
    assert report.deleted == 1
    assert world.sender.titles(1) == ["Mistaken story"]


async def test_channel_deleted_pauses_and_drops_pending(world):
    """A deleted channel would keep its pending posts and be retried until Discord bans the bot."""
    await world.subscribe(1, alerts_channel_id=ALERTS)
    world.sender.always[1] = TransientError("503")
    await world.add("Story")
    await world.engine.run_instant()
    await world.engine.channel_deleted(1)
    sub = await world.storage.get_subscription(1)
    assert sub is not None and sub.paused_reason == "the channel was deleted"
    assert await world.states(1) == {"skipped": 1}
    assert world.notices and world.notices[0][1] == ALERTS


async def test_guild_removed_drops_its_subscriptions(world):
    """After the bot is kicked, it would keep trying to post into that server."""
    await world.subscribe(1)
    assert await world.engine.guild_removed(GUILD) == 1
    assert await world.storage.get_subscription(1) is None


async def test_status_reports_pending_and_runs(world):
    """`briefbot status` would hide stuck deliveries or the next digest time."""
    await world.subscribe(1)
    await world.subscribe(2, ScheduleKind.DAILY)
    world.sender.always[1] = TransientError("503")
    await world.add("Story")
    await world.engine.run_instant()
    status = await world.engine.status()
    assert status.pending == 1
    assert status.instant_last_run is not None and status.instant_last_run <= world.clock.now()
    daily = next(c for c in status.channels if c.channel_id == 2)
    assert daily.next_run_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


async def test_rate_limiter_keeps_five_per_five_seconds():
    """A busy channel would hit Discord's 5-messages-per-5-seconds limit and get 429s."""
    clock = ManualClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock, per_second=45, per_channel=5, channel_window=5.0)
    stamps = []
    for _ in range(12):
        await limiter.acquire(7)
        stamps.append(clock.monotonic())
    for i in range(5, 12):
        assert stamps[i] - stamps[i - 5] >= 5.0
    other = clock.monotonic()
    await limiter.acquire(8)  # another channel is not held up by channel 7's window
    assert clock.monotonic() - other < 0.1  # at most one global pacing step


async def test_rate_limiter_global_budget():
    """Fan-out to many channels would exceed Discord's global request rate and draw 429s."""
    clock = ManualClock(datetime(2025, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock)
    stamps = []
    for channel in range(300):
        async with limiter.slot(channel):
            stamps.append(clock.monotonic())
    # Discord counts 50 requests per second window: no one-second span may hold more.
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= 1.0 - 1e-9
    # ...and the pace stays close to the limit (at least 95% of 50/s).
    assert 299 / (stamps[-1] - stamps[0]) >= 47.5


async def test_resubscribe_resumes_paused_channel(world):
    """A manager fixing permissions and running /subscribe again would still get nothing."""
    sub = await world.subscribe(1)
    world.sender.always[1] = NoAccess("Missing Permissions")
    for i in range(3):
        await world.add(f"Story {i}")
        await world.engine.run_instant()
    del world.sender.always[1]
    await world.storage.upsert_subscription(replace(sub))
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Story 0", "Story 1", "Story 2"]


class _Http:
    """Stands in for ``client.http``: records payloads, raises what it is told."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.payloads: list[dict] = []

    async def send_message(self, channel_id, *, params):
        if self.error:
            raise self.error
        self.payloads.append(params.payload)
        return {"id": "123456789"}


def _http_error(kind: type[discord.HTTPException], status: int, code: int) -> discord.HTTPException:
    # The two attributes discord.py reads of the response.
    response = cast(aiohttp.ClientResponse, SimpleNamespace(status=status, reason="x"))
    return kind(response, {"code": code, "message": "nope"})


async def test_discord_sender_sends_nonce_and_only_the_role():
    """A retried post would not be deduplicated by Discord, or could ping more than the chosen role."""
    http = _Http()
    sender = DiscordSender(SimpleNamespace(http=http))  # type: ignore[arg-type]
    message_id = await sender.send(
        5,
        content="<@&42>",
        embeds=[discord.Embed(title="t")],
        nonce="abc",
        allowed_mentions=allowed_mentions([42]),
    )
    assert message_id == 123456789
    payload = http.payloads[0]
    assert payload["nonce"] == "abc" and payload["enforce_nonce"] is True
    assert [int(r) for r in payload["allowed_mentions"]["roles"]] == [42]
    assert payload["allowed_mentions"]["parse"] == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_http_error(discord.Forbidden, 403, 50001), NoAccess),
        (_http_error(discord.NotFound, 404, 10003), ChannelGone),
        (_http_error(discord.NotFound, 404, 10008), MessageGone),
        (_http_error(discord.DiscordServerError, 503, 0), TransientError),
        (TimeoutError(), TransientError),
        (_http_error(discord.HTTPException, 400, 50035), Rejected),
    ],
)
async def test_discord_sender_maps_errors(error, expected):
    """A lost channel would be retried forever, or a Discord outage would pause healthy channels."""
    sender = DiscordSender(SimpleNamespace(http=_Http(error)))  # type: ignore[arg-type]
    with pytest.raises(expected):
        await sender.send(5, content=None, embeds=[], nonce="n", allowed_mentions=allowed_mentions(()))


async def test_keyword_filter_takes_other_forms_of_the_word(world):
    """A channel following 'sanction' would miss 'Banks sanctioned', or one following
    'grid' would get 'Gridlock'."""
    await world.subscribe(1, keywords=("sanction", "тариф"))
    await world.add("Banks sanctioned over grain exports")
    await world.add("Gridlock in parliament")
    await world.add("Нові тарифи на тепло")
    await world.engine.run_instant()
    assert world.sender.titles(1) == ["Banks sanctioned over grain exports", "Нові тарифи на тепло"]
