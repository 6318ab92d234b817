"""The publishing service: what follows when a publisher adds, edits, imports or removes.

The ``Newsroom`` stores and analyses briefings; this service adds what publishing means
for subscribers: a new briefing wakes the instant poll, an edit corrects every posted
copy in place, and a removal may delete the copies. The ``/article`` cog calls only this.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from bot import nlp
from bot.corrections import QuoteReview, ReviewedQuote, review, stale
from bot.delivery.status import CopyReport
from bot.errors import UserFacingError
from bot.i18n import N_, nN_
from bot.models import Analysis, Briefing, BriefingRef, CorrectionKind, Draft, Quote, QuoteCorrection
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
    queued: int = 0  # posted copies the dispatcher (another process) will edit shortly


QUOTE_ACTIONS = ("speaker", "drop", "key", "add", "undo")
MAX_ADDED_QUOTE = 1000


@dataclass(frozen=True, slots=True)
class Removed:
    posted: int  # copies that had been posted
    deleted: int  # of those, deleted now
    queued: int = 0  # of those, left to the dispatcher (another process) to delete shortly


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
            raise UserFacingError(
                N_("Briefing #{id} was removed while it was being added.", id=outcome.briefing_id)
            )
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
        return Edited(briefing, int(corrected), corrected.queued)

    async def remove(self, briefing_id: int, *, delete_posts: bool) -> Removed:
        posted = await self._newsroom.remove(briefing_id)
        report = await self._copies.retract(posted) if delete_posts and posted else CopyReport()
        return Removed(len(posted), int(report), report.queued)

    async def find(self, reference: str) -> Briefing:
        """A briefing by id or title words, embargoed ones included."""
        return await self._newsroom.resolve(reference, include_embargoed=True)

    async def choices(self, typed: str) -> list[BriefingRef]:
        """Autocomplete for publishers: embargoed titles included."""
        return await self._newsroom.storage.titles_matching(typed, include_embargoed=True)

    async def recent(self, limit: int = 20) -> list[BriefingRef]:
        refs = await self._newsroom.storage.list_briefings(limit=limit)
        if not refs:
            raise UserFacingError(N_("No briefings yet: add one with /article add or /article import."))
        return refs

    # -- quotes --------------------------------------------------------------------

    async def review_quotes(self, reference: str) -> QuoteReview:
        """Every quote the analysis found and every one an editor added, numbered, with the
        corrections applied and marked."""
        briefing = await self.find(reference)
        return await self._review(briefing, _analysis_of(briefing).quotes)

    async def _review(
        self, briefing: Briefing, found: tuple[Quote, ...], corrected: int = 0, queued: int = 0
    ) -> QuoteReview:
        corrections = await self._newsroom.storage.quote_corrections(briefing.id)
        return QuoteReview(
            briefing,
            review(found, corrections, briefing.body),
            stale(corrections, briefing.body),
            corrected,
            queued,
        )

    async def correct_quote(
        self,
        reference: str,
        action: str,
        *,
        number: int | None = None,
        speaker: str | None = None,
        role: str | None = None,
        text: str | None = None,
        editor_id: int | None = None,
    ) -> QuoteReview:
        """Apply one editor's correction, store the briefing's quotes again, and correct
        every posted copy. ``number`` is the quote's number in the review."""
        if action not in QUOTE_ACTIONS:
            raise UserFacingError(
                N_(
                    "action must be one of {allowed}, not '{action}'.",
                    allowed=", ".join(QUOTE_ACTIONS),
                    action=action,
                )
            )
        briefing = await self.find(reference)
        analysis = _analysis_of(briefing)  # once: numbering, storing and the new review share it
        current = await self._review(briefing, analysis.quotes)
        storage = self._newsroom.storage
        speaker, role = _clean(speaker), _clean(role)
        if action == "add":
            words = " ".join((text or "").split())
            if not words:
                raise UserFacingError(N_("add: give the quote's exact words in text."))
            if len(words) > MAX_ADDED_QUOTE:
                raise UserFacingError(
                    nN_(
                        "add: a quote is at most {n} character.",
                        "add: a quote is at most {n} characters.",
                        MAX_ADDED_QUOTE,
                    )
                )
            exact = _find_words(briefing.body, words)
            if exact is None:
                raise UserFacingError(
                    N_(
                        "add: those words are not in briefing #{id}'s text; copy them exactly.",
                        id=briefing.id,
                    )
                )
            correction = QuoteCorrection(CorrectionKind.ADD, exact, speaker, role)
            await storage.set_quote_correction(briefing.id, correction, editor_id=editor_id)
        else:
            row = _numbered(current, number, action)
            words = row.quote.text
            if action == "undo":
                if not await storage.remove_quote_corrections(briefing.id, words):
                    raise UserFacingError(N_("Quote {number} has no correction to undo.", number=row.number))
            elif action == "drop" and row.added:
                await storage.remove_quote_corrections(briefing.id, words)
            elif action == "speaker":
                if speaker is None and role is None:
                    raise UserFacingError(N_("speaker: give the right speaker, role, or both."))
                kind = CorrectionKind.ADD if row.added else CorrectionKind.SPEAKER
                fix = QuoteCorrection(
                    kind, words, speaker or row.quote.speaker, role or row.quote.speaker_role
                )
                await storage.set_quote_correction(briefing.id, fix, editor_id=editor_id)
            else:
                kind = CorrectionKind.DROP if action == "drop" else CorrectionKind.KEY
                await storage.set_quote_correction(
                    briefing.id, QuoteCorrection(kind, words), editor_id=editor_id
                )
        stored = await self._newsroom.store_analysis(briefing, analysis)
        corrected = await self._copies.correct(stored.id)
        log.info("quotes of briefing %d corrected (%s) by user %s", stored.id, action, editor_id)
        return await self._review(stored, analysis.quotes, int(corrected), corrected.queued)


def _analysis_of(briefing: Briefing) -> Analysis:
    """The automatic analysis of a briefing's text, before any editor's correction."""
    return nlp.analyze(briefing.title, briefing.body, briefing.language)


def _numbered(current: QuoteReview, number: int | None, action: str) -> ReviewedQuote:
    count = len(current.quotes)
    if not count:
        raise UserFacingError(
            N_("Briefing #{id} has no quotes to {action}; add one.", id=current.briefing.id, action=action)
        )
    if number is None or not 1 <= number <= count:
        raise UserFacingError(
            N_("{action}: give the quote's number, 1 to {count} (see the list).", action=action, count=count)
        )
    return current.quotes[number - 1]


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _find_words(body: str, words: str) -> str | None:
    """The body's own text for ``words`` (whitespace as the body has it), or ``None``."""
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    found = re.search(pattern, body)
    return found.group(0) if found else None
