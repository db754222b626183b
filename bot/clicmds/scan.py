"""`earshot scan --once`: run every due source now."""

from __future__ import annotations

import argparse

from bot.clicmds.common import Subparsers, runtime


def _scan(args: argparse.Namespace) -> int:
    from jobs.scan import scan_due  # sources and VADER: only for a scan

    rt = runtime()
    outcomes = scan_due(
        rt.ingestor, rt.http, now=rt.clock, team_id=args.team, open_settings=rt.sealer.open_settings
    )
    if not outcomes:
        print("No source is due. `earshot source list` shows when each runs next.")
    for o in outcomes:
        if o.skipped:
            print(f"{o.source}: skipped, another worker is scanning it")
        elif o.ok:
            print(f"{o.source}: {o.new_posts} new posts, {o.matches} topic matches")
        else:
            print(f"{o.source}: FAILED ({o.status}) {o.error}")
    return 0 if all(o.ok for o in outcomes) else 1


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("scan", help="scan every due source once")
    p.add_argument("--once", action="store_true", help="scan once and exit (the default)")
    p.set_defaults(func=_scan)
