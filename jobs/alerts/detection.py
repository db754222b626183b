"""Spike checks: feed each topic's 5-minute series to its detectors; open or extend alerts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from jobs.spikes import (
    SENSITIVITIES,
    Detector,
    DetectorConfig,
    NegativeShareDetector,
    Sensitivity,
    ShareConfig,
    Verdict,
)
from jobs.spikes.slow import SlowBuildDetector
from storage import reads
from storage.alerts import Alerts, DetectorStates
from storage.models import Alert, Topic
from storage.topics import Topics
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
BUCKET = timedelta(minutes=5)
# Posts reach us a little after they are written; judge a bucket once it has settled.
SETTLE = timedelta(minutes=3)
WARM_HISTORY = timedelta(days=14)  # a new topic's detector learns from stored history first
STALE = timedelta(hours=1)
SLOW = "slow_build"  # catching up after downtime: learn, but don't alert on old buckets


@dataclass(frozen=True, slots=True)
class AlertEvent:
    team_id: str
    topic: str
    metric: str
    action: str  # opened | updated | muted
    alert_id: int | None


def floor_bucket(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def check_spikes(
    engine: Engine, *, now: datetime, topics: list[Topic] | None = None
) -> list[AlertEvent]:
    """Run every topic's detectors up to the last settled bucket; open or extend alerts."""
    events: list[AlertEvent] = []
    for topic in topics if topics is not None else Topics(engine).every_team():
        try:
            events.extend(check_topic(engine, topic, now=now))
        except Exception:  # one topic's failure must not silence the others
            log.exception("spike check failed for %s/%s", topic.team_id, topic.name)
    return events


def check_topic(engine: Engine, topic: Topic, *, now: datetime) -> list[AlertEvent]:
    assert topic.id is not None
    states = DetectorStates(engine)
    end = floor_bucket(now - SETTLE)
    volume_row, share_row = states.get(topic.id, "volume"), states.get(topic.id, "negative")
    slow_row = states.get(topic.id, SLOW)
    if volume_row is not None and volume_row.last_bucket is not None:
        start = volume_row.last_bucket + BUCKET
    else:
        start = _first_bucket(engine, topic, end)
    if start >= end:
        return []
    level = _sensitivity(topic)
    volume_cfg = DetectorConfig.for_sensitivity(level)
    share_cfg = ShareConfig.for_sensitivity(level)
    volume = (
        Detector.from_state(volume_row.state, volume_cfg) if volume_row else Detector(volume_cfg)
    )
    share = (
        NegativeShareDetector.from_state(share_row.state, share_cfg)
        if share_row
        else NegativeShareDetector(share_cfg)
    )
    # A topic created before this detector existed starts it from the stored matches
    # of the volume detector's first bucket onwards (no earlier history: quiet days).
    slow = SlowBuildDetector.from_state(slow_row.state) if slow_row else SlowBuildDetector()
    slow_window = timedelta(hours=slow.config.window_hours)
    counts = _bucket_counts(engine, topic, start, end)
    events: list[AlertEvent] = []
    ts = start
    for posts, negative, scored in counts:
        verdicts = [
            ("volume", volume.update(ts, posts), ts),
            ("negative", share.update(ts, negative, scored), ts),
        ]
        built = slow.update(ts, posts)
        if built is not None:  # judged once an hour, over the six hours that just ended
            verdicts.append((SLOW, built, built.ts + slow_window - BUCKET))
        if now - (ts + BUCKET) <= STALE:
            for metric, verdict, last_bucket in verdicts:
                event = _act(engine, topic, metric, verdict, now, last_bucket)
                if event is not None:
                    events.append(event)
        ts += BUCKET
    last = ts - BUCKET
    states.save(topic.team_id, topic.id, "volume", volume.to_state(), last)
    states.save(topic.team_id, topic.id, "negative", share.to_state(), last)
    states.save(topic.team_id, topic.id, SLOW, slow.to_state(), last)
    return events


def _sensitivity(topic: Topic) -> Sensitivity:
    for level in SENSITIVITIES:
        if topic.sensitivity == level:
            return level
    return "normal"


def _first_bucket(engine: Engine, topic: Topic, end: datetime) -> datetime:
    """Where a new topic's series starts: as far back as the workspace has posts (up to two
    weeks), so the detector learns that a quiet topic is quiet, not only its busy hours."""
    first = reads.first_post_time(engine, topic.team_id, since=end - WARM_HISTORY)
    return floor_bucket(first if first is not None else end - BUCKET)


def _bucket_counts(
    engine: Engine, topic: Topic, start: datetime, end: datetime
) -> list[tuple[int, int, int]]:
    """(posts, negative, scored) per 5-minute bucket in [start, end), empty buckets included."""
    assert topic.id is not None
    count = int((end - start) / BUCKET)
    out = [[0, 0, 0] for _ in range(count)]
    for at, compound in reads.match_times(engine, topic.team_id, topic.id, start, end):
        row = out[min(int((at - start) / BUCKET), count - 1)]
        row[0] += 1
        if compound is not None:
            row[2] += 1
            row[1] += compound <= -0.05
    return [(a, b, c) for a, b, c in out]


def _act(
    engine: Engine,
    topic: Topic,
    metric: str,
    verdict: Verdict,
    now: datetime,
    last_bucket: datetime,
) -> AlertEvent | None:
    assert topic.id is not None
    alerts = Alerts(engine)
    if verdict.continuing:
        current = alerts.latest_open(topic.team_id, topic.id, metric)
        if current is None or current.id is None:
            return None
        alerts.update(
            topic.team_id,
            current.id,
            last_bucket=last_bucket,
            value=verdict.value,
            peak_value=max(current.peak_value, verdict.value),
            updated_at=now,
            severity=_worse(current.severity, verdict.severity),
        )
        return AlertEvent(topic.team_id, topic.name, metric, "updated", current.id)
    if not verdict.alert:
        return None
    muted = topic.muted_until is not None and topic.muted_until > now
    workspace = Workspaces(engine).get(topic.team_id)
    channel = topic.channel or (workspace.alert_channel if workspace else None)
    alert = alerts.open(
        Alert(
            team_id=topic.team_id,
            topic_id=topic.id,
            topic_name=topic.name,
            metric=metric,
            severity=verdict.severity or "warning",
            status="muted" if muted else "open",
            window_start=verdict.ts,
            last_bucket=last_bucket,
            value=verdict.value,
            baseline=verdict.baseline,
            peak_value=verdict.value,
            reason=verdict.reason[:500],
            channel=channel,
            created_at=now,
            updated_at=now,
        )
    )
    if alert is None:
        return None
    return AlertEvent(topic.team_id, topic.name, metric, "muted" if muted else "opened", alert.id)


def _worse(old: str, new: str | None) -> str:
    order = ["info", "warning", "critical"]
    return (
        new
        if new in order and order.index(new) > order.index(old if old in order else "info")
        else old
    )
