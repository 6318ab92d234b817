"""The publishing service: what follows when a publisher adds, edits, imports or removes.

The ``Newsroom`` stores and analyses briefings; this service adds what publishing means
for subscribers: a new briefing wakes the instant poll, an edit corrects every posted
copy in place, and a removal may delete the copies. The ``/article`` cog calls only this.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.delivery.status import CopyReport
from bot.errors import UserFacingError
from bot.models import Briefing, BriefingRef, Draft
from bot.newsroom import ImportReport, Newsroom

log = logging.getLogger(__name__)


class Copies(Protocol):
    """What the service needs of the delivery engine."""

    async def correct(self, briefing_id: int) -> CopyReport: ...

    async def retract(self, removed: list[tuple[int, int]]) -> CopyReport: ...


class Wakeup(Protocol):
    """What the service needs of the scheduler."""

    async def briefing_added(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Added:
    briefing: Briefing | None  # None when it duplicated ``duplicate_of``
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True)
class Edited:
    briefing: Briefing
    corrected: int  # posted copies edited in place


@dataclass(frozen=True, slots=True)
class Removed:
    posted: int  # copies that had been posted
    deleted: int  # of those, deleted now


class PublishingDesk:
    def __init__(self, newsroom: Newsroom, copies: Copies, wakeup: Wakeup) -> None:
        self._newsroom = newsroom
        self._copies = copies
        self._wakeup = wakeup

    def draft(
        self, *, title: str, body: str, source_url: str, published: str, tags: str, origin: str
    ) -> Draft:
        """Check a form's fields; a bad one is a ``UserFacingError`` naming it."""
        return self._newsroom.draft_from_fields(
            title=title, body=body, source_url=source_url, published=published, tags=tags, origin=origin
        )

    async def add(self, draft: Draft) -> Added:
        outcome = await self._newsroom.add(draft)
        if outcome.duplicate:
            return Added(None, duplicate_of=outcome.briefing_id)
        briefing = await self._newsroom.storage.get_briefing(outcome.briefing_id, include_embargoed=True)
        if briefing is None:
            raise UserFacingError(f"Briefing #{outcome.briefing_id} was removed while it was being added.")
        await self._wakeup.briefing_added()
        return Added(briefing)

    async def import_file(self, data: bytes, filename: str) -> ImportReport:
        report = await self._newsroom.import_document(data, filename)
        if report.added:
            await self._wakeup.briefing_added()
        return report

    async def edit(self, briefing_id: int, draft: Draft) -> Edited:
        briefing = await self._newsroom.edit(briefing_id, draft)
        corrected = await self._copies.correct(briefing.id)
        return Edited(briefing, int(corrected))

    async def remove(self, briefing_id: int, *, delete_posts: bool) -> Removed:
        posted = await self._newsroom.remove(briefing_id)
        deleted = int(await self._copies.retract(posted)) if delete_posts and posted else 0
        return Removed(len(posted), deleted)

    async def find(self, reference: str) -> Briefing:
        """A briefing by id or title words, embargoed ones included."""
        return await self._newsroom.resolve(reference, include_embargoed=True)

    async def choices(self, typed: str) -> list[BriefingRef]:
        """Autocomplete for publishers: embargoed titles included."""
        return await self._newsroom.storage.titles_matching(typed, include_embargoed=True)

    async def recent(self, limit: int = 20) -> list[BriefingRef]:
        refs = await self._newsroom.storage.list_briefings(limit=limit)
        if not refs:
            raise UserFacingError("No briefings yet: add one with /article add or /article import.")
        return refs
