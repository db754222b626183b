"""normalize(): each clean-up step on the traps listed in docs/sentiment-notes.md."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.sentiment import MAX_SCORED_COST, Scorer, label, normalize
from jobs.sentiment.vader import emoji_costs


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


def expanded_length(text: str) -> int:
    costs = emoji_costs()
    return sum(costs.get(char, 1) for char in text)


def test_typographic_apostrophe_keeps_negation(scorer: Scorer) -> None:
    assert normalize("I don’t like it") == "I don't like it"
    scores = scorer.score("it isn’t good", "en")
    assert scores is not None
    assert label(scores.compound) == "negative"


def test_typographic_double_quotes_become_ascii() -> None:
    assert normalize("“great” they said") == '"great" they said'


def test_variation_selector_is_stripped_so_the_emoji_scores(scorer: Scorer) -> None:
    assert normalize("I love you ❤️") == "I love you ❤"
    assert scorer.score("I love you ❤️", None) == scorer.score("I love you ❤", None)


def test_leading_retweet_prefix_is_dropped_but_not_a_quoted_one() -> None:
    assert normalize("RT @city_hall: Roads are open") == "Roads are open"
    assert normalize("wow RT @mayor: Roads are open") == "wow RT @mayor: Roads are open"


def test_urls_are_removed_and_their_trailing_exclamation_kept() -> None:
    assert normalize("Great news http://t.co/AbC123!") == "Great news !"
    assert normalize("see www.example.gov/x, now") == "see , now"
    assert normalize("read https://ex.com/a?b=1 today") == "read today"


def test_whitespace_collapses() -> None:
    assert normalize("  so \t\n  good  ") == "so good"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The food was ok.", "The food was ok ."),
        ("no!", "no !"),
        (":),", ":) ,"),
        ("great.", "great."),  # VADER strips longer words itself
        ("D:", "D:"),  # a lexicon entry as written stays whole
        ("?!?", "?!?"),
    ],
)
def test_punctuation_glued_to_short_tokens_is_split(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_split_punctuation_recovers_the_score(scorer: Scorer) -> None:
    with_dot = scorer.score("The food was ok.", None)
    without = scorer.score("The food was ok", None)
    assert with_dot is not None
    assert without is not None
    # The split-off "." counts as one more neutral token, so only compound is equal.
    assert with_dot.compound == without.compound > 0.05


def test_hostile_emoji_post_is_capped_to_the_budget() -> None:
    capped = normalize("😂" * 1004)
    assert 0 < expanded_length(capped) <= MAX_SCORED_COST
    assert set(capped) == {"😂"}


def test_long_post_is_capped_at_a_word_boundary() -> None:
    words = [f"word{i}" for i in range(400)]
    capped = normalize(" ".join(words))
    assert len(capped) <= MAX_SCORED_COST
    kept = capped.split(" ")
    assert kept == words[: len(kept)]
    assert len(" ".join(words[: len(kept) + 1])) > MAX_SCORED_COST


@settings(deadline=None)  # the first example loads VADER's lexicon
@given(st.text(max_size=3000))
def test_normalize_is_total_and_bounded(text: str) -> None:
    result = normalize(text)
    assert expanded_length(result) <= MAX_SCORED_COST
    assert "\ufe0f" not in result
    assert "  " not in result
    assert result == result.strip()
