"""Scorer: labels, language gate, type guard, and the cache."""

from __future__ import annotations

import dataclasses
import math

import pytest

from jobs.sentiment import Scorer, Scores, is_scorable_language, label
from jobs.sentiment.cache import ScoreCache


@pytest.fixture
def scorer() -> Scorer:
    return Scorer()


@pytest.mark.parametrize(
    ("compound", "expected"),
    [
        (0.05, "positive"),
        (0.9, "positive"),
        (0.0499, "neutral"),
        (-0.0499, "neutral"),
        (-0.05, "negative"),
        (-1.0, "negative"),
    ],
)
def test_label_uses_vaders_thresholds(compound: float, expected: str) -> None:
    assert label(compound) == expected


@pytest.mark.parametrize("lang", [None, "und", "en", "EN", "en-GB", "en_US", ""])
def test_english_and_unknown_languages_are_scored(scorer: Scorer, lang: str | None) -> None:
    scores = scorer.score("What a great day for the parade", lang)
    assert scores is not None
    assert scores.compound > 0.5


@pytest.mark.parametrize("lang", ["de", "ja", "es-MX", "eng", "fr"])
def test_other_languages_stay_unscored(scorer: Scorer, lang: str) -> None:
    assert scorer.score("Das ist sehr gut", lang) is None
    assert not is_scorable_language(lang)


@pytest.mark.parametrize("value", [None, b"good", 123, math.nan, ["good"]])
def test_non_text_is_not_scored(scorer: Scorer, value: object) -> None:
    assert scorer.score(value, "en") is None  # type: ignore[arg-type]


def test_scores_match_vader_fields_and_are_frozen(scorer: Scorer) -> None:
    scores = scorer.score("I hate waiting in line, this is terrible", "en")
    assert scores is not None
    assert scores.compound < -0.5
    assert scores.neg > scores.pos
    assert scores.pos + scores.neu + scores.neg == pytest.approx(1.0, abs=0.002)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.compound = 0.0  # type: ignore[misc]


def test_copies_differing_only_in_links_are_scored_once(scorer: Scorer) -> None:
    first = scorer.score("RT @a: Shelters are open tonight, stay safe http://t.co/1", None)
    second = scorer.score("RT @b: Shelters are open tonight, stay safe http://t.co/2", None)
    again = scorer.score("RT @a: Shelters are open tonight, stay safe http://t.co/1", None)
    assert first == second == again
    assert len(scorer.by_normalized) == 1
    assert scorer.by_normalized.misses == 1
    assert scorer.by_text.hits == 1


def test_score_many_keeps_order_and_marks_unscored(scorer: Scorer) -> None:
    results = scorer.score_many([("awful", "en"), ("gut", "de"), ("lovely", None)])
    assert [None if s is None else label(s.compound) for s in results] == [
        "negative",
        None,
        "positive",
    ]


def test_cache_is_bounded_and_evicts_least_recently_used() -> None:
    cache = ScoreCache(2)
    one, two, three = (Scores(c, 0.0, 1.0, 0.0) for c in (0.1, 0.2, 0.3))
    cache.put("one", one)
    cache.put("two", two)
    assert cache.get("one") == one  # "two" is now the oldest
    cache.put("three", three)
    assert len(cache) == 2
    assert cache.get("two") is None
    assert cache.get("one") == one
    assert cache.get("three") == three


def test_scorer_cache_size_is_respected() -> None:
    scorer = Scorer(cache_entries=3)
    for word in ["good", "bad", "great", "awful", "fine"]:
        scorer.score(f"this is {word}", None)
    assert len(scorer.by_text) == 3
    assert len(scorer.by_normalized) == 3
