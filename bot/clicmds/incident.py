"""`earshot incident start|stop|status|export`: incident mode from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clicmds.common import Subparsers, ctx_for, emit, guarded


@guarded
def _incident(args: argparse.Namespace) -> int:
    from commands import incident  # the database layer: only when a command runs

    ctx = ctx_for(args)
    if args.action == "export":
        text = incident.export(ctx, args.name, args.format)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(f"Incident record written to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    if args.action == "start":
        reply = incident.start(ctx, args.name, args.query, args.channel)
    elif args.action == "stop":
        reply = incident.stop(ctx, args.name)
    else:
        reply = incident.status(ctx, args.name)
    return emit(reply, args)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("incident", help="incident mode: start, stop, status, export")
    isub = p.add_subparsers(dest="action", required=True)
    start = isub.add_parser("start", help="faster scans, sensitive alerts, a live summary")
    start.add_argument("name")
    start.add_argument("query")
    start.add_argument("--channel", help="Slack channel for the live summary")
    isub.add_parser("stop").add_argument("name")
    isub.add_parser("status").add_argument("name", nargs="?")
    export = isub.add_parser("export", help="the incident's timeline as a record")
    export.add_argument("name")
    export.add_argument("--format", choices=["md", "csv"], default="md")
    export.add_argument("--output", type=Path, help="file to write (default: stdout)")
    p.set_defaults(func=_incident)
