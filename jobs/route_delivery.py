"""Posting routed posts to agency channels once each, and reminding about unclaimed ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from commands.context import Ctx
from commands.routed import reminder_reply, routed_reply, sla_reply
from jobs.poster import DeliveryError, Poster
from storage.deliveries import Claim, Deliveries
from storage.models import Route
from storage.routing import RoutedPosts, Routes
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
REMINDERS = 3
DELIVERY_WINDOW = timedelta(days=2)  # past this, a request nobody saw is better not posted
REMINDER_WINDOW = timedelta(days=7)

CtxFactory = Callable[[str, datetime], Ctx]


def deliver_routed(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> tuple[int, int]:
    """Post routed posts not yet in Slack, each claimed once; returns (sent, failed)."""
    store, deliveries = RoutedPosts(engine), Deliveries(engine)
    sent = failed = 0
    for routed in store.undelivered(now - DELIVERY_WINDOW):
        assert routed.id is not None
        claim = deliveries.claim(
            routed.team_id,
            f"route:{routed.id}",
            kind="route",
            channel=routed.channel,
            owner=owner,
            now=now,
        )
        if claim is None:  # sent already, held by another worker, or waiting to retry
            continue
        try:
            reply = routed_reply(make_ctx(routed.team_id, now), routed)
            ts = poster.post(routed.team_id, routed.channel, reply)
        except DeliveryError as exc:
            _failed(deliveries, claim, now, exc)
            log.warning("routed post %s not delivered yet: %s", routed.id, exc)
            failed += 1
            continue
        store.update(routed.team_id, routed.id, message_ts=ts)
        deliveries.sent(claim, now, ts)
        sent += 1
    return sent, failed


def remind_unclaimed(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> int:
    """A thread reply under each routed post nobody claimed, at most once per interval
    (Workspace.renotify_after_minutes) and at most REMINDERS times."""
    store, deliveries = RoutedPosts(engine), Deliveries(engine)
    workspaces = Workspaces(engine)
    intervals: dict[str, timedelta | None] = {}
    done = 0
    for routed in store.unclaimed(now - REMINDER_WINDOW):
        assert routed.id is not None
        assert routed.message_ts is not None
        if routed.team_id not in intervals:
            workspace = workspaces.get(routed.team_id)
            minutes = workspace.renotify_after_minutes if workspace else 60
            intervals[routed.team_id] = timedelta(minutes=minutes) if minutes > 0 else None
        interval = intervals[routed.team_id]
        if interval is None:
            continue
        number = min(REMINDERS, int((now - routed.created_at) / interval))
        reminded = routed.renotified_at
        if number < 1 or (
            reminded is not None and reminded >= routed.created_at + interval * number
        ):
            continue
        claim = deliveries.claim(
            routed.team_id,
            f"route-remind:{routed.id}:{number}",
            kind="route_reminder",
            channel=routed.channel,
            owner=owner,
            now=now,
        )
        if claim is None:
            continue
        try:
            reply = reminder_reply(make_ctx(routed.team_id, now), routed, number, REMINDERS)
            ts = poster.post(routed.team_id, routed.channel, reply, thread_ts=routed.message_ts)
        except DeliveryError as exc:
            _failed(deliveries, claim, now, exc)
            continue
        store.update(routed.team_id, routed.id, renotified_at=now)
        deliveries.sent(claim, now, ts)
        done += 1
    return done


def sla_warning_lead(sla: timedelta) -> timedelta:
    """How long before an SLA lapses its reminder goes out: a quarter of it, at most 30 min."""
    return min(timedelta(minutes=30), sla / 4)


def remind_sla(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> int:
    """One thread reply per routed post still open shortly before its route's SLA lapses
    (claimed once in deliveries, so several workers never send it twice)."""
    store, deliveries = RoutedPosts(engine), Deliveries(engine)
    routes: dict[tuple[str, int], Route | None] = {}
    done = 0
    for routed in store.unresolved(now - REMINDER_WINDOW):
        assert routed.id is not None
        assert routed.message_ts is not None
        key = (routed.team_id, routed.route_id)
        if key not in routes:
            routes[key] = Routes(engine).get(*key)
        route = routes[key]
        sla = timedelta(minutes=route.sla_minutes if route is not None else 180)
        deadline = routed.created_at + sla
        if not deadline - sla_warning_lead(sla) <= now < deadline:
            continue
        claim = deliveries.claim(
            routed.team_id,
            f"route-sla:{routed.id}",
            kind="route_sla",
            channel=routed.channel,
            owner=owner,
            now=now,
        )
        if claim is None:
            continue
        try:
            reply = sla_reply(make_ctx(routed.team_id, now), routed, deadline)
            ts = poster.post(routed.team_id, routed.channel, reply, thread_ts=routed.message_ts)
        except DeliveryError as exc:
            _failed(deliveries, claim, now, exc)
            continue
        deliveries.sent(claim, now, ts)
        done += 1
    return done


def _failed(deliveries: Deliveries, claim: Claim, now: datetime, exc: DeliveryError) -> None:
    deliveries.failed(claim, now, str(exc), retry_after=exc.retry_after, permanent=exc.permanent)
