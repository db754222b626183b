"""Reddit posts from subreddits and/or search, via approved OAuth or polite anonymous JSON."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from jobs.sources.base import FetchResult, RawPost, SourceError
from jobs.sources.common import (
    as_count,
    as_dict,
    as_str,
    boundary_cursor,
    from_epoch,
    max_pages_setting,
    oldest_first,
    read_boundary,
    split_newer,
    unique,
    urls_in_text,
)
from jobs.sources.http import USER_AGENT, Clock, Http, RetryPolicy, Sleep, error_code, utc_now
from jobs.sources.links import clean_links
from jobs.sources.markup import tidy_text
from jobs.sources.tokens import TOKENS, Credentials

PAGE_SIZE = 100
ANONYMOUS_HINT = (
    "Reddit refused anonymous access: set client_id=... and client_secret=... of an approved "
    "Reddit app, or poll less often."
)
PRIVATE_REASONS = {
    "private": "is private: only its approved members can read it",
    "quarantined": "is quarantined: Reddit shows it only to logged-in users who opt in",
    "gold_only": "is limited to Reddit Premium members",
    "banned": "has been banned by Reddit",
}
PLACEHOLDERS = frozenset({"[removed]", "[deleted]", "[deleted by user]", "[removed by reddit]"})
OAUTH_HINT = (
    "Reddit rejected client_id/client_secret: check the app's credentials (new apps need "
    "approval under Reddit's Responsible Builder Policy)."
)


class RedditSource:
    """Walks /new (or search sorted by new) back from the top until it reaches the cursor."""

    kind = "reddit"

    def __init__(
        self,
        settings: Mapping[str, str],
        client: httpx.Client,
        *,
        sleep: Sleep = time.sleep,
        now: Clock = utc_now,
        policy: RetryPolicy | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        check_settings(settings)
        subreddits = (settings.get("subreddit") or "").replace(",", "+").replace(" ", "")
        self.subreddit = subreddits.removeprefix("r/") or None
        self.query = (settings.get("query") or "").strip() or None
        self.client_id = settings.get("client_id") or None
        self.client_secret = settings.get("client_secret") or None
        self.base_url = (settings.get("base_url") or "https://www.reddit.com").rstrip("/")
        self.oauth_url = (settings.get("oauth_url") or "https://oauth.reddit.com").rstrip("/")
        self.max_pages = max_pages_setting(settings.get("max_pages"))
        self.http = Http(
            client,
            label="reddit",
            sleep=sleep,
            now=now,
            policy=policy,
            secrets=[self.client_secret],
            user_agent=settings.get("user_agent") or f"{USER_AGENT} reddit-listener",
        )
        self._monotonic = monotonic
        self._token_key = TOKENS.key(
            "reddit", self.base_url, self.client_id or "", self.client_secret or ""
        )

    def fetch(self, cursor: str | None) -> FetchResult:
        # Walking back with `after` rather than forward with `before` because a deleted
        # anchor post makes `before` return nothing forever.
        since, boundary = read_boundary(cursor)
        posts: list[RawPost] = []
        after: str | None = None
        pages, caught_up = 0, since is None  # a first fetch takes one page of recent posts
        while pages < self.max_pages:
            batch, after = parse_listing(self._listing(after))
            pages += 1
            fresh, reached_seen = split_newer(batch, since, boundary)
            posts.extend(fresh)
            if caught_up or reached_seen or not after or not batch:
                caught_up = True
                break
        notes = [] if caught_up else ["stopped at max_pages; some older posts were skipped"]
        return FetchResult(
            posts=oldest_first(posts),
            cursor=boundary_cursor(posts, since, boundary, cursor),
            pages=pages,
            notes=notes,
        )

    def _listing(self, after: str | None) -> Any:
        params: dict[str, str | int] = {"limit": PAGE_SIZE, "raw_json": 1}
        if self.query:
            params.update(q=self.query, sort="new", type="link")
            path = f"/r/{self.subreddit}/search" if self.subreddit else "/search"
            if self.subreddit:
                params["restrict_sr"] = 1
        else:
            path = f"/r/{self.subreddit}/new"
        if after:
            params["after"] = after
        if not self.client_id:
            response = self.http.request("GET", f"{self.base_url}{path}.json", params=params)
            self._refuse_closed_subreddit(response)
            return self.http.json(self.http.check(response, auth_hint=ANONYMOUS_HINT))
        response = self._oauth_get(path, params)
        if response.status_code == 401:  # token revoked or expired early: fetch a new one once
            TOKENS.put(self._token_key, None)
            response = self._oauth_get(path, params)
        self._refuse_closed_subreddit(response)
        return self.http.json(self.http.check(response, auth_hint=OAUTH_HINT))

    def _refuse_closed_subreddit(self, response: httpx.Response) -> None:
        """A private or banned subreddit is not a credentials problem: say what it is."""
        if response.status_code not in (403, 404):
            return
        reason = PRIVATE_REASONS.get(error_code(response))
        if reason:
            where = f"r/{self.subreddit}" if self.subreddit else "this subreddit"
            raise self.http.error(
                f"{where} {reason}; credentials will not help. Choose a public subreddit or "
                "remove this source",
                "failing",
            )

    def _oauth_get(self, path: str, params: dict[str, str | int]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        return self.http.request("GET", f"{self.oauth_url}{path}", params=params, headers=headers)

    def _access_token(self) -> str:
        cached = TOKENS.get(self._token_key)
        if cached and self._monotonic() < cached.expires_at:
            self.http.add_secret(cached.access)
            return cached.access
        response = self.http.request(
            "POST",
            f"{self.base_url}/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id or "", self.client_secret or ""),
        )
        body = as_dict(self.http.json(self.http.check(response, auth_hint=OAUTH_HINT)))
        token = as_str(body.get("access_token"))
        if token is None:  # Reddit answers some grant errors with 200 and {"error": ...}
            raise self.http.error(
                f"no access token ({body.get('error')}). {OAUTH_HINT}", "auth_failed"
            )
        self.http.add_secret(token)
        lifetime = as_count(body.get("expires_in")) or 3600
        expires_at = self._monotonic() + max(lifetime - 60, 30)
        TOKENS.put(self._token_key, Credentials(token, expires_at=expires_at))
        return token


def check_settings(settings: Mapping[str, str]) -> None:
    """Raise ValueError for combinations the API cannot serve."""
    if not ((settings.get("subreddit") or "").strip() or (settings.get("query") or "").strip()):
        raise ValueError("reddit: set subreddit=... and/or query=...")
    if bool(settings.get("client_id")) != bool(settings.get("client_secret")):
        raise ValueError("reddit: set both client_id and client_secret, or neither")


def parse_listing(payload: Any) -> tuple[list[RawPost], str | None]:
    """A Reddit Listing of t3 links to (posts, `after` fullname for the next page)."""
    body = as_dict(payload)
    data = body.get("data")
    if body.get("kind") != "Listing" or not isinstance(data, dict):
        raise SourceError("response is not a Reddit Listing", status="bad_payload")
    children = data.get("children")
    if not isinstance(children, list):
        raise SourceError("Listing has no children list", status="bad_payload")
    posts = (_link_to_post(as_dict(child)) for child in children)
    return [post for post in posts if post is not None], as_str(data.get("after"))


def _link_to_post(child: dict[str, Any]) -> RawPost | None:
    link = as_dict(child.get("data"))
    link_id = as_str(link.get("id"))
    name = as_str(link.get("name")) or (f"t3_{link_id}" if link_id else None)
    created_at = from_epoch(link.get("created_utc"))
    if child.get("kind") != "t3" or name is None or created_at is None:
        return None
    title = tidy_text(as_str(link.get("title")) or "")
    body = tidy_text(as_str(link.get("selftext")) or "")
    if body in PLACEHOLDERS or title in PLACEHOLDERS or link.get("removed_by_category"):
        return None  # removed by moderators or deleted by its author: not theirs to count
    permalink = as_str(link.get("permalink"))
    target = as_str(link.get("url")) if not link.get("is_self") else None
    author = as_str(link.get("author"))
    return RawPost(
        external_id=name,
        text="\n\n".join(part for part in (title, body) if part),
        created_at=created_at,
        author=None if author in (None, "[deleted]") else author,
        url=f"https://www.reddit.com{permalink}" if permalink else target,
        likes=as_count(link.get("score")),
        reposts=as_count(link.get("num_crossposts")),
        replies=as_count(link.get("num_comments")),
        is_repost=bool(link.get("crosspost_parent")),
        links=unique(clean_links([target or "", *urls_in_text(body)])),
    )
