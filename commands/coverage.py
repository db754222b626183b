"""The coverage line: which sources were searched, which are failing and since when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from commands import blocks as bk
from storage.models import SourceRow
from storage.sources import Sources

NOT_COVERED = "Facebook, Instagram, X/Twitter and Nextdoor are not searched."


def coverage_line(engine: Engine, team_id: str, now: datetime) -> str:
    """One line so silence is never mistaken for calm."""
    rows = [row for row in Sources(engine).all(team_id) if row.enabled or row.posts_total]
    if not rows:
        return f"No sources configured: add one with `/earshot sources add`. {NOT_COVERED}"
    healthy = [bk.escape_mrkdwn(r.name) for r in rows if r.status in ("ok", "new") or not r.enabled]
    failing = [_failing(r, now) for r in rows if r.enabled and r.status not in ("ok", "new")]
    parts = [f"Searched: {', '.join(healthy) or 'none'}."]
    if failing:
        parts.append(f":warning: Failing: {'; '.join(failing)}.")
    parts.append(NOT_COVERED)
    return " ".join(parts)


def coverage_json(engine: Engine, team_id: str) -> list[dict[str, object]]:
    return [
        {
            "source": r.name,
            "kind": r.kind,
            "status": r.status,
            "enabled": r.enabled,
            "last_success_at": r.last_success_at.isoformat() if r.last_success_at else None,
            "failing_since": r.failing_since.isoformat() if r.failing_since else None,
            "last_error": r.last_error,
        }
        for r in Sources(engine).all(team_id)
    ]


def _failing(row: SourceRow, now: datetime) -> str:
    since = row.failing_since or now
    hours = (now - since).total_seconds() / 3600
    age = f"{hours:.0f}h" if hours >= 1 else f"{max(1, round(hours * 60))}m"
    return f"{bk.escape_mrkdwn(row.name)} ({row.status.replace('_', ' ')} for {age})"
