"""The one place that imports vaderSentiment: analyzer construction and raw scoring."""

from __future__ import annotations

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from jobs.sentiment.scores import Scores

__all__ = [
    "SentimentIntensityAnalyzer",
    "emoji_costs",
    "lexicon_entries",
    "new_analyzer",
    "polarity",
]


def new_analyzer() -> SentimentIntensityAnalyzer:
    """Build an analyzer (reads both lexicon files, about 20 ms)."""
    return SentimentIntensityAnalyzer()


@cache
def _reference_analyzer() -> SentimentIntensityAnalyzer:
    return new_analyzer()


@cache
def lexicon_entries() -> frozenset[str]:
    """Every lower-cased word and emoticon VADER's lexicon holds."""
    return frozenset(_reference_analyzer().lexicon)


@cache
def emoji_costs() -> dict[str, int]:
    """Characters VADER expands to a description, with the length each adds.

    VADER matches one character at a time, so multi-character keys (skin tones,
    variation-selector forms) can never match and are left out.
    """
    return {
        char: len(description) + 1
        for char, description in _reference_analyzer().emojis.items()
        if len(char) == 1
    }


def polarity(analyzer: SentimentIntensityAnalyzer, text: str) -> Scores:
    """Score already-normalized text with the given analyzer."""
    raw = analyzer.polarity_scores(text)
    return Scores(
        compound=float(raw["compound"]),
        pos=float(raw["pos"]),
        neu=float(raw["neu"]),
        neg=float(raw["neg"]),
    )
