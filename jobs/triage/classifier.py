"""Classify a post's information type and say which of its words decided it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jobs.triage.categories import CATEGORIES
from jobs.triage.features import MASKS
from jobs.triage.model import HashedModel, load_shipped_model

TOP_REASONS = 3
_MASK_NAMES = {
    "xurlx": "a link",
    "xuserx": "a @handle",
    "xnumx": "a number",
    "xtagx": "a hashtag",
    "xplacex": "a place name",
    "xrtx": "a retweet",
}


@dataclass(frozen=True, slots=True)
class Classification:
    """The most likely category, its probability, and the evidence behind it."""

    category: str
    confidence: float
    reasons: list[str]
    runner_up: str
    probabilities: dict[str, float]


@lru_cache(maxsize=1)
def default_model() -> HashedModel:
    """The shipped model, parsed once per process."""
    return load_shipped_model()


def classify(text: str, model: HashedModel | None = None) -> Classification:
    """Classify one post with the shipped model (or the one given)."""
    model = model or default_model()
    probabilities = model.probabilities(text)
    ranked = sorted(range(len(CATEGORIES)), key=lambda k: -probabilities[k])
    best, second = ranked[0], ranked[1]
    return Classification(
        category=CATEGORIES[best],
        confidence=round(float(probabilities[best]), 3),
        reasons=explain(model, text, best, second),
        runner_up=CATEGORIES[second],
        probabilities={
            c: round(float(p), 4) for c, p in zip(CATEGORIES, probabilities, strict=True)
        },
    )


def explain(model: HashedModel, text: str, best: int, second: int) -> list[str]:
    """Words and phrases that pushed most toward the winner, then the runner-up's best.

    Only whole-word features are named (a character n-gram like "vacu" explains nothing
    to a person), though all features count in the score.
    """
    reasons: list[str] = []
    named: set[str] = set()
    for category, limit in ((best, TOP_REASONS), (second, 1)):
        pulls = [
            (feature[2:], pull)
            for feature, pull in model.contributions(text, category)
            if feature.startswith("w:") and pull > 0 and _nameable(feature[2:])
        ]
        pulls.sort(key=lambda item: (-item[1], item[0]))
        for phrase, pull in [p for p in pulls if p[0] not in named][:limit]:
            named.add(phrase)
            reasons.append(f"matched {_shown(phrase)} ({CATEGORIES[category]} +{pull:.2f})")
    if not reasons:
        reasons.append(f"no telling terms; base rate favours {CATEGORIES[best]}")
    return reasons


def _nameable(phrase: str) -> bool:
    """Words alone, or markers alone: "xnumx ave" would read as nonsense."""
    masked = [word in MASKS for word in phrase.split()]
    return all(masked) or not any(masked)


def _shown(phrase: str) -> str:
    words = phrase.split()
    if all(word in MASKS for word in words):
        return " then ".join(_MASK_NAMES[word] for word in words)
    return '"' + phrase + '"'
