"""A web server on loopback for the sources tests: the fixture feeds of ``tests/feeds/``,
whatever a test sets up (redirects, slow answers, 429s, gzip bombs, changing entries), and
a record of every request: which host it named, what it asked, how many ran at once.

It listens on 127.0.0.1, and on 127.0.0.2 at the same port, where it plays the forbidden
host: the tests allow 127.0.0.1/32 only, so a fetch that reached 127.0.0.2 would be a hole,
and ``forbidden_hits`` shows it. ``RESOLVER`` stands in for DNS: it sends the tests' host
names to these two addresses, or to private, link-local and metadata addresses the tests
check refusals with, which nothing ever connects to.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

FEEDS = Path(__file__).parent / "feeds"

ALLOWED = ("127.0.0.1/32",)
NAMES: dict[str, list[str]] = {
    "feeds.test": ["127.0.0.1"],
    "other.test": ["127.0.0.1"],
    "third.test": ["127.0.0.1"],
    "forbidden.test": ["127.0.0.2"],
    "intranet.test": ["10.0.0.5"],
    "cgnat.test": ["100.64.1.1"],
    "metadata.test": ["169.254.169.254"],
    "linklocal.test": ["169.254.7.7"],
    "multicast.test": ["224.0.0.251"],
    "reserved.test": ["240.0.0.1"],
    "v6local.test": ["fe80::1"],
    "v6mapped.test": ["::ffff:10.0.0.5"],
    "mixed.test": ["127.0.0.1", "10.0.0.5"],
}


async def RESOLVER(host: str, port: int) -> list[str]:  # noqa: N802 - a constant that is a function
    """The tests' DNS: ``NAMES``, and every other name unknown."""
    if host in NAMES:
        return list(NAMES[host])
    raise socket.gaierror(socket.EAI_NONAME, f"Name or service not known: {host}")


@dataclass
class Reply:
    """What the server answers at one path."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    raw_encoding: str | None = None  # body already encoded (a bomb): sent as is with this Content-Encoding


@dataclass(frozen=True)
class Request:
    host: str  # the Host header, without the port
    local: str  # the address it arrived at
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {}
        self.requests: list[Request] = []
        self.active: Counter[str] = Counter()
        self.most_at_once: Counter[str] = Counter()
        self.total_at_once = 0
        self.most_total = 0
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        first = web.TCPSite(self._runner, "127.0.0.1", 0)
        await first.start()
        server = first._server
        assert isinstance(server, asyncio.base_events.Server)
        self.port = server.sockets[0].getsockname()[1]
        await web.TCPSite(self._runner, "127.0.0.2", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str, host: str = "feeds.test") -> str:
        return f"http://{host}:{self.port}{path}"

    # -- what to serve ---------------------------------------------------------------

    def serve(self, path: str, body: bytes | str, **options: object) -> str:
        """Serve ``body`` at ``path``; the URL on feeds.test."""
        data = body.encode() if isinstance(body, str) else body
        self.replies[path] = Reply(data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def fixture(self, path: str, name: str, **options: object) -> str:
        """Serve ``tests/feeds/<name>`` at ``path``."""
        return self.serve(path, (FEEDS / name).read_bytes(), **options)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.serve(path, b"", status=status, headers={"Location": to})

    def gzip_bomb(self, path: str, megabytes: int) -> str:
        """``megabytes`` of zeros, gzip'd to about a thousandth of that."""
        bomb = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
        return self.serve(path, bomb, raw_encoding="gzip", content_type="application/xml")

    # -- what was asked -------------------------------------------------------------

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    @property
    def forbidden_hits(self) -> list[Request]:
        return [r for r in self.requests if r.local == "127.0.0.2"]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0]
        sock = request.transport.get_extra_info("sockname") if request.transport else None
        local = sock[0] if sock else ""
        self.requests.append(Request(host, local, request.path, dict(request.headers)))
        self.active[host] += 1
        self.total_at_once += 1
        self.most_at_once[host] = max(self.most_at_once[host], self.active[host])
        self.most_total = max(self.most_total, self.total_at_once)
        try:
            reply = self.replies.get(request.path)
            if reply is None:
                return web.Response(status=404, text="not found")
            if reply.delay:
                await asyncio.sleep(reply.delay)
            headers = dict(reply.headers)
            if reply.etag:
                headers["ETag"] = reply.etag
            if reply.last_modified:
                headers["Last-Modified"] = reply.last_modified
            if reply.status == 200 and (
                (reply.etag and request.headers.get("If-None-Match") == reply.etag)
                or (reply.last_modified and request.headers.get("If-Modified-Since") == reply.last_modified)
            ):
                return web.Response(status=304, headers=headers)
            body = reply.body
            if reply.raw_encoding:
                headers["Content-Encoding"] = reply.raw_encoding
            elif reply.gzip and "gzip" in request.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            headers["Content-Type"] = reply.content_type
            return web.Response(status=reply.status, body=body, headers=headers)
        finally:
            self.active[host] -= 1
            self.total_at_once -= 1
