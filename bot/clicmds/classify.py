"""`earshot classify`: label each post of a file with its information type and reasons."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clicmds.common import Subparsers
from jobs.classify_formats import INPUT_FORMATS, OUTPUT_COLUMNS


def _classify(args: argparse.Namespace) -> int:
    from jobs.triage.cli_io import classify_file  # loads the model (numpy)
    from jobs.triage.crisislex import InputFormatError

    try:
        written = classify_file(args.input, args.output, args.format)
    except InputFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"Classified {written} posts into {args.output}", file=sys.stderr)
    return 0


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser(
        "classify",
        help="classify posts of a file by information type (CSV out)",
        description=f"Writes one CSV row per post with columns: {', '.join(OUTPUT_COLUMNS)}.",
    )
    p.add_argument("--input", type=Path, required=True, metavar="FILE", help="posts to classify")
    p.add_argument(
        "--format", choices=INPUT_FORMATS, default=INPUT_FORMATS[0], help="input file format"
    )
    p.add_argument("--output", type=Path, required=True, metavar="OUT.csv", help="CSV to write")
    p.set_defaults(func=_classify)
