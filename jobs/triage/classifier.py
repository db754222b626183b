"""Classify a post's information type and say which of its words decided it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jobs.triage.categories import CATEGORIES
from jobs.triage.model import LinearModel, load_shipped_model
from jobs.triage.tokens import URL_MARK, features

TOP_REASONS = 3


@dataclass(frozen=True, slots=True)
class Classification:
    """The most likely category, its probability, and the evidence behind it."""

    category: str
    confidence: float
    reasons: list[str]
    runner_up: str


@lru_cache(maxsize=1)
def default_model() -> LinearModel:
    """The shipped model, parsed once per process."""
    return load_shipped_model()


def classify(text: str, model: LinearModel | None = None) -> Classification:
    """Classify one post with the shipped model (or the one given)."""
    model = model or default_model()
    found = features(text)
    probabilities = model.probabilities(token for token, _ in found)
    ranked = sorted(range(len(CATEGORIES)), key=probabilities.__getitem__, reverse=True)
    best, second = ranked[0], ranked[1]
    return Classification(
        category=CATEGORIES[best],
        confidence=round(probabilities[best], 3),
        reasons=explain(model, found, best, second),
        runner_up=CATEGORIES[second],
    )


def explain(model: LinearModel, found: list[tuple[str, str]], best: int, second: int) -> list[str]:
    """Terms that pushed most toward the winner, then the strongest one for the runner-up.

    A term's pull toward a category is its weight there minus its mean weight: the
    softmax ignores a shift shared by all categories, so only the difference decides.
    """
    surface_by_token: dict[str, str] = {}
    for token, surface in found:
        if token in model.weights:
            surface_by_token.setdefault(token, surface)
    pulls = {token: _centred(model.weights[token]) for token in surface_by_token}
    leaders = [
        token
        for token in sorted(pulls, key=lambda t: pulls[t][best], reverse=True)[:TOP_REASONS]
        if pulls[token][best] > 0
    ]
    reasons = [_reason(t, surface_by_token[t], best, pulls[t][best]) for t in leaders]
    others = [token for token in pulls if token not in leaders]
    rival = max(others, key=lambda t: pulls[t][second], default=None)
    if rival is not None and pulls[rival][second] > 0:
        reasons.append(_reason(rival, surface_by_token[rival], second, pulls[rival][second]))
    if not reasons:
        reasons.append(f"no telling terms; base rate favours {CATEGORIES[best]}")
    return reasons


def _centred(row: tuple[float, ...]) -> list[float]:
    mean = sum(row) / len(row)
    return [weight - mean for weight in row]


def _reason(token: str, surface: str, category: int, pull: float) -> str:
    shown = "a link" if token == URL_MARK else f'"{surface}"'
    return f"matched {shown} ({CATEGORIES[category]} +{pull:.2f})"
