"""Polling sources without Discord, on every storage backend: what a poll imports, how an
entry is recognised again, corrections, review drafts, failures, and that a crash at any
point imports nothing twice."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.config import Config, SourcesConfig
from bot.delivery.status import CopyReport
from bot.errors import UserFacingError
from bot.i18n import Message
from bot.models import Draft, EntryState, SourceStatus
from bot.newsroom import Newsroom
from bot.publishing import Added, Edited, PublishingDesk
from bot.sources import Outcome, SourceDesk, build_sources
from tests.feedserver import ALLOWED, RESOLVER, FeedServer
from tests.storage_fixtures import ContractStorage

START = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


def rss(
    *items: tuple[str, str, str], dates: dict[str, datetime] | None = None, link_suffix: str = ""
) -> bytes:
    """An RSS 2.0 feed of ``(guid, title, body)``, newest first, an hour apart."""
    parts = []
    for n, (guid, title, body) in enumerate(items):
        when = (dates or {}).get(guid, START - timedelta(hours=n + 1))
        parts.append(
            f"<item><title>{title}</title><link>https://gov.example/news/{guid}{link_suffix}</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>{format_datetime(when)}</pubDate>'
            f"<description><![CDATA[<p>{body}</p>]]></description></item>"
        )
    return f'<rss version="2.0"><channel><title>Gov news</title>{"".join(parts)}</channel></rss>'.encode()


def story(n: int, extra: str = "") -> tuple[str, str, str]:
    return (
        f"item-{n}",
        f"Council decision number {n}",
        f"The regional council adopted decision {n} on water tariffs for district {n}.{extra} "
        f"It takes effect next month, officials said.",
    )


@dataclass
class FakeCopies:
    corrected: list[int] = field(default_factory=list)

    async def correct(self, briefing_id: int) -> CopyReport:
        self.corrected.append(briefing_id)
        return CopyReport(edited=1)

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport()


class NoCopies:
    """The CLI's: no Discord connection, so no posted copy is corrected."""

    async def correct(self, briefing_id: int) -> CopyReport:
        return CopyReport()

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport:
        return CopyReport()


@dataclass
class FakeWakeup:
    count: int = 0

    async def briefing_added(self) -> None:
        self.count += 1


class CrashError(Exception):
    """The process died at this point."""


class CrashAfter:
    """The publishing desk, dying right after it stored (before the poller records the entry)."""

    def __init__(self, desk: PublishingDesk, *, on: str) -> None:
        self.desk, self.on = desk, on

    async def add(self, draft: Draft) -> Added:
        added = await self.desk.add(draft)
        if self.on == "add":
            raise CrashError("killed after storing the briefing")
        return added

    async def edit(self, briefing_id: int, draft: Draft) -> Edited:
        edited = await self.desk.edit(briefing_id, draft)
        if self.on == "edit":
            raise CrashError("killed after correcting the briefing")
        return edited


@dataclass
class World:
    storage: ContractStorage
    server: FeedServer
    clock: ManualClock
    copies: FakeCopies
    wakeup: FakeWakeup
    publishing: PublishingDesk
    desk: SourceDesk
    notices: list[str]
    config: Config

    def make_desk(self, *, copies: Any = "default", publisher: Any = None) -> SourceDesk:
        async def notify(message: Message) -> None:
            self.notices.append(str(message))

        made = build_sources(
            self.storage,
            publisher or self.publishing,
            self.config,
            copies=self.copies if copies == "default" else copies,
            notify=notify,
            resolver=RESOLVER,
            clock=self.clock,
            rng=random.Random(5),
        )
        return made

    async def briefings(self) -> list[Any]:
        refs = await self.storage.list_briefings(limit=100)
        return [await self.storage.get_briefing(r.id, include_embargoed=True) for r in refs]

    async def add(self, url: str, **options: Any) -> int:
        return (await self.desk.add(url, **options)).id

    async def poll(self, source_id: int, desk: SourceDesk | None = None) -> Any:
        [report] = await (desk or self.desk).poll(source_id)
        return report


