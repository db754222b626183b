"""Fit the linear classifier: multinomial logistic regression by plain-Python SGD."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jobs.triage.categories import CATEGORIES
from jobs.triage.model import LinearModel
from jobs.triage.tokens import tokenize


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    """Knobs of one fit; the defaults are what LOEO on the dev events chose."""

    epochs: int = 5
    learning_rate: float = 0.1
    decay: float = 1e-4
    l2: float = 1e-4
    min_posts: int = 3
    min_events: int = 2
    seed: int = 0


@dataclass(frozen=True, slots=True)
class LabelledPost:
    """Training example: a post's distinct terms, its category and the event it came from."""

    terms: frozenset[str]
    category: str
    event: str

    @classmethod
    def from_text(cls, text: str, category: str, event: str) -> LabelledPost:
        """Tokenize once, so repeated fits (tuning) do not redo it."""
        return cls(frozenset(tokenize(text)), category, event)


def choose_vocabulary(posts: Sequence[LabelledPost], settings: TrainingSettings) -> set[str]:
    """Terms seen often enough, in enough events, to generalise beyond one crisis.

    Requiring several events drops place names and one-off hashtags, which would
    otherwise learn the label mix of their own event.
    """
    post_counts: Counter[str] = Counter()
    events_seen: dict[str, set[str]] = {}
    for post in posts:
        for token in post.terms:
            post_counts[token] += 1
            events_seen.setdefault(token, set()).add(post.event)
    return {
        token
        for token, count in post_counts.items()
        if count >= settings.min_posts and len(events_seen[token]) >= settings.min_events
    }


def train(posts: Sequence[LabelledPost], settings: TrainingSettings) -> LinearModel:
    """Fit weights over binary term features with per-step decay of the learning rate."""
    vocabulary = choose_vocabulary(posts, settings)
    width = len(CATEGORIES)
    weights: dict[str, list[float]] = {token: [0.0] * width for token in vocabulary}
    bias = [0.0] * width
    examples = [
        (
            [weights[t] for t in sorted(p.terms) if t in weights],
            CATEGORIES.index(p.category),
        )
        for p in posts
    ]
    order = list(range(len(examples)))
    shuffler = random.Random(settings.seed)
    step = 0
    for _ in range(settings.epochs):
        shuffler.shuffle(order)
        for index in order:
            rows, target = examples[index]
            rate = settings.learning_rate / (1.0 + settings.decay * step)
            step += 1
            gradient = _softmax([bias[k] + sum(row[k] for row in rows) for k in range(width)])
            gradient[target] -= 1.0
            for k in range(width):
                bias[k] -= rate * gradient[k]
            # Regularise only the rows this post touches: cheap, and rare terms stay small.
            for row in rows:
                for k in range(width):
                    row[k] -= rate * (gradient[k] + settings.l2 * row[k])
    return LinearModel(bias=tuple(bias), weights={t: tuple(w) for t, w in weights.items()})


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]


def prune(model: LinearModel, min_weight: float) -> LinearModel:
    """Drop terms whose every weight is near zero: they barely move a score."""
    kept = {t: row for t, row in model.weights.items() if max(map(abs, row)) >= min_weight}
    return LinearModel(bias=model.bias, weights=kept, notes=model.notes)
