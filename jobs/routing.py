"""Help routing: find residents asking for help among new posts, route each to its agency."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from commands.context import Ctx
from commands.query import Matcher, QueryError, compile_matcher, parse
from commands.target import document
from jobs.poster import Poster
from jobs.route_delivery import deliver_routed, remind_sla, remind_unclaimed
from jobs.triage.routing import HelpAssessment, assess_help
from storage.models import Route
from storage.reads import PostView
from storage.routing import RoutedPosts, Routes
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
BATCH = 2000
MAX_BATCHES = 5  # per workspace per tick: a backlog drains over a few ticks, not one
STALE = timedelta(hours=48)  # a post this old when first seen is history, not a request
# On PostgreSQL a post's id is taken before its batch commits; waiting this long after
# ingest means no lower id can still appear once the checkpoint has passed it.
SETTLE = timedelta(minutes=1)
_RETWEET = re.compile(r"^\s*RT\s+@\w+", re.IGNORECASE)

CtxFactory = Callable[[str, datetime], Ctx]


@dataclass
class RoutingRun:
    """What one tick did, for the log and for tests."""

    scanned: int = 0
    reposts: int = 0
    stale: int = 0
    assessed: int = 0
    routable: int = 0
    routed: int = 0
    delivered: int = 0
    failed: int = 0
    reminded: int = 0
    sla_warned: int = 0


def route_new_posts(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> RoutingRun:
    """Route every workspace's new posts, post what is routed, remind about unclaimed ones."""
    run = RoutingRun()
    for team_id in Routes(engine).teams():
        try:
            route_team(engine, team_id, now=now, run=run)
        except Exception:  # one workspace's failure must not stop the others
            log.exception("help routing failed for %s", team_id)
    run.delivered, run.failed = deliver_routed(engine, poster, make_ctx, now=now, owner=owner)
    run.reminded = remind_unclaimed(engine, poster, make_ctx, now=now, owner=owner)
    run.sla_warned = remind_sla(engine, poster, make_ctx, now=now, owner=owner)
    if run.scanned or run.delivered or run.failed or run.reminded or run.sla_warned:
        log.info("help routing: %s", run)
    return run


def route_team(engine: Engine, team_id: str, *, now: datetime, run: RoutingRun) -> None:
    routes = sorted(Routes(engine).all(team_id), key=lambda r: (not r.is_category, r.id or 0))
    if not routes:
        return
    after = Workspaces(engine).ensure(team_id, now).routed_through_post_id
    matcher = _query_matcher(routes)
    store = RoutedPosts(engine)
    fresh_since, settled_before = now - STALE, now - SETTLE
    for _ in range(MAX_BATCHES):
        posts = store.posts_after(
            team_id, after, created_since=fresh_since, settled_before=settled_before, limit=BATCH
        )
        full = len(posts) == BATCH
        through = posts[-1].id if full else store.last_settled_id(team_id, after, settled_before)
        if through is None or through <= after:
            return
        rows = [row for post in posts for row in _route_post(post, routes, matcher, now, run)]
        run.stale += store.count_stale(team_id, after, through, fresh_since)
        run.scanned += len(posts)
        run.routed += store.record(team_id, rows, through_post_id=through)
        after = through
        if not full:
            return


def _route_post(
    post: PostView, routes: list[Route], matcher: Matcher | None, now: datetime, run: RoutingRun
) -> list[dict[str, Any]]:
    if post.is_repost or _RETWEET.match(post.text):
        run.reposts += 1  # the original is routed, if we have it; a repost asks nothing new
        return []
    assessment = assess_help(post.text, post.lang)
    run.assessed += 1
    if not assessment.routable:
        return []
    run.routable += 1
    categories = [need.category for need in assessment.needs]
    queried = set(matcher.match(document(post))) if matcher is not None else set()
    rows: list[dict[str, Any]] = []
    channels: set[str] = set()
    for route in routes:
        hit = route.match in categories if route.is_category else route.id in queried
        # Two rules sending the same post to one channel would post it there twice.
        if hit and route.channel not in channels:
            channels.add(route.channel)
            rows.append(
                {
                    "post_id": post.id,
                    "route_id": route.id,
                    "channel": route.channel,
                    "categories": categories,
                    "reason": why(assessment)[:1000],
                    "status": "new",
                    "created_at": now,
                }
            )
    return rows


def why(assessment: HelpAssessment) -> str:
    """Readable reasons: `power: "no power"; resident voice: asks a question`."""
    parts = [
        f"{need.category.replace('_', ' ')}: {need.reason.removeprefix('matched ')}"
        for need in assessment.needs
    ]
    parts += [
        r for r in assessment.reasons if r.startswith(("affected individuals", "resident voice"))
    ]
    return "; ".join(parts)


def _query_matcher(routes: list[Route]) -> Matcher | None:
    queries = []
    for route in routes:
        if route.is_category or route.id is None:
            continue
        try:
            queries.append((route.id, parse(route.match)))
        except QueryError:  # checked when saved; a later grammar change must not stop routing
            log.warning("route %s has a query that no longer parses", route.id)
    return compile_matcher(queries) if queries else None
