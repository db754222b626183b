"""`earshot detect`: replay a timestamp,value CSV through a spike detector."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from jobs.spikes import SENSITIVITIES
from jobs.spikes.replay import VALUE_KINDS, ReplayError, detect_file

EXIT_BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "detect",
        help="run a spike detector over a timestamp,value CSV",
        description=(
            "Replay a timestamp,value series (NAB format) through a detector, fresh state,"
            " and write timestamp,value,anomaly_score,alert (one row per input row)."
            " --values any (default): any numeric metric, negative or fractional values,"
            " judged in file order by the generic detector; repeated or backwards"
            " timestamps are read as the next reading. --values counts: posts per bucket,"
            " judged by the production volume detector and its alert rules (minimum"
            " volume included); repeated timestamps are summed, gaps are zero buckets."
        ),
    )
    parser.add_argument("--input", required=True, help="series CSV with timestamp,value columns")
    parser.add_argument("--output", required=True, help="where to write the scored CSV")
    parser.add_argument(
        "--values",
        choices=VALUE_KINDS,
        default="any",
        help="what the values are: any numeric metric (default) or counts of posts",
    )
    parser.add_argument(
        "--bucket",
        type=float,
        metavar="MINUTES",
        help="cadence of the series in minutes, 1 to 60 (default: inferred from the rows)",
    )
    parser.add_argument(
        "--sensitivity",
        choices=SENSITIVITIES,
        default="normal",
        help="alert preset of the counts detector (--values counts)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        summary = detect_file(
            args.input,
            args.output,
            args.sensitivity,
            kind=args.values,
            bucket_minutes=args.bucket,
        )
    except ReplayError as error:
        print(f"earshot detect: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"earshot detect: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    first = summary.first_alert.isoformat(sep=" ") if summary.first_alert else "none"
    print(
        f"{summary.rows} rows at {summary.bucket_minutes:g}-minute cadence, {summary.alerts}"
        f" alerts (first: {first}) -> {args.output}"
    )
    if summary.out_of_order:
        what = "summed into an earlier row" if args.values == "counts" else "read in file order"
        print(f"note: {summary.out_of_order} rows repeated or went back in time ({what})")
    return 0
