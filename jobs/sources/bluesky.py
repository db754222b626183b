"""Bluesky keyword search (app.bsky.feed.searchPosts, newest first) with an app-password session."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from jobs.sources.base import FetchResult, RawPost, SourceError
from jobs.sources.bluesky_session import BlueskySession
from jobs.sources.common import (
    as_count,
    as_dict,
    as_list,
    as_optional_count,
    as_str,
    boundary_cursor,
    iso,
    max_pages_setting,
    normalize_lang,
    oldest_first,
    parse_time,
    read_boundary,
    split_newer,
    unique,
    urls_in_text,
)
from jobs.sources.http import Clock, Http, RetryPolicy, Sleep, utc_now
from jobs.sources.links import clean_links

DEFAULT_SERVICE = "https://bsky.social"
PAGE_SIZE = 100
PROFILE_BATCH = 25  # app.bsky.actor.getProfiles accepts at most 25 actors
SEARCH_HINT = (
    "Bluesky refused the search: unauthenticated search is disabled; set handle=... and "
    "app_password=... (an app password, not the account password)."
)


class BlueskySource:
    """Pages back through the newest matches until it reaches the cursor's `since` time."""

    kind = "bluesky"

    def __init__(
        self,
        settings: Mapping[str, str],
        client: httpx.Client,
        *,
        sleep: Sleep = time.sleep,
        now: Clock = utc_now,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.query = settings["query"]
        self.lang = settings.get("lang") or None
        self.max_pages = max_pages_setting(settings.get("max_pages"))
        service = settings.get("service") or DEFAULT_SERVICE
        http = Http(client, label="bluesky", sleep=sleep, now=now, policy=policy)
        self.session = BlueskySession(
            http, service=service, handle=settings["handle"], app_password=settings["app_password"]
        )

    def fetch(self, cursor: str | None) -> FetchResult:
        since, boundary = read_boundary(cursor)
        posts: list[RawPost] = []
        page_cursor: str | None = None
        pages, caught_up = 0, since is None  # a first fetch takes one page of recent posts
        while pages < self.max_pages:
            payload = self.session.get(
                "app.bsky.feed.searchPosts", self._params(since, page_cursor), auth_hint=SEARCH_HINT
            )
            pages += 1
            batch, page_cursor = parse_search_posts(payload)
            fresh, reached_seen = split_newer(batch, since, boundary)
            posts.extend(fresh)
            if caught_up or reached_seen or not page_cursor or not batch:
                caught_up = True
                break
        notes = [] if caught_up else ["stopped at max_pages; some older matches were skipped"]
        return FetchResult(
            posts=self._with_followers(oldest_first(posts), notes),
            cursor=boundary_cursor(posts, since, boundary, cursor),
            pages=pages,
            notes=notes,
        )

    def _params(self, since: datetime | None, page_cursor: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"q": self.query, "sort": "latest", "limit": PAGE_SIZE}
        if since is not None:
            params["since"] = iso(since)
        if page_cursor:
            params["cursor"] = page_cursor
        if self.lang:
            params["lang"] = self.lang
        return params

    def _with_followers(self, posts: list[RawPost], notes: list[str]) -> list[RawPost]:
        """searchPosts omits follower counts; one getProfiles call per 25 authors adds them."""
        handles = list(dict.fromkeys(post.author for post in posts if post.author))
        followers: dict[str, int | None] = {}
        try:
            for start in range(0, len(handles), PROFILE_BATCH):
                payload = self.session.get(
                    "app.bsky.actor.getProfiles",
                    {"actors": handles[start : start + PROFILE_BATCH]},
                    auth_hint=SEARCH_HINT,
                )
                for item in as_list(as_dict(payload).get("profiles")):
                    profile = as_dict(item)
                    handle = as_str(profile.get("handle"))
                    if handle:
                        followers[handle] = as_optional_count(profile.get("followersCount"))
        except SourceError as exc:
            notes.append(f"follower counts unavailable ({exc.status})")
        return [
            dataclasses.replace(post, author_followers=followers.get(post.author or ""))
            for post in posts
        ]


def parse_search_posts(payload: Any) -> tuple[list[RawPost], str | None]:
    """A searchPosts response to (posts, next page cursor)."""
    body = as_dict(payload)
    items = body.get("posts")
    if not isinstance(items, list):
        raise SourceError("searchPosts response has no posts list", status="bad_payload")
    posts = (_post_view_to_post(as_dict(item)) for item in items)
    return [post for post in posts if post is not None], as_str(body.get("cursor"))


def _post_view_to_post(view: dict[str, Any]) -> RawPost | None:
    uri = as_str(view.get("uri"))
    record = as_dict(view.get("record"))
    created = parse_time(record.get("createdAt"))
    indexed = parse_time(view.get("indexedAt"))
    # Bluesky sorts and filters by min(createdAt, indexedAt); a skewed client clock must not
    # push a post (and our `since`) into the future.
    times = [moment for moment in (created, indexed) if moment is not None]
    if uri is None or not times:
        return None
    author = as_dict(view.get("author"))
    handle = as_str(author.get("handle"))
    text = as_str(record.get("text")) or ""
    langs = record.get("langs")
    return RawPost(
        external_id=uri,
        text=text,
        created_at=min(times),
        author=handle,
        url=_web_url(uri, handle),
        lang=normalize_lang(langs[0]) if isinstance(langs, list) and langs else None,
        likes=as_count(view.get("likeCount")),
        reposts=as_count(view.get("repostCount")) + as_count(view.get("quoteCount")),
        replies=as_count(view.get("replyCount")),
        links=unique(
            clean_links([*_facet_links(record), _embed_link(record) or "", *urls_in_text(text)])
        ),
    )


def _facet_links(record: dict[str, Any]) -> list[str]:
    links: list[str] = []
    for facet in as_list(record.get("facets")):
        for item in as_list(as_dict(facet).get("features")):
            feature = as_dict(item)
            if feature.get("$type") == "app.bsky.richtext.facet#link":
                links.append(as_str(feature.get("uri")) or "")
    return links


def _embed_link(record: dict[str, Any]) -> str | None:
    embed = as_dict(record.get("embed"))
    external = as_dict(embed.get("external") or as_dict(embed.get("media")).get("external"))
    return as_str(external.get("uri"))


def _web_url(uri: str, handle: str | None) -> str | None:
    # at://did:plc:xyz/app.bsky.feed.post/<rkey> -> https://bsky.app/profile/<handle>/post/<rkey>
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"
