"""Each normalization step, and the whole pipeline, on VADER's 4,200 human-rated tweets."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

import pytest

from jobs.sentiment import label, normalize
from jobs.sentiment.cleanup import STEPS
from jobs.sentiment.vader import new_analyzer

TWEETS = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "vader-groundtruth"
    / "tweets_GroundTruth.txt"
)

pytestmark = pytest.mark.skipif(
    not TWEETS.exists(), reason=f"VADER ground truth not found at {TWEETS}"
)


@pytest.fixture(scope="module")
def rated() -> list[tuple[float, str]]:
    # CRLF rows, no trailing newline, no header (see the data set's README).
    rows = TWEETS.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    parsed = [(float(mean), text) for _, mean, text in (row.split("\t") for row in rows)]
    assert len(parsed) == 4200
    return parsed


def compounds(rated: list[tuple[float, str]], prepare: Callable[[str], str]) -> list[float]:
    analyzer = new_analyzer()
    return [analyzer.polarity_scores(prepare(text))["compound"] for _, text in rated]


def pearson(rated: list[tuple[float, str]], scores: list[float]) -> float:
    return statistics.correlation(scores, [mean for mean, _ in rated])


def three_class_accuracy(rated: list[tuple[float, str]], scores: list[float]) -> float:
    # The paper's convention: human label is the sign of the mean rating.
    human = ["positive" if m > 0 else "negative" if m < 0 else "neutral" for m, _ in rated]
    return sum(h == label(c) for h, c in zip(human, scores, strict=True)) / len(scores)


@pytest.fixture(scope="module")
def raw_r(rated: list[tuple[float, str]]) -> float:
    return pearson(rated, compounds(rated, lambda text: text))


def test_raw_text_reproduces_the_documented_correlation(raw_r: float) -> None:
    assert raw_r == pytest.approx(0.8722, abs=0.0005)


@pytest.mark.parametrize(("name", "step"), STEPS, ids=[name for name, _ in STEPS])
def test_no_step_lowers_the_correlation(
    rated: list[tuple[float, str]], raw_r: float, name: str, step: Callable[[str], str]
) -> None:
    r = pearson(rated, compounds(rated, step))
    assert r >= raw_r - 0.002, f"{name}: r {r:.4f} vs raw {raw_r:.4f}"
    assert r >= 0.86


def test_full_pipeline_keeps_correlation_and_accuracy(
    rated: list[tuple[float, str]], raw_r: float
) -> None:
    scores = compounds(rated, normalize)
    r = pearson(rated, scores)
    assert r >= raw_r - 0.002
    assert r >= 0.86
    assert three_class_accuracy(rated, scores) >= 0.92


def test_split_punctuation_step_is_what_lifts_accuracy(rated: list[tuple[float, str]]) -> None:
    raw = three_class_accuracy(rated, compounds(rated, lambda text: text))
    split = three_class_accuracy(rated, compounds(rated, dict(STEPS)["split_hidden_punctuation"]))
    assert split > raw
