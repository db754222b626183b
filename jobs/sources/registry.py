"""The source kinds users can add, their settings with help, validation and construction."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from jobs.sources import mastodon, reddit
from jobs.sources.base import Source
from jobs.sources.bluesky import BlueskySource
from jobs.sources.common import max_pages_setting
from jobs.sources.http import Clock, Sleep, utc_now
from jobs.sources.mastodon import MastodonSource
from jobs.sources.outbound import OutboundPolicy, check_url
from jobs.sources.reddit import RedditSource
from jobs.sources.rss import RssSource

MAX_PAGES_HELP = "Pages to follow per fetch when catching up (1-50, default 5)"
URL_SETTINGS = frozenset({"url", "instance", "service", "base_url", "oauth_url"})


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What `earshot source add KIND key=value ...` accepts for one kind."""

    kind: str
    summary: str
    required: Mapping[str, str]
    optional: Mapping[str, str]
    example: str
    factory: Callable[..., Source]
    secrets: frozenset[str] = frozenset()
    one_of: tuple[str, ...] = ()  # at least one of these must be set
    check: Callable[[Mapping[str, str]], None] = field(default=lambda settings: None)

    def usage(self) -> str:
        """Multi-line help for the CLI and Slack."""
        lines = [f"{self.kind}: {self.summary}", f"  e.g. {self.example}"]
        if self.one_of:
            lines.append(f"  needs at least one of: {', '.join(self.one_of)}")
        for name, help_text in {**self.required, **self.optional}.items():
            tag = "required" if name in self.required else "optional"
            secret = ", secret" if name in self.secrets else ""
            lines.append(f"  {name} ({tag}{secret}): {help_text}")
        return "\n".join(lines)


SOURCE_KINDS: dict[str, SourceSpec] = {
    "rss": SourceSpec(
        kind="rss",
        summary="an RSS or Atom feed (news searches, agency press releases)",
        required={"url": "Feed URL, e.g. a Google News RSS search"},
        optional={
            "username": "User name, for a feed behind a login (HTTP Basic auth)",
            "password": "Its password; https://user:pass@host/feed is split into these two",
            "max_pages": MAX_PAGES_HELP,
        },
        example="earshot source add rss url=https://news.google.com/rss/search?q=county+flood",
        factory=RssSource,
        secrets=frozenset({"password"}),
    ),
    "mastodon": SourceSpec(
        kind="mastodon",
        summary="one Mastodon instance: a hashtag timeline (no token) or status search (token)",
        required={"instance": "Instance base URL, e.g. https://mastodon.social"},
        optional={
            "hashtag": "Hashtag to follow, without # (no token needed on most instances)",
            "query": "Full-text search; needs token and the instance's search to be enabled",
            "token": "Access token (read:statuses, read:search) from Preferences > Development",
            "max_pages": MAX_PAGES_HELP,
        },
        example="earshot source add mastodon instance=https://mastodon.social hashtag=flood",
        factory=MastodonSource,
        secrets=frozenset({"token"}),
        one_of=("hashtag", "query"),
        check=mastodon.check_settings,
    ),
    "bluesky": SourceSpec(
        kind="bluesky",
        summary="Bluesky post search (needs a free app password)",
        required={
            "query": "Search terms (Lucene-like; quotes for phrases)",
            "handle": "Your Bluesky handle, e.g. county-comms.bsky.social",
            "app_password": "An app password from Settings > Privacy and security > App passwords",
        },
        optional={
            "service": "PDS base URL (default https://bsky.social)",
            "lang": "Only posts in this language, e.g. en",
            "max_pages": MAX_PAGES_HELP,
        },
        example='earshot source add bluesky query="boil water" handle=me.bsky.social '
        "app_password=xxxx-xxxx-xxxx-xxxx",
        factory=BlueskySource,
        secrets=frozenset({"app_password"}),
    ),
    "reddit": SourceSpec(
        kind="reddit",
        summary="Reddit posts in subreddits and/or matching a search",
        required={},
        optional={
            "subreddit": "Subreddit name(s), e.g. Portland or Portland+oregon",
            "query": "Search terms (with subreddit: search only inside it)",
            "client_id": "Client id of an approved Reddit app (else anonymous, slower polling)",
            "client_secret": "Client secret of that Reddit app",
            "user_agent": "Your unique User-Agent, e.g. web:gov.example.earshot:0.1 (by /u/you)",
            "base_url": "Override https://www.reddit.com (tests, proxies)",
            "oauth_url": "Override https://oauth.reddit.com (tests, proxies)",
            "max_pages": MAX_PAGES_HELP,
        },
        example="earshot source add reddit subreddit=Portland query=flooding",
        factory=RedditSource,
        secrets=frozenset({"client_secret"}),
        one_of=("subreddit", "query"),
        check=reddit.check_settings,
    ),
}