@pytest_asyncio.fixture
async def world(storage: ContractStorage) -> AsyncIterator[World]:
    server = await FeedServer().start()
    clock = ManualClock(START)
    config = Config(sources=SourcesConfig(allowed_private_networks=ALLOWED, request_timeout_seconds=5))
    copies, wakeup = FakeCopies(), FakeWakeup()
    publishing = PublishingDesk(Newsroom(storage, config, clock=clock), copies, wakeup)
    made = World(storage, server, clock, copies, wakeup, publishing, None, [], config)  # type: ignore[arg-type]
    made.desk = made.make_desk()
    try:
        yield made
    finally:
        await made.desk.close()
        await server.stop()


def outcomes(report: Any) -> list[str]:
    return [i.outcome.value for i in report.items]


async def test_a_first_poll_imports_the_newest_few_and_later_polls_only_new_ones(world: World):
    """A new feed would flood the archive and channels with its whole history, or import an entry twice."""
    url = world.server.serve("/feed.xml", rss(*(story(n) for n in range(8, 0, -1))))
    source_id = await world.add(url, topics="water, local")
    first = await world.poll(source_id)
    assert first.error is None and first.kind == "rss20"
    assert outcomes(first) == ["added"] * 5 + ["skipped"] * 3
    stored = await world.briefings()
    assert sorted(b.title for b in stored) == sorted(f"Council decision number {n}" for n in range(4, 9))
    assert {b.id for b in stored if b.title.endswith("8")} == {max(b.id for b in stored)}  # oldest first
    assert stored[0].tags[:2] == ("water", "local")
    assert stored[0].source_url.startswith("https://gov.example/news/item-")
    assert world.wakeup.count == 5  # each went through the publishing desk, so delivery follows
    again = await world.poll(source_id)
    assert outcomes(again) == ["unchanged"] * 5 + ["skipped"] * 3
    world.server.serve("/feed.xml", rss(*(story(n) for n in range(9, 0, -1))))
    third = await world.poll(source_id)
    assert outcomes(third)[0] == "added" and outcomes(third).count("added") == 1
    assert len(await world.briefings()) == 6
    source = await world.storage.get_source(source_id)
    assert source is not None and source.last_success_at == START and source.status is SourceStatus.ACTIVE


async def test_an_entry_changed_only_in_timestamps_or_tracking_is_not_a_correction(world: World):
    """A feed that re-stamps items or adds utm_ parameters would correct every posted copy on every poll."""
    url = world.server.serve("/feed.xml", rss(story(1)))
    source_id = await world.add(url)
    await world.poll(source_id)
    restamped = rss(story(1), dates={"item-1": START + timedelta(days=3)}, link_suffix="?utm_source=rss")
    world.server.serve("/feed.xml", restamped)
    report = await world.poll(source_id)
    assert outcomes(report) == ["unchanged"] and world.copies.corrected == []


async def test_a_changed_entry_corrects_the_briefing_and_its_posted_copies(world: World):
    """A ministry's correction would be ignored, posted as a new briefing, or leave wrong copies in channels."""
    url = world.server.serve("/feed.xml", rss(story(1)))
    source_id = await world.add(url)
    [added] = (await world.poll(source_id)).items
    before = await world.storage.get_briefing(added.briefing_id, include_embargoed=True)
    world.server.serve("/feed.xml", rss(story(1, extra=" The tariff rises by 4 per cent, not 14.")))
    report = await world.poll(source_id)
    [item] = report.items
    assert item.outcome is Outcome.CORRECTED and item.briefing_id == added.briefing_id
    after = await world.storage.get_briefing(added.briefing_id, include_embargoed=True)
    assert after is not None and before is not None
    assert "4 per cent, not 14" in after.body and after.published_at == before.published_at
    assert world.copies.corrected == [added.briefing_id]  # the path an edit by hand takes
    assert len(await world.briefings()) == 1
    assert outcomes(await world.poll(source_id)) == ["unchanged"]


