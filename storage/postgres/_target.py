"""A PostgreSQL URL, and how to name its database without its password.

The URL goes to asyncpg as it is (query parameters it does not know, such as
``search_path``, become server settings of every connection). Everything shown to an
operator (errors, logs, ``Storage.location``) is built from ``Target``, which keeps the
user, hosts, port, database and query but never a password.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from storage.errors import StorageError

SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMETERS = frozenset({"password", "passfile", "sslpassword"})


@dataclass(frozen=True, slots=True)
class Target:
    """Where the database is. ``url`` may hold a password: never show it."""

    url: str
    host: str
    database: str
    location: str  # the URL without its password, for logs and messages

    @property
    def named(self) -> str:
        """How messages name it: "the PostgreSQL database briefbot on db.example.org"."""
        return f"the PostgreSQL database {self.database} on {self.host}"


def is_postgres_url(target: str) -> bool:
    scheme, sep, _ = target.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def parse_target(url: str) -> Target:
    """``url`` taken apart for messages; ``StorageError`` (without the URL) if it is not one."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        _port_check(parts.netloc)
    except ValueError:
        raise StorageError(
            "the PostgreSQL URL is malformed: write postgresql://user:password@host:port/database"
        ) from None
    if parts.scheme.lower() not in SCHEMES:
        raise StorageError("not a PostgreSQL URL: it must start with postgresql:// or postgres://")
    params = dict(query)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user = unquote(userinfo.partition(":")[0]) if at else params.get("user", "")
    host = unquote(hosts) or params.get("host") or "localhost"
    database = unquote(parts.path.lstrip("/")) or params.get("dbname") or params.get("database") or ""
    if not database:
        database = user or _os_user()
    netloc = (f"{userinfo.partition(':')[0]}@" if at else "") + hosts
    shown = urlencode([(k, v) for k, v in query if k not in _SECRET_PARAMETERS])
    location = urlunsplit((parts.scheme, netloc, parts.path, shown, ""))
    return Target(url, host, database, location)


def _port_check(netloc: str) -> None:
    """Raise ``ValueError`` for a port that is not a number (before asyncpg echoes the URL)."""
    for host in netloc.rpartition("@")[2].split(","):
        _, colon, port = host.rpartition(":")
        if colon and port and not host.endswith("]") and not port.isdigit():
            raise ValueError("bad port")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "postgres"


def redact(target: Target, text: str) -> str:
    """``text`` (an error message) with the URL's password, if it holds one, blanked out."""
    parts = urlsplit(target.url)
    secrets = [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in _SECRET_PARAMETERS]
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        secrets.append(userinfo.partition(":")[2])
    for secret in secrets:
        for form in {secret, unquote(secret)}:
            if form:
                text = text.replace(form, "********")
    return text
