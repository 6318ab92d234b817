"""The sources service: what a publisher may do with sources and drafts, from Discord or the CLI.

``/source`` and ``briefbot source`` call this and only this; it checks what was asked
(a URL the bot may fetch, an interval within bounds, a known time zone), and owns the
review rules: approving adds the draft through the publishing desk, so delivery follows as
for a briefing added by hand; rejecting remembers the entry so it never comes back.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.config import Config, SourcesConfig
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.ingest._text import normalise_tags
from bot.models import (
    MAX_POLL_MINUTES,
    MIN_POLL_MINUTES,
    Draft,
    Source,
    SourceMode,
    SourceStatus,
    WaitingDraft,
)
from bot.publishing import PublishingDesk
from bot.sources._fetch import Fetcher, FetchLimits
from bot.sources._poller import Copies, Notice, PollReport, PollSettings, SourcePoller
from bot.sources._safety import AddressPolicy, RefusedError, Resolver, parse_networks, system_resolver
from storage import NotFoundError, Storage, StorageError

log = logging.getLogger(__name__)

LANGUAGES = ("en", "uk", "ru")


@dataclass(frozen=True, slots=True)
class Approved:
    draft_id: int
    briefing_id: int
    title: str
    duplicate: bool  # the archive had it already: nothing new was published


class SourceDesk:
    def __init__(
        self,
        storage: Storage,
        poller: SourcePoller,
        publishing: PublishingDesk,
        config: SourcesConfig,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._storage = storage
        self.poller = poller
        self._publishing = publishing
        self._config = config
        self._clock = clock or SystemClock()

    @property
    def fetcher(self) -> Fetcher:
        return self.poller._fetcher

    async def close(self) -> None:
        await self.fetcher.close()

    # -- sources -----------------------------------------------------------------------

    async def add(
        self,
        url: str,
        *,
        name: str | None = None,
        topics: str | None = None,
        mode: str = "publish",
        interval: int | None = None,
        full_text: bool = False,
        language: str | None = None,
        timezone: str | None = None,
        added_by: int | None = None,
    ) -> Source:
        """Follow a feed or page from now on; the first poll is due at once."""
        checked = await self._check_url(url)
        source = Source(
            id=0,
            url=checked,
            name=" ".join((name or "").split())[:100] or (urlsplit(checked).hostname or checked),
            topics=self._topics(topics),
            language=self._language(language),
            timezone=self._timezone(timezone),
            interval_minutes=self._interval(interval),
            mode=self._mode(mode),
            full_text=full_text,
            next_poll_at=self._clock.now(),
            added_by=added_by,
        )
        try:
            added = await self._storage.add_source(source, now=self._clock.now())
        except StorageError as exc:
            raise UserFacingError(N_("Could not add the source: {reason}", reason=str(exc))) from None
        log.info("source #%d (%s) added by %s: %s", added.id, added.mode.value, added_by, added.url)
        return added

    async def sources(self) -> list[Source]:
        return await self._storage.list_sources()

    async def get(self, source_id: int) -> Source:
        found = await self._storage.get_source(source_id)
        if found is None:
            raise UserFacingError(N_("No source #{id}.", id=source_id))
        return found

    async def remove(self, source_id: int) -> Source:
        """Stop following a source. What it imported stays; its waiting drafts go."""
        try:
            removed = await self._storage.remove_source(source_id)
        except NotFoundError:
            raise UserFacingError(N_("No source #{id}.", id=source_id)) from None
        log.info("source #%d removed: %s", removed.id, removed.url)
        return removed

    async def pause(self, source_id: int) -> Source:
        await self.get(source_id)
        return await self._storage.set_source_status(source_id, SourceStatus.PAUSED, "paused by a publisher")

    async def resume(self, source_id: int) -> Source:
        """Poll it again from now, its failures forgotten."""
        await self.get(source_id)
        return await self._storage.set_source_status(
            source_id, SourceStatus.ACTIVE, None, next_poll_at=self._clock.now()
        )

    async def test(self, url: str, *, full_text: bool = False, timezone: str | None = None) -> PollReport:
        """Fetch a URL now and say what following it would import; stores nothing."""
        checked = await self._check_url(url)
        known = [s for s in await self._storage.list_sources() if s.url == checked]
        source = (
            known[0]
            if known
            else Source(
                id=0,
                url=checked,
                name=urlsplit(checked).hostname or checked,
                timezone=self._timezone(timezone),
                full_text=full_text,
            )
        )
        return await self.poller.test(source)

    async def poll(self, source_id: int | None = None) -> list[PollReport]:
        """Poll one source (paused or not), or every source not paused, now, once."""
        if source_id is not None:
            return [await self.poller.poll(await self.get(source_id))]
        await self.poller.correct_stale()
        chosen = [s for s in await self._storage.list_sources() if s.status is not SourceStatus.PAUSED]
        return [await self.poller.poll(s) for s in chosen]

    async def poll_due(self) -> list[PollReport]:
        """The scheduler's job: every source whose time has come."""
        return await self.poller.poll_due()

    async def troubled(self) -> list[Source]:
        """Sources failing or paused, for ``briefbot status``."""
        return [s for s in await self._storage.list_sources() if s.status is not SourceStatus.ACTIVE]

    # -- drafts ------------------------------------------------------------------------

    async def drafts(self, *, limit: int = 100) -> list[WaitingDraft]:
        return await self._storage.drafts(limit=limit)

    async def draft(self, draft_id: int) -> WaitingDraft:
        found = await self._storage.get_draft(draft_id)
        if found is None:
            raise UserFacingError(
                N_("Draft #{id} is not waiting (approved, rejected or removed already).", id=draft_id)
            )
        return found

    async def approve(self, draft_id: int, *, by: int | None = None) -> Approved:
        """Publish a draft as a briefing, through the path a briefing added by hand takes."""
        waiting = await self.draft(draft_id)
        added = await self._publishing.add(waiting.draft)
        briefing_id = added.briefing.id if added.briefing is not None else added.duplicate_of
        assert briefing_id is not None
        if not await self._storage.resolve_draft(draft_id, briefing_id=briefing_id, now=self._clock.now()):
            log.warning("draft %d was resolved by someone else while being approved", draft_id)
        log.info("draft %d approved by %s: briefing %d", draft_id, by, briefing_id)
        return Approved(draft_id, briefing_id, waiting.draft.title, added.briefing is None)

    async def reject(self, draft_id: int, *, by: int | None = None) -> WaitingDraft:
        """Drop a draft and remember its entry, so no poll imports it again."""
        waiting = await self.draft(draft_id)
        if not await self._storage.resolve_draft(draft_id, briefing_id=None, now=self._clock.now()):
            raise UserFacingError(
                N_("Draft #{id} is not waiting (approved, rejected or removed already).", id=draft_id)
            )
        log.info("draft %d rejected by %s", draft_id, by)
        return waiting

    async def edit_draft(self, draft_id: int, draft: Draft) -> WaitingDraft:
        """An editor's change to a waiting draft; it still waits for approval."""
        try:
            return await self._storage.update_draft(draft_id, draft, now=self._clock.now())
        except NotFoundError:
            raise UserFacingError(
                N_("Draft #{id} is not waiting (approved, rejected or removed already).", id=draft_id)
            ) from None

    def draft_from_fields(
        self, *, title: str, body: str, source_url: str, published: str, tags: str, origin: str
    ) -> Draft:
        """An edit form's fields as a draft; a bad field is a ``UserFacingError`` naming it."""
        return self._publishing.draft(
            title=title, body=body, source_url=source_url, published=published, tags=tags, origin=origin
        )

    # -- checks --------------------------------------------------------------------------

    async def _check_url(self, url: str) -> str:
        try:
            return await self.fetcher.check(url.strip())
        except RefusedError as exc:
            raise UserFacingError(
                N_("Cannot follow {url}: {reason}.", url=url.strip()[:200], reason=str(exc))
            ) from None

    def _interval(self, minutes: int | None) -> int:
        value = self._config.default_interval_minutes if minutes is None else minutes
        if not MIN_POLL_MINUTES <= value <= MAX_POLL_MINUTES:
            raise UserFacingError(
                N_(
                    "The interval is {low} to {high} minutes, not {value}.",
                    low=MIN_POLL_MINUTES,
                    high=MAX_POLL_MINUTES,
                    value=value,
                )
            )
        return value

    @staticmethod
    def _mode(mode: str) -> SourceMode:
        try:
            return SourceMode(mode.strip().lower())
        except ValueError:
            raise UserFacingError(N_("mode must be publish or review, not '{mode}'.", mode=mode)) from None

    @staticmethod
    def _topics(topics: str | None) -> tuple[str, ...]:
        try:
            return normalise_tags([t for t in (topics or "").split(",") if t.strip()])
        except ValueError as exc:
            raise UserFacingError(N_("topics: {reason}", reason=str(exc))) from None

    @staticmethod
    def _language(language: str | None) -> str | None:
        if language is None or not language.strip():
            return None
        code = language.strip().lower()
        if code not in LANGUAGES:
            raise UserFacingError(N_("language must be en, uk or ru, not '{language}'.", language=language))
        return code

    def _timezone(self, zone: str | None) -> str:
        name = (zone or "").strip() or self._config.default_timezone
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserFacingError(
                N_("'{zone}' is not a time zone name such as Europe/Kyiv.", zone=name)
            ) from None
        return name


