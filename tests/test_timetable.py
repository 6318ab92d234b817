"""Schedule maths: pure functions of a subscription and a moment, no sleeping."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UserFacingError
from bot.models import ScheduleKind, Subscription
from bot.timetable import describe, next_run, parse_schedule_options, previous_run


def sub(
    kind: ScheduleKind, time: str | None = None, tz: str = "UTC", weekday: int | None = None
) -> Subscription:
    return Subscription(channel_id=1, guild_id=2, schedule=kind, time=time, weekday=weekday, timezone=tz)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_daily_runs_at_local_time():
    """A daily 09:00 Kyiv digest would arrive at the wrong hour."""
    s = sub(ScheduleKind.DAILY, "09:00", "Europe/Kyiv")
    assert next_run(s, utc(2024, 1, 10, 5, 0)) == utc(2024, 1, 10, 7, 0)  # UTC+2 in winter
    assert next_run(s, utc(2024, 7, 10, 5, 0)) == utc(2024, 7, 10, 6, 0)  # UTC+3 in summer
    assert next_run(s, utc(2024, 7, 10, 6, 1)) == utc(2024, 7, 11, 6, 0)  # already past today


def test_next_run_is_strictly_after():
    """A digest would run twice in the same minute."""
    s = sub(ScheduleKind.DAILY, "09:00")
    assert next_run(s, utc(2024, 1, 10, 9, 0)) == utc(2024, 1, 11, 9, 0)
    assert previous_run(s, utc(2024, 1, 10, 9, 0)) == utc(2024, 1, 10, 9, 0)


def test_spring_forward_gap_still_runs_that_day():
    """A 02:30 digest would be skipped (or crash) on the night clocks jump forward."""
    s = sub(ScheduleKind.DAILY, "02:30", "America/New_York")
    first = next_run(s, utc(2024, 3, 10, 0, 0))
    assert first == utc(2024, 3, 10, 7, 30)  # 03:30 EDT, just past the jump
    assert next_run(s, first) == utc(2024, 3, 11, 6, 30)  # back to 02:30 EDT


def test_fall_back_runs_once():
    """A 01:30 digest would be posted twice on the night clocks go back."""
    s = sub(ScheduleKind.DAILY, "01:30", "America/New_York")
    first = next_run(s, utc(2024, 11, 3, 0, 0))
    assert first == utc(2024, 11, 3, 5, 30)  # first 01:30, still EDT
    assert next_run(s, first) == utc(2024, 11, 4, 6, 30)  # next day, EST


def test_eu_dst_change_keeps_wall_time():
    """A Kyiv daily digest would drift by an hour after the clocks change."""
    s = sub(ScheduleKind.DAILY, "08:00", "Europe/Kyiv")
    before = next_run(s, utc(2024, 3, 30, 12, 0))
    after = next_run(s, before)
    assert before == utc(2024, 3, 31, 5, 0)  # already summer time (change at 01:00 UTC)
    assert after == utc(2024, 4, 1, 5, 0)
    assert next_run(s, utc(2024, 3, 30, 0, 0)) == utc(2024, 3, 30, 6, 0)  # winter: UTC+2


def test_weekly_picks_the_weekday():
    """A weekly Friday digest would arrive on the wrong day."""
    s = sub(ScheduleKind.WEEKLY, "17:00", "Europe/London", weekday=4)
    run = next_run(s, utc(2024, 5, 6, 12, 0))  # a Monday
    assert run == utc(2024, 5, 10, 16, 0)  # Friday 17:00 BST
    assert next_run(s, run) == utc(2024, 5, 17, 16, 0)
    assert previous_run(s, utc(2024, 5, 12, 0, 0)) == run


def test_hourly_on_the_local_hour():
    """An hourly digest would run at :30 for a reader in a :00 zone, or the reverse in India."""
    assert next_run(sub(ScheduleKind.HOURLY), utc(2024, 1, 1, 10, 5)) == utc(2024, 1, 1, 11, 0)
    india = sub(ScheduleKind.HOURLY, tz="Asia/Kolkata")
    assert next_run(india, utc(2024, 1, 1, 10, 5)) == utc(2024, 1, 1, 10, 30)
    assert previous_run(india, utc(2024, 1, 1, 10, 5)) == utc(2024, 1, 1, 9, 30)


def test_hourly_across_fall_back_has_no_duplicate():
    """An hourly digest would fire twice or skip an hour when clocks go back."""
    s = sub(ScheduleKind.HOURLY, tz="America/New_York")
    runs = [utc(2024, 11, 3, 4, 0)]
    for _ in range(4):
        runs.append(next_run(s, runs[-1]))
    gaps = {b - a for a, b in itertools.pairwise(runs)}
    assert gaps == {timedelta(hours=1)}


def test_naive_datetime_refused():
    """A naive time would silently be read in the server's zone."""
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run(sub(ScheduleKind.DAILY, "09:00"), datetime(2024, 1, 1))


def test_parse_options_normalises():
    """A manager typing 7:05 or a lower-case zone would be refused or stored oddly."""
    opts = parse_schedule_options("weekly", "7:05", "europe/kyiv", "fri", "UTC")
    assert (opts.schedule, opts.time, opts.weekday, opts.timezone) == (
        ScheduleKind.WEEKLY,
        "07:05",
        4,
        "Europe/Kyiv",
    )
    daily = parse_schedule_options("daily", None, None, None, "Europe/Berlin")
    assert (daily.time, daily.weekday, daily.timezone) == ("09:00", None, "Europe/Berlin")
    assert parse_schedule_options("instant", None, None, None, "UTC").time is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("daily", "25:00", None, None), "time must be HH:MM (24-hour), got '25:00'"),
        (("daily", "9am", None, None), "time must be HH:MM (24-hour), got '9am'"),
        (
            ("daily", "09:00", "Mars/Base", None),
            "'Mars/Base' is not a time zone; use an IANA name such as Europe/Kyiv",
        ),
        (("weekly", "09:00", None, "someday"), "weekday must be a day such as Monday"),
        (
            ("monthly", None, None, None),
            "schedule must be one of instant, hourly, daily, weekly, got 'monthly'",
        ),
        (("hourly", "09:00", None, None), "time only applies to daily and weekly schedules"),
        (("daily", "09:00", None, 3), "weekday only applies to weekly schedules"),
    ],
)
def test_parse_options_errors(args: tuple[str, str | None, str | None, int | str | None], message: str):
    """The manager would get a vague or wrong error for a bad /subscribe option."""
    with pytest.raises(UserFacingError) as info:
        parse_schedule_options(*args, "UTC")
    assert str(info.value).startswith(message)


def test_describe():
    """/subscriptions would show a schedule the manager cannot read."""
    assert (
        describe(sub(ScheduleKind.WEEKLY, "17:00", "Europe/London", 4))
        == "weekly on Friday at 17:00 (Europe/London)"
    )