async def test_a_person_s_edit_or_removal_wins_over_the_feed(world: World):
    """A feed update would overwrite an editor's correction, or bring back a briefing a publisher removed."""
    url = world.server.serve("/feed.xml", rss(story(1), story(2)))
    source_id = await world.add(url)
    first, second = (await world.poll(source_id)).items
    briefing = await world.storage.get_briefing(first.briefing_id, include_embargoed=True)
    assert briefing is not None
    edited = replace(
        Draft(briefing.title, briefing.body + " Editor's note added.", briefing.published_at),
        tags=briefing.tags,
    )
    await world.publishing.edit(briefing.id, edited)
    await world.publishing.remove(second.briefing_id, delete_posts=False)
    world.server.serve("/feed.xml", rss(story(1, " Changed."), story(2, " Changed too.")))
    report = await world.poll(source_id)
    assert outcomes(report) == ["kept", "kept"]
    assert "edited by hand" in (report.items[0].reason or "") and "removed" in (report.items[1].reason or "")
    kept = await world.storage.get_briefing(briefing.id, include_embargoed=True)
    assert kept is not None and kept.body.endswith("Editor's note added.")
    assert [b.id for b in await world.briefings()] == [briefing.id]


async def test_an_entry_that_vanishes_from_the_feed_stays(world: World):
    """Feeds drop old items; the archive would lose briefings each time one scrolled off."""
    url = world.server.serve("/feed.xml", rss(story(2), story(1)))
    source_id = await world.add(url)
    await world.poll(source_id)
    world.server.serve("/feed.xml", rss(story(3)))
    await world.poll(source_id)
    assert len(await world.briefings()) == 3


async def test_duplicate_guids_and_the_same_story_elsewhere_import_once(world: World):
    """One GUID listed twice, one item in two feeds, or a story already added by hand would be stored twice."""
    agri = world.server.fixture("/agri.xml", "duplicate-guids.xml")
    report = await world.poll(await world.add(agri))
    assert outcomes(report) == ["added", "added"]
    uk = world.server.fixture("/uk.xml", "uk.xml")
    also = world.server.fixture("/uk-copy.xml", "uk.xml").replace("feeds.test", "other.test")
    assert outcomes(await world.poll(await world.add(uk))) == ["added"]
    assert outcomes(await world.poll(await world.add(also))) == ["unchanged"]  # same URI GUID
    hand = await world.publishing.add(
        Draft("Port fees frozen", "The port froze its fees for a year.", START, "https://port.example/fees")
    )
    assert hand.briefing is not None
    feed = rss(("fees", "Port fees frozen", "The port froze its fees for a year."))
    report = await world.poll(await world.add(world.server.serve("/port.xml", feed)))
    assert outcomes(report) == ["duplicate"] and report.items[0].briefing_id == hand.briefing.id
    assert len(await world.briefings()) == 4


async def test_review_mode_holds_drafts_until_approved(world: World):
    """A review-mode source would publish without an editor, or an approved draft would not reach channels."""
    url = world.server.serve("/feed.xml", rss(story(2), story(1)))
    source_id = await world.add(url, mode="review")
    report = await world.poll(source_id)
    assert outcomes(report) == ["draft", "draft"]
    assert await world.briefings() == [] and world.wakeup.count == 0
    drafts = await world.desk.drafts()
    assert [d.draft.title for d in drafts] == ["Council decision number 1", "Council decision number 2"]
    approved = await world.desk.approve(drafts[0].id, by=9)
    assert not approved.duplicate and world.wakeup.count == 1
    [briefing] = await world.briefings()
    assert briefing.id == approved.briefing_id and briefing.title == "Council decision number 1"
    with pytest.raises(UserFacingError, match="is not waiting"):
        await world.desk.approve(drafts[0].id)
    rejected = await world.desk.reject(drafts[1].id)
    assert rejected.draft.title == "Council decision number 2"
    # The rejected entry changes in the feed: it stays rejected; the approved one is a briefing now.
    world.server.serve("/feed.xml", rss(story(2, " Updated."), story(1)))
    assert outcomes(await world.poll(source_id)) == ["rejected", "unchanged"]
    assert await world.desk.drafts() == [] and len(await world.briefings()) == 1


