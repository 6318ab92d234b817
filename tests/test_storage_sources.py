"""The sources part of the storage contract on every backend: sources and their poll record,
the memory of entries that makes each import once, and review drafts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import EntryRecord, EntryState, Source, SourceMode, SourceStatus, fingerprint
from storage import NotFoundError, StorageError
from tests.helpers import analysis, draft
from tests.storage_fixtures import ContractStorage

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def source(url: str = "https://ministry.example/feed.xml", **changes: object) -> Source:
    fields: dict[str, object] = {"id": 0, "url": url, "name": "Ministry press office"}
    fields.update(changes)
    return Source(**fields)  # type: ignore[arg-type]


def record(key: str, **changes: object) -> EntryRecord:
    fields: dict[str, object] = {
        "source_id": None,
        "key": key,
        "link": f"https://ministry.example/{key}",
        "entry_hash": f"hash-{key}",
        "state": EntryState.PUBLISHED,
    }
    fields.update(changes)
    return EntryRecord(**fields)  # type: ignore[arg-type]


async def test_a_source_keeps_what_the_publisher_chose(storage: ContractStorage):
    """A source would come back with other topics, mode or interval than the publisher set."""
    added = await storage.add_source(
        source(
            topics=("energy", "grid"),
            language="uk",
            timezone="Europe/Kyiv",
            interval_minutes=15,
            mode=SourceMode.REVIEW,
            full_text=True,
            added_by=42,
        ),
        now=NOW,
    )
    assert added.id > 0
    assert (added.topics, added.language, added.timezone, added.interval_minutes) == (
        ("energy", "grid"),
        "uk",
        "Europe/Kyiv",
        15,
    )
    assert added.mode is SourceMode.REVIEW and added.full_text and added.added_by == 42
    assert added.status is SourceStatus.ACTIVE and added.failures == 0
    assert added.next_poll_at == NOW and added.created_at == NOW and added.last_success_at is None
    assert await storage.get_source(added.id) == added
    assert await storage.list_sources() == [added]


async def test_the_same_url_cannot_be_followed_twice(storage: ContractStorage):
    """Two sources on one feed would import every entry twice over and poll it twice as often."""
    first = await storage.add_source(source(), now=NOW)
    with pytest.raises(StorageError, match=f"source #{first.id} .*already follows"):
        await storage.add_source(source(name="Again"), now=NOW)
    assert len(await storage.list_sources()) == 1


async def test_due_sources_are_claimed_once(storage: ContractStorage):
    """Two pollers (or two processes) would fetch the same feed at once, or a paused one at all."""
    due = await storage.add_source(source("https://a.example/feed"), now=NOW)
    later = await storage.add_source(
        source("https://b.example/feed", next_poll_at=NOW + timedelta(minutes=5)), now=NOW
    )
    paused = await storage.add_source(source("https://c.example/feed"), now=NOW)
    await storage.set_source_status(paused.id, SourceStatus.PAUSED, "paused by a publisher")
    lease = NOW + timedelta(minutes=2)
    claimed = await storage.claim_due_sources(NOW, lease_until=lease, limit=10)
    assert [s.id for s in claimed] == [due.id]
    assert claimed[0].next_poll_at == lease
    assert await storage.claim_due_sources(NOW, lease_until=lease, limit=10) == []
    again = await storage.claim_due_sources(NOW + timedelta(minutes=6), lease_until=lease, limit=10)
    assert [s.id for s in again] == [due.id, later.id]


async def test_failures_make_a_source_failing_and_success_restores_it(storage: ContractStorage):
    """A feed that keeps failing would never be reported, or stay marked failing after it recovered."""
    added = await storage.add_source(source(), now=NOW)
    later = NOW + timedelta(minutes=10)
    for n in range(1, 3):
        polled = await storage.record_poll(
            added.id, now=NOW, next_poll_at=later, error="HTTP 500 from the server", failure_threshold=3
        )
        assert polled is not None and polled.failures == n and polled.status is SourceStatus.ACTIVE
    deferred = await storage.record_poll(
        added.id, now=NOW, next_poll_at=later, error="HTTP 429", counts=False, failure_threshold=3
    )
    assert deferred is not None and deferred.failures == 2
    failing = await storage.record_poll(
        added.id, now=NOW, next_poll_at=later, error="HTTP 500 from the server", failure_threshold=3
    )
    assert failing is not None
    assert failing.status is SourceStatus.FAILING and failing.status_reason == "HTTP 500 from the server"
    assert failing.last_success_at is None and failing.last_polled_at == NOW and failing.next_poll_at == later
    ok = await storage.record_poll(
        added.id,
        now=later,
        next_poll_at=later,
        error=None,
        etag='"v2"',
        last_modified="Thu",
        failure_threshold=3,
    )
    assert ok is not None
    assert (ok.status, ok.status_reason, ok.failures) == (SourceStatus.ACTIVE, None, 0)
    assert (ok.etag, ok.last_modified, ok.last_success_at) == ('"v2"', "Thu", later)
    await storage.remove_source(added.id)
    assert (
        await storage.record_poll(added.id, now=NOW, next_poll_at=later, error=None, failure_threshold=3)
        is None
    )


async def test_a_poll_that_ends_while_paused_keeps_the_pause(storage: ContractStorage):
    """A publisher's pause would be undone by a poll that was already running."""
    added = await storage.add_source(source(), now=NOW)
    await storage.set_source_status(added.id, SourceStatus.PAUSED, "paused by a publisher")
    after = await storage.record_poll(added.id, now=NOW, next_poll_at=NOW, error=None, failure_threshold=3)
    assert after is not None and after.status is SourceStatus.PAUSED
    resumed = await storage.set_source_status(added.id, SourceStatus.ACTIVE, None, next_poll_at=NOW)
    assert resumed.status is SourceStatus.ACTIVE and resumed.status_reason is None
    with pytest.raises(NotFoundError):
        await storage.set_source_status(9999, SourceStatus.PAUSED, "x")


