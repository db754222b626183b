"""Escalation: mention the escalation group under alerts nobody acknowledged in time."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine

from commands.context import Reply
from jobs.alerts.delivery import CtxFactory
from jobs.deliver import deliver_once
from jobs.poster import Poster
from storage.alerts import Alerts
from storage.workspaces import Workspaces


def escalate(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> int:
    """Mention the escalation group under alerts nobody acknowledged in time."""
    alerts = Alerts(engine)
    workspaces = Workspaces(engine)
    done = 0
    for alert in alerts.unacknowledged_since(now):
        ws = workspaces.get(alert.team_id)
        wait = timedelta(minutes=ws.escalate_after_minutes if ws else 30)
        if alert.created_at + wait > now or alert.id is None or not alert.channel:
            continue
        who = f"<!subteam^{ws.escalation_group}>" if ws and ws.escalation_group else "<!here>"
        minutes = int((now - alert.created_at).total_seconds() // 60)
        text = f"{who} this alert has not been acknowledged for {minutes} minutes."
        result = deliver_once(
            engine,
            poster,
            team_id=alert.team_id,
            channel=alert.channel,
            key=f"escalate:{alert.id}",
            kind="escalation",
            build=partial(Reply, text),
            now=now,
            owner=owner,
            thread_ts=alert.message_ts,
        )
        if result.sent:
            alerts.update(alert.team_id, alert.id, escalated_at=now, updated_at=now)
            done += 1
    return done
