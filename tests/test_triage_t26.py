"""The shipped classifier on real CrisisLex T26 events it was never trained or tuned on."""

from __future__ import annotations

import pytest

from jobs.triage.benchmark import evaluate_split, majority_of
from jobs.triage.classifier import default_model
from jobs.triage.crisislex import DEV_EVENTS, HELD_OUT_EVENTS, default_t26_root, load_events

T26 = default_t26_root()
pytestmark = pytest.mark.skipif(
    not T26.is_dir(), reason=f"CrisisLex T26 not found at {T26} (shared data absent)"
)


def test_split_is_disjoint_and_weights_name_only_dev_events() -> None:
    assert not set(DEV_EVENTS) & set(HELD_OUT_EVENTS)
    trained_on = next(n for n in default_model().notes if n.startswith("trained on"))
    assert all(event in trained_on for event in DEV_EVENTS)
    assert not any(event in trained_on for event in HELD_OUT_EVENTS)


def test_held_out_macro_f1_clearly_beats_majority_baseline() -> None:
    baseline_label = majority_of(load_events(T26, DEV_EVENTS))
    result = evaluate_split(default_model(), load_events(T26, HELD_OUT_EVENTS), baseline_label)
    assert result.model.total > 5000
    assert result.baseline.macro_f1 < 0.1
    assert result.model.macro_f1 > result.baseline.macro_f1 + 0.3
    # Not one category is given up on: each is found at least sometimes.
    assert all(row.f1 > 0.2 for row in result.model.per_category)
