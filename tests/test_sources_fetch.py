"""Fetching sources, safely and politely, against the loopback feed server.

Only 127.0.0.1 is allowed, as an operator's ``allowed_private_networks`` would allow an
intranet; 127.0.0.2 plays the forbidden host, and private, link-local and metadata
addresses are checked through the resolver, never connected to.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.sources import AddressPolicy, Fetcher, FetchError, FetchLimits, RefusedError
from bot.sources._fetch import retry_after
from bot.sources._safety import parse_networks
from tests.feedserver import ALLOWED, RESOLVER, FeedServer


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    started = await FeedServer().start()
    try:
        yield started
    finally:
        await started.stop()


def make_fetcher(**limits: float) -> Fetcher:
    return Fetcher(
        user_agent="briefbot/test (+https://desk.example/contact)",
        policy=AddressPolicy(parse_networks(ALLOWED)),
        resolver=RESOLVER,
        limits=FetchLimits(**{"timeout_seconds": 5.0, **limits}),  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    made = make_fetcher()
    try:
        yield made
    finally:
        await made.close()


async def test_a_feed_is_fetched_with_a_user_agent_naming_the_bot(server: FeedServer, fetcher: Fetcher):
    """A feed's operator could not tell who polls them, or how to reach them."""
    url = server.fixture("/rss.xml", "rss20.xml", gzip=True)
    response = await fetcher.get(url)
    assert response.status == 200 and b"Reservoir levels" in response.body
    [request] = server.hits("/rss.xml")
    assert request.headers["User-Agent"] == "briefbot/test (+https://desk.example/contact)"
    assert "gzip" in request.headers["Accept-Encoding"]
    assert "Cookie" not in request.headers


async def test_conditional_get_answers_not_modified(server: FeedServer, fetcher: Fetcher):
    """An unchanged feed would be downloaded and parsed in full on every poll."""
    url = server.fixture("/etag.xml", "rss20.xml", etag='"v1"', last_modified="Tue, 03 Mar 2026 09:15:00 GMT")
    first = await fetcher.get(url)
    assert (first.etag, first.last_modified) == ('"v1"', "Tue, 03 Mar 2026 09:15:00 GMT")
    again = await fetcher.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert server.hits("/etag.xml")[1].headers["If-None-Match"] == '"v1"'


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("intranet.test", "10.0.0.5, a private address"),
        ("cgnat.test", "100.64.1.1, not a public address"),
        ("metadata.test", "169.254.169.254, a cloud metadata address"),
        ("linklocal.test", "169.254.7.7, a link-local address"),
        ("multicast.test", "224.0.0.251, a multicast address"),
        ("reserved.test", "240.0.0.1, a reserved address"),
        ("v6local.test", "fe80::1, a link-local address"),
        ("v6mapped.test", "::ffff:10.0.0.5, a private address"),
        ("mixed.test", "10.0.0.5, a private address"),
        ("forbidden.test", "127.0.0.2, a loopback address"),
    ],
)
async def test_hosts_resolving_to_internal_addresses_are_refused(
    server: FeedServer, fetcher: Fetcher, host: str, reason: str
):
    """A feed URL could make the bot read the operator's intranet, the machine itself or the cloud's credentials."""
    url = server.url("/rss.xml", host=host)
    with pytest.raises(RefusedError, match=f"{host} resolves to {reason}"):
        await fetcher.check(url)
    server.fixture("/rss.xml", "rss20.xml")
    with pytest.raises(FetchError, match=f"refused: {host} resolves to {reason}") as refused:
        await fetcher.get(url)
    assert refused.value.refused and url in str(refused.value)
    assert server.forbidden_hits == []
    assert [r for r in server.requests if r.host == host] == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://feeds.test/rss.xml",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://feeds.test/",
        "feeds.test/rss",
    ],
)
async def test_only_http_and_https_are_fetched(fetcher: Fetcher, url: str):
    """A file:, ftp: or javascript: URL would reach a handler it must never reach."""
    with pytest.raises(RefusedError, match=r"scheme|no scheme"):
        await fetcher.check(url)
    with pytest.raises(FetchError) as refused:
        await fetcher.get(url)
    assert refused.value.refused


