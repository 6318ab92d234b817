"""The briefing service: ingest, analysis and the reader queries, without Discord.

The CLI, the demo and the Discord cogs all go through a ``Newsroom``, so what the
terminal shows is what Discord gets. Analysis is CPU work; batches run it in a
worker thread so the event loop keeps heartbeating to Discord meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot import nlp
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.errors import UserFacingError
from bot.i18n import N_, Message
from bot.ingest import IngestError, IngestResult, InvalidDraftError, make_draft, parse_document
from bot.models import AddOutcome, Analysis, Briefing, BriefingRef, Draft, QuoteHit, SearchHit
from storage import NotFoundError, Storage, StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ItemReport:
    """What happened to one item of an import."""

    origin: str
    outcome: str  # "added" | "duplicate" | "failed"
    title: str | None = None
    briefing_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    items: tuple[ItemReport, ...]

    def _count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def added(self) -> int:
        return self._count("added")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def failed(self) -> int:
        return self._count("failed")


def analyze(draft: Draft) -> Analysis:
    return nlp.analyze(draft.title, draft.body, draft.language)


_ID_REF = re.compile(r"^\s*#?(\d{1,18})\s*$")
# The date an autocomplete choice shows after a title, in the reader's language ("Grid fund
# (Dec 7, 2026)", "(7 груд. 2026 р.)"), and the ellipsis of a choice cut to Discord's 100
# characters: typed back, they are not title words.
_CHOICE_DATE = re.compile(r"\s*(?:…\s*)?\([^()]{0,20}\d{4}[^()]{0,6}\)\s*$|\s*…\s*$")
# The role a speaker choice shows after the name ("Olena Marchenko — Deputy Minister").
_CHOICE_ROLE = " — "


class Newsroom:
    """Everything a reader or publisher can ask of the archive."""

    def __init__(self, storage: Storage, config: Config, *, clock: Clock | None = None) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock or SystemClock()

    # -- ingest ------------------------------------------------------------------

    async def import_document(self, data: bytes, filename: str) -> ImportReport:
        """Parse a file in any ingest format and store every valid item once."""
        result = parse_document(
            data,
            filename,
            tz=self.config.ingest.tz,
            max_bytes=self.config.ingest.max_bytes,
            now=self.clock.now(),
        )
        return await self._store(result)

    async def import_documents(self, files: Sequence[tuple[bytes, str]]) -> list[ImportReport]:
        """``import_document`` for several files, stored in one transaction: a commit per
        file (SQLite writes each briefing's pages and full-text segment again) cost about
        as much as parsing and analysing it. One report per file, in order."""
        results = [
            parse_document(
                data,
                name,
                tz=self.config.ingest.tz,
                max_bytes=self.config.ingest.max_bytes,
                now=self.clock.now(),
            )
            for data, name in files
        ]
        drafts = [d for r in results for d in r.drafts]
        analyses = await asyncio.to_thread(lambda: [analyze(d) for d in drafts])
        outcomes = iter(
            await self.storage.add_briefings(zip(drafts, analyses, strict=True), now=self.clock.now())
        )
        return [self._report(r, [next(outcomes) for _ in r.drafts]) for r in results]

    async def _store(self, result: IngestResult) -> ImportReport:
        drafts = list(result.drafts)
        if len(drafts) > 1:
            analyses = await asyncio.to_thread(lambda: [analyze(d) for d in drafts])
        else:
            analyses = [analyze(d) for d in drafts]
        outcomes = await self.storage.add_briefings(zip(drafts, analyses, strict=True), now=self.clock.now())
        return self._report(result, outcomes)

    @staticmethod
    def _report(result: IngestResult, outcomes: Sequence[AddOutcome]) -> ImportReport:
        failed = [ItemReport(e.origin, "failed", reason=_error_text(e)) for e in result.errors]
        items = [
            ItemReport(d.origin, "duplicate" if o.duplicate else "added", o.title, o.briefing_id)
            for d, o in zip(result.drafts, outcomes, strict=True)
        ]
        for outcome in outcomes:
            log.info("briefing %d %s", outcome.briefing_id, "duplicate" if outcome.duplicate else "added")
        return ImportReport(tuple(items + failed))

    async def add(self, draft: Draft) -> AddOutcome:
        """Store one briefing (the /article add modal), or report its duplicate."""
        return await self.storage.add_briefing(draft, analyze(draft), now=self.clock.now())

    def draft_from_fields(
        self,
        *,
        title: str,
        body: str,
        source_url: str | None,
        published: str | None,
        tags: str | None,
        origin: str,
    ) -> Draft:
        try:
            return make_draft(
                title=title,
                body=body,
                published_at=published.strip() if published and published.strip() else self.clock.now(),
                source_url=source_url.strip() if source_url and source_url.strip() else None,
                tags=[t for t in (tags or "").split(",") if t.strip()],
                origin=origin,
                tz=self.config.ingest.tz,
            )
        except InvalidDraftError as exc:
            raise UserFacingError(
                "; ".join(e.reason if e.location is None else f"{e.location}: {e.reason}" for e in exc.errors)
            ) from None

    async def edit(self, briefing_id: int, draft: Draft) -> Briefing:
        return await self._update(briefing_id, draft, analyze(draft))

    async def store_analysis(self, briefing: Briefing, analysis: Analysis) -> Briefing:
        """Store a briefing's quotes and summaries again (an editor corrected its quotes):
        storage applies the briefing's quote corrections to every write."""
        draft = Draft(
            title=briefing.title,
            body=briefing.body,
            published_at=briefing.published_at,
            source_url=briefing.source_url,
            tags=briefing.tags,
            language=briefing.language,
            origin=f"briefing #{briefing.id}",
        )
        return await self._update(briefing.id, draft, analysis)

    async def _update(self, briefing_id: int, draft: Draft, analysis: Analysis) -> Briefing:
        try:
            return await self.storage.update_briefing(briefing_id, draft, analysis, now=self.clock.now())
        except NotFoundError:
            raise UserFacingError(N_("No briefing #{id}.", id=briefing_id)) from None
        except StorageError as exc:
            raise UserFacingError(str(exc)) from None

    async def remove(self, briefing_id: int) -> list[tuple[int, int]]:
        try:
            return await self.storage.remove_briefing(briefing_id)
        except NotFoundError:
            raise UserFacingError(N_("No briefing #{id}.", id=briefing_id)) from None

    # -- reader queries ----------------------------------------------------------

    async def latest(self, count: int = 1, topic: str | None = None) -> list[Briefing]:
        found = await self.storage.latest(count, topic=topic or None, now=self.clock.now())
        if not found:
            if topic:
                raise UserFacingError(N_("No briefing is tagged '{topic}'.", topic=topic))
            raise UserFacingError(N_("No briefings yet."))
        return found

    async def resolve(self, reference: str | None, *, include_embargoed: bool = False) -> Briefing:
        """A briefing from what the user gave: an id (what autocomplete sends), a
        ``#id``, words of the title, or nothing for the newest."""
        now = self.clock.now()
        if reference is None or not reference.strip():
            newest = await self.storage.latest(1, now=now)
            if not newest:
                raise UserFacingError(N_("No briefings yet."))
            return newest[0]
        match = _ID_REF.match(reference)
        reference = _CHOICE_DATE.sub("", reference) or reference
        if match:
            found = await self.storage.get_briefing(
                int(match.group(1)), include_embargoed=include_embargoed, now=now
            )
            if found is not None:
                return found
        refs = await self.storage.titles_matching(
            reference, limit=1, include_embargoed=include_embargoed, now=now
        )
        if refs:
            found = await self.storage.get_briefing(refs[0].id, include_embargoed=True)
            if found is not None:
                return found
        raise UserFacingError(N_("No briefing matches '{reference}'.", reference=_clip(reference)))

    async def quotes(
        self,
        *,
        speaker: str | None = None,
        briefing: str | None = None,
        contains: str | None = None,
        limit: int = 3,
    ) -> list[QuoteHit]:
        briefing_id = (await self.resolve(briefing)).id if briefing else None
        if speaker and _CHOICE_ROLE in speaker:
            speaker = speaker.split(_CHOICE_ROLE, 1)[0]
        hits = await self.storage.find_quotes(
            speaker=speaker, briefing_id=briefing_id, contains=contains, limit=limit, now=self.clock.now()
        )
        if not hits:
            parts: list[Message] = []
            if speaker:
                parts.append(N_("by '{speaker}'", speaker=_clip(speaker)))
            if contains:
                parts.append(N_("containing '{words}'", words=_clip(contains)))
            if briefing_id is not None:
                parts.append(N_("in briefing #{id}", id=briefing_id))
            if not parts:
                raise UserFacingError(N_("No quotes yet."))
            raise UserFacingError(N_("No quotes {filters}.", filters=tuple(parts)))
        return hits

    async def search(self, query: str, *, limit: int = 5, offset: int = 0) -> tuple[list[SearchHit], int]:
        if not query.strip():
            raise UserFacingError(N_("Type something to search for."))
        hits, total = await self.storage.search(query, limit=limit, offset=offset, now=self.clock.now())
        if total == 0:
            raise UserFacingError(N_("Nothing matches '{query}'.", query=_clip(query)))
        return hits, total

    async def title_choices(self, typed: str) -> list[BriefingRef]:
        return await self.storage.titles_matching(typed, limit=25, now=self.clock.now())

    async def speaker_choices(self, typed: str) -> list[tuple[str, str | None]]:
        return await self.storage.speakers_matching(typed, limit=25)


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_text(error: IngestError) -> str:
    return str(error)
