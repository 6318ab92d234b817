"""Ingest results and the single place a ``Draft`` is validated and normalised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.ingest import _text
from bot.models import Draft
from bot.nlp import detect_language


@dataclass(frozen=True, slots=True)
class IngestError:
    """One problem with one input: which file (and item), where in it, and why.

    ``str(err)`` reads ``"wire.txt line 1: impossible date 31.02.2024 (...)"``.
    """

    origin: str
    location: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin} {self.location}" if self.location else self.origin
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Every draft that parsed and every error found, for one document."""

    drafts: list[Draft] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)


class InvalidDraftError(ValueError):
    """Raised by ``make_draft``; ``errors`` holds every problem found, located."""

    def __init__(self, errors: Iterable[IngestError]) -> None:
        self.errors: tuple[IngestError, ...] = tuple(errors)
        super().__init__("; ".join(map(str, self.errors)))

    @property
    def error(self) -> IngestError:
        return self.errors[0]


def make_draft(
    *,
    title: str | None,
    body: str | None,
    published_at: datetime | str | None,
    source_url: str | None,
    tags: Iterable[str] | None,
    origin: str,
    tz: ZoneInfo,
    locations: Mapping[str, str] | None = None,
) -> Draft:
    """Validate and normalise one briefing into a ``Draft``; raise ``InvalidDraftError`` if it can't be.

    ``published_at`` may be an aware or naive datetime (naive means ``tz``) or a
    string in a format ``parse_when`` accepts. ``locations`` maps a field name
    ("title", "body", "published_at", "source_url", "tags") to where it came from
    (e.g. "line 3"); by default errors say ``field <name>``.
    """
    where = dict(locations or {})
    errors: list[IngestError] = []

    def fail(name: str, reason: str) -> None:
        errors.append(IngestError(origin, where.get(name, f"field {name}"), reason))

    clean_title = _text.clean_title(title) if title else ""
    if not clean_title:
        fail("title", "no title")
    clean_body = _text.clean_body(body) if body else ""
    if not clean_body:
        fail("body", "no body")

    when: datetime | None = None
    if published_at is None:
        fail("published_at", "no publish time")
    elif isinstance(published_at, datetime):
        when = _text.to_utc(published_at, tz)
    else:
        try:
            when = _text.parse_when(published_at, tz)
        except _text.DateError as exc:
            fail("published_at", exc.describe())

    url: str | None = None
    if source_url is not None:
        try:
            url = _text.check_url(source_url)
        except ValueError as exc:
            fail("source_url", str(exc))

    clean_tags: tuple[str, ...] = ()
    if tags is not None:
        try:
            clean_tags = _text.normalise_tags(list(tags))
        except ValueError as exc:
            fail("tags", str(exc))

    if errors or when is None:
        raise InvalidDraftError(errors)
    return Draft(
        title=clean_title,
        body=clean_body,
        published_at=when,
        source_url=url,
        tags=clean_tags,
        language=detect_language(clean_title + "\n" + clean_body),
        origin=origin,
    )
