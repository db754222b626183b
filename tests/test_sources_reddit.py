"""Reddit connector: anonymous JSON and OAuth client credentials, paging back to the cursor."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.reddit import RedditSource, parse_listing
from jobs.sources.tokens import TOKENS
from tests.fakes.sources import FakeServer, Reply, Seen, payload, serve_reddit_listing

CLIENT_ID, CLIENT_SECRET = "app-id-123", "app-secret-456789"


@pytest.fixture(autouse=True)
def _forget_tokens() -> Iterator[None]:
    # Tokens are cached per process and keyed by URL; a reused loopback port must not see them.
    TOKENS.clear()
    yield
    TOKENS.clear()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http_client:
        yield http_client


def children() -> list[dict[str, Any]]:
    return copy.deepcopy(payload("reddit_new.json")["data"]["children"])


def link(name: str, created_utc: float, title: str) -> dict[str, Any]:
    child = children()[1]
    child["data"].update(name=name, id=name[3:], created_utc=created_utc, title=title)
    return child


def make_source(server: FakeServer, client: httpx.Client, **extra: str) -> RedditSource:
    settings = {"subreddit": "Portland", "base_url": server.base_url, **extra}
    settings.setdefault("oauth_url", server.base_url)
    return RedditSource(settings, client, sleep=lambda _: None)


def test_listing_parses_self_link_and_crosspost() -> None:
    posts, after = parse_listing(payload("reddit_new.json"))
    assert after is None
    outage, shelter, crosspost = posts
    assert outage.external_id == "t3_1gk9xq3"
    assert outage.text.startswith("Power outage & flooding on SE Division\n\nPower has been out")
    assert outage.links == ("https://example.com/outages/map",)
    assert outage.created_at == datetime(2024, 11, 5, 14, 15, 12, tzinfo=UTC)
    assert (outage.author, outage.likes, outage.replies) == ("rainy_pdx", 57, 23)
    assert outage.url == (
        "https://www.reddit.com/r/Portland/comments/1gk9xq3/power_outage_flooding_on_se_division/"
    )
    assert shelter.author is None  # "[deleted]"
    assert shelter.links == ("https://news.example.com/2024/11/05/shelter",)
    assert shelter.reposts == 2
    assert crosspost.is_repost
    assert crosspost.links == ()


def test_anonymous_first_fetch_then_only_newer_posts(
    server: FakeServer, client: httpx.Client
) -> None:
    pool = children()
    serve_reddit_listing(server, "/r/Portland/new.json", pool, page_size=100)
    reddit = make_source(server, client)
    first = reddit.fetch(None)
    assert [post.external_id for post in first.posts] == ["t3_1gk8zz0", "t3_1gk9a11", "t3_1gk9xq3"]
    assert reddit.fetch(first.cursor).posts == []
    pool.append(link("t3_1gkb001", 1730820000.0, "Shelter full, second site opening"))
    assert [post.external_id for post in reddit.fetch(first.cursor).posts] == ["t3_1gkb001"]
    request = server.seen("/r/Portland/new.json")[0]
    assert (request.param("limit"), request.param("raw_json")) == ("100", "1")
    assert "Earshot/0.1" in request.headers["user-agent"]


def test_catching_up_follows_after_until_the_cursor(
    server: FakeServer, client: httpx.Client
) -> None:
    pool = children()
    serve_reddit_listing(server, "/r/Portland/new.json", pool, page_size=2)
    reddit = make_source(server, client)
    first = reddit.fetch(None)  # one page: the two newest
    assert [post.external_id for post in first.posts] == ["t3_1gk9a11", "t3_1gk9xq3"]
    pool += [link(f"t3_new{n}", 1730820000.0 + n, f"update {n}") for n in range(5)]
    second = reddit.fetch(first.cursor)
    assert [post.text for post in second.posts] == [f"update {n}" for n in range(5)]
    assert second.pages == 3
    assert [r.param("after") for r in server.seen("/r/Portland/new.json")[1:]] == [
        None,
        "t3_new3",
        "t3_new1",
    ]


def test_search_inside_a_subreddit(server: FakeServer, client: httpx.Client) -> None:
    serve_reddit_listing(server, "/r/Portland/search.json", children())
    make_source(server, client, query="flooding").fetch(None)
    (request,) = server.seen("/r/Portland/search.json")
    assert (request.param("q"), request.param("restrict_sr"), request.param("sort")) == (
        "flooding",
        "1",
        "new",
    )


def token_endpoint(tokens: list[str]) -> Any:
    def handle(request: Seen) -> Reply:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Reply(401, {"message": "Unauthorized", "error": 401})
        assert parse_qs(request.body.decode()) == {"grant_type": ["client_credentials"]}
        body = payload("reddit_access_token.json")
        body["access_token"] = tokens.pop(0)
        return Reply(200, body)

    return handle


def test_oauth_client_credentials_then_bearer_on_oauth_host(
    server: FakeServer, client: httpx.Client
) -> None:
    server.route("POST", "/api/v1/access_token", token_endpoint(["token-one", "token-two"]))
    valid = {"token-one"}

    def listing(request: Seen) -> Reply:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in valid:
            return Reply(401, {"message": "Unauthorized", "error": 401})
        return Reply(200, payload("reddit_new.json"))

    server.route("GET", "/r/Portland/new", listing)
    reddit = make_source(server, client, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert len(reddit.fetch(None).posts) == 3
    assert len(reddit.fetch(None).posts) == 3
    assert len(server.seen("/api/v1/access_token")) == 1  # token cached until it expires
    valid = {"token-two"}  # revoked early: one new token, then success
    assert len(reddit.fetch(None).posts) == 3
    assert len(server.seen("/api/v1/access_token")) == 2


def test_rejected_credentials_are_auth_failed_without_the_secret(
    server: FakeServer, client: httpx.Client
) -> None:
    server.route("POST", "/api/v1/access_token", token_endpoint([]))
    reddit = make_source(server, client, client_id=CLIENT_ID, client_secret="wrong-secret-999")
    with pytest.raises(SourceError) as caught:
        reddit.fetch(None)
    assert caught.value.status == "auth_failed"
    assert "client_secret" in str(caught.value)
    assert "wrong-secret-999" not in str(caught.value)


def test_anonymous_block_is_auth_failed_with_advice(
    server: FakeServer, client: httpx.Client
) -> None:
    blocked = Reply(403, b"<html><body>blocked</body></html>", {"Content-Type": "text/html"})
    server.route("GET", "/r/Portland/new.json", lambda request: blocked)
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    assert caught.value.status == "auth_failed"
    assert "client_id" in str(caught.value)


def test_rate_limited_then_ok_honours_reset_header(
    server: FakeServer, client: httpx.Client
) -> None:
    replies = [
        Reply(429, b"Too Many Requests", {"x-ratelimit-reset": "42"}),
        Reply(200, payload("reddit_new.json")),
    ]
    server.route("GET", "/r/Portland/new.json", lambda request: replies.pop(0))
    waits: list[float] = []
    settings = {"subreddit": "Portland", "base_url": server.base_url}
    result = RedditSource(settings, client, sleep=waits.append).fetch(None)
    assert waits == [42.0]
    assert len(result.posts) == 3


def test_not_a_listing_is_bad_payload(server: FakeServer, client: httpx.Client) -> None:
    server.route("GET", "/r/Portland/new.json", lambda request: Reply(200, {"kind": "t5"}))
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    assert caught.value.status == "bad_payload"
    assert json.dumps(caught.value.args)  # plain strings only


def test_token_is_shared_by_rebuilt_sources_until_it_expires(
    server: FakeServer, client: httpx.Client
) -> None:
    server.route("POST", "/api/v1/access_token", token_endpoint(["tok-a", "tok-b"]))
    server.route("GET", "/r/Portland/new", lambda request: Reply(200, payload("reddit_new.json")))
    clock = [1000.0]
    settings = {
        "subreddit": "Portland",
        "base_url": server.base_url,
        "oauth_url": server.base_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }

    def fetch_with_new_source() -> str:
        reddit = RedditSource(settings, client, sleep=lambda _: None, monotonic=lambda: clock[0])
        reddit.fetch(None)
        return server.seen("/r/Portland/new")[-1].headers["authorization"]

    assert fetch_with_new_source() == "Bearer tok-a"
    clock[0] += 3600
    assert fetch_with_new_source() == "Bearer tok-a"
    clock[0] += 86400  # past expires_in
    assert fetch_with_new_source() == "Bearer tok-b"


@pytest.mark.parametrize(
    ("status", "reason", "says"),
    [
        (403, "private", "is private"),
        (403, "quarantined", "is quarantined"),
        (404, "banned", "has been banned"),
    ],
)
def test_a_closed_subreddit_says_so_instead_of_asking_for_credentials(
    server: FakeServer, client: httpx.Client, status: int, reason: str, says: str
) -> None:
    body = {"reason": reason, "message": "Forbidden", "error": status}
    server.route("GET", "/r/Portland/new.json", lambda request: Reply(status, body))
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    message = str(caught.value)
    assert f"r/Portland {says}" in message
    assert "client_id" not in message and "credentials will not help" in message
    assert caught.value.status == "failing"


def test_removed_and_deleted_posts_are_skipped(server: FakeServer, client: httpx.Client) -> None:
    kept = link("t3_keep01", 1730815200.0, "Bridge closed for inspection")
    removed = link("t3_rem001", 1730815300.0, "Flooding on 5th street")
    removed["data"].update(selftext="[removed]", removed_by_category="moderator", is_self=True)
    deleted = link("t3_del001", 1730815400.0, "Anyone else without power?")
    deleted["data"].update(selftext="[deleted]", author="[deleted]", is_self=True)
    serve_reddit_listing(server, "/r/Portland/new.json", [kept, removed, deleted], page_size=10)
    posts = make_source(server, client).fetch(None).posts
    assert [post.external_id for post in posts] == ["t3_keep01"]
    assert all("[removed]" not in post.text and "[deleted]" not in post.text for post in posts)
