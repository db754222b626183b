"""RSS/Atom feeds (news searches, agency press releases) via conditional GET and feedparser."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser
import httpx

from jobs.sources.base import FetchResult, RawPost, SourceError
from jobs.sources.common import (
    as_list,
    dump_cursor,
    iso,
    load_cursor,
    normalize_lang,
    oldest_first,
    parse_time,
)
from jobs.sources.feed_entries import (
    FeedContext,
    entry_to_post,
    guessed_links,
    unreadable_dates_warning,
)
from jobs.sources.feed_text import decode_feed, for_parser, strip_trailing_misc
from jobs.sources.http import Clock, Http, RetryPolicy, Sleep, utc_now

SEEN_LIMIT = 1000
PARSER_TYPE = "application/xml; charset=utf-8"  # what `for_parser` hands feedparser
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
_CLOSED_ROOT = re.compile(r"</\s*(?:[\w-]+:)?(?:rss|feed|rdf)\s*>$", re.IGNORECASE)
AUTH_HINT = (
    "The feed needs a login: use a public feed URL, or give username=... and password=... "
    "(the password is stored sealed when EARSHOT_SECRET_KEY is set)."
)


class RssSource:
    """Polls one feed URL; the cursor holds validators plus the ids already returned."""

    kind = "rss"

    def __init__(
        self,
        settings: Mapping[str, str],
        client: httpx.Client,
        *,
        sleep: Sleep = time.sleep,
        now: Clock = utc_now,
        policy: RetryPolicy | None = None,
    ) -> None:
        url = httpx.URL(settings["url"])
        # Sources added before credentials became settings may still carry them in the URL.
        self.url = str(url.copy_with(userinfo=b"")) if url.userinfo else settings["url"]
        self.now = now
        user = settings.get("username") or url.username
        password = settings.get("password") or url.password
        self.auth = (user, password) if user or password else None
        label = f"rss {httpx.URL(self.url).host}"
        self.http = Http(
            client, label=label, sleep=sleep, now=now, policy=policy, secrets=[password]
        )

    def fetch(self, cursor: str | None) -> FetchResult:
        state = load_cursor(cursor)
        headers = {"Accept": FEED_ACCEPT}
        if isinstance(state.get("etag"), str):
            headers["If-None-Match"] = state["etag"]
        if isinstance(state.get("modified"), str):
            headers["If-Modified-Since"] = state["modified"]
        response = self.http.request("GET", self.url, headers=headers, auth=self.auth)
        warnings = (
            [f"the feed moved permanently to {moved}; set url= to it"]
            if (moved := self.http.moved_to)
            else []
        )
        if response.status_code == 304:
            return FetchResult(posts=[], cursor=cursor, notes=["feed not modified"])
        self.http.check(response, auth_hint=AUTH_HINT)
        try:
            feed = parse_feed(
                response.content,
                content_type=response.headers.get("content-type"),
                feed_url=self.url,
                base_url=str(response.url),
                now=self.now(),
            )
        except SourceError as exc:
            raise self.http.error(str(exc), exc.status) from None
        entries, notes = feed.posts, feed.notes
        seen = {item for item in as_list(state.get("seen")) if isinstance(item, str)}
        newest = parse_time(state.get("newest"))
        # If the id list was capped, an unseen entry older than the newest one was probably dropped
        # from the list rather than new.
        capped = len(seen) >= SEEN_LIMIT
        fresh = [
            post
            for post in entries
            if post.external_id not in seen
            and not (capped and newest is not None and post.created_at < newest)
        ]
        dated = [post.created_at for post in entries if not post.time_estimated]
        times = dated + ([newest] if newest else [])
        next_state: dict[str, Any] = {
            "etag": response.headers.get("etag"),
            "modified": response.headers.get("last-modified"),
            "newest": iso(max(times)) if times else None,
            "seen": [post.external_id for post in entries][:SEEN_LIMIT],
        }
        return FetchResult(
            posts=oldest_first(fresh),
            cursor=dump_cursor(next_state),
            notes=notes,
            warnings=warnings + feed.warnings,
        )


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    posts: list[RawPost]
    notes: list[str]  # for logs
    warnings: list[str]  # for source health


def parse_feed(
    content: bytes,
    *,
    content_type: str | None = None,
    feed_url: str,
    base_url: str | None = None,
    now: datetime,
) -> ParsedFeed:
    """Parse RSS/Atom bytes into posts; SourceError(bad_payload) for truncated or non-feeds.

    Ids are resolved against `feed_url` (as configured), links against `base_url` (where
    the feed was fetched from after redirects).
    """
    decoded = decode_feed(content, content_type)
    data = for_parser(decoded.text)
    parsed = _feedparser(data, base_url or feed_url)
    by_id = parsed if not base_url or base_url == feed_url else _feedparser(data, feed_url)
    notes: list[str] = []
    if parsed.get("bozo"):
        closed = _CLOSED_ROOT.search(strip_trailing_misc(decoded.text)[-400:])
        if not parsed.get("version") or not closed:
            raise SourceError(
                "feed is not valid RSS/Atom (truncated?); open the URL in a browser to check "
                "it is a feed",
                status="bad_payload",
            )
        notes.append("feed is not well-formed XML; parsed leniently")
    elif not parsed.get("version"):
        raise SourceError(
            "response is not an RSS or Atom feed; check the URL is the feed, not a web page",
            status="bad_payload",
        )
    if decoded.repaired_bytes:
        notes.append(f"{decoded.repaired_bytes} stray byte(s) read as windows-1252")
    ctx = FeedContext(
        feed_url=feed_url,
        now=now,
        lang=normalize_lang(parsed.get("feed", {}).get("language")),
        guessed_links=guessed_links(decoded.text, base_url or feed_url),
    )
    entries = parsed.get("entries", [])
    id_entries = by_id.get("entries", [])
    if len(id_entries) != len(entries):  # the same bytes: cannot happen, but never mismatch ids
        id_entries = entries
    posts = [entry_to_post(e, i, ctx) for e, i in zip(entries, id_entries, strict=True)]
    kept = [post for post in posts if post is not None]
    undated = sum(1 for post in kept if post.time_estimated) - len(ctx.unreadable_dates)
    warning = unreadable_dates_warning(ctx, undated)
    return ParsedFeed(kept, notes, [warning] if warning else [])


def _feedparser(data: bytes, base_url: str) -> Any:
    try:
        return feedparser.parse(
            io.BytesIO(data),  # a stream, so feedparser never fetches or opens files itself
            response_headers={"content-location": base_url, "content-type": PARSER_TYPE},
        )
    except Exception as exc:  # feedparser documents no exceptions of its own; any is a bad feed
        problem = f"feed could not be parsed ({type(exc).__name__})"
        raise SourceError(problem, status="bad_payload") from None
