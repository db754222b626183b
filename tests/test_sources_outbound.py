"""Outbound requests of sources: no internal addresses, no leaked credentials (issue #15)."""

from __future__ import annotations

import base64
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bot.runtime import Runtime
from bot.settings import Settings
from commands import sources
from commands.context import NotAllowedError, UsageError
from jobs.scan import scan_due
from jobs.sources.http import USER_AGENT
from jobs.sources.outbound import GuardedTransport, OutboundPolicy
from jobs.sources.rss import RssSource
from storage.sources import Sources
from tests.delivery_helpers import runtime_for
from tests.fakes.sources import FakeServer, Reply, Seen

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>County</title>'
    b"<item><title>Flood watch</title><guid>https://www.example.gov/1</guid>"
    b"<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
)
PASSWORD = "s3cret-feed-pass"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        running.route("GET", "/feed.xml", lambda r: Reply(200, FEED, {"Content-Type": "text/xml"}))
        yield running


def _runtime(db_url: str, allow: str | None = None, key: str | None = None) -> Runtime:
    settings = Settings(database_url=db_url, allow_private_sources=allow, secret_key=key)
    return runtime_for(settings, lambda: NOW)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.5/feed",
        "http://192.168.1.1/feed",
        "http://172.16.0.1/feed",
        "http://127.0.0.1:5432/",
        "http://[::1]:6379/",
        "http://[::ffff:127.0.0.1]/feed",
        "http://2852039166/feed",  # 169.254.169.254 as one number
        "http://0x7f.1:6379/",
        "http://127.1/feed",
        "http://017700000001/feed",  # octal
        "http://localhost:5432/",
        "http://0.0.0.0/feed",
        "http://[::]/feed",
        "http://224.0.0.1/feed",
        "http://100.64.0.1/feed",  # carrier-grade NAT
    ],
)
def test_source_add_refuses_internal_addresses_in_every_spelling(db_url: str, url: str) -> None:
    rt = _runtime(db_url)
    with pytest.raises(UsageError, match="refused to connect") as caught:
        sources.add(rt.ctx("T1", user_id="U1"), "rss", "internal", {"url": url})
    assert "EARSHOT_ALLOW_PRIVATE_SOURCES" in str(caught.value)
    assert Sources(rt.engine).all("T1") == []


@pytest.mark.parametrize(
    ("kind", "settings"),
    [
        ("mastodon", {"instance": "http://169.254.169.254", "hashtag": "flood"}),
        ("reddit", {"subreddit": "x", "base_url": "http://10.1.1.1"}),
        ("bluesky", {"query": "q", "handle": "h", "app_password": "p", "service": "http://[::1]"}),
    ],
)
def test_every_kind_checks_its_urls_at_add(
    db_url: str, kind: str, settings: dict[str, str]
) -> None:
    rt = _runtime(db_url)
    with pytest.raises(UsageError, match="refused to connect"):
        sources.add(rt.ctx("T1", user_id="U1"), kind, "internal", settings)


def test_a_stored_internal_source_is_refused_at_fetch_without_a_request(
    db_url: str, server: FakeServer
) -> None:
    rt = _runtime(db_url)  # the default: public addresses only
    # A source stored before the policy (or by hand) still cannot reach loopback.
    Sources(rt.engine).add("T1", "old", "rss", {"url": server.base_url + "/feed.xml"}, now=NOW)
    (outcome,) = scan_due(rt.ingestor, rt.http, now=rt.clock, sleep=lambda _: None)
    assert not outcome.ok and outcome.status == "failing"
    assert "refused to connect to 127.0.0.1" in (outcome.error or "")
    assert server.requests == []  # nothing reached the server


def test_the_operator_setting_allows_listed_addresses(db_url: str, server: FakeServer) -> None:
    rt = _runtime(db_url, allow="127.0.0.0/8")
    sources.add(rt.ctx("T1", user_id="U1"), "rss", "local", {"url": server.base_url + "/feed.xml"})
    (outcome,) = scan_due(rt.ingestor, rt.http, now=rt.clock, sleep=lambda _: None)
    assert outcome.ok and outcome.new_posts == 1


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:6379/", "http://[::1]/"]
)
def test_every_redirect_hop_is_checked(db_url: str, server: FakeServer, target: str) -> None:
    rt = _runtime(db_url, allow="127.0.0.1")  # the feed's own host is allowed, nothing else
    server.route("GET", "/moved.xml", lambda r: Reply(302, b"", {"Location": target}))
    Sources(rt.engine).add("T1", "hop", "rss", {"url": server.base_url + "/moved.xml"}, now=NOW)
    (outcome,) = scan_due(rt.ingestor, rt.http, now=rt.clock, sleep=lambda _: None)
    assert not outcome.ok
    assert "refused to connect" in (outcome.error or "")


