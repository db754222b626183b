"""`earshot digest`: render a channel's digest in the terminal (the same one Slack gets)."""

from __future__ import annotations

import argparse
from datetime import date

from bot.clicmds.common import Subparsers, add_output_flags, ctx_for, emit, guarded
from commands.context import UsageError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from exc


@guarded
def _digest(args: argparse.Namespace) -> int:
    from commands.digest_settings import render_for_date  # charts: only when used

    ctx = ctx_for(args)
    try:
        reply = render_for_date(ctx, args.channel, args.date, args.timezone)
    except KeyError as exc:
        raise UsageError(
            f"Unknown timezone {args.timezone!r}: use a name like Europe/Paris."
        ) from exc
    return emit(reply, args)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("digest", help="render a digest in the terminal")
    p.add_argument("--channel", help="use this channel's schedule (topics, time, timezone)")
    p.add_argument("--date", type=_date, help="local date of the digest (default today)")
    p.add_argument("--timezone", help="IANA timezone, e.g. America/Edmonton")
    add_output_flags(p)
    p.set_defaults(func=_digest)
