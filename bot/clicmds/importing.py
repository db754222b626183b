"""`earshot import PATH [--format jsonl|csv|crisislex]`: load a file of posts, with progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clicmds.common import Subparsers, runtime
from jobs.imports import FORMATS, count_lines


def _import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from jobs.import_file import import_file  # VADER and the workers: only to import

    path: Path = args.path
    rt = runtime()
    try:
        total = count_lines(path) if path.is_file() else None
        with tqdm(total=total, unit=" rows", disable=args.quiet or None, file=sys.stderr) as bar:
            summary = import_file(
                rt.ingestor, args.team, path, fmt=args.format, now=rt.clock(), progress=bar.update
            )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Imported {path.name}: {summary.rows:,} rows, {summary.new_posts:,} new posts, "
        f"{summary.duplicates:,} already stored, {summary.matches:,} topic matches; "
        f"sources: {', '.join(sorted(summary.sources)) or 'none'}."
    )
    if summary.problem_count:
        print(f"{summary.problem_count:,} rows skipped:", file=sys.stderr)
        for problem in summary.problems:
            print(f"  line {problem.line}: {problem.message}", file=sys.stderr)
        if summary.problem_count > len(summary.problems):
            print(
                f"  … and {summary.problem_count - len(summary.problems):,} more", file=sys.stderr
            )
    return 0


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("import", help="import posts from a JSONL, CSV or CrisisLex file")
    p.add_argument("path", type=Path)
    p.add_argument("--format", choices=sorted(FORMATS), help="default: from the file extension")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_import)
