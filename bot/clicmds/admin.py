"""`earshot settings`, `earshot audit` and `earshot retention`: operating a workspace."""

from __future__ import annotations

import argparse
import json

from bot.clicmds.common import Subparsers, ctx_for, emit, guarded, runtime


@guarded
def _settings(args: argparse.Namespace) -> int:
    from commands import settings  # the database layer: only when a command runs

    return emit(settings.run(" ".join(args.change), ctx_for(args)), args)


def _audit(args: argparse.Namespace) -> int:
    from storage import audit

    rows = audit.entries(runtime().engine, args.team, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "at": r.at.isoformat(),
                        "actor": r.actor,
                        "action": r.action,
                        "target": r.target,
                        "detail": r.detail,
                    }
                    for r in rows
                ],
                indent=2,
                default=str,
            )
        )
        return 0
    if not rows:
        print("The audit log is empty.")
    for r in rows:
        detail = ", ".join(f"{k}={v}" for k, v in r.detail.items())
        print(f"{r.at:%Y-%m-%d %H:%M:%S} UTC  {r.actor:<12} {r.action:<18} {r.target}  {detail}")
    return 0


def _retention(args: argparse.Namespace) -> int:
    from jobs.retention import purge_old_posts

    rt = runtime()
    purged = purge_old_posts(rt.engine, now=rt.clock())
    if not purged:
        print("No workspace has a retention limit (`earshot settings retention 90d`).")
    for p in purged:
        print(f"{p.team_id}: purged {p.posts:,} posts created before {p.before:%Y-%m-%d %H:%M} UTC")
    return 0


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("settings", help="show or change workspace settings")
    p.add_argument("change", nargs="*", help="e.g. timezone America/Edmonton, retention 90d")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_settings)
    p = sub.add_parser("audit", help="who changed configuration, exported, acknowledged")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_audit)
    p = sub.add_parser("retention", help="purge raw posts past each workspace's retention")
    p.add_argument("action", choices=["run"])
    p.set_defaults(func=_retention)
