"""Posting routed posts to agency channels once each, and reminding about unclaimed ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine

from commands.context import Ctx, Reply
from commands.routed import reminder_reply, routed_reply, sla_reply
from commands.routed_backlog import summary_reply
from jobs.poster import DeliveryError, Poster
from storage.deliveries import Claim, Deliveries
from storage.models import Route, RoutedPost
from storage.routing import RoutedPosts, Routes
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
REMINDERS = 3
DELIVERY_WINDOW = timedelta(days=2)  # past this, a request nobody saw is better not posted
REMINDER_WINDOW = timedelta(days=7)
BACKLOG_AT = 10  # more than this waiting for one channel: summarize instead of posting each
SHOW_NEWEST = 3  # posted one by one after the summary, so the latest can be claimed at once

CtxFactory = Callable[[str, datetime], Ctx]


def deliver_routed(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> tuple[int, int]:
    """Post routed posts not yet in Slack, each claimed once; returns (sent, failed).

    Per channel: a few are posted one by one (the poster paces them, about one a second);
    a backlog larger than BACKLOG_AT (the first tick after a route is added over 48 hours
    of posts, or after an outage) becomes one summary with a "Show them" button, followed
    by the newest SHOW_NEWEST. A channel Slack rate-limits is left until the next tick.
    """
    store, deliveries = RoutedPosts(engine), Deliveries(engine)
    by_channel: dict[tuple[str, str], list[RoutedPost]] = {}
    for routed in store.undelivered(now - DELIVERY_WINDOW):
        by_channel.setdefault((routed.team_id, routed.channel), []).append(routed)
    sent = failed = 0
    for waiting in by_channel.values():
        if len(waiting) > BACKLOG_AT:
            older, waiting = waiting[:-SHOW_NEWEST], waiting[-SHOW_NEWEST:]
            try:
                sent += _summarize(store, deliveries, poster, make_ctx, older, now, owner)
            except DeliveryError:
                failed += 1
                continue  # the channel is unavailable or rate-limited: all of it waits
        for routed in waiting:
            try:
                sent += _deliver_one(store, deliveries, poster, make_ctx, routed, now, owner)
            except DeliveryError as exc:
                failed += 1
                if exc.retry_after is not None or exc.permanent:
                    break  # more posts to this channel now would only be refused too
    return sent, failed


def _deliver_one(
    store: RoutedPosts,
    deliveries: Deliveries,
    poster: Poster,
    make_ctx: CtxFactory,
    routed: RoutedPost,
    now: datetime,
    owner: str,
) -> int:
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
        return 0
    try:
        reply = routed_reply(make_ctx(routed.team_id, now), routed)
        ts = poster.post(routed.team_id, routed.channel, reply)
    except DeliveryError as exc:
        _failed(deliveries, claim, now, exc)
        log.warning("routed post %s not delivered yet: %s", routed.id, exc)
        raise
    store.update(routed.team_id, routed.id, message_ts=ts)
    deliveries.sent(claim, now, ts)
    return 1


def _summarize(
    store: RoutedPosts,
    deliveries: Deliveries,
    poster: Poster,
    make_ctx: CtxFactory,
    older: list[RoutedPost],
    now: datetime,
    owner: str,
) -> int:
    """One summary message for `older`; they are then delivered (as a summary)."""
    team_id, channel = older[0].team_id, older[0].channel
    ids = [routed.id for routed in older if routed.id is not None]
    claim = deliveries.claim(
        team_id,
        f"route-backlog:{channel}:{ids[0]}-{ids[-1]}",
        kind="route_backlog",
        channel=channel,
        owner=owner,
        now=now,
    )
    if claim is None:
        return 0
    try:
        reply = summary_reply(make_ctx(team_id, now), channel, older, SHOW_NEWEST)
        ts = poster.post(team_id, channel, reply)
    except DeliveryError as exc:
        _failed(deliveries, claim, now, exc)
        log.warning("backlog summary for %s/%s not delivered yet: %s", team_id, channel, exc)
        raise
    store.mark_summarized(team_id, ids, ts)
    deliveries.sent(claim, now, ts)
    log.info("summarized %d routed posts for %s/%s in one message", len(ids), team_id, channel)
    return 1


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
        ctx = make_ctx(routed.team_id, now)
        if _reply_in_thread_once(
            deliveries,
            poster,
            routed,
            f"route-remind:{routed.id}:{number}",
            "route_reminder",
            partial(reminder_reply, ctx, routed, number, REMINDERS),
            owner=owner,
            now=now,
        ):
            store.update(routed.team_id, routed.id, renotified_at=now)
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
        ctx = make_ctx(routed.team_id, now)
        if _reply_in_thread_once(
            deliveries,
            poster,
            routed,
            f"route-sla:{routed.id}",
            "route_sla",
            partial(sla_reply, ctx, routed, deadline),
            owner=owner,
            now=now,
        ):
            done += 1
    return done


def _reply_in_thread_once(
    deliveries: Deliveries,
    poster: Poster,
    routed: RoutedPost,
    key: str,
    kind: str,
    build: Callable[[], Reply],
    *,
    owner: str,
    now: datetime,
) -> bool:
    """Post `build()` in the routed post's thread, claimed once under `key`; True if sent."""
    claim = deliveries.claim(
        routed.team_id, key, kind=kind, channel=routed.channel, owner=owner, now=now
    )
    if claim is None:
        return False
    try:
        ts = poster.post(routed.team_id, routed.channel, build(), thread_ts=routed.message_ts)
    except DeliveryError as exc:
        _failed(deliveries, claim, now, exc)
        return False
    deliveries.sent(claim, now, ts)
    return True


def _failed(deliveries: Deliveries, claim: Claim, now: datetime, exc: DeliveryError) -> None:
    deliveries.failed(claim, now, str(exc), retry_after=exc.retry_after, permanent=exc.permanent)