async def test_an_address_in_the_url_is_checked_too(server: FeedServer, fetcher: Fetcher):
    """http://127.0.0.2/ (no name to resolve) would skip the address check."""
    server.fixture("/rss.xml", "rss20.xml")
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.2 is a loopback address"):
        await fetcher.get(server.url("/rss.xml", host="127.0.0.2"))
    with pytest.raises(RefusedError, match=r"169\.254\.169\.254 is a cloud metadata address"):
        await fetcher.check("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(RefusedError, match="user name or password"):
        await fetcher.check(server.url("/x", host="user:secret@feeds.test"))
    assert (await fetcher.get(server.url("/rss.xml", host="127.0.0.1"))).status == 200
    assert server.forbidden_hits == []


async def test_a_redirect_to_the_forbidden_host_is_refused(server: FeedServer, fetcher: Fetcher):
    """A public feed redirecting to an internal address would make the bot fetch it anyway."""
    server.fixture("/secret", "rss20.xml")
    by_address = server.redirect("/to-address", server.url("/secret", host="127.0.0.2"))
    by_name = server.redirect("/to-name", server.url("/secret", host="forbidden.test"), status=307)
    with pytest.raises(
        FetchError, match=r"redirected to .*127\.0\.0\.2.*: refused: 127\.0\.0\.2 is a loopback"
    ):
        await fetcher.get(by_address)
    with pytest.raises(FetchError, match=r"refused: forbidden\.test resolves to 127\.0\.0\.2"):
        await fetcher.get(by_name)
    with pytest.raises(FetchError, match="scheme 'file' is not allowed"):
        await fetcher.get(server.redirect("/to-file", "file:///etc/passwd"))
    assert server.forbidden_hits == []
    assert server.hits("/secret") == []


async def test_redirects_are_followed_up_to_the_limit(server: FeedServer, fetcher: Fetcher):
    """A moved feed would stop working, or a redirect loop would spin forever."""
    server.fixture("/final.xml", "rss20.xml")
    server.redirect("/r5", "/final.xml", status=301)
    for n in range(4, 0, -1):
        server.redirect(f"/r{n}", f"/r{n + 1}")
    response = await fetcher.get(server.url("/r1"))
    assert response.url == server.url("/final.xml") and response.status == 200
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetcher.get(server.url("/loop"))
    assert len(server.hits("/loop")) == 6


async def test_a_gzip_bomb_stops_at_the_size_limit(server: FeedServer):
    """A small gzip'd answer inflating to gigabytes would exhaust the bot's memory."""
    fetcher = make_fetcher(max_bytes=1_000_000)
    try:
        url = server.gzip_bomb("/bomb.xml", megabytes=64)
        assert len(server.replies["/bomb.xml"].body) < 200_000
        started = time.perf_counter()
        with pytest.raises(FetchError, match="too large: more than 1,000,000 bytes once decompressed"):
            await fetcher.get(url)
        assert time.perf_counter() - started < 2.0  # stopped early, not after inflating 64 MB
    finally:
        await fetcher.close()


async def test_large_plain_answers_are_refused(server: FeedServer):
    """A huge feed would be read whole into memory."""
    fetcher = make_fetcher(max_bytes=100_000)
    try:
        with pytest.raises(FetchError, match="too large: 200,000 bytes, the limit is 100,000"):
            await fetcher.get(server.serve("/big.xml", b"x" * 200_000))
    finally:
        await fetcher.close()


async def test_deflate_is_read_raw_or_wrapped(server: FeedServer, fetcher: Fetcher):
    """A server sending deflate (either way servers do) would give an unreadable feed."""
    text = b"<rss>" + b"deflated " * 1000 + b"</rss>"
    wrapped = zlib.compress(text)
    raw = zlib.compressobj(wbits=-15)
    raw_body = raw.compress(text) + raw.flush()
    assert (await fetcher.get(server.serve("/z.xml", wrapped, raw_encoding="deflate"))).body == text
    assert (await fetcher.get(server.serve("/r.xml", raw_body, raw_encoding="deflate"))).body == text
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        await fetcher.get(server.serve("/b.xml", b"??", raw_encoding="br"))


async def test_a_slow_server_times_out_with_the_url_named(server: FeedServer):
    """A server that never answers would hold the poller (and its slot) forever."""
    fetcher = make_fetcher(timeout_seconds=0.3)
    try:
        url = server.fixture("/slow.xml", "rss20.xml", delay=2.0)
        with pytest.raises(FetchError, match=r"slow\.xml: no complete answer within 0\.3 s"):
            await fetcher.get(url)
    finally:
        await fetcher.close()


async def test_server_errors_name_the_status(server: FeedServer, fetcher: Fetcher):
    """A failing feed would be reported without saying what the server answered."""
    url = server.serve("/broken.xml", b"oops", status=500)
    with pytest.raises(FetchError, match=r"broken\.xml: HTTP 500 Internal Server Error") as failed:
        await fetcher.get(url)
    assert failed.value.counts and failed.value.retry_after is None
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetcher.get(server.url("/nothing-here"))
    with pytest.raises(FetchError, match=r"cannot resolve nowhere\.test"):
        await fetcher.get(server.url("/x", host="nowhere.test"))


async def test_retry_after_is_honoured_for_the_whole_host(server: FeedServer, fetcher: Fetcher):
    """After a 429 the bot would keep hammering the same server through its other feeds."""
    limited = server.serve("/limited.xml", b"", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError, match=r"HTTP 429: the server asks to wait 120 s") as asked:
        await fetcher.get(limited)
    assert asked.value.retry_after == 120.0
    other = server.fixture("/other.xml", "rss20.xml")
    with pytest.raises(FetchError, match=r"feeds\.test asked to wait") as deferred:
        await fetcher.get(other)
    assert not deferred.value.counts and 100 < (deferred.value.retry_after or 0) <= 120
    assert server.hits("/other.xml") == []  # not even asked
    assert (
        await fetcher.get(server.fixture("/elsewhere.xml", "rss20.xml").replace("feeds.test", "other.test"))
    ).status == 200


def test_retry_after_reads_seconds_and_dates():
    """A Retry-After given as an HTTP date (or nonsense) would be ignored or crash the poll."""
    from datetime import UTC, datetime

    now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert retry_after("30") == 30.0
    assert retry_after("Thu, 05 Mar 2026 12:05:00 GMT", now) == 300.0
    assert retry_after("99999999") == 24 * 3600
    assert retry_after("soon") is None and retry_after(None) is None


async def test_one_request_at_a_time_per_host(server: FeedServer, fetcher: Fetcher):
    """Ten feeds on one ministry's server would hit it with ten requests at once."""
    for n in range(6):
        server.fixture(f"/slow{n}.xml", "rss20.xml", delay=0.1)
    urls = [server.url(f"/slow{n}.xml", host=host) for n in range(6) for host in ("feeds.test", "other.test")]
    started = time.perf_counter()
    responses = await asyncio.gather(*(fetcher.get(u) for u in urls))
    assert all(r.status == 200 for r in responses)
    assert server.most_at_once["feeds.test"] == 1 and server.most_at_once["other.test"] == 1
    assert server.most_total == 2  # the two hosts in parallel
    assert time.perf_counter() - started < 6 * 0.1 * 2


def test_the_allow_list_is_exact():
    """Allowing 127.0.0.1/32 would let 127.0.0.2 (or a metadata address inside a wider range) through."""
    policy = AddressPolicy(parse_networks(["127.0.0.1/32", "169.254.0.0/16"]))
    from ipaddress import ip_address

    assert policy.why_refused(ip_address("127.0.0.1")) is None
    assert policy.why_refused(ip_address("127.0.0.2")) == "a loopback address"
    assert policy.why_refused(ip_address("169.254.1.1")) is None
    assert policy.why_refused(ip_address("169.254.169.254")) == "a cloud metadata address"
    assert policy.why_refused(ip_address("8.8.8.8")) is None
    with pytest.raises(ValueError, match="not a network"):
        parse_networks(["10.0.0.0/33"])