async def test_a_waiting_draft_follows_the_feed_unless_an_editor_changed_it(world: World):
    """A draft would show stale text after the ministry corrected it, or lose an editor's changes."""
    url = world.server.serve("/feed.xml", rss(story(2), story(1)))
    source_id = await world.add(url, mode="review")
    await world.poll(source_id)
    one, two = await world.desk.drafts()
    await world.desk.edit_draft(two.id, replace(two.draft, title="Decision 2, as the editor put it"))
    world.server.serve("/feed.xml", rss(story(2, " Corrected."), story(1, " Corrected.")))
    report = await world.poll(source_id)
    assert outcomes(report) == ["kept", "draft updated"]
    after = {d.id: d for d in await world.desk.drafts()}
    assert after[one.id].draft.body.count("Corrected.") == 1
    assert after[two.id].draft.title == "Decision 2, as the editor put it"


@pytest.mark.parametrize("crash", ["add", "edit"])
async def test_a_crash_between_storing_and_recording_imports_nothing_twice(world: World, crash: str):
    """A restart between fetching and recording would store an entry twice or lose a correction."""
    url = world.server.serve("/feed.xml", rss(story(2), story(1)))
    source_id = await world.add(url)
    if crash == "edit":
        await world.poll(source_id)
        world.server.serve("/feed.xml", rss(story(2, " Corrected."), story(1)))
    dying = world.make_desk(publisher=CrashAfter(world.publishing, on=crash))
    with pytest.raises(CrashError):
        await world.poll(source_id, dying)
    await dying.close()
    restarted = world.make_desk()
    try:
        report = await world.poll(source_id, restarted)
    finally:
        await restarted.close()
    stored = await world.briefings()
    assert len(stored) == 2
    if crash == "add":
        assert sorted(outcomes(report)) == ["added", "duplicate"]  # the one stored before the crash
    else:
        assert outcomes(report) == ["corrected", "unchanged"]
        assert any("Corrected." in b.body for b in stored)
        assert world.copies.corrected  # the copies are corrected after the restart
    entries = await world.storage.find_entries([], [f"https://gov.example/news/item-{n}" for n in (1, 2)])
    assert len(entries) == 2 and {e.state for e in entries} == {EntryState.PUBLISHED}


async def test_a_correction_made_without_discord_is_finished_by_the_bot(world: World):
    """`briefbot source poll` would correct a briefing while its posted copies kept the old text for ever."""
    url = world.server.serve("/feed.xml", rss(story(1)))
    source_id = await world.add(url)
    await world.poll(source_id)
    cli = PublishingDesk(Newsroom(world.storage, world.config, clock=world.clock), NoCopies(), world.wakeup)
    offline = world.make_desk(copies=None, publisher=cli)
    try:
        world.server.serve("/feed.xml", rss(story(1, " Corrected.")))
        [item] = (await world.poll(source_id, offline)).items
    finally:
        await offline.close()
    assert item.outcome is Outcome.CORRECTED and "corrected by the bot" in (item.reason or "")
    [stale] = await world.storage.stale_entries()
    assert world.copies.corrected == []
    assert await world.desk.poll_due() == []  # nothing due, but the stale copies are seen to
    assert world.copies.corrected == [stale.briefing_id]
    assert await world.storage.stale_entries() == []


async def test_failures_back_off_then_mark_the_source_failing_and_tell_publishers(world: World):
    """A dead feed would be hammered every few minutes, or fail silently for weeks."""
    url = world.server.serve("/feed.xml", b"server trouble", status=500)
    source_id = await world.add(url, interval=10)
    waits = []
    source = None
    for _ in range(5):
        report = await world.poll(source_id)
        assert report.error is not None and "feed.xml: HTTP 500" in report.error
        source = await world.storage.get_source(source_id)
        assert source is not None and source.next_poll_at is not None
        waits.append((source.next_poll_at - START).total_seconds() / 60)
    assert waits == sorted(waits) and waits[0] >= 18 and waits[-1] <= 24 * 60 * 1.1
    assert source is not None and source.status is SourceStatus.FAILING
    assert "HTTP 500" in (source.status_reason or "")
    [notice] = world.notices
    assert notice.startswith(f"Source #{source_id} (feeds.test) is failing after 5 attempts in a row")
    world.server.fixture("/feed.xml", "rss20.xml")
    assert (await world.poll(source_id)).error is None
    healed = await world.storage.get_source(source_id)
    assert healed is not None and healed.status is SourceStatus.ACTIVE and healed.failures == 0
    assert len(world.notices) == 1


