"""EARSHOT_ALLOW_PRIVATE_SOURCES read without httpx, so that settings can check it at start-up
in commands that never fetch anything (`earshot topic list` stays quick)."""

from __future__ import annotations

import ipaddress

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SETTING = "EARSHOT_ALLOW_PRIVATE_SOURCES"
_YES = frozenset({"1", "true", "yes", "on", "all"})
_NO = frozenset({"", "0", "false", "no", "off"})


def parse_allowed(value: str | None) -> tuple[bool, tuple[IPNetwork, ...]]:
    """(allow every address, allowed networks): `1` allows all; a comma-separated list allows
    those addresses/networks; ValueError names a bad entry and the fix."""
    text = (value or "").strip().lower()
    if text in _NO:
        return False, ()
    if text in _YES:
        return True, ()
    networks: list[IPNetwork] = []
    for part in filter(None, (item.strip() for item in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"{SETTING}: {part!r} is not an IP address or network; use 1 to allow every "
                "address, or a list such as 10.20.0.0/16,192.168.1.5"
            ) from None
    return False, tuple(networks)
