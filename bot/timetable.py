"""When does a subscription run? Pure time logic, no I/O and no clock of its own.

Every function takes the moment to reason about, so tests never sleep. Times are
returned as timezone-aware UTC. Wall-clock schedules follow the subscription's
IANA zone across daylight-saving changes:

- a wall time that does not exist on a spring-forward day (02:30 when clocks jump
  from 02:00 to 03:00) runs at the same distance past the jump (03:30), so the
  digest still arrives that day (PEP 495, ``fold=0``);
- a wall time that happens twice on a fall-back day (01:30) runs once, at its
  first occurrence.

``hourly`` runs at minute 0 of every local hour (zones with half-hour offsets get
their local :00, which is not UTC :00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UserFacingError
from bot.i18n import ENGLISH, N_, Localizer
from bot.models import ScheduleKind, Subscription

DEFAULT_TIME = "09:00"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_QUARTER = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    """Validated schedule fields, ready for a ``Subscription``."""

    schedule: ScheduleKind
    time: str | None
    weekday: int | None
    timezone: str


# -- validation ----------------------------------------------------------------


def parse_time(text: str) -> tuple[int, int]:
    """``"7:05"`` -> ``(7, 5)``; anything else is a ``UserFacingError``."""
    match = _HHMM.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return hour, minute
    raise UserFacingError(N_("time must be HH:MM (24-hour), got '{text}'", text=text.strip()))


def parse_timezone(name: str) -> str:
    """The canonical IANA name for ``name`` (case-insensitive), or a ``UserFacingError``."""
    cleaned = name.strip()
    if cleaned:
        try:
            ZoneInfo(cleaned)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return cleaned
        canonical = _zones_by_folded_name().get(cleaned.casefold())
        if canonical:
            return canonical
    raise UserFacingError(
        N_("'{name}' is not a time zone; use an IANA name such as Europe/Kyiv", name=cleaned)
    )


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {z.casefold(): z for z in available_timezones()}


def zone_names(typed: str) -> list[str]:
    """IANA zone names containing what was typed (any case), sorted: for autocomplete."""
    folded = typed.strip().casefold()
    return sorted(z for key, z in _zones_by_folded_name().items() if folded in key)


def parse_weekday(value: int | str) -> int:
    """0-6 (Monday=0) or a day name or its first three letters."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 6:
            return value
    elif isinstance(value, str):
        folded = value.strip().casefold()
        for index, name in enumerate(WEEKDAYS):
            if folded in (name, name[:3]):
                return index
        if folded.isdigit() and 0 <= int(folded) <= 6:
            return int(folded)
    raise UserFacingError(
        N_("weekday must be a day such as Monday (or 0-6, Monday = 0), got '{value}'", value=value)
    )


def parse_schedule_options(
    schedule: str | ScheduleKind,
    time: str | None,
    timezone: str | None,
    weekday: int | str | None,
    default_tz: str,
) -> ScheduleOptions:
    """Check what a manager typed in ``/subscribe`` and normalise it.

    ``daily`` and ``weekly`` default to 09:00, ``weekly`` to Monday; a time or a
    weekday given for a schedule that does not use it is an error rather than
    silently ignored.
    """
    try:
        kind = ScheduleKind(str(schedule).strip().casefold())
    except ValueError:
        allowed = ", ".join(k.value for k in ScheduleKind)
        raise UserFacingError(
            N_("schedule must be one of {allowed}, got '{schedule}'", allowed=allowed, schedule=schedule)
        ) from None
    zone = parse_timezone(timezone) if timezone and timezone.strip() else parse_timezone(default_tz)
    has_time = time is not None and time.strip() != ""
    has_weekday = weekday is not None and weekday != ""
    if kind in (ScheduleKind.INSTANT, ScheduleKind.HOURLY):
        if has_time:
            raise UserFacingError(
                N_("time only applies to daily and weekly schedules, not {schedule}", schedule=kind.value)
            )
        if has_weekday:
            raise UserFacingError(
                N_("weekday only applies to weekly schedules, not {schedule}", schedule=kind.value)
            )
        return ScheduleOptions(kind, None, None, zone)
    hour, minute = parse_time(time if has_time else DEFAULT_TIME)  # type: ignore[arg-type]
    normalised = f"{hour:02d}:{minute:02d}"
    if kind is ScheduleKind.DAILY:
        if has_weekday:
            raise UserFacingError(
                N_("weekday only applies to weekly schedules, not {schedule}", schedule=kind.value)
            )
        return ScheduleOptions(kind, normalised, None, zone)
    day = parse_weekday(weekday) if has_weekday else 0  # type: ignore[arg-type]
    return ScheduleOptions(kind, normalised, day, zone)


