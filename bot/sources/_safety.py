"""Which addresses a source may be fetched from: a feed URL is input from anyone.

A URL naming a host inside the operator's network (``http://10.0.0.5/admin``), the machine
itself (``http://127.0.0.1:5432/``) or a cloud's metadata service
(``http://169.254.169.254/``) would make the bot fetch it and show what it got. So every
host, and every redirect's host, is resolved first and refused when any of its addresses is
not a public one, unless the operator named its network in ``[sources]
allowed_private_networks``. Metadata addresses are refused even then.

The resolver is a parameter (``Resolver``), so tests can make a name resolve to a private
or metadata address and check the refusal without ever connecting to one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from bot.ingest._text import check_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# ``resolve(host, port)``: the IP addresses a host name stands for, as strings.
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata services (AWS, GCP, Azure, OpenStack; ECS task metadata; Alibaba; the AWS
# IPv6 endpoint): refused whatever the allow-list says, because they hand out credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "fd00:ec2::254")
)


class RefusedError(Exception):
    """A URL the bot will not fetch, and why (``str`` names the URL or host and the reason)."""


class AddressRefusedError(OSError):
    """Raised inside the HTTP client's resolver, so it never connects to the address."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the operating system's resolver (DNS, /etc/hosts)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_networks(values: Sequence[str]) -> tuple[IPNetwork, ...]:
    """``["10.1.0.0/16", "127.0.0.1/32"]`` as networks; ``ValueError`` naming a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a network such as 10.1.0.0/16 ({exc})") from None
    return tuple(networks)


class AddressPolicy:
    """Public addresses, plus the operator's allowed networks, minus metadata services."""

    def __init__(self, allowed: Sequence[IPNetwork] = ()) -> None:
        self.allowed = tuple(allowed)

    def why_refused(self, address: IPAddress) -> str | None:
        """What kind of address ``address`` is when the bot must not connect to it
        ("a loopback address"), or None if it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address in METADATA_ADDRESSES:
            return "a cloud metadata address"
        if any(address in network for network in self.allowed):
            return None
        for test, kind in (
            (address.is_loopback, "a loopback address"),
            (address.is_link_local, "a link-local address"),
            (address.is_multicast, "a multicast address"),
            (address.is_reserved, "a reserved address"),
            (address.is_private, "a private address"),
            (address.is_unspecified, "an unspecified address"),
        ):
            if test:
                return kind
        if not address.is_global:
            return "not a public address"
        return None

    def check(self, host: str, addresses: Sequence[str]) -> list[str]:
        """``addresses`` if every one may be used; ``AddressRefusedError`` for the first that may not."""
        if not addresses:
            raise AddressRefusedError(f"{host} has no address")
        for text in addresses:
            kind = self.why_refused(ipaddress.ip_address(text.split("%", 1)[0]))
            if kind is not None:
                if literal_address(host) is not None:
                    raise AddressRefusedError(f"refused: {text} is {kind}")
                raise AddressRefusedError(f"refused: {host} resolves to {text}, {kind}")
        return list(addresses)


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host is written as (``127.0.0.1``, ``[::1]``), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def checked_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; ``RefusedError`` saying why not."""
    try:
        good = check_url(url)
    except ValueError as exc:
        raise RefusedError(str(exc)) from None
    if good is None:
        raise RefusedError("no URL given")
    parts = urlsplit(good)
    if parts.username or parts.password:
        raise RefusedError(f"{good[:80]}: a URL with a user name or password is not accepted")
    return good
