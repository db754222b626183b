"""Bluesky connector: app-password session, searchPosts paging and `since`, token renewal."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.bluesky import BlueskySource, parse_search_posts
from jobs.sources.tokens import TOKENS
from tests.fakes.sources import BlueskyState, FakeServer, Reply, payload, serve_bluesky

PASSWORD = "abcd-efgh-ijkl-mnop"


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


@pytest.fixture
def state(server: FakeServer) -> BlueskyState:
    fake = BlueskyState(password=PASSWORD, posts=payload("bluesky_search_posts.json")["posts"])
    serve_bluesky(server, fake)
    return fake


def make_source(server: FakeServer, client: httpx.Client, **extra: str) -> BlueskySource:
    settings = {
        "query": "boil water",
        "handle": "county-comms.bsky.social",
        "app_password": PASSWORD,
        "service": server.base_url,
        **extra,
    }
    return BlueskySource(settings, client, sleep=lambda _: None)


def new_post(rkey: str, when: str, text: str) -> dict[str, Any]:
    post: dict[str, Any] = copy.deepcopy(payload("bluesky_search_posts.json")["posts"][1])
    post["uri"] = f"at://did:plc:newsdesk00000000000000002/app.bsky.feed.post/{rkey}"
    post["record"]["createdAt"] = post["indexedAt"] = when
    post["record"]["text"] = text
    return post


def test_search_posts_parse_with_links_counts_and_safe_times() -> None:
    posts, cursor = parse_search_posts(payload("bluesky_search_posts.json"))
    assert cursor == "3"
    resident, newsdesk, skewed = posts
    assert resident.external_id == (
        "at://did:plc:resident00000000000000001/app.bsky.feed.post/3lakzq2x4ks2c"
    )
    assert resident.url == "https://bsky.app/profile/resident.bsky.social/post/3lakzq2x4ks2c"
    assert resident.links == ("https://example.gov/water/notice-2024-11-05",)
    assert (resident.likes, resident.reposts, resident.replies) == (17, 6, 3)  # quotes count
    assert resident.lang == "en"
    assert resident.created_at == datetime(2024, 11, 5, 14, 20, 31, 512000, tzinfo=UTC)
    assert newsdesk.links == ("https://news.example.com/2024/11/05/boil-water",)
    assert newsdesk.lang == "en"
    # createdAt says 2031; the post cannot be newer than when the network indexed it.
    assert skewed.created_at == datetime(2024, 11, 5, 13, 40, tzinfo=UTC)


def test_first_fetch_logs_in_searches_latest_and_adds_followers(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    result = make_source(server, client).fetch(None)
    assert [post.author for post in result.posts] == [
        "newsdesk.example.com",
        "resident.bsky.social",
    ]  # the newest page of 2 (the fake's page size), oldest first
    assert [post.author_followers for post in result.posts] == [25870, 143]
    (search,) = server.seen("/xrpc/app.bsky.feed.searchPosts")
    assert search.headers["authorization"] == "Bearer access-jwt-1"
    assert (search.param("sort"), search.param("q"), search.param("since")) == (
        "latest",
        "boil water",
        None,
    )
    login = json.loads(server.seen("/xrpc/com.atproto.server.createSession")[0].body)
    assert login == {"identifier": "county-comms.bsky.social", "password": PASSWORD}
    cursor = json.loads(result.cursor or "")
    assert cursor["since"] == "2024-11-05T14:20:31.512000Z"
    assert PASSWORD not in (result.cursor or "")
    assert "jwt" not in (result.cursor or "")


def test_next_fetch_uses_since_pages_with_cursor_and_skips_seen(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    bluesky = make_source(server, client)
    first = bluesky.fetch(None)
    state.posts += [
        new_post("3lb0000000001", "2024-11-05T15:00:00.000Z", "notice lifted?"),
        new_post("3lb0000000002", "2024-11-05T15:05:00.000Z", "notice lifted!"),
        new_post("3lb0000000003", "2024-11-05T15:10:00.000Z", "finally lifted"),
    ]
    second = bluesky.fetch(first.cursor)
    assert [post.text for post in second.posts] == [
        "notice lifted?",
        "notice lifted!",
        "finally lifted",
    ]
    searches = server.seen("/xrpc/app.bsky.feed.searchPosts")[1:]
    assert [request.param("since") for request in searches] == ["2024-11-05T14:20:31.512000Z"] * 2
    assert [request.param("cursor") for request in searches] == [None, "2"]
    assert second.pages == 2
    assert bluesky.fetch(second.cursor).posts == []  # `since` is inclusive; boundary is skipped
    assert len(server.seen("/xrpc/com.atproto.server.createSession")) == 1  # session reused


def test_expired_access_token_is_refreshed_once(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    bluesky = make_source(server, client)
    bluesky.fetch(None)
    state.expire_access_tokens()
    result = bluesky.fetch(None)
    assert len(result.posts) == 2
    assert len(server.seen("/xrpc/com.atproto.server.refreshSession")) == 1
    assert server.seen("/xrpc/app.bsky.feed.searchPosts")[-1].headers["authorization"] == (
        "Bearer access-jwt-2"
    )


def test_failed_refresh_falls_back_to_a_new_session(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    bluesky = make_source(server, client)
    bluesky.fetch(None)
    state.expire_access_tokens()
    state.valid_refresh.clear()
    assert len(bluesky.fetch(None).posts) == 2
    assert len(server.seen("/xrpc/com.atproto.server.createSession")) == 2


def test_wrong_app_password_is_auth_failed_and_not_echoed(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    state.password = "the-real-one"
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    assert caught.value.status == "auth_failed"
    assert "app password" in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_search_refused_even_after_renewal_is_auth_failed_with_hint(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    denied = {"error": "Forbidden", "message": "access-jwt-1 may not search"}
    server.route("GET", "/xrpc/app.bsky.feed.searchPosts", lambda request: Reply(403, denied))
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    assert caught.value.status == "auth_failed"
    assert "unauthenticated search is disabled; set handle=... and app_password" in str(
        caught.value
    )
    assert "access-jwt-1" not in str(caught.value)


def test_truncated_search_response_is_bad_payload(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    server.route(
        "GET", "/xrpc/app.bsky.feed.searchPosts", lambda request: Reply(200, b'{"posts": [{"ur')
    )
    with pytest.raises(SourceError) as caught:
        make_source(server, client).fetch(None)
    assert caught.value.status == "bad_payload"


def test_profile_lookup_failure_keeps_posts_and_notes_it(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    server.route("GET", "/xrpc/app.bsky.actor.getProfiles", lambda request: Reply(400, {}))
    result = make_source(server, client).fetch(None)
    assert len(result.posts) == 2
    assert all(post.author_followers is None for post in result.posts)
    assert any("follower counts unavailable" in note for note in result.notes)


def test_a_rebuilt_source_reuses_the_session_instead_of_logging_in_again(
    server: FakeServer, client: httpx.Client, state: BlueskyState
) -> None:
    # Scans build a new source object each time; Bluesky limits createSession per day.
    make_source(server, client).fetch(None)
    make_source(server, client).fetch(None)
    assert len(server.seen("/xrpc/com.atproto.server.createSession")) == 1
    assert server.seen("/xrpc/app.bsky.feed.searchPosts")[-1].headers["authorization"] == (
        "Bearer access-jwt-1"
    )
