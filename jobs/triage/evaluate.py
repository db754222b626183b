"""Score predictions against labels: per-category precision, recall, F1 and macro-F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jobs.triage.categories import CATEGORIES


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """How one category fared: `support` is how many posts truly had it."""

    category: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    """Scores of one run over a set of posts."""

    per_category: tuple[CategoryScore, ...]
    macro_f1: float
    accuracy: float
    total: int


def score(predicted: Sequence[str], truth: Sequence[str]) -> Report:
    """Compare two aligned label lists; macro-F1 averages all categories, empty ones as 0."""
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predictions for {len(truth)} labels")
    hits: Counter[str] = Counter(p for p, t in zip(predicted, truth, strict=True) if p == t)
    guessed = Counter(predicted)
    actual = Counter(truth)
    rows = []
    for category in CATEGORIES:
        precision = hits[category] / guessed[category] if guessed[category] else 0.0
        recall = hits[category] / actual[category] if actual[category] else 0.0
        both = precision + recall
        f1 = 2 * precision * recall / both if both else 0.0
        rows.append(CategoryScore(category, precision, recall, f1, actual[category]))
    total = len(truth)
    return Report(
        per_category=tuple(rows),
        macro_f1=sum(row.f1 for row in rows) / len(rows),
        accuracy=sum(hits.values()) / total if total else 0.0,
        total=total,
    )


def majority_label(labels: Sequence[str]) -> str:
    """The most frequent label: the trivial baseline predicts it for every post."""
    return Counter(labels).most_common(1)[0][0]


def format_report(title: str, report: Report) -> str:
    """A plain-text table a person can read in a terminal or paste into a note."""
    lines = [
        f"{title}  (n={report.total})",
        f"  {'category':<26}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}",
    ]
    for row in report.per_category:
        lines.append(
            f"  {row.category:<26}{row.precision:>10.3f}{row.recall:>8.3f}"
            f"{row.f1:>8.3f}{row.support:>9d}"
        )
    lines.append(f"  macro-F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}")
    return "\n".join(lines)
