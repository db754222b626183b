"""Mastodon connector: hashtag timeline paging with min_id, status search, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.mastodon import MastodonSource, parse_statuses
from tests.fakes.sources import FakeServer, Reply, clone_status, payload, serve_mastodon

NOW_2024 = datetime(2024, 11, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http_client:
        yield http_client


def tag_source(server: FakeServer, client: httpx.Client, **extra: str) -> MastodonSource:
    settings = {"instance": server.base_url, "hashtag": "#flood", **extra}
    return MastodonSource(settings, client, sleep=lambda _: None)


def test_statuses_parse_into_posts_with_counts_links_and_clean_text() -> None:
    posts = parse_statuses(payload("mastodon_tag_timeline.json"), "mastodon.social")
    by_id = {post.external_id: post for post in posts}
    road = by_id["113452191283560003"]
    assert road.text == (
        "Road closures on Route 9 after overnight #flooding. Details from @roads: "
        "https://www.example.gov/alerts/route-9\n\nStay safe & avoid the area."
    )
    assert road.links == ("https://www.example.gov/alerts/route-9",)  # not the tag or mention
    assert road.created_at == datetime(2024, 11, 5, 14, 5, 12, tzinfo=UTC)
    assert (road.author, road.author_followers) == ("countynews@mastodon.social", 1520)
    assert (road.likes, road.reposts, road.replies) == (31, 12, 4)
    assert road.url == "https://mastodon.social/@countynews/113452191283560003"
    assert road.lang == "en"
    alice = by_id["113452150112340002"]
    assert alice.text == (
        "CW: flood photos\nWater is up to the doors on Elm St.\nAnyone know if the shelter is open?"
    )
    assert alice.author == "alice@example.social"
    assert by_id["113452001000000001"].lang == "es"


def test_a_reblog_takes_the_original_text_and_counts() -> None:
    original = payload("mastodon_tag_timeline.json")[0]
    boost = {
        "id": "113452200000000000",
        "created_at": "2024-11-05T14:10:00.000Z",
        "content": "",
        "reblogs_count": 0,
        "account": {"acct": "booster", "followers_count": 9},
        "reblog": original,
    }
    (post,) = parse_statuses([boost], "mastodon.social")
    assert post.is_repost
    assert post.author == "booster@mastodon.social"
    assert post.text.startswith("Road closures")
    assert post.reposts == 12


def test_first_fetch_takes_one_page_then_only_newer_statuses(
    server: FakeServer, client: httpx.Client
) -> None:
    statuses = payload("mastodon_tag_timeline.json")
    serve_mastodon(server, statuses)
    mastodon = tag_source(server, client)
    first = mastodon.fetch(None)
    assert [post.external_id for post in first.posts] == [
        "113452001000000001",
        "113452150112340002",
        "113452191283560003",
    ]
    assert json.loads(first.cursor or "") == {"min_id": "113452191283560003"}
    assert mastodon.fetch(first.cursor).posts == []
    statuses.append(clone_status(statuses[0], 113452300000000000, 5 * 60))
    third = mastodon.fetch(first.cursor)
    assert [post.external_id for post in third.posts] == ["113452300000000000"]
    assert server.seen("/api/v1/timelines/tag/flood")[-1].param("min_id") == "113452191283560003"


def test_catching_up_pages_forward_until_a_short_page(
    server: FakeServer, client: httpx.Client
) -> None:
    template = payload("mastodon_tag_timeline.json")[0]
    statuses = [clone_status(template, 113400000000000000 + n, n) for n in range(1, 91)]
    serve_mastodon(server, statuses)
    cursor = json.dumps({"min_id": "113400000000000005"})
    result = tag_source(server, client).fetch(cursor)
    assert result.pages == 3  # 40 + 40 + 5
    ids = [post.external_id for post in result.posts]
    assert ids == [str(113400000000000000 + n) for n in range(6, 91)]
    assert json.loads(result.cursor or "") == {"min_id": "113400000000000090"}


def test_max_pages_stops_early_and_the_next_fetch_continues_without_gaps(
    server: FakeServer, client: httpx.Client
) -> None:
    template = payload("mastodon_tag_timeline.json")[0]
    serve_mastodon(server, [clone_status(template, 1000 + n, n) for n in range(1, 101)])
    mastodon = tag_source(server, client, max_pages="1")
    first = mastodon.fetch(json.dumps({"min_id": "1000"}))
    assert len(first.posts) == 40
    assert first.notes
    second = mastodon.fetch(first.cursor)
    assert second.posts[0].external_id == "1041"


def test_status_search_sends_the_token_and_reads_statuses(
    server: FakeServer, client: httpx.Client
) -> None:
    server.route(
        "GET", "/api/v2/search", lambda request: Reply(200, payload("mastodon_search.json"))
    )
    settings = {"instance": server.base_url, "query": "boil water", "token": "tok-abcdef-123"}
    result = MastodonSource(settings, client, sleep=lambda _: None).fetch(None)
    assert [post.author for post in result.posts] == ["resident@127.0.0.1"]
    (request,) = server.seen("/api/v2/search")
    assert request.headers["authorization"] == "Bearer tok-abcdef-123"
    assert (request.param("type"), request.param("q")) == ("statuses", "boil water")


def test_search_without_token_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="token"):
        MastodonSource({"instance": "https://m.example", "query": "flood"}, httpx.Client())


def test_instance_requiring_login_is_auth_failed_without_leaking_token(
    server: FakeServer, client: httpx.Client
) -> None:
    body = {"error": "This API requires an authenticated user tok-abcdef-123"}
    server.route("GET", "/api/v1/timelines/tag/flood", lambda request: Reply(401, body))
    with pytest.raises(SourceError) as caught:
        tag_source(server, client, token="tok-abcdef-123").fetch(None)
    assert caught.value.status == "auth_failed"
    assert "token=" in str(caught.value)
    assert "tok-abcdef-123" not in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (Reply(200, b'[{"id": "1", "created_at": "2024-11-05T1'), "bad_payload"),
        (Reply(200, {"statuses": "nope"}), "bad_payload"),
    ],
)
def test_malformed_timeline_is_bad_payload(
    server: FakeServer, client: httpx.Client, reply: Reply, status: str
) -> None:
    server.route("GET", "/api/v1/timelines/tag/flood", lambda request: reply)
    with pytest.raises(SourceError) as caught:
        tag_source(server, client).fetch(None)
    assert caught.value.status == status


def test_rate_limit_then_success_waits_as_told(server: FakeServer, client: httpx.Client) -> None:
    replies: list[Reply] = [
        Reply(429, {"error": "Too many requests"}, {"Retry-After": "3"}),
        Reply(200, payload("mastodon_tag_timeline.json")),
    ]
    server.route("GET", "/api/v1/timelines/tag/flood", lambda request: replies.pop(0))
    waits: list[float] = []
    settings: dict[str, Any] = {"instance": server.base_url, "hashtag": "flood"}
    result = MastodonSource(settings, client, sleep=waits.append).fetch(None)
    assert waits == [3.0]
    assert len(result.posts) == 3


@pytest.mark.parametrize(
    "reset",
    ["2042-01-30T12:00:00.000Z", "2274690000"],  # an ISO time decades away, an epoch number
)
def test_a_far_rate_limit_reset_is_capped_and_readable(
    server: FakeServer, client: httpx.Client, reset: str
) -> None:
    reply = Reply(429, {"error": "Too many requests"}, {"X-RateLimit-Reset": reset})
    server.route("GET", "/api/v1/timelines/tag/flood", lambda request: reply)
    waits: list[float] = []
    settings: dict[str, Any] = {"instance": server.base_url, "hashtag": "flood"}
    source = MastodonSource(settings, client, sleep=waits.append, now=lambda: NOW_2024)
    with pytest.raises(SourceError) as caught:
        source.fetch(None)
    message = str(caught.value)
    assert caught.value.status == "rate_limited"
    assert caught.value.retry_after == 86400.0
    assert "wait 24 h (capped" in message
    assert "e+" not in message
    assert waits == []
