"""Every parser, fed arbitrary or damaged payloads, returns posts or raises SourceError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.sources.base import RawPost, SourceError
from jobs.sources.bluesky import parse_search_posts
from jobs.sources.markup import html_to_text
from jobs.sources.mastodon import parse_statuses
from jobs.sources.reddit import parse_listing
from jobs.sources.rss import parse_feed
from tests.fakes.sources import payload, payload_bytes

NOW = datetime(2024, 11, 6, tzinfo=UTC)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)


def mutate(document: Any, data: st.DataObject) -> Any:
    """Replace one randomly chosen node of a real payload with arbitrary JSON."""
    if isinstance(document, dict) and document and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(document)))
        return {**document, key: mutate(document[key], data)}
    if isinstance(document, list) and document and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(document) - 1))
        return [*document[:index], mutate(document[index], data), *document[index + 1 :]]
    return data.draw(json_values)


def check_posts(posts: list[RawPost]) -> None:
    for post in posts:
        assert post.created_at.utcoffset() == timedelta(0)
        assert isinstance(post.text, str)
        assert post.external_id
        assert min(post.likes, post.reposts, post.replies) >= 0


def run(parse: Any, document: Any) -> None:
    try:
        result = parse(document)
    except SourceError as exc:
        status = exc.status
    else:
        check_posts(result[0] if isinstance(result, tuple) else result)
        return
    assert status == "bad_payload"


@FUZZ
@given(st.data())
def test_mastodon_parser_survives_damaged_payloads(data: st.DataObject) -> None:
    document = mutate(payload("mastodon_tag_timeline.json"), data)
    run(lambda doc: parse_statuses(doc, "mastodon.social"), document)


@FUZZ
@given(json_values)
def test_mastodon_parser_survives_arbitrary_json(document: Any) -> None:
    run(lambda doc: parse_statuses(doc, "mastodon.social"), document)


@FUZZ
@given(st.data())
def test_bluesky_parser_survives_damaged_payloads(data: st.DataObject) -> None:
    run(parse_search_posts, mutate(payload("bluesky_search_posts.json"), data))


@FUZZ
@given(json_values)
def test_bluesky_parser_survives_arbitrary_json(document: Any) -> None:
    run(parse_search_posts, document)


@FUZZ
@given(st.data())
def test_reddit_parser_survives_damaged_payloads(data: st.DataObject) -> None:
    run(parse_listing, mutate(payload("reddit_new.json"), data))


@FUZZ
@given(json_values)
def test_reddit_parser_survives_arbitrary_json(document: Any) -> None:
    run(parse_listing, document)


def feed_parse(content: bytes) -> tuple[list[RawPost], list[str]]:
    feed = parse_feed(content, feed_url="https://www.example.gov/feed", now=NOW)
    return feed.posts, feed.notes


@FUZZ
@given(st.binary(max_size=400))
def test_feed_parser_survives_arbitrary_bytes(content: bytes) -> None:
    run(feed_parse, content)


@FUZZ
@given(st.data())
def test_feed_parser_survives_cut_and_spliced_feeds(data: st.DataObject) -> None:
    feed = payload_bytes(data.draw(st.sampled_from(["feed_rss.xml", "feed_atom.xml"])))
    start = data.draw(st.integers(0, len(feed)))
    end = data.draw(st.integers(start, len(feed)))
    junk = data.draw(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
    run(feed_parse, feed[:start] + junk + feed[end:])


@FUZZ
@given(st.text(max_size=300))
def test_html_to_text_never_raises(markup: str) -> None:
    text, links = html_to_text(markup)
    assert isinstance(text, str)
    assert all(link.startswith(("http://", "https://")) for link in links)
