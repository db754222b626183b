"""`earshot demo`: a generated scenario run through the real pipeline (`bot.demo`)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.clicmds.common import Subparsers


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo  # the whole bot: imported only when the demo runs

    run_demo(args.output, datetime.now(UTC))
    return 0


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("demo", help="run a generated emergency scenario end to end, offline")
    p.add_argument(
        "--output", type=Path, default=Path("demo-output"), help="folder for db and charts"
    )
    p.set_defaults(func=_demo)