async def test_retry_after_and_not_modified_are_respected(world: World):
    """A 429 would be retried at once; an unchanged feed (304) would count as a failure or re-import."""
    limited = world.server.serve("/busy.xml", b"", status=429, headers={"Retry-After": "7200"})
    busy = await world.add(limited)
    report = await world.poll(busy)
    assert report.error is not None and "429" in report.error
    source = await world.storage.get_source(busy)
    assert source is not None and source.next_poll_at is not None
    assert source.next_poll_at >= START + timedelta(seconds=7200)
    fresh = world.server.fixture("/etag.xml", "rss20.xml", etag='"e1"').replace("feeds.test", "other.test")
    etagged = await world.add(fresh)
    assert outcomes(await world.poll(etagged)) == ["added"] * 3
    second = await world.poll(etagged)
    assert second.not_modified and second.items == () and second.error is None
    assert world.server.hits("/etag.xml")[1].headers.get("If-None-Match") == '"e1"'


async def test_refusals_and_hostile_documents_store_nothing(world: World):
    """A feed redirecting to an internal host, or serving an entity bomb, would be fetched, parsed or stored."""
    world.server.fixture("/inside.xml", "rss20.xml")
    hop = world.server.redirect("/hop.xml", world.server.url("/inside.xml", host="127.0.0.2"))
    report = await world.poll(await world.add(hop))
    assert report.error is not None and "refused: 127.0.0.2 is a loopback address" in report.error
    bomb = world.server.fixture("/laughs.xml", "billion-laughs.xml")
    report = await world.poll(await world.add(bomb))
    assert report.error is not None and "laughs.xml: the document declares XML entities" in report.error
    assert world.server.forbidden_hits == [] and await world.briefings() == []
    with pytest.raises(UserFacingError, match=r"Cannot follow .*10\.0\.0\.5, a private address"):
        await world.desk.add(world.server.url("/x", host="intranet.test"))
    with pytest.raises(UserFacingError, match=r"Cannot follow .*scheme 'file' is not allowed"):
        await world.desk.add("file:///etc/passwd")


async def test_teaser_entries_get_their_article_when_full_text_is_on(world: World):
    """A teaser-only feed would store one-line briefings, or its pages' menus and footers."""
    world.server.fixture("/articles/vaccination", "article-vaccination.html", content_type="text/html")
    world.server.fixture("/articles/waiting-times", "article-waiting-times.html", content_type="text/html")
    feed = world.server.fixture("/teaser.xml", "teaser.xml")
    with_text = await world.poll(await world.add(feed, full_text=True))
    assert outcomes(with_text) == ["added", "added"]
    by_title = {b.title: b for b in await world.briefings()}
    body = by_title["Vaccination points open in rural clinics"].body
    assert body.startswith("Forty rural clinics will offer routine vaccinations from April")
    assert "Larysa Bondar" in body and "Home" not in body and "all rights reserved" not in body
    assert by_title["Vaccination points open in rural clinics"].source_url == (
        world.server.url("/articles/vaccination")
    )


async def test_teasers_stay_teasers_without_full_text_and_a_missing_page_falls_back(world: World):
    """Without full_text a page would be fetched anyway; a missing page would lose the entry."""
    feed = world.server.fixture("/teaser.xml", "teaser.xml")
    report = await world.poll(await world.add(feed))
    assert outcomes(report) == ["added", "added"]
    assert world.server.hits("/articles/vaccination") == []
    assert {b.body for b in await world.briefings()} == {
        "Forty rural clinics will offer vaccinations from April… Read more",
        "Hospitals will publish their waiting times every month…",
    }
    elsewhere = world.server.replies["/teaser.xml"].body.replace(b"health.example", b"clinic.example")
    other = world.server.serve("/teaser2.xml", elsewhere).replace("feeds.test", "other.test")
    report = await world.poll(await world.add(other, full_text=True))
    assert outcomes(report) == ["duplicate", "duplicate"]  # the same text, under other links
    assert all("article not read, the feed's text used" in (i.reason or "") for i in report.items)  # a 404


