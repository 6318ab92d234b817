"""Polling a source: fetch, parse, decide what each entry is, and store it once.

For every entry, in this order:

- seen before (same key, or same canonical link from any source) and unchanged: nothing;
- seen and rejected by an editor, or skipped on the source's first poll: nothing, ever;
- seen and changed (its text, not its dates): a waiting draft is updated; a briefing is
  corrected through ``PublishingDesk.edit``, the path an edit by hand takes, so its posted
  copies are corrected too. Unless a person changed it since (the stored text is not what
  was imported) or removed it: a person's edit wins over the feed;
- new: a briefing through ``PublishingDesk.add`` (publish mode: delivery follows), or a
  waiting draft (review mode). On a source's first poll only the newest
  ``first_poll_entries`` are imported; the older ones are remembered as skipped.

An entry that vanishes from the feed is not a retraction: feeds drop old items.

Exactly once: a briefing is added and then its entry recorded. A crash between the two
leaves a briefing without its entry; the next poll finds the entry new, adds it again, and
the archive answers with the stored duplicate (same link or same text), which is then
recorded. A correction is applied and then recorded; if the record is lost, the next poll
finds the briefing already holding the new text and only records it.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock
from bot.delivery.status import CopyReport
from bot.errors import UserFacingError
from bot.i18n import N_, Message
from bot.models import (
    Draft,
    EntryRecord,
    EntryState,
    SeenEntry,
    Source,
    SourceMode,
    SourceStatus,
    fingerprint,
)
from bot.publishing import Added, Edited
from bot.sources._article import Article, extract_article
from bot.sources._entries import EntryError, build_draft, canonical_link, entry_hash, entry_key
from bot.sources._feeds import FeedEntry, FeedError, ParsedFeed, looks_like_page, parse_feed
from bot.sources._fetch import PAGE_ACCEPT, Fetcher, FetchError, Response
from storage import Storage, StorageError

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 24 * 3600
JITTER = 0.1  # polls spread by up to ±10% of the interval, so sources added together drift apart
TEASER_CHARS = 500  # shorter than this, an entry's own text is taken for a teaser


class Publisher(Protocol):
    """What the poller needs of the publishing desk: the paths a publisher's own add and
    edit take."""

    async def add(self, draft: Draft) -> Added: ...

    async def edit(self, briefing_id: int, draft: Draft) -> Edited: ...


class Copies(Protocol):
    async def correct(self, briefing_id: int) -> CopyReport: ...


Notice = Callable[[Message], Awaitable[None]]


class Outcome(enum.StrEnum):
    ADDED = "added"
    DUPLICATE = "duplicate"  # the archive has it already (another source, or added by hand)
    DRAFTED = "draft"
    DRAFT_UPDATED = "draft updated"
    CORRECTED = "corrected"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"  # an editor rejected it earlier
    SKIPPED = "skipped"  # older than the newest entries a first poll imports
    KEPT = "kept"  # changed in the feed; the stored text was edited or removed by a person
    FAILED = "failed"
    NEW = "new"  # a test: would be imported
    CHANGED = "changed"  # a test: would be corrected


@dataclass(frozen=True, slots=True)
class ItemReport:
    outcome: Outcome
    title: str
    link: str | None = None
    briefing_id: int | None = None
    draft_id: int | None = None
    reason: str | None = None  # English, for the operator


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one source did."""

    source_id: int
    name: str
    url: str
    items: tuple[ItemReport, ...] = ()
    error: str | None = None  # names the URL and the reason
    not_modified: bool = False
    kind: str | None = None  # what the document was: "rss20", "atom10", "json", "page", ...
    status: SourceStatus | None = None  # the source's status afterwards

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)


@dataclass(frozen=True, slots=True)
class PollSettings:
    max_entries: int = 50  # per poll: the newest of a longer feed
    max_entry_chars: int = 20_000
    first_poll_entries: int = 5
    failure_threshold: int = 5
    concurrency: int = 10  # sources polled at once (each host still sees one request at a time)
    claim_batch: int = 200  # due sources taken per scheduler tick


@dataclass(frozen=True, slots=True)
class _Entry:
    entry: FeedEntry
    key: str
    link: str | None
    hash: str
    seen: SeenEntry | None


