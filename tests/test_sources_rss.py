"""RSS/Atom connector against a loopback server serving the payload feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.rss import RssSource
from tests.fakes.sources import FakeServer, Reply, Seen, payload_bytes

NOW = datetime(2024, 11, 6, 8, 0, tzinfo=UTC)
ETAG = '"feed-v1"'


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http_client:
        yield http_client


class Feed:
    """A feed endpoint that honours If-None-Match / If-Modified-Since like a real server."""

    def __init__(self, body: bytes) -> None:
        self.body, self.etag, self.modified = body, ETAG, "Tue, 05 Nov 2024 14:30:00 GMT"

    def __call__(self, request: Seen) -> Reply:
        if request.headers.get("if-none-match") == self.etag:
            return Reply(304)
        headers = {
            "Content-Type": "application/rss+xml",
            "ETag": self.etag,
            "Last-Modified": self.modified,
        }
        return Reply(200, self.body, headers)


def source(server: FakeServer, client: httpx.Client, path: str = "/feed.xml") -> RssSource:
    return RssSource({"url": server.base_url + path}, client, sleep=lambda _: None, now=lambda: NOW)


def test_rss_items_become_posts_oldest_first(server: FakeServer, client: httpx.Client) -> None:
    server.route("GET", "/feed.xml", Feed(payload_bytes("feed_rss.xml")))
    result = source(server, client).fetch(None)
    assert [post.created_at for post in result.posts] == [
        datetime(2024, 11, 5, 12, 45, tzinfo=UTC),
        datetime(2024, 11, 5, 14, 10, tzinfo=UTC),
    ]
    shelters, emergency = result.posts
    assert shelters.external_id == "https://radio.example.org/news/shelters-open"
    assert shelters.text == (
        "Shelters open & schools closed after storm\n"
        "Three shelters opened overnight.\n\nSee the list of shelters."
    )
    assert shelters.author == "Jordan Reporter"
    assert shelters.lang == "en"
    assert shelters.links == (
        "https://radio.example.org/news/shelters-open",
        "https://www.example.gov/shelters",
    )
    assert emergency.external_id.startswith("CBMiWmh0")
    assert emergency.url == "https://news.example.com/articles/county-declares-emergency"
    assert "\xa0" not in emergency.text
    assert "&nbsp;" not in emergency.text


def test_atom_entry_html_title_and_relative_link(server: FakeServer, client: httpx.Client) -> None:
    server.route("GET", "/news/feed.atom", Feed(payload_bytes("feed_atom.xml")))
    (post,) = source(server, client, "/news/feed.atom").fetch(None).posts
    assert post.external_id == "tag:example.gov,2024:news/1187"
    assert post.text == (
        "Boil water notice lifted for the east side\n"
        "Testing confirms the water is safe.\nResidents no longer need to boil water."
    )
    assert post.created_at == datetime(2024, 11, 5, 19, 55, tzinfo=UTC)
    assert post.url == server.base_url + "/news/2024/boil-water-lifted"
    assert post.author == "Example County Communications"


def test_conditional_get_304_returns_nothing_and_keeps_cursor(
    server: FakeServer, client: httpx.Client
) -> None:
    server.route("GET", "/feed.xml", Feed(payload_bytes("feed_rss.xml")))
    rss = source(server, client)
    first = rss.fetch(None)
    second = rss.fetch(first.cursor)
    assert second.posts == []
    assert second.cursor == first.cursor
    conditional = server.seen("/feed.xml")[1]
    assert conditional.headers["if-none-match"] == ETAG
    assert conditional.headers["if-modified-since"] == "Tue, 05 Nov 2024 14:30:00 GMT"


def test_changed_feed_returns_only_unseen_entries(server: FakeServer, client: httpx.Client) -> None:
    feed = Feed(payload_bytes("feed_rss.xml"))
    server.route("GET", "/feed.xml", feed)
    rss = source(server, client)
    first = rss.fetch(None)
    new_item = (
        b"<item><title>River falling, roads reopen</title>"
        b"<link>https://radio.example.org/news/roads-reopen</link>"
        b"<pubDate>Tue, 05 Nov 2024 18:00:00 GMT</pubDate></item>"
    )
    feed.body = feed.body.replace(b"<item>", new_item + b"<item>", 1)
    feed.etag = '"feed-v2"'
    second = rss.fetch(first.cursor)
    assert [post.external_id for post in second.posts] == [
        "https://radio.example.org/news/roads-reopen"
    ]
    assert rss.fetch(second.cursor).posts == []  # 304 again


@pytest.mark.parametrize(
    "body",
    [
        payload_bytes("feed_rss.xml")[:700],  # cut off mid-item
        b"<html><body>Please enable cookies</body></html>",
    ],
)
def test_truncated_or_non_feed_is_bad_payload(
    server: FakeServer, client: httpx.Client, body: bytes
) -> None:
    server.route("GET", "/feed.xml", lambda request: Reply(200, body))
    with pytest.raises(SourceError) as caught:
        source(server, client).fetch(None)
    assert caught.value.status == "bad_payload"
    assert caught.value.args[0].startswith("rss 127.0.0.1:")


def test_unauthorised_feed_is_auth_failed(server: FakeServer, client: httpx.Client) -> None:
    server.route("GET", "/feed.xml", lambda request: Reply(403, b"Forbidden"))
    with pytest.raises(SourceError) as caught:
        source(server, client).fetch(None)
    assert caught.value.status == "auth_failed"
    assert "public feed URL" in str(caught.value)
