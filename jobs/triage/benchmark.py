"""Score the classifier per event split against a majority-class baseline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jobs.triage.classifier import classify
from jobs.triage.crisislex import T26Row
from jobs.triage.evaluate import Report, majority_label, score
from jobs.triage.model import LinearModel


@dataclass(frozen=True, slots=True)
class SplitResult:
    """The classifier and the baseline, scored on the same posts."""

    model: Report
    baseline: Report
    baseline_label: str
    per_event_macro_f1: dict[str, float]


def labelled(rows: Sequence[T26Row]) -> list[T26Row]:
    return [row for row in rows if row.category is not None]


def evaluate_split(
    model: LinearModel,
    rows_by_event: Mapping[str, Sequence[T26Row]],
    baseline_label: str,
) -> SplitResult:
    """Predict every labelled post of the events; the baseline always says `baseline_label`."""
    predicted: list[str] = []
    truth: list[str] = []
    per_event: dict[str, float] = {}
    for event, rows in rows_by_event.items():
        event_truth = [str(row.category) for row in labelled(rows)]
        event_predicted = [classify(row.text, model).category for row in labelled(rows)]
        per_event[event] = score(event_predicted, event_truth).macro_f1
        predicted.extend(event_predicted)
        truth.extend(event_truth)
    return SplitResult(
        model=score(predicted, truth),
        baseline=score([baseline_label] * len(truth), truth),
        baseline_label=baseline_label,
        per_event_macro_f1=per_event,
    )


def majority_of(rows_by_event: Mapping[str, Sequence[T26Row]]) -> str:
    """The baseline's one answer: the commonest category in the given (dev) events."""
    return majority_label(
        [str(r.category) for rows in rows_by_event.values() for r in labelled(rows)]
    )
