"""Tokenizing posts: words, hashtags, mentions, URLs, link domains and field values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.query import Document, analyze, words


def test_tokens_are_runs_of_letters_digits_and_underscores() -> None:
    assert words("Road_closure on Hwy-22, km 3.5!") == [
        "road_closure",
        "on",
        "hwy",
        "22",
        "km",
        "3",
        "5",
    ]


def test_unicode_letters_count_and_are_lowercased() -> None:
    assert words("Crue à MONTRÉAL — Straße gesperrt") == [
        "crue",
        "à",
        "montréal",
        "strasse",
        "gesperrt",
    ]


def test_hashtags_keep_their_marker_and_mentions_are_left_out() -> None:
    assert words("Stay safe #YYCflood via @CityOfCalgary") == ["stay", "safe", "#yycflood", "via"]


def test_email_addresses_are_words_not_mentions() -> None:
    post = analyze(Document("write to info@alberta.ca"))
    assert post.tokens == ("write", "to", "info", "alberta", "ca")


def test_urls_are_not_words_but_their_domains_are_kept() -> None:
    post = analyze(Document("Update: https://www.CBC.ca/news/flood?id=1 and www.gov.ab.ca/x."))
    assert post.tokens == ("update", "and")
    assert post.domains == {"www.cbc.ca", "www.gov.ab.ca"}


def test_links_field_feeds_domains() -> None:
    post = analyze(Document("no link in text", links=("https://news.cbc.ca:443/a", "cbc.ca/b")))
    assert post.domains == {"news.cbc.ca", "cbc.ca"}


def test_hashtags_and_mentions_take_positions() -> None:
    post = analyze(Document("boil #water @city now"))
    assert post.tokens == ("boil", "#water", "@city", "now")
    assert post.positions["#water"] == [1]
    assert post.terms["water"] == [1]
    assert "city" not in post.terms


def test_a_word_and_its_hashtag_share_the_bare_term() -> None:
    post = analyze(Document("flood #flood flood"))
    assert post.terms["flood"] == [0, 1, 2]
    assert post.positions["flood"] == [0, 2]


def test_field_values_are_normalized() -> None:
    doc = Document(
        "x", lang="EN_us", source="Mastodon", source_name="Calgary Herald", author="@Bob"
    )
    post = analyze(doc)
    assert post.lang == "en-us"
    assert post.sources == {"mastodon", "calgary herald"}
    assert post.author == "bob"


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ---", "http://only.a.link/"])
def test_texts_without_words_have_no_tokens(text: str) -> None:
    assert analyze(Document(text)).tokens == ()


@given(st.text())
def test_words_are_lowercased_word_characters(text: str) -> None:
    for token in words(text):
        body = token.removeprefix("#")
        assert body
        assert body == body.casefold()
        assert not token.startswith("@")
