"""Where sources may connect: public addresses only, unless an operator allows more.

Every source fetch goes through `GuardedTransport`: it resolves the host the way the socket
would (so `2852039166`, `0x7f.1`, `127.1` and `[::ffff:127.0.0.1]` are all seen as the address
they name), refuses private, loopback, link-local, unique-local, multicast, reserved and
unspecified addresses, and connects to the address it checked (no second lookup a DNS
rebinding could change). httpx calls the transport once per redirect hop, so every hop is
checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from jobs.sources.allowlist import SETTING, IPNetwork, parse_allowed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class BlockedDestination(httpx.TransportError):
    """A source URL names (or redirects to) an address Earshot refuses to connect to."""


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, multicast, reserved..."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return False
    return address.is_global


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """Public addresses always; others only when the operator allows them."""

    allow_all: bool = False
    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_setting(cls, value: str | None) -> OutboundPolicy:
        """`1` allows every address; a comma-separated list allows those addresses/networks."""
        allow_all, allowed = parse_allowed(value)
        return cls(allow_all=allow_all, allowed=allowed)

    def permits(self, address: IPAddress) -> bool:
        if self.allow_all or is_public(address):
            return True
        candidates = [address, *filter(None, [embedded_ipv4(address)])]
        return any(item in net for item in candidates for net in self.allowed)

    def resolve(
        self, host: str, port: int, *, resolver: Resolver = socket.getaddrinfo
    ) -> list[IPAddress]:
        """The host's addresses, all of them allowed; BlockedDestination if any is not."""
        try:
            infos = resolver(host.strip("[]"), port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"could not resolve {host!r} ({exc})") from None
        addresses = list(dict.fromkeys(_address(info[4][0]) for info in infos))
        refused = [address for address in addresses if not self.permits(address)]
        if refused or not addresses:
            raise BlockedDestination(refusal(host, refused[0] if refused else None))
        return addresses


def refusal(host: str, address: IPAddress | None) -> str:
    where = host if address is None or str(address) == host.strip("[]") else f"{host} ({address})"
    return (
        f"refused to connect to {where}: a private, loopback, link-local or otherwise "
        f"non-public address. Sources must be public; an operator can allow internal "
        f"addresses with {SETTING}=<address or network> (or 1 for all)"
    )


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id


class GuardedTransport(httpx.BaseTransport):
    """An HTTP transport that connects only to addresses the policy permits, pinned."""

    def __init__(
        self,
        policy: OutboundPolicy,
        inner: httpx.BaseTransport | None = None,
        *,
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        self.policy = policy
        self.inner = inner or httpx.HTTPTransport()
        self._resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        if url.scheme not in ("http", "https"):
            raise BlockedDestination(f"refused to fetch a {url.scheme}: URL; only http(s)")
        address = self.policy.resolve(url.host, port, resolver=self._resolver)[0]
        extensions = dict(request.extensions)
        if url.scheme == "https":
            extensions["sni_hostname"] = url.host  # certificate checked against the name
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=str(address)),
            headers=request.headers,  # keeps Host: the name, not the address
            stream=request.stream,
            extensions=extensions,
        )
        return self.inner.handle_request(pinned)

    def close(self) -> None:
        self.inner.close()


def check_url(url: str, policy: OutboundPolicy, *, resolver: Resolver = socket.getaddrinfo) -> None:
    """At `source add`: refuse a URL whose host is (or resolves to) a refused address.

    A name that does not resolve now is let through: the check at fetch time still applies.
    """
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        policy.resolve(parsed.host, port, resolver=resolver)
    except BlockedDestination as exc:
        raise ValueError(str(exc)) from None
    except httpx.ConnectError:
        return


def make_client(policy: OutboundPolicy, *, user_agent: str, timeout: float = 20.0) -> httpx.Client:
    """The shared client for source fetches: guarded transport, no environment proxies."""
    return httpx.Client(
        transport=GuardedTransport(policy),
        timeout=httpx.Timeout(timeout, connect=10.0),
        headers={"User-Agent": user_agent},
        follow_redirects=False,  # `Http` follows redirects itself, checking each hop
    )
