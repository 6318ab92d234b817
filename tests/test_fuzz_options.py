"""Fuzzed command options and config: /subscribe's schedule options, and TOML config files.

The only outcomes are a valid result or the project's own error (``UserFacingError``
for a manager's typo, ``ConfigError`` for the operator's file), never a traceback.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, load_config
from bot.errors import UserFacingError
from bot.models import ScheduleKind, Subscription
from bot.timetable import describe, next_run, parse_schedule_options, previous_run

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

SCHEDULES = st.one_of(
    st.sampled_from([k.value for k in ScheduleKind] + ["DAILY", " weekly ", "monthly"]), st.text(max_size=10)
)
TIMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["09:00", "7:5", "24:00", "23:59", "00:00", " 9:30 ", "٠٩:٣٠", "9:30pm", "-1:00", "99:99", ""]
    ),
    st.from_regex(r"-?\d{0,3}:\d{0,3}", fullmatch=True),
    st.text(max_size=6),
)
ZONES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "UTC",
            "europe/kyiv",
            "Europe/Kyiv",
            "../../etc/passwd",
            "/etc/localtime",
            "Etc/GMT+14",
            "",
            " ",
            "\x00",
            "America/St_Johns",
            "Asia/Kathmandu",
            "Pacific/Chatham",
            "Australia/Lord_Howe",
            "Europe/London",
        ]
    ),
    st.text(max_size=30),
)
WEEKDAYS = st.one_of(
    st.none(), st.integers(-3, 10), st.sampled_from(["mon", "Sunday", "7", "", "fri "]), st.text(max_size=5)
)
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))


@FUZZ
@given(schedule=SCHEDULES, time=TIMES, zone=ZONES, weekday=WEEKDAYS, now=MOMENTS)
@example(schedule="daily", time="٠٩:٣٠", zone=None, weekday=None, now=datetime(2026, 3, 29, tzinfo=UTC))
@example(
    schedule="daily", time="02:30", zone="Europe/Kyiv", weekday=None, now=datetime(2026, 3, 29, tzinfo=UTC)
)
@example(
    schedule="weekly",
    time="01:30",
    zone="Europe/London",
    weekday="sun",
    now=datetime(2026, 10, 24, tzinfo=UTC),
)
@example(
    schedule="hourly",
    time=None,
    zone="Australia/Lord_Howe",
    weekday=None,
    now=datetime(2026, 4, 5, tzinfo=UTC),
)
@example(
    schedule="daily", time=None, zone="../../etc/passwd", weekday=None, now=datetime(2026, 1, 1, tzinfo=UTC)
)
@example(schedule="daily", time=None, zone="\x00", weekday=None, now=datetime(2026, 1, 1, tzinfo=UTC))
def test_schedule_options_are_valid_or_a_user_error(schedule, time, zone, weekday, now):
    """An odd /subscribe option would crash the command, or be stored and break the schedule later."""
    try:
        options = parse_schedule_options(schedule, time, zone, weekday, "UTC")
    except UserFacingError as exc:
        assert str(exc)
        return
    sub = Subscription(
        channel_id=1,
        guild_id=2,
        schedule=options.schedule,
        time=options.time,
        weekday=options.weekday,
        timezone=options.timezone,
    )
    assert describe(sub)
    if sub.schedule is ScheduleKind.INSTANT:
        return
    upcoming = next_run(sub, now)
    assert now < upcoming <= now + timedelta(days=7, hours=2)
    assert previous_run(sub, now) <= now


SECTIONS = ["discord", "storage", "ingest", "schedule", "logging", "unknown"]
KEYS = [
    "token",
    "dev_guild_ids",
    "publisher_user_ids",
    "publisher_role_ids",
    "path",
    "timezone",
    "max_bytes",
    "default_timezone",
    "poll_seconds",
    "instant_catchup_max",
    "failure_threshold",
    "alerts_channel_id",
    "level",
    "nonsense",
]
SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["Europe/Kyiv", "UTC", "debug", "Mars/Base", ""]),
)
VALUES = st.one_of(
    SCALARS, st.lists(st.one_of(st.integers(-5, 2**63 - 1), st.text(max_size=5), st.booleans()), max_size=4)
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value == float("inf") else "-inf" if value == float("-inf") else repr(value))
        )
    if isinstance(value, str):
        return (
            '"'
            + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
            + '"'
        )
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"  # type: ignore[attr-defined]


TOML_DOCS = st.dictionaries(
    st.sampled_from(SECTIONS), st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4), max_size=4
).map(
    lambda doc: "\n".join(
        f"[{s}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in t.items()) for s, t in doc.items()
    )
)


@FUZZ
@given(
    text=st.one_of(
        TOML_DOCS, st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1"))
    )
)
@example(text='[storage]\npath = ""\n')
@example(text="[ingest]\nmax_bytes = 1e9\n")
@example(text='[ingest]\ntimezone = "\\u0000"\n')
@example(text='[schedule]\ndefault_timezone = "../../etc/passwd"\n')
@example(text="discord = 5\n")
@example(text="[discord]\npublisher_user_ids = [1, true]\n")
def test_any_config_file_loads_or_names_the_problem(tmp_path: Path, text: str):
    """A typo in briefbot.toml would crash start-up with a traceback instead of naming the key."""
    path = tmp_path / "briefbot.toml"
    path.write_text(text, "utf-8", errors="surrogatepass")
    try:
        config = load_config(path, env={})
    except ConfigError as exc:
        assert str(path) in str(exc)
        return
    assert config.ingest.tz is not None
    assert "Secret(" in repr(config.discord.token) and (
        not config.discord.token or "*" in repr(config.discord.token)
    )


@FUZZ
@given(raw=st.binary(max_size=200))
@example(raw=b"\xff\xfe[discord]")
def test_config_bytes_that_are_not_utf8_are_a_config_error(tmp_path: Path, raw: bytes):
    """A config saved in the wrong encoding would crash start-up instead of saying so."""
    path = tmp_path / "briefbot.toml"
    path.write_bytes(raw)
    try:
        load_config(path, env={})
    except ConfigError as exc:
        assert str(path) in str(exc)
