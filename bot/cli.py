"""The `earshot` command line: a thin argparse shell over the subcommand modules."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

# Each module registers its own subcommands; adding one is adding a name here.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "config",
    "scan",
    "importing",
    "reports",
    "digest",
    "detect",
    "classify",
    "incident",
    "questions",
    "places",
    "admin",
    "demo",
    "run",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="earshot", description="Social listening for agencies.")
    parser.add_argument("--team", default="local", help="workspace (team_id) to act on")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"bot.clicmds.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Migrations run on every start; their chatter is noise unless debugging.
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
