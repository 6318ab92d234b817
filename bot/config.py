"""Configuration: TOML parsed into frozen dataclasses, validated key by key.

Every problem names the file, the key and what is allowed, because the operator
reading the message is usually half-way through a deployment. The token is wrapped
in ``Secret`` so no ``repr``, log line or error can ever show it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.models import Secret

DEFAULT_CONFIG_PATH = Path("briefbot.toml")
ENV_TOKEN = "DISCORD_TOKEN"
ENV_DB = "BRIEFBOT_DB"


class ConfigError(Exception):
    """A missing or invalid configuration value, with the key named."""


CardStyle = Literal["embed", "components"]
CARD_STYLES: tuple[CardStyle, ...] = ("embed", "components")


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: Secret = field(default_factory=lambda: Secret(""))
    dev_guild_ids: tuple[int, ...] = ()
    publisher_user_ids: tuple[int, ...] = ()
    publisher_role_ids: tuple[int, ...] = ()
    # The gateway shards this process connects: ``shard_ids`` of ``shard_count`` (all of
    # them when ``shard_ids`` is empty); None lets Discord say how many (GET /gateway/bot).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    # ``shard_ids = "any"``: one shard of ``shard_count`` that no other process holds,
    # claimed at start; a spare standing by while every shard is held (bot.shard_claims).
    any_shard: bool = False
    # How posts look where a channel chose no ``/subscribe ... style``: "components"
    # (Components V2 cards with buttons, the default) or "embed" (classic embeds, kept).
    cards: CardStyle = "components"


# Connections a PostgreSQL pool may open (storage.postgres.DEFAULT_POOL_SIZE, which
# bot.config does not import: loading the config never loads a database driver).
DEFAULT_POOL_SIZE = 5
MAX_SHARD_COUNT = 65_536
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """Where the data lives.

    ``path`` is what ``storage.open_storage`` opens: the SQLite file (``[storage] path``),
    or the PostgreSQL URL when ``[storage] url`` or ``BRIEFBOT_DB`` gives one, so every
    caller that opens ``path`` opens the right backend. A URL may hold a password: show
    ``location`` instead. ``pool_size`` is PostgreSQL's pool; SQLite has one connection.
    """

    path: str = "briefbot.db"
    pool_size: int = DEFAULT_POOL_SIZE

    @property
    def is_url(self) -> bool:
        return self.path.lower().startswith(_POSTGRES_SCHEMES)

    @property
    def location(self) -> str:
        """``path`` fit to print: a URL without its password."""
        if not self.is_url:
            return self.path
        try:
            parts = urlsplit(self.path)
        except ValueError:
            return "a PostgreSQL URL"
        userinfo, at, hosts = parts.netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}@{hosts}" if at else hosts
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in ("password", "sslpassword")])
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

    def __repr__(self) -> str:
        return f"StorageConfig(path={self.location!r}, pool_size={self.pool_size})"


@dataclass(frozen=True, slots=True)
class IngestConfig:
    timezone: str = "Europe/Kyiv"
    max_bytes: int = 200_000

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    default_timezone: str = "UTC"
    poll_seconds: int = 30
    instant_delay_seconds: float = 2.0
    instant_catchup_max: int = 5
    failure_threshold: int = 3
    alerts_channel_id: int | None = None


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    level: str = "INFO"


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    """Feeds and pages briefings arrive from (``bot.sources``): what the poller may fetch and how much."""

    # Networks the bot may fetch from although they are not public (an intranet's feeds).
    allowed_private_networks: tuple[str, ...] = ()
    # Named in the User-Agent so a feed's operator can reach whoever runs the bot.
    contact_url: str = ""
    default_interval_minutes: int = 10
    default_timezone: str = "UTC"  # for feed dates without an offset, when /source add gives none
    max_response_bytes: int = 5_000_000  # decompressed
    request_timeout_seconds: float = 20.0
    max_redirects: int = 5
    max_entries_per_poll: int = 50
    max_entry_chars: int = 20_000
    first_poll_entries: int = 5
    failure_threshold: int = 5
    max_connections: int = 10
    check_seconds: int = 30  # how often the scheduler looks for sources due a poll


FOLLOW_ALL = "all"  # the key of [follow] channels for the home channel that gets every briefing
MAX_FOLLOW_CHANNELS = 25  # the choices /subscribe can offer for a home channel


@dataclass(frozen=True, slots=True)
class FollowConfig:
    """Follow mode (``[follow]``): announcement channels of the operator's home server, one
    per topic plus ``all`` for everything, that servers' channels follow through Discord
    (``/subscribe ... mode:follow``), so a briefing costs a post and a publish per home
    channel however many channels follow. Empty: follow mode is off."""

    home_guild: int | None = None
    channels: tuple[tuple[str, int], ...] = ()  # (topic as subscriptions fold it, or "all"; channel id)

    @property
    def enabled(self) -> bool:
        return bool(self.channels)

    def channel_for(self, topic: str) -> int | None:
        folded = " ".join(topic.split()).casefold()
        return next((cid for key, cid in self.channels if key == folded), None)


def _follow_config(r: _Reader) -> FollowConfig:
    """``[follow]``: both keys or neither; each channel a distinct id under a distinct topic."""
    if not r.table:
        return FollowConfig()
    if "channels" not in r.table:
        raise r._fail("channels", "needed with home_guild: e.g. channels = { all = 123, energy = 456 }")
    home = r.optional_id("home_guild")
    if home is None:
        raise r._fail("home_guild", "needed with channels: the id of the server that holds them")
    table = r.table["channels"]
    if not isinstance(table, dict) or not table:
        raise r._fail(
            "channels", f"must be a table of topic = channel id, e.g. {{ all = 123 }}, got {table!r}"
        )
    if len(table) > MAX_FOLLOW_CHANNELS:
        raise r._fail("channels", f"at most {MAX_FOLLOW_CHANNELS} home channels, got {len(table)}")
    seen: dict[str, str] = {}
    by_id: dict[int, str] = {}
    channels = []
    for key, value in table.items():
        folded = " ".join(key.split()).casefold()
        if not folded or len(folded) > 80:
            raise r._fail(f"channels.{key}", "a topic is 1 to 80 characters long")
        if folded in seen:
            raise r._fail(f"channels.{key}", f"the same topic as channels.{seen[folded]}")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise r._fail(f"channels.{key}", f"must be a channel id (a positive whole number), got {value!r}")
        if value in by_id:
            raise r._fail(f"channels.{key}", f"the same channel as channels.{by_id[value]}")
        seen[folded], by_id[value] = key, key
        channels.append((folded, value))
    return FollowConfig(home_guild=home, channels=tuple(channels))


@dataclass(frozen=True, slots=True)
class Config:
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    follow: FollowConfig = field(default_factory=FollowConfig)
    source: str = "<defaults>"
    warnings: tuple[str, ...] = ()


_STORAGE_DEFAULTS = StorageConfig()
_INGEST_DEFAULTS = IngestConfig()
_SCHEDULE_DEFAULTS = ScheduleConfig()
_SOURCES_DEFAULTS = SourcesConfig()

_SECTIONS: dict[str, set[str]] = {
    "discord": {
        "token",
        "dev_guild_ids",
        "publisher_user_ids",
        "publisher_role_ids",
        "shard_count",
        "shard_ids",
        "cards",
    },
    "storage": {"path", "url", "pool_size"},
    "ingest": {"timezone", "max_bytes"},
    "schedule": {
        "default_timezone",
        "poll_seconds",
        "instant_delay_seconds",
        "instant_catchup_max",
        "failure_threshold",
        "alerts_channel_id",
    },
    "logging": {"level"},
    "sources": {
        "allowed_private_networks",
        "contact_url",
        "default_interval_minutes",
        "default_timezone",
        "max_response_bytes",
        "request_timeout_seconds",
        "max_redirects",
        "max_entries_per_poll",
        "max_entry_chars",
        "first_poll_entries",
        "failure_threshold",
        "max_connections",
        "check_seconds",
    },
    "follow": {"home_guild", "channels"},
}
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class _Reader:
    """Reads typed values out of one TOML table, raising ConfigError with context."""

    def __init__(self, source: str, section: str, table: Mapping[str, Any]) -> None:
        self.source, self.section, self.table = source, section, table

    def _fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.source}: [{self.section}] {key}: {why}")

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be a whole number from {low} to {high}, got {value!r}")
        if not low <= value <= high:
            raise self._fail(key, f"must be from {low} to {high}, got {value}")
        return int(value)

    def seconds(self, key: str, default: float, *, low: float, high: float) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"must be a number of seconds from {low:g} to {high:g}, got {value!r}")
        if not low <= value <= high:  # also refuses nan
            raise self._fail(key, f"must be from {low:g} to {high:g}, got {value}")
        return float(value)

    def optional_id(self, key: str) -> int | None:
        value = self.table.get(key)
        if value in (None, 0):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._fail(key, f"must be a Discord id (a positive whole number), got {value!r}")
        return value

    def ids(self, key: str) -> tuple[int, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or any(
            isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in value
        ):
            raise self._fail(key, f"must be a list of Discord ids (positive whole numbers), got {value!r}")
        return tuple(value)

    def shard_ids(self, key: str) -> tuple[int, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value
        ):
            raise self._fail(key, f'must be a list of shard numbers (0, 1, ...) or "any", got {value!r}')
        if len(set(value)) != len(value):
            raise self._fail(key, "lists a shard twice")
        return tuple(sorted(value))

    def networks(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            raise self._fail(key, f'must be a list of networks such as ["10.1.0.0/16"], got {value!r}')
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError as exc:
                raise self._fail(key, f"{item!r} is not a network such as 10.1.0.0/16 ({exc})") from None
        return tuple(v.strip() for v in value)

    def url(self, key: str, default: str) -> str:
        value = self.string(key, default).strip()
        if value and (urlsplit(value).scheme not in ("http", "https", "mailto") or " " in value):
            raise self._fail(key, f"must be an http(s) or mailto: URL, got {value!r}")
        return value

    def string(self, key: str, default: str) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str):
            raise self._fail(key, f"must be a string, got {type(value).__name__}")
        return value

    def choice(self, key: str, default: str, allowed: Sequence[str]) -> str:
        value = self.string(key, default)
        if value not in allowed:
            raise self._fail(key, f"must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    def timezone(self, key: str, default: str) -> str:
        value = self.string(key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self._fail(
                key, f"{value!r} is not an IANA time zone name (e.g. 'Europe/Kyiv', 'UTC')"
            ) from None
        return value


def load_config(path: str | Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Load ``path`` (default ``./briefbot.toml``; a missing default file means all
    defaults), then apply the ``DISCORD_TOKEN`` and ``BRIEFBOT_DB`` overrides."""
    env = os.environ if env is None else env
    explicit = path is not None
    file = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    data: dict[str, Any] = {}
    warnings: list[str] = []
    source = str(file)
    if file.exists():
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: invalid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read: {exc.strerror}") from None
    elif explicit:
        raise ConfigError(f"{file}: config file not found")
    else:
        source = "<defaults>"

    for section, value in data.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{source}: unknown section [{section}]; known: {', '.join(sorted(_SECTIONS))}")
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: {section} must be a table ([{section}])")
        unknown = set(value) - _SECTIONS[section]
        if unknown:
            raise ConfigError(
                f"{source}: [{section}] unknown key {sorted(unknown)[0]!r}; "
                f"known: {', '.join(sorted(_SECTIONS[section]))}"
            )

    def reader(section: str) -> _Reader:
        return _Reader(source, section, data.get(section, {}))

    d = reader("discord")
    token = d.string("token", "")
    if token and file.exists() and os.name == "posix":
        mode = file.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings.append(
                f"{file} holds the Discord token but is readable by other users; run: chmod 600 {file}"
            )
    if env.get(ENV_TOKEN):
        token = env[ENV_TOKEN]
    shard_count = (
        d.integer("shard_count", 1, low=1, high=MAX_SHARD_COUNT) if "shard_count" in d.table else None
    )
    any_shard = isinstance(d.table.get("shard_ids"), str) and d.table["shard_ids"].strip().lower() == "any"
    shard_ids = () if any_shard else d.shard_ids("shard_ids")
    if (shard_ids or any_shard) and shard_count is None:
        raise ConfigError(
            f"{source}: [discord] shard_ids: needs shard_count too (the total number of shards)"
        )
    if shard_count is not None and shard_ids and shard_ids[-1] >= shard_count:
        raise ConfigError(
            f"{source}: [discord] shard_ids: shard {shard_ids[-1]} does not exist with shard_count = "
            f"{shard_count} (shards are numbered 0 to {shard_count - 1})"
        )
    discord_cfg = DiscordConfig(
        token=Secret(token.strip()),
        dev_guild_ids=d.ids("dev_guild_ids"),
        publisher_user_ids=d.ids("publisher_user_ids"),
        publisher_role_ids=d.ids("publisher_role_ids"),
        shard_count=shard_count,
        shard_ids=shard_ids,
        any_shard=any_shard,
        cards=cast(CardStyle, d.choice("cards", "components", CARD_STYLES)),
    )

    st = reader("storage")
    if "path" in st.table and "url" in st.table:
        raise ConfigError(
            f"{source}: [storage] path and url: give one (path for a SQLite file, url for PostgreSQL)"
        )
    db_path = st.string("path", _STORAGE_DEFAULTS.path)
    if not db_path.strip():
        raise ConfigError(f"{source}: [storage] path: must not be empty")
    if "url" in st.table:
        db_path = st.string("url", "")
        # Never echo the value: it may hold a password.
        if not db_path.lower().startswith(_POSTGRES_SCHEMES) or not db_path.partition("://")[2]:
            raise ConfigError(
                f"{source}: [storage] url: must be a PostgreSQL URL, postgresql://user@host:port/database"
            )
    db_path = env.get(ENV_DB) or db_path
    pool_size = st.integer("pool_size", _STORAGE_DEFAULTS.pool_size, low=1, high=100)

    ing = reader("ingest")
    sch = reader("schedule")
    lg = reader("logging")
    src = reader("sources")
    level = lg.string("level", "INFO").upper()
    if level not in _LEVELS:
        raise ConfigError(f"{source}: [logging] level: must be one of {', '.join(_LEVELS)}, got {level!r}")

    return Config(
        discord=discord_cfg,
        storage=StorageConfig(path=db_path, pool_size=pool_size),
        ingest=IngestConfig(
            timezone=ing.timezone("timezone", _INGEST_DEFAULTS.timezone),
            max_bytes=ing.integer("max_bytes", _INGEST_DEFAULTS.max_bytes, low=1_000, high=10_000_000),
        ),
        schedule=ScheduleConfig(
            default_timezone=sch.timezone("default_timezone", _SCHEDULE_DEFAULTS.default_timezone),
            poll_seconds=sch.integer("poll_seconds", _SCHEDULE_DEFAULTS.poll_seconds, low=5, high=3600),
            instant_delay_seconds=sch.seconds(
                "instant_delay_seconds", _SCHEDULE_DEFAULTS.instant_delay_seconds, low=0, high=60
            ),
            instant_catchup_max=sch.integer(
                "instant_catchup_max", _SCHEDULE_DEFAULTS.instant_catchup_max, low=1, high=10
            ),
            failure_threshold=sch.integer(
                "failure_threshold", _SCHEDULE_DEFAULTS.failure_threshold, low=1, high=100
            ),
            alerts_channel_id=sch.optional_id("alerts_channel_id"),
        ),
        logging=LoggingConfig(level=level),
        sources=SourcesConfig(
            allowed_private_networks=src.networks("allowed_private_networks"),
            contact_url=src.url("contact_url", _SOURCES_DEFAULTS.contact_url),
            default_interval_minutes=src.integer(
                "default_interval_minutes", _SOURCES_DEFAULTS.default_interval_minutes, low=2, high=10080
            ),
            default_timezone=src.timezone("default_timezone", _SOURCES_DEFAULTS.default_timezone),
            max_response_bytes=src.integer(
                "max_response_bytes", _SOURCES_DEFAULTS.max_response_bytes, low=10_000, high=100_000_000
            ),
            request_timeout_seconds=src.seconds(
                "request_timeout_seconds", _SOURCES_DEFAULTS.request_timeout_seconds, low=1, high=300
            ),
            max_redirects=src.integer("max_redirects", _SOURCES_DEFAULTS.max_redirects, low=0, high=20),
            max_entries_per_poll=src.integer(
                "max_entries_per_poll", _SOURCES_DEFAULTS.max_entries_per_poll, low=1, high=1000
            ),
            max_entry_chars=src.integer(
                "max_entry_chars", _SOURCES_DEFAULTS.max_entry_chars, low=500, high=1_000_000
            ),
            first_poll_entries=src.integer(
                "first_poll_entries", _SOURCES_DEFAULTS.first_poll_entries, low=0, high=100
            ),
            failure_threshold=src.integer(
                "failure_threshold", _SOURCES_DEFAULTS.failure_threshold, low=1, high=100
            ),
            max_connections=src.integer(
                "max_connections", _SOURCES_DEFAULTS.max_connections, low=1, high=100
            ),
            check_seconds=src.integer("check_seconds", _SOURCES_DEFAULTS.check_seconds, low=1, high=3600),
        ),
        follow=_follow_config(reader("follow")),
        source=source,
        warnings=tuple(warnings),
    )


_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}$")


def token_problem(token: Secret) -> str | None:
    """Why a token cannot be used, without ever echoing it."""
    if not token:
        return f"no Discord token: set the {ENV_TOKEN} environment variable or [discord] token in the config"
    if not _TOKEN_SHAPE.match(token.reveal()):
        return "the Discord token does not look like a bot token (three dot-separated parts)"
    return None
