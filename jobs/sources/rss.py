"""RSS/Atom feeds (news searches, agency press releases) via conditional GET and feedparser."""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx

from jobs.sources.base import FetchResult, RawPost, SourceError
from jobs.sources.common import (
    as_list,
    as_str,
    dump_cursor,
    iso,
    load_cursor,
    normalize_lang,
    oldest_first,
    parse_time,
    unique,
)
from jobs.sources.http import Clock, Http, RetryPolicy, Sleep, utc_now
from jobs.sources.markup import html_to_text, tidy_text

SEEN_LIMIT = 1000
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
_CLOSED_ROOT = re.compile(rb"</\s*(?:[\w-]+:)?(?:rss|feed|rdf)\s*>\s*$", re.IGNORECASE)


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
        self.url = settings["url"]
        self.now = now
        label = f"rss {httpx.URL(self.url).host}"
        self.http = Http(client, label=label, sleep=sleep, now=now, policy=policy)

    def fetch(self, cursor: str | None) -> FetchResult:
        state = load_cursor(cursor)
        headers = {"Accept": FEED_ACCEPT}
        if isinstance(state.get("etag"), str):
            headers["If-None-Match"] = state["etag"]
        if isinstance(state.get("modified"), str):
            headers["If-Modified-Since"] = state["modified"]
        response = self.http.request("GET", self.url, headers=headers)
        if response.status_code == 304:
            return FetchResult(posts=[], cursor=cursor, notes=["feed not modified"])
        self.http.check(response, auth_hint="The feed needs a login; use a public feed URL.")
        try:
            entries, notes = parse_feed(
                response.content, base_url=str(response.url), now=self.now()
            )
        except SourceError as exc:
            raise self.http.error(str(exc), exc.status) from None
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
        times = [post.created_at for post in entries] + ([newest] if newest else [])
        next_state: dict[str, Any] = {
            "etag": response.headers.get("etag"),
            "modified": response.headers.get("last-modified"),
            "newest": iso(max(times)) if times else None,
            "seen": [post.external_id for post in entries][:SEEN_LIMIT],
        }
        return FetchResult(posts=oldest_first(fresh), cursor=dump_cursor(next_state), notes=notes)


def parse_feed(content: bytes, *, base_url: str, now: datetime) -> tuple[list[RawPost], list[str]]:
    """Parse RSS/Atom bytes into posts; SourceError(bad_payload) for truncated or non-feeds."""
    try:
        parsed = feedparser.parse(
            io.BytesIO(content),  # a stream, so feedparser never fetches or opens files itself
            response_headers={"content-location": base_url, "content-type": "application/xml"},
        )
    except Exception as exc:  # feedparser documents no exceptions of its own; any is a bad feed
        problem = f"feed could not be parsed ({type(exc).__name__})"
        raise SourceError(problem, status="bad_payload") from None
    notes: list[str] = []
    if parsed.get("bozo"):
        if not parsed.get("version") or not _CLOSED_ROOT.search(content[-400:]):
            raise SourceError("feed is not valid RSS/Atom (truncated?)", status="bad_payload")
        notes.append("feed is not well-formed XML; parsed leniently")
    elif not parsed.get("version"):
        raise SourceError("response is not an RSS or Atom feed", status="bad_payload")
    feed_lang = normalize_lang(parsed.get("feed", {}).get("language"))
    posts = [_entry_to_post(entry, feed_lang, now) for entry in parsed.get("entries", [])]
    return [post for post in posts if post is not None], notes


def _entry_to_post(entry: Any, feed_lang: str | None, now: datetime) -> RawPost | None:
    if not isinstance(entry, Mapping):
        return None
    title = _plain(entry, "title")
    summary, summary_links = html_to_text(as_str(entry.get("summary")) or "")
    link = as_str(entry.get("link"))
    if not (title or summary or link):
        return None
    created_at = _entry_time(entry) or now
    external_id = as_str(entry.get("id")) or link or _digest(title, summary, created_at)
    detail = entry.get("summary_detail") or entry.get("title_detail") or {}
    lang = normalize_lang(detail.get("language") if isinstance(detail, Mapping) else None)
    return RawPost(
        external_id=external_id,
        text="\n".join(part for part in (title, summary) if part),
        created_at=created_at,
        author=as_str(entry.get("author")),
        url=link,
        lang=lang or feed_lang,
        links=unique([link or "", *summary_links]),
    )


def _plain(entry: Mapping[str, Any], key: str) -> str:
    """feedparser decodes plain-text fields already; only HTML ones need stripping."""
    value = as_str(entry.get(key)) or ""
    detail = entry.get(f"{key}_detail")
    is_html = isinstance(detail, Mapping) and "html" in str(detail.get("type", ""))
    return html_to_text(value)[0] if is_html else tidy_text(value)


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def _digest(*parts: object) -> str:
    return "sha1:" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