class SourcePoller:
    """Polls sources and imports their entries; ``live`` is whether the publisher's edits
    reach Discord (False in the CLI: copies it cannot correct are left for the bot)."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        publisher: Publisher,
        settings: PollSettings | None = None,
        *,
        clock: Clock | None = None,
        copies: Copies | None = None,
        notify: Notice | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._storage = storage
        self._fetcher = fetcher
        self._publisher = publisher
        self.settings = settings or PollSettings()
        self._clock = clock or SystemClock()
        self._copies = copies
        self._notify = notify
        self._rng = rng or random.Random()
        self._running: dict[int, asyncio.Task[PollReport]] = {}

    @property
    def live(self) -> bool:
        return self._copies is not None

    # -- scheduling ---------------------------------------------------------------------

    async def poll_due(self) -> list[PollReport]:
        """Poll every source whose time has come (the scheduler's job), a few at a time."""
        await self.correct_stale()
        now = self._clock.now()
        lease = now + timedelta(seconds=self._fetcher.limits.timeout_seconds * 4 + 300)
        due = await self._storage.claim_due_sources(now, lease_until=lease, limit=self.settings.claim_batch)
        if not due:
            return []
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(source: Source) -> PollReport | None:
            async with gate:
                try:
                    return await self.poll(source)
                except Exception:
                    # The lease brings it back later; nothing it stored is lost.
                    log.exception("source #%d (%s): poll failed", source.id, source.url)
                    return None

        reports = await asyncio.gather(*(one(s) for s in _across_hosts(due)))
        return [r for r in reports if r is not None]

    async def poll(self, source: Source) -> PollReport:
        """Poll one source now and record the outcome; one poll per source at a time."""
        running = self._running.get(source.id)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.create_task(self._poll(source))
        self._running[source.id] = task
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._running.pop(source.id, None)
            else:
                task.add_done_callback(lambda _: self._running.pop(source.id, None))

    async def correct_stale(self) -> int:
        """Correct the posted copies of briefings that changed where the bot was not
        connected (``briefbot source poll``); how many briefings."""
        if self._copies is None:
            return 0
        done = 0
        for entry in await self._storage.stale_entries():
            if entry.briefing_id is not None:
                await self._copies.correct(entry.briefing_id)
            await self._storage.mark_copies_corrected(entry.id)
            done += 1
        return done

    # -- one poll ---------------------------------------------------------------------

    async def _poll(self, source: Source) -> PollReport:
        now = self._clock.now()
        report = PollReport(source.id, source.name, source.url)
        try:
            response = await self._fetcher.get(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
        except FetchError as exc:
            return await self._failed(
                source, report, str(exc), counts=exc.counts, retry_after=exc.retry_after
            )
        if response.not_modified:
            updated = await self._storage.record_poll(
                source.id,
                now=now,
                next_poll_at=self._next_poll(source, now),
                error=None,
                etag=response.etag or source.etag,
                last_modified=response.last_modified or source.last_modified,
                failure_threshold=self.settings.failure_threshold,
            )
            self._recovered(source, updated)
            return replace(report, not_modified=True, status=updated.status if updated else None)
        try:
            parsed = await self._read(source, response)
        except FeedError as exc:
            return await self._failed(source, report, f"{response.url}: {exc}", counts=True)
        items = await self._import(source, parsed, now)
        updated = await self._storage.record_poll(
            source.id,
            now=now,
            next_poll_at=self._next_poll(source, now),
            error=None,
            etag=response.etag,
            last_modified=response.last_modified,
            failure_threshold=self.settings.failure_threshold,
        )
        self._recovered(source, updated)
        log.info(
            "source #%d: %d entries: %s",
            source.id,
            len(items),
            ", ".join(f"{o.value} {n}" for o in Outcome if (n := sum(1 for i in items if i.outcome is o))),
        )
        return replace(
            report, items=tuple(items), kind=parsed.kind, status=updated.status if updated else None
        )

    async def test(self, source: Source) -> PollReport:
        """Fetch and read a source as a poll would, and say what would be imported,
        storing nothing."""
        report = PollReport(source.id, source.name, source.url)
        try:
            response = await self._fetcher.get(source.url)
            parsed = await self._read(source, response)
        except FetchError as exc:
            return replace(report, error=str(exc))
        except FeedError as exc:
            return replace(report, error=f"{source.url}: {exc}")
        entries = await self._prepare(source, parsed.entries)
        first = source.last_success_at is None
        fresh = [e for e in entries if e.seen is None]
        chosen = (
            {e.key for e in fresh[: self.settings.first_poll_entries]} if first else {e.key for e in fresh}
        )
        items = []
        for e in entries:
            title = e.entry.title or e.entry.text[:80]
            if e.seen is None:
                outcome = Outcome.NEW if e.key in chosen else Outcome.SKIPPED
            elif e.seen.state is EntryState.REJECTED:
                outcome = Outcome.REJECTED
            elif e.seen.state is EntryState.SKIPPED:
                outcome = Outcome.SKIPPED
            else:
                outcome = Outcome.UNCHANGED if e.seen.entry_hash == e.hash else Outcome.CHANGED
            items.append(ItemReport(outcome, title, e.link, e.seen.briefing_id if e.seen else None))
        return replace(report, items=tuple(items), kind=parsed.kind)

    async def _read(self, source: Source, response: Response) -> ParsedFeed:
        """The fetched document as entries: a feed's, or a page's one article."""
        tz = ZoneInfo(source.timezone)
        if looks_like_page(response.body, response.content_type):
            article = await asyncio.to_thread(extract_article, response.body, response.url, tz)
            if article is None:
                raise FeedError("a web page without article text (and not an RSS, Atom or JSON feed)")
            entry = FeedEntry(
                guid=source.url,
                link=article.canonical_url or response.url,
                title=article.title or "",
                text=article.text,
                full=True,
                published=article.published,
            )
            return ParsedFeed("page", article.title, article.language, (entry,))
        return parse_feed(
            response.body,
            url=response.url,
            content_type=response.content_type,
            tz=tz,
            max_entries=self.settings.max_entries,
        )

    async def _prepare(self, source: Source, entries: Sequence[FeedEntry]) -> list[_Entry]:
        """Each entry with its key, link, hash and what storage remembers of it (one query)."""
        keyed = [(e, entry_key(source.id, e), canonical_link(e.link), entry_hash(e)) for e in entries]
        unique: dict[str, tuple[FeedEntry, str, str | None, str]] = {}
        for item in keyed:
            unique.setdefault(item[1], item)  # a feed listing one GUID twice: the first (newest) wins
        seen = await self._storage.find_entries(
            [k for _, k, _, _ in unique.values()], [lk for _, _, lk, _ in unique.values() if lk]
        )
        by_key = {s.key: s for s in seen}
        by_link = {s.link: s for s in sorted(seen, key=lambda s: s.id) if s.link}
        return [
            _Entry(e, k, lk, h, by_key.get(k) or (by_link.get(lk) if lk else None))
            for e, k, lk, h in unique.values()
        ]

    async def _import(self, source: Source, parsed: ParsedFeed, now: datetime) -> list[ItemReport]:
        entries = await self._prepare(source, parsed.entries)
        fresh = [e for e in entries if e.seen is None]
        skipped: list[_Entry] = []
        if source.last_success_at is None:  # the first poll: the newest few only
            keep = self.settings.first_poll_entries
            fresh, skipped = fresh[:keep], fresh[keep:]
        reports: dict[str, ItemReport] = {}
        if skipped:
            await self._storage.record_entries(
                [EntryRecord(source.id, e.key, e.link, e.hash, EntryState.SKIPPED) for e in skipped], now=now
            )
            for e in skipped:
                reports[e.key] = ItemReport(
                    Outcome.SKIPPED,
                    e.entry.title,
                    e.link,
                    reason="older than the newest entries of a first poll",
                )
        for e in reversed(fresh):  # oldest first: ids rise with time, channels get them in order
            reports[e.key] = await self._guarded(e, self._new(source, e, now))
        for e in entries:
            if e.seen is not None:
                reports[e.key] = await self._guarded(e, self._known(source, e, e.seen, now))
        return [reports[e.key] for e in entries]

    async def _guarded(self, e: _Entry, work: Awaitable[ItemReport]) -> ItemReport:
        """One entry's work; a problem with it is reported and the poll goes on."""
        try:
            return await work
        except (UserFacingError, StorageError, EntryError) as exc:
            log.warning("entry %s: %s", e.link or e.key, exc)
            return ItemReport(Outcome.FAILED, e.entry.title, e.link, reason=str(exc))

    async def _new(self, source: Source, e: _Entry, now: datetime) -> ItemReport:
        draft, note = await self._draft(source, e, now)
        fp = fingerprint(draft.title, draft.body)
        if source.mode is SourceMode.REVIEW:
            [stored] = await self._storage.record_entries(
                [EntryRecord(source.id, e.key, e.link, e.hash, EntryState.DRAFT, fp, draft=draft)], now=now
            )
            if stored.state is EntryState.PUBLISHED:
                return ItemReport(Outcome.DUPLICATE, draft.title, e.link, briefing_id=stored.briefing_id)
            return ItemReport(Outcome.DRAFTED, draft.title, e.link, draft_id=stored.id, reason=note)
        added = await self._publisher.add(draft)
        briefing_id = added.briefing.id if added.briefing is not None else added.duplicate_of
        await self._storage.record_entries(
            [EntryRecord(source.id, e.key, e.link, e.hash, EntryState.PUBLISHED, fp, briefing_id)], now=now
        )
        outcome = Outcome.ADDED if added.briefing is not None else Outcome.DUPLICATE
        return ItemReport(outcome, draft.title, e.link, briefing_id=briefing_id, reason=note)

    async def _known(self, source: Source, e: _Entry, seen: SeenEntry, now: datetime) -> ItemReport:
        title = e.entry.title
        if seen.state is EntryState.REJECTED:
            return ItemReport(Outcome.REJECTED, title, e.link, draft_id=seen.id)
        if seen.state is EntryState.SKIPPED:
            return ItemReport(Outcome.SKIPPED, title, e.link)
        if seen.entry_hash == e.hash:
            draft_id = seen.id if seen.state is EntryState.DRAFT else None
            return ItemReport(
                Outcome.UNCHANGED, title, e.link, briefing_id=seen.briefing_id, draft_id=draft_id
            )
        if seen.state is EntryState.DRAFT:
            return await self._changed_draft(source, e, seen, now)
        return await self._changed_briefing(source, e, seen, now)

    def _record(self, seen: SeenEntry, e: _Entry, **changes: object) -> EntryRecord:
        base = EntryRecord(
            seen.source_id,
            seen.key,
            seen.link or e.link,
            e.hash,
            seen.state,
            seen.fingerprint,
            seen.briefing_id,
        )
        return replace(base, **changes)  # type: ignore[arg-type]

    async def _changed_draft(self, source: Source, e: _Entry, seen: SeenEntry, now: datetime) -> ItemReport:
        current = await self._storage.get_draft(seen.id)
        if current is None:  # approved or rejected while we were fetching
            return ItemReport(Outcome.UNCHANGED, e.entry.title, e.link)
        if current.edited:
            await self._storage.record_entries([self._record(seen, e, draft=current.draft)], now=now)
            return ItemReport(
                Outcome.KEPT,
                current.draft.title,
                e.link,
                draft_id=seen.id,
                reason="an editor changed the draft; the feed's change was not applied",
            )
        draft, note = await self._draft(source, e, now)
        await self._storage.record_entries(
            [self._record(seen, e, draft=draft, fingerprint=fingerprint(draft.title, draft.body))], now=now
        )
        return ItemReport(Outcome.DRAFT_UPDATED, draft.title, e.link, draft_id=seen.id, reason=note)

    async def _changed_briefing(
        self, source: Source, e: _Entry, seen: SeenEntry, now: datetime
    ) -> ItemReport:
        briefing = None
        if seen.briefing_id is not None:
            briefing = await self._storage.get_briefing(seen.briefing_id, include_embargoed=True)
        if briefing is None:
            await self._storage.record_entries([self._record(seen, e)], now=now)
            return ItemReport(
                Outcome.KEPT, e.entry.title, e.link, reason="removed by a publisher; not imported again"
            )
        new, note = await self._draft(source, e, now)
        new_fp = fingerprint(new.title, new.body)
        current_fp = fingerprint(briefing.title, briefing.body)
        if current_fp == new_fp:
            # Already holds this text: a correction whose record was lost, or a change the
            # stored text does not show (the feed's summary, when the article is stored).
            repaired = seen.fingerprint != new_fp
            if repaired and self._copies is not None:
                await self._copies.correct(briefing.id)
            stale = repaired and self._copies is None
            await self._storage.record_entries(
                [self._record(seen, e, fingerprint=new_fp, copies_stale=stale or seen.copies_stale)], now=now
            )
            outcome = Outcome.CORRECTED if repaired else Outcome.UNCHANGED
            return ItemReport(outcome, briefing.title, e.link, briefing_id=briefing.id)
        if current_fp != seen.fingerprint:
            await self._storage.record_entries([self._record(seen, e)], now=now)
            return ItemReport(
                Outcome.KEPT,
                briefing.title,
                e.link,
                briefing_id=briefing.id,
                reason="edited by hand since it was imported; the feed's change was not applied",
            )
        # A correction: the new text, under the briefing's own publish time and tags.
        corrected = replace(
            new,
            published_at=briefing.published_at,
            tags=briefing.tags,
            source_url=new.source_url or briefing.source_url,
        )
        edited = await self._publisher.edit(briefing.id, corrected)
        await self._storage.record_entries(
            [self._record(seen, e, fingerprint=new_fp, copies_stale=not self.live)], now=now
        )
        reason = (
            f"{edited.corrected} posted copies corrected"
            if self.live
            else "posted copies are corrected by the bot"
        )
        return ItemReport(
            Outcome.CORRECTED, corrected.title, e.link, briefing_id=briefing.id, reason=_join(note, reason)
        )

    async def _draft(self, source: Source, e: _Entry, now: datetime) -> tuple[Draft, str | None]:
        """The entry as a draft, its article fetched first when the source wants full text
        and the feed gives a teaser; with a note when the article could not be read."""
        text, link, note = e.entry.text, e.link, None
        teaser = not e.entry.full or len(e.entry.text) < TEASER_CHARS
        if source.full_text and teaser and e.link:
            article, note = await self._article(source, e.link)
            if article is not None and len(article.text) > len(text):
                text = article.text
        draft = build_draft(
            source, e.entry, text=text, now=now, max_chars=self.settings.max_entry_chars, link=link
        )
        return draft, note

    async def _article(self, source: Source, url: str) -> tuple[Article | None, str | None]:
        try:
            page = await self._fetcher.get(url, accept=PAGE_ACCEPT)
        except FetchError as exc:
            return None, f"article not read, the feed's text used ({exc})"
        article = await asyncio.to_thread(extract_article, page.body, page.url, ZoneInfo(source.timezone))
        if article is None:
            return None, f"no article text found at {page.url}; the feed's text used"
        return article, None

    # -- the poll record ----------------------------------------------------------------

    async def _failed(
        self,
        source: Source,
        report: PollReport,
        error: str,
        *,
        counts: bool,
        retry_after: float | None = None,
    ) -> PollReport:
        now = self._clock.now()
        failures = source.failures + (1 if counts else 0)
        updated = await self._storage.record_poll(
            source.id,
            now=now,
            next_poll_at=self._next_poll(source, now, failures=failures, retry_after=retry_after),
            error=error,
            counts=counts,
            failure_threshold=self.settings.failure_threshold,
        )
        log.warning("source #%d (%s): %s", source.id, source.name, error)
        if (
            updated is not None
            and updated.status is SourceStatus.FAILING
            and source.status is not SourceStatus.FAILING
        ):
            log.warning(
                "source #%d (%s) is failing after %d attempts: %s", source.id, source.name, failures, error
            )
            await self._tell(
                N_(
                    "Source #{id} ({name}) is failing after {count} attempts in a row: {reason}. "
                    "It is still tried, less often; /source pause stops it.",
                    id=source.id,
                    name=source.name,
                    count=failures,
                    reason=error,
                )
            )
        return replace(report, error=error, status=updated.status if updated else None)

    def _recovered(self, before: Source, after: Source | None) -> None:
        if (
            before.status is SourceStatus.FAILING
            and after is not None
            and after.status is SourceStatus.ACTIVE
        ):
            log.info("source #%d (%s) works again", before.id, before.name)

    async def _tell(self, message: Message) -> None:
        if self._notify is None:
            return
        try:
            await self._notify(message)
        except Exception:
            log.exception("could not post the notice about a failing source")

    def _next_poll(
        self, source: Source, now: datetime, *, failures: int = 0, retry_after: float | None = None
    ) -> datetime:
        """The interval, doubled per consecutive failure (at most a day), never sooner than
        a ``Retry-After``, spread by up to ±10%."""
        seconds = float(source.interval_minutes * 60)
        if failures:
            seconds = min(seconds * 2 ** min(failures, 16), MAX_BACKOFF_SECONDS)
        if retry_after is not None:
            seconds = max(seconds, retry_after)
        seconds *= 1 + self._rng.uniform(-JITTER, JITTER)
        return now + timedelta(seconds=seconds)


def _across_hosts(sources: Sequence[Source]) -> list[Source]:
    """One source of each host in turn: sources are claimed soonest-due first, and
    several feeds of one body (one host) are often due together; polled in that order,
    the ones polled at once would mostly wait for the same host's turn (one request at a
    time per host) while other hosts had none."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault((urlsplit(source.url).hostname or "").lower(), []).append(source)
    queues = list(by_host.values())
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None
