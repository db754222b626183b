"""Incident mode on a timer: keep the pinned summary fresh, log the timeline, wind down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine

from commands import incident_summary
from commands.context import Ctx
from jobs.deliver import deliver_once
from jobs.poster import DeliveryError, Poster
from storage import rollup_reads
from storage.alerts import Alerts
from storage.incidents import Incidents
from storage.models import Incident
from storage.sources import Sources
from storage.topics import Topics

log = logging.getLogger(__name__)
SUMMARY_EVERY = timedelta(minutes=5)
QUIET_FOR = timedelta(hours=2)
QUIET_SHARE = 0.1  # quiet: the last two hours each below a tenth of the peak hour
QUIET_FLOOR = 5  # and below this many posts, however small the peak

CtxFactory = Callable[[str, datetime], Ctx]


def incident_tick(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> None:
    incidents = Incidents(engine)
    for incident in incidents.with_status("active", "closing"):
        try:
            ctx = make_ctx(incident.team_id, now)
            incident = _track_peak(engine, incident, now)
            _log_alerts(engine, incident)
            if incident.status == "active" and _quiet(engine, incident, now):
                incident = incidents.update(
                    _id(incident), status="closing", ended_reason="quiet for two hours"
                )
            if incident.status == "closing":
                _finish(engine, poster, ctx, incident, now, owner)
            else:
                _refresh_summary(engine, poster, ctx, incident, now, owner)
        except Exception:  # one incident's trouble must not stall the others
            log.exception("incident tick failed for %s/%s", incident.team_id, incident.name)


def _id(incident: Incident) -> int:
    assert incident.id is not None
    return incident.id


def _track_peak(engine: Engine, incident: Incident, now: datetime) -> Incident:
    assert incident.topic_id is not None
    rows = rollup_reads.hourly(
        engine, incident.team_id, incident.topic_id, incident.started_at, now
    )
    peak = max((r.posts for r in rows), default=0)
    if peak > incident.peak_hourly:
        return Incidents(engine).update(_id(incident), peak_hourly=peak)
    return incident


def _quiet(engine: Engine, incident: Incident, now: datetime) -> bool:
    assert incident.topic_id is not None
    if now - incident.started_at < QUIET_FOR:
        return False
    limit = max(QUIET_FLOOR, incident.peak_hourly * QUIET_SHARE)
    for hours_ago in (1, 2):
        end = now - timedelta(hours=hours_ago - 1)
        rows = rollup_reads.hourly(
            engine, incident.team_id, incident.topic_id, end - timedelta(hours=1), end
        )
        if sum(r.posts for r in rows) >= limit:
            return False
    open_alert = Alerts(engine).latest_open(incident.team_id, incident.topic_id, "volume")
    return open_alert is None or open_alert.status == "acknowledged"


def _log_alerts(engine: Engine, incident: Incident) -> None:
    """Alerts and acknowledgements on the incident's topics join its timeline, once each."""
    incidents = Incidents(engine)
    for alert in Alerts(engine).recent(incident.team_id, limit=50):
        if alert.topic_id not in (incident.topic_id, incident.crisis_topic_id):
            continue
        if alert.created_at < incident.started_at:
            continue
        key = f"alert {alert.id}:"
        if not incidents.has_event(incident, "alert", key):
            incidents.log(
                incident,
                "alert",
                f"{key} {alert.topic_name} {alert.metric} {alert.severity}: {alert.reason}",
                at=alert.created_at,
            )
        ack_key = f"alert {alert.id} acknowledged"
        if alert.acked_at and not incidents.has_event(incident, "acknowledged", ack_key):
            incidents.log(
                incident, "acknowledged", ack_key, at=alert.acked_at, actor=alert.acked_by
            )


def _refresh_summary(
    engine: Engine, poster: Poster, ctx: Ctx, incident: Incident, now: datetime, owner: str
) -> None:
    incidents = Incidents(engine)
    if incident.channel is None:
        return
    if incident.summary_ts is None:
        result = deliver_once(
            engine,
            poster,
            team_id=incident.team_id,
            channel=incident.channel,
            key=f"incident-summary:{incident.id}",
            kind="summary",
            build=partial(incident_summary.summary, ctx, incident),
            now=now,
            owner=owner,
        )
        if result.ts is not None:
            incidents.update(_id(incident), summary_ts=result.ts, summary_updated_at=now)
            _pin(poster, incident, result.ts)
            incidents.log(incident, "summary", "live summary posted and pinned", at=now)
        return
    if incident.summary_updated_at and now - incident.summary_updated_at < SUMMARY_EVERY:
        return
    reply = incident_summary.summary(ctx, incident)
    try:
        poster.update(incident.team_id, incident.channel, incident.summary_ts, reply)
    except DeliveryError as exc:  # the next refresh carries newer numbers anyway
        log.warning("incident summary %s not updated: %s", incident.name, exc)
        return
    incidents.update(_id(incident), summary_updated_at=now)
    incidents.log(incident, "summary", f"updated: {reply.text}", at=now)


def _finish(
    engine: Engine, poster: Poster, ctx: Ctx, incident: Incident, now: datetime, owner: str
) -> None:
    """Post the final summary (a new message, kept), restore settings, close the incident."""
    incidents = Incidents(engine)
    if incident.ended_at is None:
        incident = incidents.update(_id(incident), ended_at=now)
    if incident.channel:
        reply = incident_summary.summary(ctx, incident, final=True)
        result = deliver_once(
            engine,
            poster,
            team_id=incident.team_id,
            channel=incident.channel,
            key=f"incident-final:{incident.id}",
            kind="summary",
            build=lambda: reply,
            now=now,
            owner=owner,
        )
        if result.ts is None:
            return  # not out yet: stay "closing", the next tick tries again
        if result.attempted:  # else it went out before a crash; finish closing below
            _pin(poster, incident, result.ts)
            if incident.summary_ts:
                try:
                    poster.update(incident.team_id, incident.channel, incident.summary_ts, reply)
                except DeliveryError:
                    log.warning("could not mark the live summary of %s closed", incident.name)
            incidents.log(incident, "final summary", reply.text, at=now)
    _restore(engine, incident)
    incidents.update(_id(incident), status="closed")
    incidents.log(incident, "closed", incident.ended_reason or "closed", at=now)


def _restore(engine: Engine, incident: Incident) -> None:
    sources = Sources(engine)
    for source_id, seconds in incident.saved_intervals.items():
        sources.set_interval(int(source_id), seconds)
    topics = Topics(engine)
    topic = topics.get_by_id(incident.team_id, incident.topic_id) if incident.topic_id else None
    if topic is not None:
        topics.update(incident.team_id, topic.name, sensitivity="normal")


def _pin(poster: Poster, incident: Incident, ts: str) -> None:
    assert incident.channel is not None
    try:
        poster.pin(incident.team_id, incident.channel, ts)
    except DeliveryError as exc:  # a missing pin is cosmetic; the message is there
        log.warning("could not pin the summary of %s: %s", incident.name, exc)
