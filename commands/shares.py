"""The share of posts per platform and per source, as one line for reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from commands import blocks as bk
from commands.context import Ctx
from commands.period import Period
from storage.shares import source_shares


def share_line(rows: Sequence[tuple[str, str, int]]) -> str | None:
    """`*Where posts came from*: mastodon 52% · bluesky 45% … (sources: a 52%, …)`."""
    total = sum(n for _, _, n in rows)
    if not total:
        return None
    kinds: Counter[str] = Counter()
    for _, kind, n in rows:
        kinds[kind] += n
    platforms = " · ".join(
        f"{bk.escape_mrkdwn(k)} {_pct(n, total)}"
        for k, n in sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0]))
    )
    sources = ", ".join(f"{bk.escape_mrkdwn(name)} {_pct(n, total)}" for name, _, n in rows[:6])
    more = f", {len(rows) - 6} more" if len(rows) > 6 else ""
    return f"*Where posts came from* ({total:,}): {platforms} (sources: {sources}{more})"


def as_json(rows: Sequence[tuple[str, str, int]]) -> list[dict[str, Any]]:
    total = sum(n for _, _, n in rows) or 1
    return [
        {"source": name, "platform": kind, "posts": n, "share": round(n / total, 4)}
        for name, kind, n in rows
    ]


def _pct(part: int, total: int) -> str:
    share = 100 * part / total
    return f"{share:.0f}%" if share >= 1 else "<1%"


def digest_share_lines(ctx: Ctx, period: Period) -> list[str]:
    """The digest's line: every post of the workspace in the period, by platform and source."""
    line = share_line(source_shares(ctx.engine, ctx.team_id, period.start, period.end))
    return [line] if line else []
