"""The `earshot` command line: a thin argparse shell over the subcommand modules."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from bot import logsafe

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


# What a shell reports for a command killed by SIGPIPE (128 + 13), e.g. `earshot … | head`.
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand. A reader that stops early (`| head`) ends it quietly, as it
    would end `cat`: Python ignores SIGPIPE, so the write fails with BrokenPipeError."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit, where a failure could only be printed
        return code
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logsafe.install(verbose=args.verbose)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
