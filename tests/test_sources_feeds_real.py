"""Feeds as real servers send them, served on loopback byte for byte (issue #14)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.http import RetryPolicy
from jobs.sources.rss import RssSource
from tests.fakes.sources import FakeServer, Handler, Reply

NOW = datetime(2024, 11, 6, 8, 0, tzinfo=UTC)
LATER = datetime(2024, 11, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http_client:
        yield http_client


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{prolog}<rss version="2.0"><channel><title>County news</title>'
        f"<link>https://www.example.gov/</link>{items}</channel></rss>"
    )


def serve(server: FakeServer, path: str, body: bytes, content_type: str) -> None:
    server.route("GET", path, lambda request: Reply(200, body, {"Content-Type": content_type}))


def source(
    server: FakeServer,
    client: httpx.Client,
    path: str = "/feed.xml",
    *,
    now: datetime = NOW,
    policy: RetryPolicy | None = None,
) -> RssSource:
    return RssSource(
        {"url": server.base_url + path},
        client,
        sleep=lambda _: None,
        now=lambda: now,
        policy=policy,
    )


ITEMS = (
    "<item><title>Shelters open</title><link>https://www.example.gov/shelters</link>"
    "<pubDate>Tue, 05 Nov 2024 12:45:00 GMT</pubDate></item>"
    "<item><title>Roads reopen</title><link>https://www.example.gov/roads</link>"
    "<pubDate>Tue, 05 Nov 2024 14:10:00 GMT</pubDate></item>"
)


def test_blank_line_before_and_cache_comment_after_the_root_are_accepted(
    server: FakeServer, client: httpx.Client
) -> None:
    # TypePad / WordPress cache plugins: a blank line before `<?xml`, a comment after </rss>.
    body = ("\n" + rss(ITEMS) + "\n<!-- ph=1 -->\n<!-- cached 0.004s -->\n").encode()
    serve(server, "/feed.xml", body, "application/rss+xml")
    result = source(server, client).fetch(None)
    assert [post.text for post in result.posts] == ["Shelters open", "Roads reopen"]


def test_a_feed_cut_off_mid_item_is_still_refused(server: FakeServer, client: httpx.Client) -> None:
    body = (rss(ITEMS)[:-60] + "\n<!-- ph=1 -->").encode()
    serve(server, "/feed.xml", body, "application/rss+xml")
    with pytest.raises(SourceError, match="not valid RSS/Atom") as caught:
        source(server, client).fetch(None)
    assert caught.value.status == "bad_payload"


@pytest.mark.parametrize(
    ("charset", "title"),
    [
        ("windows-1251", "Бузулук: вода отключена"),
        ("koi8-r", "Паводок в Оренбурге"),
        ("euc-kr", "서울 홍수 경보 발령"),
    ],
)
def test_charset_in_the_content_type_header_decodes_the_feed(
    server: FakeServer, client: httpx.Client, charset: str, title: str
) -> None:
    item = f"<item><title>{title}</title><guid>https://news.example/1</guid></item>"
    body = rss(item, prolog='<?xml version="1.0"?>').encode(charset)
    serve(server, "/feed.xml", body, f"text/xml; charset={charset}")
    (post,) = source(server, client).fetch(None).posts
    assert post.text == title


def test_the_header_charset_wins_over_a_wrong_xml_declaration(
    server: FakeServer, client: httpx.Client
) -> None:
    item = "<item><title>Оповещение о наводнении</title><guid>g1</guid></item>"
    body = rss(item, prolog='<?xml version="1.0" encoding="utf-8"?>').encode("windows-1251")
    serve(server, "/feed.xml", body, "application/rss+xml; charset=windows-1251")
    (post,) = source(server, client).fetch(None).posts
    assert post.text == "Оповещение о наводнении"


def test_the_xml_declaration_is_used_when_the_header_has_no_charset(
    server: FakeServer, client: httpx.Client
) -> None:
    item = "<item><title>Hochwasser in Köln – Straßen gesperrt</title><guid>g1</guid></item>"
    prolog = '<?xml version="1.0" encoding="ISO-8859-15"?>'
    body = rss(item.replace("–", "-"), prolog=prolog).encode("iso-8859-15")
    serve(server, "/feed.xml", body, "text/xml")  # RFC 3023 would say us-ascii here
    (post,) = source(server, client).fetch(None).posts
    assert post.text == "Hochwasser in Köln - Straßen gesperrt"


UNDATED = (
    "<item><title>Boil water notice lifted</title></item>"
    "<item><description>Crews are clearing the storm drains.</description></item>"
)


def test_items_without_guid_link_or_date_keep_one_id_across_scans(
    server: FakeServer, client: httpx.Client
) -> None:
    serve(server, "/feed.xml", rss(UNDATED).encode(), "application/rss+xml")
    first = source(server, client, now=NOW).fetch(None)
    assert len(first.posts) == 2
    assert all(post.time_estimated for post in first.posts)
    again = source(server, client, now=LATER).fetch(first.cursor)
    assert again.posts == []
    # Even without the cursor (a lost seen-list), a later scan makes the same ids.
    fresh = source(server, client, now=LATER).fetch(None)
    assert {p.external_id for p in fresh.posts} == {p.external_id for p in first.posts}


def test_bare_guids_keep_their_ids_when_the_feed_moves(
    server: FakeServer, client: httpx.Client
) -> None:
    items = (
        "<item><title>Water main repaired</title><guid>570</guid>"
        "<pubDate>Tue, 05 Nov 2024 12:45:00 GMT</pubDate></item>"
    )
    serve(server, "/feeds/news.xml", rss(items).encode(), "application/rss+xml")
    before = source(server, client, "/feeds/news.xml").fetch(None)
    moved_to = server.base_url + "/v2/rss/all.xml"
    server.route("GET", "/feeds/news.xml", lambda r: Reply(301, b"", {"Location": moved_to}))
    serve(server, "/v2/rss/all.xml", rss(items).encode(), "application/rss+xml")
    after = source(server, client, "/feeds/news.xml").fetch(None)
    assert [p.external_id for p in after.posts] == [p.external_id for p in before.posts]
    assert source(server, client, "/feeds/news.xml").fetch(before.cursor).posts == []
    assert any("moved permanently" in warning for warning in after.warnings)


def test_one_stray_windows_1252_byte_spoils_only_itself(
    server: FakeServer, client: httpx.Client
) -> None:
    items = (
        "<item><title>Café on Saint-Étienne street reopens</title><guid>a</guid></item>"
        "<item><title>Mayor’s statement — flood update</title><guid>b</guid></item>"
        "<item><title>Residents STRAY warned</title><guid>c</guid></item>"
    )
    body = rss(items).encode("utf-8").replace(b"STRAY", b"\x93told\x94")  # cp1252 quotes
    serve(server, "/feed.xml", body, "application/rss+xml; charset=utf-8")
    texts = {
        post.external_id.rsplit("/", 1)[-1]: post.text
        for post in source(server, client).fetch(None).posts
    }
    assert texts["a"] == "Café on Saint-Étienne street reopens"
    assert texts["b"] == "Mayor’s statement — flood update"
    assert texts["c"] == "Residents “told” warned"


def test_malformed_dates_are_read_and_unreadable_ones_marked_estimated(
    server: FakeServer, client: httpx.Client
) -> None:
    items = (
        "<item><title>Flood watch issued</title><guid>d1</guid>"
        "<pubDate>Fri,24 Nov 2023 18:28:36 -0000</pubDate></item>"
        "<item><title>Levee inspected</title><guid>d2</guid>"
        "<pubDate>Friday, 24 November 2023 20:05:00 +01:00</pubDate></item>"
        "<item><title>Sandbags available</title><guid>d3</guid>"
        "<pubDate>sometime last week</pubDate></item>"
    )
    serve(server, "/feed.xml", rss(items).encode(), "application/rss+xml")
    result = source(server, client).fetch(None)
    by_title = {post.text: post for post in result.posts}
    assert by_title["Flood watch issued"].created_at == datetime(
        2023, 11, 24, 18, 28, 36, tzinfo=UTC
    )
    assert by_title["Levee inspected"].created_at == datetime(2023, 11, 24, 19, 5, tzinfo=UTC)
    assert not by_title["Flood watch issued"].time_estimated
    guessed = by_title["Sandbags available"]
    assert guessed.time_estimated and guessed.created_at == NOW
    (warning,) = result.warnings
    assert "1 item(s) have a date Earshot cannot read" in warning
    assert "sometime last week" in warning


def test_redirector_links_are_unwrapped_so_site_sees_the_real_domain(
    server: FakeServer, client: httpx.Client
) -> None:
    google = (
        "https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://www.cbc.ca/news/flood-1"
        "&amp;ct=ga&amp;cd=CAIyGjA&amp;usg=AOvVaw1"
    )
    facebook = "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.example.gov%2Falerts&amp;h=AT0"
    bing = "https://www.bing.com/ck/a?!&amp;&amp;p=abc&amp;u=a1aHR0cHM6Ly9uZXdzLmV4YW1wbGUub3JnL3N0b3J5&amp;ntb=1"
    tco = (
        '&lt;a href="https://t.co/AbC123" title="https://transit.example.org/detours"'
        "&gt;t.co/AbC123&lt;/a&gt;"
    )
    items = (
        f"<item><title>River crests</title><link>{google}</link><guid>g</guid>"
        f'<description>&lt;a href="{facebook}"&gt;alerts&lt;/a&gt; '
        f'&lt;a href="{bing}"&gt;story&lt;/a&gt; {tco}</description></item>'
    )
    serve(server, "/feed.xml", rss(items).encode(), "application/rss+xml")
    (post,) = source(server, client).fetch(None).posts
    assert post.url == "https://www.cbc.ca/news/flood-1"
    assert post.links == (
        "https://www.cbc.ca/news/flood-1",
        "https://www.example.gov/alerts",
        "https://news.example.org/story",
        "https://transit.example.org/detours",
    )


def test_non_web_ids_are_never_stored_as_the_post_url(
    server: FakeServer, client: httpx.Client
) -> None:
    items = (
        "<item><title>Boil water advisory</title><guid>urn:uuid:2f1c6a52-0b7e</guid></item>"
        "<item><title>Transit detours</title><guid>tag:example.gov,2024:news/88</guid></item>"
    )
    serve(server, "/feed.xml", rss(items).encode(), "application/rss+xml")
    posts = source(server, client).fetch(None).posts
    assert {post.external_id for post in posts} == {
        "urn:uuid:2f1c6a52-0b7e",
        "tag:example.gov,2024:news/88",
    }
    assert all(post.url is None and post.links == () for post in posts)


def test_gzip_header_on_a_plain_body_is_a_clear_bad_payload(
    server: FakeServer, client: httpx.Client
) -> None:
    body = rss(ITEMS).encode()
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
    server.route("GET", "/feed.xml", lambda request: Reply(200, body, headers))
    with pytest.raises(SourceError) as caught:
        source(server, client).fetch(None)
    assert caught.value.status == "bad_payload"
    message = str(caught.value)
    assert message.startswith(f"rss {httpx.URL(server.base_url).host}:")
    assert "Content-Encoding" in message and "misconfigured" in message


def test_a_redirect_loop_says_so_and_what_to_do(server: FakeServer, client: httpx.Client) -> None:
    def hop(target: str) -> Handler:
        return lambda request: Reply(302, b"", {"Location": server.base_url + target})

    server.route("GET", "/a.xml", hop("/b.xml"))
    server.route("GET", "/b.xml", hop("/a.xml"))
    with pytest.raises(SourceError) as caught:
        source(server, client, "/a.xml").fetch(None)
    assert "redirect loop" in str(caught.value)
    assert "open the URL in a browser" in str(caught.value)
    assert len(server.requests) == 2  # stopped at the first repeat


def test_a_response_over_the_size_cap_is_abandoned(
    server: FakeServer, client: httpx.Client
) -> None:
    filler = "".join(
        f"<item><title>Update {i}</title><guid>u{i}</guid></item>" for i in range(4000)
    )
    serve(server, "/feed.xml", rss(filler).encode(), "application/rss+xml")
    small = RetryPolicy(max_bytes=64 * 1024)
    with pytest.raises(SourceError, match=r"larger than 0\.0625 MB") as caught:
        source(server, client, policy=small).fetch(None)
    assert caught.value.status == "bad_payload"


def test_a_response_without_length_is_cut_at_the_cap(
    server: FakeServer, client: httpx.Client
) -> None:
    # Chunked bodies announce no length: the cap applies while reading.
    gzipped = gzip.compress(b"<rss>" + b"x" * 500_000 + b"</rss>")
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
    server.route("GET", "/feed.xml", lambda request: Reply(200, gzipped, headers))
    small = RetryPolicy(max_bytes=100_000)  # 500 KB once decompressed from about 1 KB
    with pytest.raises(SourceError, match="larger than"):
        source(server, client, policy=small).fetch(None)


def test_second_scan_of_an_unchanged_feed_returns_nothing(
    server: FakeServer, client: httpx.Client
) -> None:
    # No ETag or Last-Modified: the server answers 200 with the same bytes every time.
    items = ITEMS + UNDATED + "<item><title>Bare</title><guid>88</guid></item>"
    serve(server, "/feed.xml", rss(items).encode(), "application/rss+xml")
    first = source(server, client, now=NOW).fetch(None)
    assert len(first.posts) == 5
    assert source(server, client, now=LATER).fetch(first.cursor).posts == []