async def test_a_single_page_is_a_source_and_its_changes_are_corrections(world: World):
    """A ministry's statement page (no feed) could not be followed, or each edit would be a new briefing."""
    url = world.server.fixture("/statement", "page.html", content_type="text/html; charset=utf-8")
    source_id = await world.add(url, timezone="Europe/Kyiv")
    report = await world.poll(source_id)
    assert report.kind == "page" and outcomes(report) == ["added"]
    [briefing] = await world.briefings()
    assert briefing.title == "Statement on the spring flood season"
    assert briefing.source_url == "https://civil.example/statements/spring-floods"
    assert briefing.published_at == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    page = world.server.replies["/statement"].body.replace(b"forty pumping units", b"fifty pumping units")
    world.server.serve("/statement", page, content_type="text/html")
    assert outcomes(await world.poll(source_id)) == ["corrected"]
    [after] = await world.briefings()
    assert "fifty pumping units" in after.body and after.id == briefing.id


async def test_a_test_fetch_says_what_would_happen_and_stores_nothing(world: World):
    """/source test would import what it only meant to show, or hide what a first poll would skip."""
    url = world.server.serve("/feed.xml", rss(*(story(n) for n in range(7, 0, -1))))
    report = await world.desk.test(url)
    assert outcomes(report) == ["new"] * 5 + ["skipped"] * 2
    assert await world.briefings() == [] and await world.storage.list_sources() == []
    source_id = await world.add(url)
    await world.poll(source_id)
    world.server.serve("/feed.xml", rss(story(8), *(story(n, " Changed.") for n in range(7, 0, -1))))
    assert outcomes(await world.desk.test(url)) == [
        "new",
        "changed",
        "changed",
        "changed",
        "changed",
        "changed",
        "skipped",
        "skipped",
    ]
    broken = await world.desk.test(world.server.serve("/bad.xml", b"nope", status=503))
    assert broken.error is not None and "HTTP 503" in broken.error


async def test_due_sources_are_polled_on_their_interval(world: World):
    """Sources would be polled all at once on every tick, or never again after the first poll."""
    first = await world.add(world.server.serve("/a.xml", rss(story(1))), interval=5)
    second = await world.add(
        world.server.serve("/b.xml", rss(story(2))).replace("feeds.test", "other.test"), interval=30
    )
    paused = await world.add(world.server.serve("/c.xml", rss(story(3))).replace("feeds.test", "third.test"))
    await world.desk.pause(paused)
    assert sorted(r.source_id for r in await world.desk.poll_due()) == [first, second]
    assert await world.desk.poll_due() == []
    world.clock.advance(6 * 60)
    assert [r.source_id for r in await world.desk.poll_due()] == [first]
    resumed = await world.desk.resume(paused)
    assert resumed.status is SourceStatus.ACTIVE
    assert [r.source_id for r in await world.desk.poll_due()] == [paused]
    assert len(world.server.hits("/a.xml")) == 2 and len(world.server.hits("/b.xml")) == 1


async def test_publishers_get_clear_errors_for_bad_options(world: World):
    """A typo in an option would be stored, or refused without saying which option and why."""
    url = world.server.serve("/feed.xml", rss(story(1)))
    for options, message in (
        ({"interval": 1}, "The interval is 2 to 10080 minutes, not 1."),
        ({"mode": "auto"}, "mode must be publish or review, not 'auto'."),
        ({"language": "de"}, "language must be en, uk or ru, not 'de'."),
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone name"),
        ({"topics": ",".join(f"t{n}" for n in range(12))}, "topics: 12 distinct tags"),
    ):
        with pytest.raises(UserFacingError) as refused:
            await world.desk.add(url, **options)
        assert str(refused.value).startswith(message), refused.value
    source_id = await world.add(url)
    with pytest.raises(UserFacingError, match=f"already follows {url}"):
        await world.desk.add(url)
    await world.desk.remove(source_id)
    with pytest.raises(UserFacingError, match=f"No source #{source_id}."):
        await world.desk.remove(source_id)
