"""`earshot detect`: replay a timestamp,value CSV through the production spike detector."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from jobs.spikes import SENSITIVITIES
from jobs.spikes.replay import ReplayError, detect_file

EXIT_BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "detect",
        help="run the spike detector over a timestamp,value CSV",
        description=(
            "Replay a regularly bucketed timestamp,value series (NAB format) through the"
            " production detector and alert rules, fresh state, and write"
            " timestamp,value,anomaly_score,alert."
        ),
    )
    parser.add_argument("--input", required=True, help="series CSV with timestamp,value columns")
    parser.add_argument("--output", required=True, help="where to write the scored CSV")
    parser.add_argument("--sensitivity", choices=SENSITIVITIES, default="normal")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        summary = detect_file(args.input, args.output, args.sensitivity)
    except ReplayError as error:
        print(f"earshot detect: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"earshot detect: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    first = summary.first_alert.isoformat(sep=" ") if summary.first_alert else "none"
    print(f"{summary.rows} buckets, {summary.alerts} alerts (first: {first}) -> {args.output}")
    return 0