# -- when does it run? ---------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("schedule maths needs a timezone-aware datetime")
    return moment.astimezone(UTC)


def _wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens on ``day`` (first occurrence; a time in
    a spring-forward gap is pushed past the gap by the same distance)."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    return local.astimezone(UTC)


def _slots_around(sub: Subscription, moment: datetime) -> list[datetime]:
    """Every scheduled instant within a little over a week either side of ``moment``."""
    zone = ZoneInfo(sub.timezone)
    if sub.schedule is ScheduleKind.HOURLY:
        # Offsets are whole quarter-hours: walk quarters and keep local :00.
        floor = moment.replace(minute=(moment.minute // 15) * 15, second=0, microsecond=0)
        start = floor - timedelta(hours=4)
        slots = []
        for step in range(4 * 8 + 1):
            candidate = start + step * _QUARTER
            if candidate.astimezone(zone).minute == 0:
                slots.append(candidate)
        return slots
    if sub.schedule is ScheduleKind.INSTANT:
        raise ValueError("instant subscriptions have no schedule slots")
    hour, minute = parse_time(sub.time or DEFAULT_TIME)
    at = time(hour, minute)
    today = moment.astimezone(zone).date()
    slots = []
    for offset in range(-8, 9):
        day = today + timedelta(days=offset)
        if sub.schedule is ScheduleKind.WEEKLY and day.weekday() != (sub.weekday or 0):
            continue
        slots.append(_wall_to_utc(day, at, zone))
    return sorted(set(slots))


def next_run(sub: Subscription, after: datetime) -> datetime:
    """The first scheduled moment strictly after ``after`` (UTC)."""
    after = _aware(after)
    for slot in _slots_around(sub, after):
        if slot > after:
            return slot
    raise AssertionError("no slot found")  # pragma: no cover - slots span a week either side


def previous_run(sub: Subscription, at: datetime) -> datetime:
    """The last scheduled moment at or before ``at`` (UTC)."""
    at = _aware(at)
    found = [slot for slot in _slots_around(sub, at) if slot <= at]
    return found[-1]


def hour_window(sub: Subscription, at: datetime) -> tuple[datetime, datetime]:
    """The local clock hour around ``at`` in the subscription's zone, as ``[start, end)``
    in UTC: the period an instant channel's hourly cap counts (its digest goes at ``end``)."""
    hourly = replace(sub, schedule=ScheduleKind.HOURLY)
    return previous_run(hourly, at), next_run(hourly, at)


def describe(sub: Subscription, tr: Localizer = ENGLISH) -> str:
    """A short human description: ``daily at 09:00 (Europe/Kyiv)``, in ``tr``'s language."""
    if sub.schedule is ScheduleKind.INSTANT:
        return tr.gettext("instant")
    if sub.schedule is ScheduleKind.HOURLY:
        return tr.gettext("hourly")
    at, zone = sub.time or DEFAULT_TIME, sub.timezone
    if sub.schedule is ScheduleKind.DAILY:
        return tr.gettext("daily at {time} ({zone})", time=at, zone=zone)
    # One sentence per day: the languages put the day in their own case ("в середу").
    weekly = (
        tr.gettext("weekly on Monday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Tuesday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Wednesday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Thursday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Friday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Saturday at {time} ({zone})", time=at, zone=zone),
        tr.gettext("weekly on Sunday at {time} ({zone})", time=at, zone=zone),
    )
    return weekly[sub.weekday or 0]
