"""Mastodon: one instance's hashtag timeline (no token) or full-text status search (token)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from jobs.sources.base import FetchResult, RawPost, SourceError
from jobs.sources.common import (
    as_count,
    as_dict,
    as_optional_count,
    as_str,
    dump_cursor,
    load_cursor,
    max_pages_setting,
    normalize_lang,
    oldest_first,
    parse_time,
    unique,
)
from jobs.sources.http import Clock, Http, RetryPolicy, Sleep, utc_now
from jobs.sources.links import clean_links
from jobs.sources.markup import html_to_text

PAGE_SIZE = 40  # the API's maximum for both endpoints
TAG_AUTH_HINT = (
    "This instance shows hashtag timelines only to logged-in users: add token=<access token "
    "with read:statuses> or pick another instance."
)
SEARCH_AUTH_HINT = (
    "The instance rejected the token: create a new access token with the read:search scope "
    "(Preferences > Development) and set token=..."
)


class MastodonSource:
    """Reads newer statuses than the cursor's `min_id`, paging forward until caught up."""

    kind = "mastodon"

    def __init__(
        self,
        settings: Mapping[str, str],
        client: httpx.Client,
        *,
        sleep: Sleep = time.sleep,
        now: Clock = utc_now,
        policy: RetryPolicy | None = None,
    ) -> None:
        check_settings(settings)
        self.instance = settings["instance"].rstrip("/")
        self.hashtag = (settings.get("hashtag") or "").strip().lstrip("#") or None
        self.query = (settings.get("query") or "").strip() or None
        self.token = settings.get("token") or None
        self.max_pages = max_pages_setting(settings.get("max_pages"))
        self.host = httpx.URL(self.instance).host
        label = f"mastodon {self.host}"
        self.http = Http(
            client, label=label, sleep=sleep, now=now, policy=policy, secrets=[self.token]
        )

    def fetch(self, cursor: str | None) -> FetchResult:
        min_id = as_str(load_cursor(cursor).get("min_id"))
        posts: list[RawPost] = []
        newest, pages, seen, more = min_id, 0, 0, False
        while pages < self.max_pages:
            statuses = self._page(min_id=newest if self.hashtag else min_id, offset=seen)
            pages, seen = pages + 1, seen + len(statuses)
            posts.extend(parse_statuses(statuses, self.host))
            ids = [as_str(as_dict(status).get("id")) or "" for status in statuses]
            newest = max([newest or "", *ids], key=status_order) or None
            more = len(statuses) >= PAGE_SIZE
            if min_id is None or not more:
                break  # a first fetch takes one page of recent posts
        notes = ["more posts are waiting; the next fetch continues"] if more and min_id else []
        next_cursor = dump_cursor({"min_id": newest}) if newest else cursor
        return FetchResult(posts=oldest_first(posts), cursor=next_cursor, pages=pages, notes=notes)

    def _page(self, *, min_id: str | None, offset: int) -> list[Any]:
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if min_id:
            params["min_id"] = min_id
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.hashtag:
            url = f"{self.instance}/api/v1/timelines/tag/{self.hashtag}"
            hint = TAG_AUTH_HINT
        else:
            # The hashtag timeline pages forward with min_id; search keeps min_id as a filter
            # and pages with offset.
            url = f"{self.instance}/api/v2/search"
            params.update(q=self.query or "", type="statuses", resolve="false", offset=offset)
            hint = SEARCH_AUTH_HINT
        response = self.http.check(
            self.http.request("GET", url, params=params, headers=headers), auth_hint=hint
        )
        payload = self.http.json(response)
        statuses = payload if self.hashtag else as_dict(payload).get("statuses")
        if not isinstance(statuses, list):
            raise self.http.error(
                "unexpected response shape (expected a list of statuses)", "bad_payload"
            )
        return statuses


def check_settings(settings: Mapping[str, str]) -> None:
    """Raise ValueError for combinations the API cannot serve."""
    hashtag = (settings.get("hashtag") or "").strip().lstrip("#")
    query = (settings.get("query") or "").strip()
    if bool(hashtag) == bool(query):
        raise ValueError("mastodon: set exactly one of hashtag=... or query=...")
    if query and not settings.get("token"):
        raise ValueError(
            "mastodon: status search needs token=<access token with read:search>; without one "
            "the instance returns no statuses. Use hashtag=... instead, or add a token."
        )


def status_order(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings: longer means newer, then compare as text."""
    return (len(status_id), status_id)


def parse_statuses(payload: Any, instance_host: str) -> list[RawPost]:
    """Statuses (timeline array or search `statuses`) to posts; skip items missing id or time."""
    if not isinstance(payload, list):
        raise SourceError("expected a list of statuses", status="bad_payload")
    posts = (_status_to_post(as_dict(item), instance_host) for item in payload)
    return [post for post in posts if post is not None]


def _status_to_post(status: dict[str, Any], instance_host: str) -> RawPost | None:
    status_id = as_str(status.get("id"))
    created_at = parse_time(status.get("created_at"))
    if status_id is None or created_at is None:
        return None
    shared = as_dict(status.get("reblog"))
    body = shared or status
    text, links = html_to_text(as_str(body.get("content")) or "")
    warning = as_str(body.get("spoiler_text"))
    if warning:
        text = f"CW: {warning}\n{text}"
    account = as_dict(status.get("account"))
    acct = as_str(account.get("acct"))
    card_url = as_str(as_dict(body.get("card")).get("url"))
    return RawPost(
        external_id=status_id,
        text=text,
        created_at=created_at,
        author=acct if acct is None or "@" in acct else f"{acct}@{instance_host}",
        author_followers=as_optional_count(account.get("followers_count")),
        url=as_str(body.get("url")) or as_str(body.get("uri")),
        lang=normalize_lang(body.get("language")),
        likes=as_count(body.get("favourites_count")),
        reposts=as_count(body.get("reblogs_count")),
        replies=as_count(body.get("replies_count")),
        is_repost=bool(shared),
        links=unique([*links, *clean_links([card_url or ""])]),
    )
