"""``Storage.backup`` on PostgreSQL: ``pg_dump``, the server's own consistent snapshot.

A dump is taken inside one repeatable-read transaction on the server, so it is
consistent while the bot goes on writing. It is written beside the target and renamed
into place, so a failed backup never leaves a half-written file under that name. The
connection settings reach ``pg_dump`` through libpq's environment variables, the
password too, so it never shows in a process listing; only the schema the URL's
``search_path`` names (or the whole database) is dumped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from storage.errors import StorageError
from storage.postgres._target import Target, redact

# URL query parameters libpq reads from the environment, and the variables that carry them.
_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "dbname": "PGDATABASE",
    "database": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def libpq_environment(target: Target) -> tuple[dict[str, str], list[str]]:
    """The environment variables and extra ``pg_dump`` arguments that reach ``target``."""
    parts = urlsplit(target.url)
    env: dict[str, str] = {}
    args: list[str] = []
    for key, value in parse_qsl(parts.query):
        if key in _ENVIRONMENT:
            env[_ENVIRONMENT[key]] = value
        elif key == "search_path":
            args += [f"--schema={schema.strip()}" for schema in value.split(",") if schema.strip()]
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        env["PGUSER"] = unquote(user)
        if colon:
            env["PGPASSWORD"] = unquote(password)
    if hosts:
        names, ports = [], []
        for host in unquote(hosts).split(","):
            name, colon, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
            names.append((name if colon else host).strip("[]"))
            ports.append(port if colon else "")
        env["PGHOST"] = ",".join(names)
        if any(ports):
            env["PGPORT"] = ",".join(p or "5432" for p in ports)
    if parts.path.strip("/"):
        env["PGDATABASE"] = unquote(parts.path.strip("/"))
    return env, args


async def dump(target: Target, destination: Path) -> None:
    """``pg_dump --format=custom`` of ``target`` to ``destination``, through a partial file."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StorageError(
            f"backing up {target.named} needs pg_dump on PATH (install PostgreSQL's client tools, "
            "of the server's version or newer), or run pg_dump yourself"
        )
    partial = await asyncio.to_thread(_partial_file, destination)
    env, args = libpq_environment(target)
    process = await asyncio.create_subprocess_exec(
        pg_dump,
        "--format=custom",
        f"--file={partial}",
        "--no-password",
        *args,
        env={**os.environ, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        why = redact(target, errors.decode("utf-8", "replace").strip())
        raise StorageError(f"backup of {target.named} to {destination} failed: {why}")
    await asyncio.to_thread(_move, partial, destination)


def _partial_file(destination: Path) -> Path:
    """The file the dump is written to before it is renamed to ``destination``."""
    if destination.is_dir():
        raise StorageError(f"backup target {destination} is a folder; give a file name")
    if not destination.parent.is_dir():
        raise StorageError(f"backup folder {destination.parent} does not exist")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


def _move(partial: Path, destination: Path) -> None:
    try:
        partial.replace(destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup to {destination} failed: {exc}") from exc
