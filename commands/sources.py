"""/earshot sources [list|add|test|remove]: where Earshot listens, and how each source is doing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from commands import blocks as bk
from commands.context import ALL_SETTINGS, Ctx, Reply, UsageError
from commands.paging import page_number, paged
from commands.typed import split_words
from storage import audit
from storage.models import SourceRow
from storage.sources import Sources
from storage.topics import DuplicateNameError

NAME = re.compile(r"^[\w.\-]{1,80}$")
USAGE = (
    "Usage: `/earshot sources list`, `/earshot sources add KIND NAME key=value ... "
    "[every=5m]`, `/earshot sources test NAME`, `/earshot sources remove NAME`. "
    "Kinds: rss, mastodon, bluesky, reddit."
)
STATUS_ICON = {
    "ok": ":large_green_circle:",
    "new": ":white_circle:",
    "rate_limited": ":large_orange_circle:",
}


def add(ctx: Ctx, kind: str, name: str, settings: dict[str, str], interval: int = 300) -> Reply:
    ctx.require_admin("add sources")
    if not NAME.match(name):
        raise UsageError(f"Source name {name!r} is not allowed: letters, digits, `_`, `-`, `.`.")
    if interval < 60:
        raise UsageError(
            "Scan intervals under a minute are impolite to sources: use every=1m or more."
        )
    try:
        clean = ctx.actions.validate_source(kind, settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        Sources(ctx.engine).add(
            ctx.team_id, name, kind, clean, now=ctx.now, interval_seconds=interval
        )
    except DuplicateNameError as exc:
        raise UsageError(str(exc)) from exc
    shown = _masked(ctx, kind, clean)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="source.add",
        target=name,
        now=ctx.now,
        kind=kind,
        settings=shown,
        interval=interval,
    )
    return Reply(
        text=f"Added {kind} source *{name}* ({shown}), scanned every {interval // 60} min.",
        data={"name": name, "kind": kind, "settings": shown},
    )


def listing(ctx: Ctx, page: int | None = 1) -> Reply:
    """One page of the list (None: all of it, for the command line)."""
    rows = Sources(ctx.engine).all(ctx.team_id)
    if not rows:
        return Reply(text=f"No sources yet. {USAGE}", ephemeral=True, data={"sources": []})
    lines = [_line(row, ctx.now) for row in rows]
    data: dict[str, Any] = {
        "sources": [
            {
                "name": r.name,
                "kind": r.kind,
                "enabled": r.enabled,
                "status": r.status,
                "last_success_at": r.last_success_at.isoformat() if r.last_success_at else None,
                "consecutive_failures": r.consecutive_failures,
                "last_error": r.last_error,
                "health_note": r.health_note,
                "posts": r.posts_total,
            }
            for r in rows
        ]
    }
    shown = paged("Sources:", lines, page, noun="sources", command="/earshot sources list")
    return Reply(text=shown.text, blocks=shown.blocks, ephemeral=True, data=data)


def test(ctx: Ctx, name: str) -> Reply:
    # Admins only: a test fetch is a request Earshot makes on the caller's behalf.
    ctx.require_admin("test sources")
    row = Sources(ctx.engine).get(ctx.team_id, name)
    if row is None:
        raise UsageError(f"No source named {name!r}. `/earshot sources list` shows the names.")
    ok, message = ctx.actions.test_source(row)
    icon = ":white_check_mark:" if ok else ":x:"
    return Reply(
        text=f"{icon} {name}: {message}", ephemeral=True, data={"ok": ok, "message": message}
    )


def remove(ctx: Ctx, name: str) -> Reply:
    ctx.require_admin("remove sources")
    if not Sources(ctx.engine).remove(ctx.team_id, name):
        raise UsageError(f"No source named {name!r}.")
    audit.record(
        ctx.engine, ctx.team_id, actor=ctx.user_id, action="source.remove", target=name, now=ctx.now
    )
    return Reply(text=f"Stopped scanning *{name}*; its stored posts stay.")


def run(args: str, ctx: Ctx) -> Reply:
    words = split_words(args)
    verb = words[0].lower() if words else "list"
    rest = words[1:]
    if verb == "list" and len(rest) <= 1:
        return listing(ctx, page_number(rest[0] if rest else None))
    if verb == "add" and len(rest) >= 2:
        settings = parse_settings(rest[2:])
        interval = parse_interval(settings.pop("every", "5m"))
        return add(ctx, rest[0], rest[1], settings, interval)
    if verb == "test" and len(rest) == 1:
        return test(ctx, rest[0])
    if verb == "remove" and len(rest) == 1:
        return remove(ctx, rest[0])
    raise UsageError(USAGE)


def parse_settings(words: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise UsageError(f"Expected key=value, got {word!r}. {USAGE}")
        settings[key.strip()] = value.strip().strip("<>")  # Slack wraps URLs in <...>
    return settings


def parse_interval(text: str) -> int:
    match = re.match(r"^(\d+)([smh]?)$", text.strip())
    if not match:
        raise UsageError(f"Can't read the interval {text!r}: use e.g. every=5m or every=1h.")
    return int(match.group(1)) * {"s": 1, "": 60, "m": 60, "h": 3600}[match.group(2)]


def _masked(ctx: Ctx, kind: str, settings: dict[str, str]) -> str:
    secrets = ctx.actions.secret_settings(kind)
    hidden = set(settings) if ALL_SETTINGS in secrets else secrets
    return ", ".join(f"{k}={'•••' if k in hidden else v}" for k, v in sorted(settings.items()))


def _line(row: SourceRow, now: datetime) -> str:
    icon = STATUS_ICON.get(row.status, ":red_circle:") if row.enabled else ":black_circle:"
    state = "disabled" if not row.enabled else row.status.replace("_", " ")
    seen = _ago(row.last_success_at, now) if row.last_success_at else "never"
    name = bk.escape_mrkdwn(row.name)
    line = f"{icon} *{name}* ({row.kind}) {state}; last success {seen}; {row.posts_total:,} posts"
    if row.enabled and row.consecutive_failures:
        error = bk.escape_mrkdwn(row.last_error or "")
        line += f"; {row.consecutive_failures} failures in a row: {error}"
    elif row.enabled and row.health_note:
        line += f"\n    :warning: {bk.escape_mrkdwn(row.health_note)}"
    return line


def _ago(moment: datetime, now: datetime) -> str:
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m ago"
    return f"{minutes // 60}h ago" if minutes < 2880 else f"{minutes // 1440}d ago"