async def test_entries_are_found_by_key_or_link_and_updated_in_place(storage: ContractStorage):
    """The same entry would be imported again when its GUID changed but its link did not, or twice."""
    added = await storage.add_source(source(), now=NOW)
    [first] = await storage.record_entries(
        [record("a", source_id=added.id, briefing_id=7, fingerprint="fp")], now=NOW
    )
    assert (first.state, first.briefing_id, first.source_id, first.seen_at) == (
        EntryState.PUBLISHED,
        7,
        added.id,
        first.updated_at,
    )
    assert [e.id for e in await storage.find_entries(["a"], [])] == [first.id]
    assert [e.id for e in await storage.find_entries(["other"], ["https://ministry.example/a"])] == [first.id]
    assert await storage.find_entries(["nothing"], ["https://elsewhere.example/"]) == []
    [again] = await storage.record_entries(
        [record("a", source_id=added.id, entry_hash="new", briefing_id=7, copies_stale=True)],
        now=NOW + timedelta(hours=1),
    )
    assert again.id == first.id and again.entry_hash == "new" and again.copies_stale
    assert again.seen_at == first.seen_at and again.updated_at > first.updated_at
    assert [e.id for e in await storage.stale_entries()] == [first.id]
    await storage.mark_copies_corrected(first.id)
    assert await storage.stale_entries() == []


async def test_many_entries_are_recorded_and_found_in_one_call(storage: ContractStorage):
    """A first poll's hundreds of skipped entries would cost a transaction each, or be lost."""
    records = [record(f"e{i}", state=EntryState.SKIPPED) for i in range(700)]
    stored = await storage.record_entries(records)
    assert len(stored) == 700
    found = await storage.find_entries([r.key for r in records], [])
    assert len(found) == 700 and {e.state for e in found} == {EntryState.SKIPPED}


