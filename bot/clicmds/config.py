"""`earshot topic ...`, `earshot source ...` and `earshot db ...`: configuration from a terminal."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.clicmds.common import Subparsers, ctx_for, emit, guarded, runtime
from commands.context import UsageError


@guarded
def _topic(args: argparse.Namespace) -> int:
    from commands import topic_import, topics  # the database layer: only when a command runs

    ctx = ctx_for(args)
    if args.action == "add":
        reply = topics.add(ctx, args.name, args.query, kind=args.kind, channel=args.channel)
    elif args.action == "remove":
        reply = topics.remove(ctx, args.name)
    elif args.action == "preview":
        reply = topics.preview(ctx, args.query)
    elif args.action == "import":
        reply = topic_import.import_topics(ctx, _read_text(args.file))
    else:
        reply = topics.listing(ctx, page=None)
    return emit(reply, args)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text: save the CSV as UTF-8.") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path} is a folder, not a CSV file.") from exc


@guarded
def _source(args: argparse.Namespace) -> int:
    from commands import sources

    ctx = ctx_for(args)
    if args.action == "add":
        settings = sources.parse_settings(args.settings)
        reply = sources.add(ctx, args.kind, args.name, settings, sources.parse_interval(args.every))
    elif args.action == "test":
        reply = sources.test(ctx, args.name)
    elif args.action == "remove":
        reply = sources.remove(ctx, args.name)
    else:
        reply = sources.listing(ctx, page=None)
    return emit(reply, args)


def _db(args: argparse.Namespace) -> int:
    from storage.migrations import current_revision

    engine = runtime().engine  # building it runs the migrations
    print(f"database at revision {current_revision(engine)}")
    return 0


def add_parser(sub: Subparsers) -> None:
    topic = sub.add_parser("topic", help="add, list, remove or preview topics and campaigns")
    tsub = topic.add_subparsers(dest="action", required=True)
    p = tsub.add_parser("add", help="save a query and match it against stored posts")
    p.add_argument("name")
    p.add_argument("query")
    p.add_argument("--kind", default="topic", choices=["topic", "campaign"])
    p.add_argument("--channel", help="Slack channel for this topic's alerts")
    p = tsub.add_parser("list")
    p.add_argument("--json", action="store_true")
    tsub.add_parser("remove").add_argument("name")
    p = tsub.add_parser(
        "import",
        help="add many topics from a CSV file (columns name,query[,kind][,channel]); "
        "all or nothing",
    )
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--json", action="store_true")
    p = tsub.add_parser("preview", help="count and sample stored posts a query matches")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    topic.set_defaults(func=_topic)

    source = sub.add_parser("source", help="add, list, test or remove sources")
    ssub = source.add_subparsers(dest="action", required=True)
    p = ssub.add_parser("add", help="e.g. source add rss cbc url=https://...")
    p.add_argument("kind", help="rss, mastodon, bluesky or reddit")
    p.add_argument("name")
    p.add_argument("settings", nargs="*", metavar="key=value")
    p.add_argument("--every", default="5m", help="scan interval, e.g. 5m or 1h")
    p = ssub.add_parser("list", help="sources with their health")
    p.add_argument("--json", action="store_true")
    ssub.add_parser("test", help="fetch once without storing").add_argument("name")
    ssub.add_parser("remove", help="stop scanning (posts stay)").add_argument("name")
    source.set_defaults(func=_source)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"], help="apply migrations")
    db.set_defaults(func=_db)
