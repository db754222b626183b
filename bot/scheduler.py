"""The scheduler: scans, spike checks, digests, escalations and retention on timers.

Every process may run it; a heartbeat lease in the database makes exactly one of them
the leader for the jobs that must not run twice (digests, alerts). Scans run on every
process, since each source is leased to one worker at a time anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime, job_ctx
from commands.context import Ctx
from jobs import alerts, digests, incidents, retention
from jobs.poster import Poster
from jobs.questions.cluster import cluster_new_questions
from jobs.questions.spread import check_spreading
from jobs.routing import route_new_posts
from jobs.scan import scan_due, worker_id
from storage import leases, replays, top_posts

log = logging.getLogger(__name__)
LEADER_LEASE = "scheduler"
LEADER_TTL = timedelta(seconds=90)


@dataclass
class Ticks:
    """The scheduled work as plain methods, so tests can drive it with a moved clock."""

    runtime: Runtime
    poster: Poster
    owner: str

    def is_leader(self, now: datetime) -> bool:
        return leases.acquire(
            self.runtime.engine, LEADER_LEASE, self.owner, now=now, ttl=LEADER_TTL
        )

    def scans(self) -> None:
        scan_due(
            self.runtime.ingestor,
            self.runtime.http,
            now=self.runtime.clock,
            owner=self.owner,
            open_settings=self.runtime.sealer.open_settings,
        )

    def alerts(self) -> None:
        now = self.runtime.clock()
        if not self.is_leader(now):
            return
        engine = self.runtime.engine
        make_ctx = self.make_ctx
        events = alerts.check_spikes(engine, now=now)
        alerts.refresh_alert_messages(engine, self.poster, make_ctx, events, now=now)
        alerts.deliver_alerts(engine, self.poster, make_ctx, now=now, owner=self.owner)
        alerts.escalate(engine, self.poster, make_ctx, now=now, owner=self.owner)

    def digests(self) -> None:
        now = self.runtime.clock()
        if not self.is_leader(now):
            return
        digests.send_due_digests(
            self.runtime.engine, self.poster, self.make_ctx, now=now, owner=self.owner
        )

    def incidents(self) -> None:
        now = self.runtime.clock()
        if not self.is_leader(now):
            return
        incidents.incident_tick(
            self.runtime.engine, self.poster, self.make_ctx, now=now, owner=self.owner
        )

    def retention(self) -> None:
        now = self.runtime.clock()
        if self.is_leader(now):
            retention.purge_old_posts(self.runtime.engine, now=now)
            replays.forget_old(self.runtime.engine, now)
            top_posts.trim(self.runtime.engine)

    def routing(self) -> None:
        now = self.runtime.clock()
        if not self.is_leader(now):
            return
        # Questions first, so a routed post that asks an answered question carries the answer.
        engine = self.runtime.engine
        cluster_new_questions(engine, now=now)
        check_spreading(engine, self.poster, self.make_ctx, now=now, owner=self.owner)
        route_new_posts(engine, self.poster, self.make_ctx, now=now, owner=self.owner)

    def make_ctx(self, team_id: str, now: datetime) -> Ctx:
        return job_ctx(self.runtime, team_id, now)


def guarded(job: Callable[[], None]) -> Callable[[], None]:
    """One failing run is logged; the schedule goes on."""

    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("scheduled job %s failed", getattr(job, "__name__", job))

    run.__name__ = getattr(job, "__name__", "job")
    return run


def start_scheduler(
    runtime: Runtime, poster: Poster, *, owner: str | None = None
) -> BackgroundScheduler:
    ticks = Ticks(runtime, poster, owner or worker_id())
    scheduler = BackgroundScheduler(timezone="UTC")
    defaults = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scan_every = runtime.settings.scan_tick_seconds
    scheduler.add_job(guarded(ticks.scans), "interval", seconds=scan_every, id="scans", **defaults)
    scheduler.add_job(guarded(ticks.alerts), "interval", seconds=60, id="alerts", **defaults)
    scheduler.add_job(guarded(ticks.digests), "interval", seconds=60, id="digests", **defaults)
    scheduler.add_job(guarded(ticks.routing), "interval", seconds=60, id="routing", **defaults)
    scheduler.add_job(guarded(ticks.incidents), "interval", seconds=60, id="incidents", **defaults)
    scheduler.add_job(guarded(ticks.retention), "interval", hours=1, id="retention", **defaults)
    scheduler.start()
    log.info("scheduler started as %s", ticks.owner)
    return scheduler
