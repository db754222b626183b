"""The triage classifier: clear examples per category, reasons from the post, the weights."""

from __future__ import annotations

import re

import pytest

from jobs.triage import CATEGORIES, classify
from jobs.triage.model import LinearModel, WeightsFormatError, load_shipped_model, loads
from jobs.triage.needs import fold
from jobs.triage.tokens import MENTION_MARK, NUMBER_MARK, RETWEET_MARK, URL_MARK, tokenize
from jobs.triage.training import LabelledPost, TrainingSettings, train

CLEAR_EXAMPLES = [
    (
        "Family of five trapped in their home, dozens injured and missing after the flood",
        "affected_individuals",
    ),
    (
        "Power is out across downtown, the bridge on 5th Ave is closed and roads are flooded",
        "infrastructure_utilities",
    ),
    (
        "Donate to the Red Cross flood relief: text REDCROSS to give $10, volunteers needed",
        "donations_volunteering",
    ),
    (
        "Please stay away from the river banks and boil your water, warns the health authority",
        "caution_advice",
    ),
    ("Thoughts and prayers to everyone affected, stay safe and God bless", "sympathy_support"),
    ("Live video of the press conference with the mayor at 3pm", "other_useful"),
    ("Just had the best burger of my life lol #foodie", "not_related"),
]


@pytest.mark.parametrize(("text", "expected"), CLEAR_EXAMPLES)
def test_clear_examples_get_their_category(text: str, expected: str) -> None:
    result = classify(text)
    assert result.category == expected, result.reasons
    assert result.runner_up != expected
    assert 1 / len(CATEGORIES) < result.confidence <= 1.0


def test_every_category_has_a_clear_example() -> None:
    assert {expected for _, expected in CLEAR_EXAMPLES} == set(CATEGORIES)


@pytest.mark.parametrize(("text", "_expected"), CLEAR_EXAMPLES)
def test_reasons_quote_words_that_are_in_the_post(text: str, _expected: str) -> None:
    result = classify(text)
    assert result.reasons
    quoted = [re.search(r'matched "([^"]+)" \((\w+) \+', reason) for reason in result.reasons]
    assert all(match is not None for match in quoted), result.reasons
    for match in quoted:
        assert match is not None
        assert match.group(1) in fold(text)
        assert match.group(2) in CATEGORIES
    # The first reason argues for the category that won.
    assert f"({result.category} +" in result.reasons[0]


def test_reasons_name_the_deciding_term() -> None:
    result = classify("Praying for everyone in Calgary tonight")
    assert result.category == "sympathy_support"
    assert result.reasons[0].startswith('matched "praying" (sympathy_support +')


def test_post_with_no_known_terms_says_so() -> None:
    result = classify("zzqx vvbn")
    assert result.reasons == [f"no telling terms; base rate favours {result.category}"]


def test_tokens_stem_words_and_mark_links_mentions_retweets() -> None:
    tokens = tokenize(
        "RT @cityofcalgary: Evacuated 1500 homes; evacuation centres open http://t.co/x"
    )
    assert tokens[0] == RETWEET_MARK
    assert tokens.count(URL_MARK) == 1
    assert tokens.count(MENTION_MARK) == 1
    assert NUMBER_MARK in tokens
    assert tokens.count("evacuat") == 2  # "Evacuated" and "evacuation" share one weight
    assert "cityofcalgary" not in tokens


def test_training_learns_the_words_that_separate_categories() -> None:
    posts = [
        LabelledPost.from_text(text, category, event)
        for event in ("a", "b")
        for text, category in [
            ("please donate blankets", "donations_volunteering"),
            ("donate food today", "donations_volunteering"),
            ("praying for you all", "sympathy_support"),
            ("praying hearts with you", "sympathy_support"),
            ("bridge closed today", "infrastructure_utilities"),
            ("road and bridge closed", "infrastructure_utilities"),
        ]
    ]
    model = train(posts, TrainingSettings(epochs=30, min_posts=2, min_events=2))
    assert classify("we donate", model).category == "donations_volunteering"
    assert classify("still praying", model).category == "sympathy_support"
    assert classify("the bridge", model).category == "infrastructure_utilities"
    # Seen in one event only: dropped, so it cannot carry an event's label mix.
    one_event = [p for p in posts if p.event == "a"] + [
        LabelledPost.from_text("canmore canmore", "sympathy_support", "a")
    ]
    vocabulary = train(one_event, TrainingSettings(epochs=1, min_posts=1, min_events=2)).weights
    assert vocabulary == {}


def test_weights_file_round_trips_and_rejects_other_columns() -> None:
    model = LinearModel(
        bias=(0.5,) * 7, weights={"flood": (1.0, 0, 0, 0, 0, 0, -1.0)}, notes=("x",)
    )
    again = loads(model.dumps())
    assert again.weights == model.weights
    assert again.bias == model.bias
    assert again.notes == ("x",)
    with pytest.raises(WeightsFormatError, match="columns"):
        loads(model.dumps().replace("not_related", "off_topic"))
    with pytest.raises(WeightsFormatError, match="expected 7 weights"):
        loads(model.dumps().replace("flood\t1.000", "flood\t"))


def test_shipped_weights_hold_no_raw_text_and_record_their_training() -> None:
    model = load_shipped_model()
    assert 500 < len(model.weights) < 10_000
    # One stemmed term per line: no spaces, links or handles.
    assert all(" " not in term and "http" not in term for term in model.weights)
    assert any(note.startswith("trained on") for note in model.notes)