def user_agent(config: SourcesConfig) -> str:
    """``briefbot/0.1.0 (+https://contact.example)``: who is fetching, and how to reach them."""
    contact = config.contact_url.strip()
    return f"briefbot/{__version__} (+{contact})" if contact else f"briefbot/{__version__}"


def build_sources(
    storage: Storage,
    publishing: PublishingDesk,
    config: Config,
    *,
    copies: Copies | None,
    notify: Notice | None = None,
    resolver: Resolver | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> SourceDesk:
    """The sources service with its fetcher and poller, from the configuration.

    ``copies`` corrects posted copies (the delivery engine, in the bot); None where there is
    no Discord connection (the CLI): such corrections are left for the bot."""
    cfg = config.sources
    fetcher = Fetcher(
        user_agent=user_agent(cfg),
        policy=AddressPolicy(parse_networks(cfg.allowed_private_networks)),
        resolver=resolver or system_resolver,
        limits=FetchLimits(
            max_bytes=cfg.max_response_bytes,
            timeout_seconds=cfg.request_timeout_seconds,
            max_redirects=cfg.max_redirects,
        ),
        max_connections=cfg.max_connections,
    )
    settings = PollSettings(
        max_entries=cfg.max_entries_per_poll,
        max_entry_chars=cfg.max_entry_chars,
        first_poll_entries=cfg.first_poll_entries,
        failure_threshold=cfg.failure_threshold,
        concurrency=cfg.max_connections,
    )
    poller = SourcePoller(
        storage, fetcher, publishing, settings, clock=clock, copies=copies, notify=notify, rng=rng
    )
    return SourceDesk(storage, poller, publishing, cfg, clock=clock)
