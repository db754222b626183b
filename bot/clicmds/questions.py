"""`earshot questions TOPIC [--since] [--until] [--json]`, `earshot questions answer N URL S`."""

from __future__ import annotations

import argparse
import shlex
from datetime import timedelta

from bot.clicmds.common import Subparsers, add_output_flags, ctx_for, emit, guarded
from commands.context import UsageError


@guarded
def _questions(args: argparse.Namespace) -> int:
    # Imported here: clustering loads scikit-learn, which `earshot --help` must not.
    from commands import questions
    from commands.period import since_until
    from jobs.questions.cluster import ClusterRun, cluster_team
    from storage.questions import Questions

    ctx = ctx_for(args)
    words: list[str] = args.words
    if words[0].lower() == "answer":
        if len(words) != 4:
            raise UsageError('Usage: earshot questions answer N URL "one-line summary"')
        return emit(questions.answer(ctx, shlex.join(words[1:])), args)
    # The command line may run right after an import, with no scheduler running: catch up
    # first, so the listing covers every stored post.
    cluster_team(
        Questions(ctx.engine),
        ctx.team_id,
        now=ctx.now + timedelta(seconds=1),
        run=ClusterRun(),
        batches=10_000,
    )
    period = since_until(args.since, args.until, ctx.now, ctx.timezone)
    listing = questions.build(ctx, " ".join(words), period, limit=args.limit)
    return emit(questions.render(listing), args)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser(
        "questions",
        help="what residents ask, grouped, busiest first; `questions answer N URL SUMMARY`",
    )
    p.add_argument(
        "words",
        nargs="+",
        metavar="TOPIC",
        help='a saved topic\'s name or `all`; or `answer N URL "summary"`',
    )
    p.add_argument("--since", default="7d", help="24h, 7d, 30d or a date (default 7d)")
    p.add_argument("--until", help="end date (default now)")
    p.add_argument("--limit", type=int, default=10, help="how many questions (default 10)")
    add_output_flags(p, chart=False)
    p.set_defaults(func=_questions)