def test_the_checked_address_is_the_one_connected_to(server: FakeServer) -> None:
    # The name resolves once, to an allowed address; the connection goes there with the name
    # in Host. A second lookup (DNS rebinding) would find nothing: this name is not in DNS.
    port = httpx.URL(server.base_url).port or 0
    lookups: list[str] = []

    def resolver(host: str, port_: int, **_: Any) -> list[tuple[Any, ...]]:
        lookups.append(host)
        answer = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port_))]

    policy = OutboundPolicy.from_setting("127.0.0.1")
    transport = GuardedTransport(policy, resolver=resolver)
    with httpx.Client(transport=transport) as client:
        url = f"http://feeds.example.test:{port}/feed.xml"
        (post,) = RssSource({"url": url}, client, sleep=lambda _: None).fetch(None).posts
        assert post.text == "Flood watch"
        with pytest.raises(Exception, match=r"refused to connect to feeds\.example\.test"):
            RssSource({"url": url}, client, sleep=lambda _: None).fetch(None)
    assert server.seen("/feed.xml")[0].headers["host"] == f"feeds.example.test:{port}"


def test_a_bad_allow_list_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="EARSHOT_ALLOW_PRIVATE_SOURCES: 'intranet'"):
        OutboundPolicy.from_setting("10.0.0.0/8,intranet")
    assert OutboundPolicy.from_setting("1").allow_all
    assert not OutboundPolicy.from_setting(None).allowed


def test_a_password_in_a_feed_url_is_sealed_never_shown_and_still_used(
    db_url: str, server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen_auth: list[str] = []

    def private_feed(request: Seen) -> Reply:
        seen_auth.append(request.headers.get("authorization", ""))
        expected = "Basic " + base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Reply(401, b"login required", {"WWW-Authenticate": 'Basic realm="feeds"'})
        return Reply(200, FEED, {"Content-Type": "application/rss+xml"})

    server.route("GET", "/private.xml", private_feed)
    rt = _runtime(db_url, allow="127.0.0.1", key="a long operator passphrase")
    host = server.base_url.removeprefix("http://")
    reply = sources.run(
        f"add rss private url=http://reader:{PASSWORD}@{host}/private.xml",
        rt.ctx("T1", user_id="U1"),
    )
    assert PASSWORD not in reply.text and "password=•••" in reply.text
    with rt.engine.connect() as conn:
        stored = str(conn.execute(text("SELECT settings FROM sources")).scalar_one())
        audit = str(conn.execute(text("SELECT detail FROM audit_log")).scalar_one())
    assert PASSWORD not in stored and "enc:v1:" in stored
    assert PASSWORD not in audit
    assert f"http://{host}/private.xml" in stored  # the URL without its credentials
    (outcome,) = scan_due(rt.ingestor, rt.http, now=rt.clock, open_settings=rt.sealer.open_settings)
    assert outcome.ok and outcome.new_posts == 1
    listing = sources.listing(rt.ctx("T1", user_id="U1"))
    assert PASSWORD not in listing.text
    assert PASSWORD not in caplog.text


def test_credentials_in_other_urls_are_refused_without_echoing_them(db_url: str) -> None:
    rt = _runtime(db_url, allow="1")
    with pytest.raises(UsageError) as caught:
        sources.add(
            rt.ctx("T1", user_id="U1"),
            "mastodon",
            "m",
            {"instance": f"https://me:{PASSWORD}@mastodon.example", "hashtag": "flood"},
        )
    assert "must not contain a user name or password" in str(caught.value)
    assert "token=..." in str(caught.value)
    assert PASSWORD not in str(caught.value)
    with pytest.raises(UsageError) as bad:
        sources.add(rt.ctx("T1", user_id="U1"), "rss", "r", {"url": f"ftp://u:{PASSWORD}@x/f"})
    assert PASSWORD not in str(bad.value)


def test_source_test_is_for_admins_and_never_quotes_the_upstream_body(
    db_url: str, server: FakeServer
) -> None:
    leak = "root:x:0:0 internal-only-inventory"
    server.route("GET", "/err.xml", lambda r: Reply(403, {"error": leak, "message": leak}))
    server.route("GET", "/text.xml", lambda r: Reply(400, leak.encode(), {"Content-Type": "text"}))
    rt = _runtime(db_url, allow="127.0.0.1")
    admin = rt.ctx("T1", user_id="UADMIN")
    for name, path in (("err", "/err.xml"), ("text", "/text.xml")):
        sources.add(admin, "rss", name, {"url": server.base_url + path})
    member = rt.ctx("T1", user_id="UMEMBER", is_admin=False)
    with pytest.raises(NotAllowedError):
        sources.run("test err", member)
    for name in ("err", "text"):
        reply = sources.run(f"test {name}", admin)
        assert leak not in reply.text and "root:x" not in reply.text
        assert reply.data["ok"] is False


def test_the_shared_client_does_not_follow_redirects_behind_the_policy() -> None:
    # Redirects are followed by `Http`, hop by hop; a client that followed them itself would
    # read a redirect's body whole and skip the hop checks.
    rt = Runtime(Settings())
    assert rt.http.follow_redirects is False
    assert rt.http.headers["User-Agent"] == USER_AGENT
