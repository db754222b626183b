"""Benchmark the triage classifier on CrisisLex T26: held-out events first, then dev events.

Usage: python bench/classify.py [--t26 DIR]

Held-out events were never used for training or tuning, so those figures are the
honest estimate. Dev-event figures are in-sample (the weights were fitted on them)
and are printed only to show the gap. The majority-class baseline takes its class
from the dev events and is scored on the same posts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jobs.triage.benchmark import SplitResult, evaluate_split, majority_of
from jobs.triage.classifier import default_model
from jobs.triage.crisislex import DEV_EVENTS, HELD_OUT_EVENTS, default_t26_root, load_events
from jobs.triage.evaluate import format_report


def show(title: str, result: SplitResult) -> None:
    print(format_report(f"{title}: classifier", result.model))
    print(format_report(f"{title}: baseline (always {result.baseline_label})", result.baseline))
    for event, macro_f1 in result.per_event_macro_f1.items():
        print(f"  {event:<34} macro-F1 {macro_f1:.3f}")
    gain = result.model.macro_f1 - result.baseline.macro_f1
    print(
        f"  => macro-F1 {result.model.macro_f1:.3f} vs baseline {result.baseline.macro_f1:.3f}"
        f" (+{gain:.3f})\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--t26", type=Path, default=default_t26_root(), help="T26 directory")
    args = parser.parse_args()
    if not args.t26.is_dir():
        print(f"CrisisLex T26 not found at {args.t26}; nothing to benchmark", file=sys.stderr)
        return 2
    model = default_model()
    print("\n".join(f"# {note}" for note in model.notes), end="\n\n")
    dev = load_events(args.t26, DEV_EVENTS)
    held_out = load_events(args.t26, HELD_OUT_EVENTS)
    baseline_label = majority_of(dev)
    show(
        "HELD-OUT events (never trained or tuned on)",
        evaluate_split(model, held_out, baseline_label),
    )
    show(
        "DEV events (in-sample: the weights were fitted here)",
        evaluate_split(model, dev, baseline_label),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
