"""`earshot places TOPIC [--since] [--until] [--json] [--chart F]`, `earshot places import F`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.clicmds.common import Subparsers, add_output_flags, ctx_for, emit, guarded
from commands.context import UsageError


@guarded
def _places(args: argparse.Namespace) -> int:
    # Imported here: the map loads matplotlib, which `earshot --help` must not.
    from commands import places
    from commands.period import since_until

    ctx = ctx_for(args)
    words: list[str] = args.words
    if words[0].lower() == "import":
        if len(words) != 2:
            raise UsageError("Usage: earshot places import FILE.csv (name,lat,lon[,kind])")
        content = Path(words[1]).read_text(encoding="utf-8-sig")
        return emit(places.import_csv(ctx, content), args)
    period = since_until(args.since, args.until, ctx.now, ctx.timezone)
    name, found = places.build(ctx, " ".join(words), period)
    return emit(places.render(ctx, name, period, found), args)


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser(
        "places", help="places named in a topic's posts, with a map; `places import FILE.csv`"
    )
    p.add_argument("words", nargs="+", metavar="TOPIC", help="a saved topic, or `import FILE`")
    p.add_argument("--since", default="7d", help="24h, 7d, 30d or a date (default 7d)")
    p.add_argument("--until", help="end date (default now)")
    add_output_flags(p)
    p.set_defaults(func=_places)
