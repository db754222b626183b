"""Alert delivery: post new alerts to Slack exactly once, refresh the ones that grew."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy import Engine

from commands.alerts import alert_reply
from commands.context import Ctx
from jobs.alerts.detection import AlertEvent
from jobs.deliver import deliver_once
from jobs.poster import DeliveryError, Poster
from storage.alerts import Alerts

log = logging.getLogger(__name__)
CtxFactory = Callable[[str, datetime], Ctx]


def deliver_alerts(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> int:
    """Post open alerts not yet in Slack (new ones and earlier failures), each exactly once."""
    alerts = Alerts(engine)
    sent = 0
    for alert in alerts.needing_delivery():
        if alert.id is None or alert.channel is None:
            continue
        result = deliver_once(
            engine,
            poster,
            team_id=alert.team_id,
            channel=alert.channel,
            key=f"alert:{alert.id}",
            kind="alert",
            build=partial(alert_reply, make_ctx(alert.team_id, now), alert),
            now=now,
            owner=owner,
        )
        if result.ts is not None:
            alerts.update(alert.team_id, alert.id, message_ts=result.ts, updated_at=now)
            sent += 1
    return sent


def refresh_alert_messages(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, events: list[AlertEvent], *, now: datetime
) -> None:
    """Update posted messages of alerts that grew (chat.update), instead of posting again."""
    alerts = Alerts(engine)
    for event in events:
        if event.action != "updated" or event.alert_id is None:
            continue
        alert = alerts.get(event.team_id, event.alert_id)
        if alert is None or alert.message_ts is None or alert.channel is None:
            continue
        try:
            poster.update(
                alert.team_id,
                alert.channel,
                alert.message_ts,
                alert_reply(make_ctx(alert.team_id, now), alert),
            )
        except DeliveryError as exc:  # the next update will carry the numbers
            log.warning("could not refresh alert %s: %s", alert.id, exc)
