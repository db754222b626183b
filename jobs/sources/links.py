"""Links as a reader would follow them: web URLs only, with known redirectors unwrapped.

Google Alerts, Bing News, Facebook, Outlook Safe Links and Slack wrap the real address in
their own; `site:` would then see google.com. Only redirectors that carry the target in the
URL itself are unwrapped: nothing is fetched. t.co links carry nothing, so they are replaced
only where the feed gives the expanded address alongside (`title` or
`data-expanded-url` on the link, as Twitter's own HTML does).
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, urlsplit

_MAX_DEPTH = 3  # a redirector wrapping a redirector is seen; deeper is not worth following


def _is_google(host: str) -> bool:
    labels = host.split(".")
    return "google" in labels[-3:-1] and labels[0] in ("www", "google")


_PARAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (host suffix, path, query parameters holding the target in order of preference)
    ("l.facebook.com", "/l.php", ("u",)),
    ("lm.facebook.com", "/l.php", ("u",)),
    ("m.facebook.com", "/l.php", ("u",)),
    ("bing.com", "/news/apiclick.aspx", ("url",)),
    ("safelinks.protection.outlook.com", "/", ("url",)),
    ("slack-redir.net", "/link", ("url",)),
)


def web_url(value: str | None) -> str | None:
    """The value if it is an absolute http(s) URL with a host, else None (tag:, urn:, mailto:)."""
    if not value:
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def unwrap(url: str) -> str:
    """The address a known redirector points to, or the URL itself."""
    current = url
    for _ in range(_MAX_DEPTH):
        target = _target(current)
        if target is None:
            return current
        current = target
    return current


def clean_link(value: str | None) -> str | None:
    """A web URL with redirectors unwrapped, or None for anything a browser cannot open."""
    url = web_url(value)
    return web_url(unwrap(url)) if url else None


def _target(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    if _is_google(host) and parts.path == "/url":
        return _first(query, ("url", "q"))
    if host.endswith("bing.com") and parts.path == "/ck/a":
        return _bing_ck(query)
    for suffix, path, names in _PARAMS:
        if (host == suffix or host.endswith("." + suffix)) and parts.path == path:
            return _first(query, names)
    return None


def _first(query: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        for value in query.get(name, []):
            if web_url(value):
                return value.strip()
    return None


def _bing_ck(query: dict[str, list[str]]) -> str | None:
    # bing.com/ck/a?...&u=a1<base64url of the target>
    for value in query.get("u", []):
        if not value.startswith("a1"):
            continue
        encoded = value[2:]
        try:
            decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if web_url(decoded):
            return decoded
    return None


def clean_links(values: list[str]) -> list[str]:
    """`clean_link` over a list, dropping what is not a web URL."""
    return [link for link in map(clean_link, values) if link]
