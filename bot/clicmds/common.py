"""Helpers every subcommand shares: the runtime, printing replies, clear errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commands.context import Ctx, NotAllowedError, Reply, UsageError

if TYPE_CHECKING:  # the runtime pulls in the database, HTTP and VADER: only when used
    from bot.runtime import Runtime


def runtime() -> Runtime:
    from bot.runtime import Runtime
    from bot.settings import Settings

    return Runtime(Settings.from_env())


def ctx_for(args: argparse.Namespace) -> Ctx:
    return runtime().ctx(args.team)


def emit(reply: Reply, args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        print(json.dumps(reply.data, indent=2, default=str))
    else:
        from bot.terminal import render_text

        print(render_text(reply))
    chart_path: Path | None = getattr(args, "chart", None)
    if chart_path is not None:
        if reply.chart is None:
            print("No chart for this reply.", file=sys.stderr)
        else:
            chart_path.write_bytes(reply.chart.png)
            print(f"Chart written to {chart_path} ({reply.chart.alt_text})", file=sys.stderr)
    return 0


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Bad input ends with a clear message and exit code 2, never a traceback."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (UsageError, NotAllowedError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapper


def add_output_flags(parser: argparse.ArgumentParser, *, chart: bool = True) -> None:
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    if chart:
        parser.add_argument("--chart", type=Path, metavar="FILE.png", help="write the chart PNG")


Subparsers = Any  # argparse's _SubParsersAction is private
