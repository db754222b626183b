"""`earshot sentiment` and `earshot reach`: the terminal face of /sentiment and /reach."""

from __future__ import annotations

import argparse

from bot.clicmds.common import Subparsers, add_output_flags, ctx_for, emit, guarded


@guarded
def _sentiment(args: argparse.Namespace) -> int:
    from commands import sentiment  # charts: imported only when drawn
    from commands.period import since_until
    from commands.target import resolve

    ctx = ctx_for(args)
    target = resolve(ctx, args.topic)
    period = since_until(args.since, args.until, ctx.now, ctx.timezone)
    return emit(sentiment.render(sentiment.build(ctx, target, period)), args)


@guarded
def _reach(args: argparse.Namespace) -> int:
    from commands import reach
    from commands.period import since_until
    from commands.target import resolve

    ctx = ctx_for(args)
    target = resolve(ctx, args.campaign)
    period = since_until(args.since, args.until, ctx.now, ctx.timezone)
    return emit(reach.render(ctx, reach.build(ctx, target, period)), args)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("sentiment", help="volume and sentiment of a topic or query")
    p.add_argument("topic", help="a saved topic's name, or a query")
    p.add_argument("--since", default="7d", help="24h, 7d, 30d or a date (default 7d)")
    p.add_argument("--until", help="end date (default now)")
    add_output_flags(p)
    p.set_defaults(func=_sentiment)

    p = sub.add_parser("reach", help="posts, authors and potential audience of a campaign")
    p.add_argument("campaign", help="a saved topic or campaign name")
    p.add_argument("--since", default="7d", help="24h, 7d, 30d or a date (default 7d)")
    p.add_argument("--until", help="end date (default now)")
    add_output_flags(p)
    p.set_defaults(func=_reach)