async def test_a_draft_waits_until_approved_or_rejected(storage: ContractStorage):
    """A review-mode entry would reach readers before approval, or come back after rejection."""
    added = await storage.add_source(source(mode=SourceMode.REVIEW), now=NOW)
    text = draft(title="Port fees frozen", body="The port froze its fees.", url="https://port.example/fees")
    fp = fingerprint(text.title, text.body)
    [entry] = await storage.record_entries(
        [record("d1", source_id=added.id, state=EntryState.DRAFT, draft=text, fingerprint=fp)], now=NOW
    )
    assert entry.state is EntryState.DRAFT
    [waiting] = await storage.drafts()
    assert waiting.id == entry.id and waiting.source_name == "Ministry press office"
    assert waiting.draft == text and not waiting.edited
    assert await storage.count_briefings() == 0  # a draft is not a briefing
    assert await storage.latest(5, now=NOW) == []

    edited = await storage.update_draft(entry.id, draft(title="Port fees frozen for a year", body=text.body))
    assert edited.draft.title == "Port fees frozen for a year" and edited.edited

    assert await storage.resolve_draft(entry.id, briefing_id=None, now=NOW) is True
    assert await storage.drafts() == [] and await storage.get_draft(entry.id) is None
    assert await storage.resolve_draft(entry.id, briefing_id=5) is False  # not waiting any more
    with pytest.raises(NotFoundError):
        await storage.update_draft(entry.id, text)
    # The feed updates the rejected entry: it stays rejected.
    [kept] = await storage.record_entries(
        [record("d1", source_id=added.id, state=EntryState.DRAFT, draft=text, entry_hash="changed")]
    )
    assert kept.state is EntryState.REJECTED and kept.entry_hash == "changed"
    assert await storage.drafts() == []


async def test_an_approved_draft_is_not_turned_back_into_one(storage: ContractStorage):
    """A poll running while an editor approved would put the published entry back in the queue."""
    text = draft(title="Rail timetable changes", body="The rail operator changed its timetable.")
    [entry] = await storage.record_entries([record("d2", state=EntryState.DRAFT, draft=text)])
    assert await storage.resolve_draft(entry.id, briefing_id=11) is True
    [after] = await storage.record_entries([record("d2", state=EntryState.DRAFT, draft=text)])
    assert after.state is EntryState.PUBLISHED and after.briefing_id == 11


async def test_a_draft_of_a_story_already_stored_links_to_it(storage: ContractStorage):
    """An editor would be asked to review a story the archive already has (added by hand)."""
    stored = await storage.add_briefing(draft(url="https://ministry.example/grid"), analysis(), now=NOW)
    same_link = draft(title="Another title", body="Other words.", url="https://ministry.example/grid")
    [entry] = await storage.record_entries([record("d3", state=EntryState.DRAFT, draft=same_link)])
    assert entry.state is EntryState.PUBLISHED and entry.briefing_id == stored.briefing_id
    assert await storage.drafts() == []


async def test_removing_a_source_keeps_its_memory_but_drops_its_drafts(storage: ContractStorage):
    """Re-adding a removed feed would import everything again, or its drafts would linger orphaned."""
    added = await storage.add_source(source(), now=NOW)
    await storage.record_entries(
        [
            record("p", source_id=added.id, briefing_id=3),
            record("r", source_id=added.id, state=EntryState.REJECTED),
            record("w", source_id=added.id, state=EntryState.DRAFT, draft=draft(title="Waiting")),
        ]
    )
    removed = await storage.remove_source(added.id)
    assert removed.url == added.url
    assert await storage.get_source(added.id) is None and await storage.drafts() == []
    kept = {e.key: e for e in await storage.find_entries(["p", "r", "w"], [])}
    assert set(kept) == {"p", "r"} and all(e.source_id is None for e in kept.values())
    with pytest.raises(NotFoundError):
        await storage.remove_source(added.id)