def validate_settings(kind: str, settings: Mapping[str, str]) -> dict[str, str]:
    """Return cleaned settings or raise ValueError saying what is wrong and how to fix it."""
    spec = SOURCE_KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown source kind {kind!r}; choose one of: {', '.join(SOURCE_KINDS)}")
    cleaned = {key.strip(): str(value).strip() for key, value in settings.items()}
    cleaned = {key: value for key, value in cleaned.items() if value}
    allowed = {**spec.required, **spec.optional}
    unknown = sorted(set(cleaned) - set(allowed))
    if unknown:
        raise ValueError(
            f"{kind} does not take {', '.join(unknown)}; allowed settings: {', '.join(allowed)}"
        )
    missing = [name for name in spec.required if name not in cleaned]
    if missing:
        raise ValueError(
            f"{kind} needs {', '.join(f'{m}=...' for m in missing)}; e.g. {spec.example}"
        )
    if spec.one_of and not any(name in cleaned for name in spec.one_of):
        raise ValueError(
            f"{kind} needs {' or '.join(f'{n}=...' for n in spec.one_of)}; e.g. {spec.example}"
        )
    for name in sorted(URL_SETTINGS & cleaned.keys()):
        if not _is_web_url(cleaned[name]):
            shown = without_credentials(cleaned[name])
            raise ValueError(f"{kind}: {name} must be a full http(s) URL, got {shown!r}")
        _split_credentials(kind, name, cleaned)
    max_pages_setting(cleaned.get("max_pages"))
    spec.check(cleaned)
    return cleaned


def _split_credentials(kind: str, name: str, cleaned: dict[str, str]) -> None:
    """A password in a URL would be shown wherever the URL is: move it to a secret setting."""
    url = httpx.URL(cleaned[name])
    if not url.userinfo:
        return
    if kind != "rss" or name != "url":
        secrets = ", ".join(f"{secret}=..." for secret in sorted(SOURCE_KINDS[kind].secrets))
        raise ValueError(
            f"{kind}: {name} must not contain a user name or password; give the URL without "
            f"them" + (f" and the credential as {secrets}" if secrets else "")
        )
    cleaned[name] = str(url.copy_with(userinfo=b""))
    cleaned.setdefault("username", url.username)
    if url.password:
        cleaned.setdefault("password", url.password)


def without_credentials(value: str) -> str:
    """The URL with any user name and password masked, for messages."""
    scheme, sep, rest = value.partition("://")
    authority, slash, path = rest.partition("/")
    if not sep or "@" not in authority:
        return value
    return f"{scheme}{sep}•••@{authority.rpartition('@')[2]}{slash}{path}"


def check_destinations(kind: str, settings: Mapping[str, str], policy: OutboundPolicy) -> None:
    """At `source add`: refuse URLs that name a private or internal address (ValueError)."""
    for name in sorted(URL_SETTINGS & settings.keys()):
        try:
            check_url(settings[name], policy)
        except ValueError as exc:
            raise ValueError(f"{kind}: {name}: {exc}") from None


def _is_web_url(value: str) -> bool:
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def secret_settings(kind: str) -> set[str]:
    """Setting names whose values must be masked in output and logs."""
    spec = SOURCE_KINDS.get(kind)
    return set(spec.secrets) if spec else set()


def build_source(
    kind: str,
    settings: Mapping[str, str],
    client: httpx.Client,
    *,
    sleep: Sleep = time.sleep,
    now: Clock = utc_now,
) -> Source:
    """Validate the settings and construct the connector around the shared client."""
    cleaned = validate_settings(kind, settings)
    return SOURCE_KINDS[kind].factory(cleaned, client, sleep=sleep, now=now)
