"""Sentiment scores as stored with a post, and VADER's three-way label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["positive", "neutral", "negative"]

# VADER's own convention (Hutto & Gilbert 2014), also used by its ground-truth evaluation.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


@dataclass(frozen=True, slots=True)
class Scores:
    """VADER's compound score in [-1, 1] and the pos/neu/neg proportions (sum ~1)."""

    compound: float
    pos: float
    neu: float
    neg: float


def label(compound: float) -> Label:
    """`positive` at compound >= 0.05, `negative` at <= -0.05, else `neutral`."""
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"
