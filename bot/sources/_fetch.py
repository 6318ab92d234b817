"""Fetching a source over HTTP, safely and politely, with aiohttp (which discord.py brings).

Safely: only http(s); every host (the first and each redirect's) resolved through
``AddressPolicy`` before the client may connect (a name through the client's resolver, so
the address checked is the address used; an address written in the URL beforehand, since
the client never resolves those); at most ``max_redirects`` redirects, each followed here
rather than by the client; one deadline for the whole fetch; the body decompressed here,
a bounded piece at a time, so a gzip bomb stops at ``max_bytes`` of output rather than
filling memory; no cookies, no proxy from the environment.

Politely: a User-Agent naming the bot and the operator's contact URL; conditional requests
(``If-None-Match``/``If-Modified-Since``); gzip and deflate accepted; at most one request
at a time per host, and a bounded number overall; a host that answered 429 or 503 with
``Retry-After`` is left alone until then, by every source on it.

Every failure is a ``FetchError`` naming the URL and the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import socket
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.sources._safety import (
    AddressPolicy,
    AddressRefusedError,
    RefusedError,
    Resolver,
    checked_url,
    literal_address,
    system_resolver,
)

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER_SECONDS = 24 * 3600
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int = 5_000_000  # of the body once decompressed
    timeout_seconds: float = 20.0  # the whole fetch: connecting, redirects, headers and body
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Response:
    """A 200 (with its body) or a 304 (``not_modified``, no body)."""

    url: str  # where the body came from, after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that gave nothing usable: ``str`` is ``"<url>: <reason>"``.

    ``counts`` is False for what says nothing about this source (its host asked, through
    another source's answer, to be left alone for a while: nothing was requested);
    ``retry_after`` is how long the server asked to wait, in seconds; ``refused`` marks a
    URL the bot will not fetch at all (a forbidden address or scheme).
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        counts: bool = True,
        retry_after: float | None = None,
        refused: bool = False,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.counts = counts
        self.retry_after = retry_after
        self.refused = refused


class _CheckedResolver(AbstractResolver):
    """The client's resolver: a host's addresses, each checked against the policy, so the
    client connects only to addresses that passed."""

    def __init__(self, resolve: Resolver, policy: AddressPolicy) -> None:
        self._resolve = resolve
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:
            raise OSError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        checked = self._policy.check(host, addresses)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in checked
        ]

    async def close(self) -> None:
        return None


class Fetcher:
    """One HTTP client for every source, opened on first use and closed with ``close``."""

    def __init__(
        self,
        *,
        user_agent: str,
        policy: AddressPolicy,
        resolver: Resolver = system_resolver,
        limits: FetchLimits | None = None,
        max_connections: int = 10,
    ) -> None:
        self.user_agent = user_agent
        self.policy = policy
        self.limits = limits or FetchLimits()
        self._resolver = resolver
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(max_connections)
        self._hosts: dict[str, asyncio.Lock] = {}
        self._host_users: dict[str, int] = {}
        self._not_before: dict[str, float] = {}  # host -> monotonic time it asked us to wait for

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=_CheckedResolver(self._resolver, self.policy),
                use_dns_cache=False,  # every connection is made to addresses checked just now
                limit=self._max_connections,
                limit_per_host=1,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # decompressed here, bounded
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=None),
                headers={"User-Agent": self.user_agent},
            )
        return self._session

    async def check(self, url: str) -> str:
        """``url`` if the bot may fetch it (scheme, host and every address it resolves to);
        ``RefusedError`` saying why not. Connects to nothing."""
        good = checked_url(url)
        host = urlsplit(good).hostname or ""
        try:
            if literal_address(host) is not None:
                self.policy.check(host, [host.strip("[]")])
            else:
                try:
                    addresses = await self._resolver(host, urlsplit(good).port or 0)
                except OSError as exc:
                    raise RefusedError(f"cannot resolve {host}: {exc.strerror or exc}") from None
                self.policy.check(host, addresses)
        except AddressRefusedError as exc:
            raise RefusedError(str(exc)) from None
        return good

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Response:
        """GET ``url`` following up to ``max_redirects`` redirects, each checked; a
        ``FetchError`` naming the URL and the reason for anything but a 200 or a 304."""
        limits = self.limits
        try:
            async with asyncio.timeout(limits.timeout_seconds):
                return await self._get(url, etag, last_modified, accept)
        except TimeoutError:
            raise FetchError(url, f"no complete answer within {limits.timeout_seconds:g} s") from None

    async def _get(self, url: str, etag: str | None, last_modified: str | None, accept: str) -> Response:
        start = url
        for hop in range(self.limits.max_redirects + 1):
            try:
                url = checked_url(url)
            except RefusedError as exc:
                raise FetchError(
                    start if hop == 0 else f"{start} (redirected to {url[:200]})", str(exc), refused=True
                ) from None
            host = (urlsplit(url).hostname or "").lower()
            literal = literal_address(host)
            if literal is not None:
                kind = self.policy.why_refused(literal)
                if kind is not None:
                    where = url if hop == 0 else f"{start} (redirected to {url})"
                    raise FetchError(where, f"refused: {literal} is {kind}", refused=True)
            headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
            if hop == 0 and etag:
                headers["If-None-Match"] = etag
            if hop == 0 and last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self._host(host, url):
                response = await self._request(url, start, hop, headers)
            if isinstance(response, Response):
                return response
            url = response  # a redirect's target
        raise FetchError(start, f"more than {self.limits.max_redirects} redirects (last to {url[:200]})")

    async def _request(self, url: str, start: str, hop: int, headers: dict[str, str]) -> Response | str:
        where = url if hop == 0 else f"{start} (redirected to {url})"
        try:
            async with self._slots, self._client().get(url, headers=headers, allow_redirects=False) as resp:
                if resp.status in REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(where, f"HTTP {resp.status} redirect without a Location")
                    return urljoin(url, location.strip())
                if resp.status == 304:
                    return Response(
                        url, 304, b"", None, resp.headers.get("ETag"), resp.headers.get("Last-Modified")
                    )
                if resp.status in (429, 503):
                    wait = retry_after(resp.headers.get("Retry-After"))
                    if wait is not None or resp.status == 429:
                        self._wait_for(urlsplit(url).hostname or "", wait or 60.0)
                        raise FetchError(
                            where,
                            f"HTTP {resp.status}: the server asks to wait "
                            + (f"{wait:.0f} s" if wait is not None else "a while"),
                            retry_after=wait or 60.0,
                        )
                if resp.status != 200:
                    raise FetchError(where, f"HTTP {resp.status} {resp.reason or ''}".rstrip())
                body = await self._body(resp, where)
                return Response(
                    url,
                    200,
                    body,
                    resp.headers.get("Content-Type"),
                    resp.headers.get("ETag"),
                    resp.headers.get("Last-Modified"),
                )
        except aiohttp.ClientConnectorError as exc:
            cause = exc.os_error
            if isinstance(cause, AddressRefusedError):
                raise FetchError(where, str(cause), refused=True) from None
            raise FetchError(where, f"cannot connect: {cause.strerror or cause}") from None
        except aiohttp.ClientResponseError as exc:
            raise FetchError(where, f"bad HTTP response ({exc.message})") from None
        except aiohttp.ClientError as exc:
            raise FetchError(where, f"{type(exc).__name__}: {exc}") from None
        except OSError as exc:
            raise FetchError(where, f"network error: {exc.strerror or exc}") from None

    async def _body(self, resp: aiohttp.ClientResponse, where: str) -> bytes:
        """The body decompressed, refused as soon as it passes ``max_bytes``."""
        limit = self.limits.max_bytes
        coding = resp.headers.get("Content-Encoding", "identity").strip().lower()
        if coding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise FetchError(where, f"unsupported Content-Encoding {coding!r}")
        if coding in ("identity", "") and resp.content_length is not None and resp.content_length > limit:
            raise FetchError(where, f"too large: {resp.content_length:,} bytes, the limit is {limit:,}")
        out = bytearray()
        inflate: Any = None
        raw = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            raw += len(chunk)
            if raw > limit:
                raise FetchError(where, f"too large: more than {limit:,} bytes")
            if coding in ("identity", ""):
                out += chunk
            else:
                if inflate is None:
                    inflate = _decompressor(coding, chunk)
                data = chunk
                while data:
                    piece = inflate.decompress(data, limit - len(out) + 1)
                    out += piece
                    if len(out) > limit:
                        raise FetchError(where, f"too large: more than {limit:,} bytes once decompressed")
                    data = inflate.unconsumed_tail
                    if inflate.eof:
                        break
            if len(out) > limit:
                raise FetchError(where, f"too large: more than {limit:,} bytes")
        return bytes(out)

    @contextlib.asynccontextmanager
    async def _host(self, host: str, url: str) -> AsyncIterator[None]:
        """One request at a time per host; none before the time a Retry-After named."""
        lock = self._hosts.setdefault(host, asyncio.Lock())
        self._host_users[host] = self._host_users.get(host, 0) + 1
        try:
            async with lock:
                wait = self._not_before.get(host, 0.0) - time.monotonic()
                if wait > 0:
                    raise FetchError(
                        url,
                        f"{host} asked to wait (Retry-After): {wait:.0f} s left",
                        counts=False,
                        retry_after=wait,
                    )
                yield
        finally:
            self._host_users[host] -= 1
            if not self._host_users[host]:
                del self._host_users[host]
                del self._hosts[host]

    def _wait_for(self, host: str, seconds: float) -> None:
        now = time.monotonic()
        for done in [h for h, until in self._not_before.items() if until <= now]:
            del self._not_before[done]
        self._not_before[host.lower()] = now + seconds


def _decompressor(coding: str, first: bytes) -> Any:
    """gzip, or deflate as servers send it: zlib-wrapped (as the RFC says) or raw."""
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    zlib_wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number, or an HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return float(min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS))
