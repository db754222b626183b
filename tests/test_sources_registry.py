"""The source registry: settings help, validation messages, secrets and construction."""

from __future__ import annotations

import re

import httpx
import pytest

from jobs.sources.bluesky import BlueskySource
from jobs.sources.mastodon import MastodonSource
from jobs.sources.reddit import RedditSource
from jobs.sources.registry import (
    SOURCE_KINDS,
    build_source,
    secret_settings,
    validate_settings,
)
from jobs.sources.rss import RssSource


def test_every_kind_documents_its_settings() -> None:
    assert set(SOURCE_KINDS) == {"rss", "mastodon", "bluesky", "reddit"}
    for kind, spec in SOURCE_KINDS.items():
        usage = spec.usage()
        assert usage.startswith(f"{kind}: ")
        for name in {**spec.required, **spec.optional}:
            assert f"  {name} (" in usage
        assert spec.example.startswith(f"earshot source add {kind} ")


def test_secrets_are_declared_for_masking() -> None:
    assert secret_settings("bluesky") == {"app_password"}
    assert secret_settings("mastodon") == {"token"}
    assert secret_settings("reddit") == {"client_secret"}
    assert secret_settings("rss") == {"password"}
    assert "secret" in SOURCE_KINDS["bluesky"].usage()


def test_valid_settings_are_cleaned() -> None:
    cleaned = validate_settings(
        "mastodon", {"instance": " https://mastodon.social ", "hashtag": "flood", "token": ""}
    )
    assert cleaned == {"instance": "https://mastodon.social", "hashtag": "flood"}


@pytest.mark.parametrize(
    ("kind", "settings", "message"),
    [
        ("twitter", {}, "unknown source kind 'twitter'; choose one of: rss, mastodon"),
        ("rss", {}, "rss needs url=...; e.g. earshot source add rss url="),
        ("rss", {"url": "news.example.com/feed"}, "url must be a full http(s) URL"),
        ("rss", {"url": "https://x.example/f", "colour": "red"}, "rss does not take colour"),
        ("mastodon", {"instance": "https://m.example"}, "mastodon needs hashtag=... or query="),
        (
            "mastodon",
            {"instance": "https://m.example", "query": "flood"},
            "status search needs token=",
        ),
        ("bluesky", {"query": "flood", "handle": "me.bsky.social"}, "needs app_password=..."),
        ("reddit", {"client_id": "abc", "subreddit": "x"}, "both client_id and client_secret"),
        ("reddit", {"subreddit": "x", "max_pages": "many"}, "max_pages must be a whole number"),
    ],
)
def test_invalid_settings_explain_the_fix(
    kind: str, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_settings(kind, settings)


def test_build_source_constructs_each_kind() -> None:
    with httpx.Client(trust_env=False) as client:
        built = [
            build_source("rss", {"url": "https://x.example/feed"}, client),
            build_source("mastodon", {"instance": "https://m.example", "hashtag": "a"}, client),
            build_source(
                "bluesky", {"query": "q", "handle": "h.bsky.social", "app_password": "p"}, client
            ),
            build_source("reddit", {"subreddit": "Portland", "max_pages": "2"}, client),
        ]
    kinds = [type(source) for source in built]
    assert kinds == [RssSource, MastodonSource, BlueskySource, RedditSource]
    assert [source.kind for source in built] == ["rss", "mastodon", "bluesky", "reddit"]
    assert isinstance(built[3], RedditSource)
    assert built[3].max_pages == 2
