"""Help routing: routes (need or query -> agency channel) and routed posts, team-scoped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.dialect import insert_ignore, table
from storage.models import Post, Route, RoutedPost, SourceRow, Workspace
from storage.reads import PostView, post_view

CLOSED = ("resolved", "not_actionable")
# Part of a backlog shown as one summary message (jobs/route_delivery.py), not one by one.
SUMMARIZED = "summarized"


@dataclass(frozen=True, slots=True)
class RoutingCounts:
    """Posts routed in a period and what became of them."""

    routed: int
    claimed: int
    resolved: int
    not_actionable: int
    waiting: int  # still unclaimed and routed before the `waiting_before` given


class Routes:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, route: Route) -> Route | None:
        """Store a route; None when this workspace already has the same one active.

        A route removed earlier and added again is the same route brought back, with its
        history and its id (the unique key would refuse a second row anyway).
        """
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(route)
            try:
                session.commit()
                return route
            except IntegrityError:
                session.rollback()
            stmt = select(Route).where(
                Route.team_id == route.team_id,
                Route.agency == route.agency,
                Route.channel == route.channel,
                Route.match == route.match,
                col(Route.removed_at).is_not(None),
            )
            removed = session.exec(stmt).first()
            if removed is None:
                return None
            removed.removed_at = None
            removed.sla_minutes = route.sla_minutes
            removed.created_by = route.created_by
            session.add(removed)
            session.commit()
            return removed

    def all(self, team_id: str, *, include_removed: bool = False) -> list[Route]:
        """The workspace's routes in use (and, if asked, the removed ones)."""
        stmt = select(Route).where(Route.team_id == team_id)
        if not include_removed:
            stmt = stmt.where(col(Route.removed_at).is_(None))
        with Session(self.engine) as session:
            return list(session.exec(stmt.order_by(col(Route.id))))

    def get(self, team_id: str, route_id: int) -> Route | None:
        with Session(self.engine) as session:
            stmt = select(Route).where(Route.team_id == team_id, Route.id == route_id)
            return session.exec(stmt).first()

    def remove(self, team_id: str, route_id: int, now: datetime) -> bool:
        """Stop a route; it and its routed posts stay for the record. False if not in use."""
        return self._update_live(team_id, route_id, removed_at=now)

    def set_sla(self, team_id: str, route_id: int, minutes: int) -> bool:
        return self._update_live(team_id, route_id, sla_minutes=minutes)

    def _update_live(self, team_id: str, route_id: int, **values: object) -> bool:
        """Set `values` on a route still in use; False if there is none."""
        stmt = (
            update(Route)
            .where(
                col(Route.team_id) == team_id,
                col(Route.id) == route_id,
                col(Route.removed_at).is_(None),
            )
            .values(**values)
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount > 0

    def teams(self) -> list[str]:
        stmt = select(Route.team_id).where(col(Route.removed_at).is_(None)).distinct()
        with Session(self.engine) as session:
            return list(session.exec(stmt))


class RoutedPosts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def posts_after(
        self,
        team_id: str,
        after_id: int,
        *,
        created_since: datetime,
        settled_before: datetime,
        limit: int,
    ) -> list[PostView]:
        """The team's posts past the checkpoint written since `created_since`, in ingest
        (id) order.

        Only posts ingested by `settled_before`: on PostgreSQL ids are taken before
        commit, so a lower id may still become visible after a higher one was read.
        """
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(
                Post.team_id == team_id,
                col(Post.id) > after_id,
                col(Post.ingested_at) <= settled_before,
                col(Post.created_at) >= created_since,
            )
            .order_by(col(Post.id))
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [post_view(post, name, kind) for post, name, kind in session.exec(stmt)]

    def last_settled_id(self, team_id: str, after_id: int, settled_before: datetime) -> int | None:
        stmt = select(func.max(Post.id)).where(
            Post.team_id == team_id,
            col(Post.id) > after_id,
            col(Post.ingested_at) <= settled_before,
        )
        with Session(self.engine) as session:
            found = session.exec(stmt).one()
        return int(found) if found is not None else None

    def count_stale(self, team_id: str, after_id: int, through_id: int, before: datetime) -> int:
        """Posts in the id range written before `before`: seen too late to route."""
        stmt = select(func.count()).where(
            Post.team_id == team_id,
            col(Post.id) > after_id,
            col(Post.id) <= through_id,
            col(Post.created_at) < before,
        )
        with Session(self.engine) as session:
            return int(session.exec(stmt).one())

    def record(self, team_id: str, rows: Sequence[dict[str, Any]], *, through_post_id: int) -> int:
        """Store routed posts and move the checkpoint in one transaction; returns new rows.

        Unique on (team, post, route), so a batch seen twice routes nothing twice.
        """
        with self.engine.begin() as conn:
            inserted = insert_ignore(
                conn,
                table(RoutedPost),
                [{**row, "team_id": team_id} for row in rows],
                ("team_id", "post_id", "route_id"),
                ("id",),
            )
            conn.execute(
                update(Workspace)
                .where(
                    col(Workspace.team_id) == team_id,
                    col(Workspace.routed_through_post_id) < through_post_id,
                )
                .values(routed_through_post_id=through_post_id)
            )
        return len(inserted)

    def get(self, team_id: str, routed_id: int) -> RoutedPost | None:
        with Session(self.engine) as session:
            stmt = select(RoutedPost).where(
                RoutedPost.team_id == team_id, RoutedPost.id == routed_id
            )
            return session.exec(stmt).first()

    def route_of(self, routed: RoutedPost) -> Route | None:
        with Session(self.engine) as session:
            stmt = select(Route).where(Route.team_id == routed.team_id, Route.id == routed.route_id)
            return session.exec(stmt).first()

    def post_of(self, routed: RoutedPost) -> PostView | None:
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(Post.team_id == routed.team_id, Post.id == routed.post_id)
        )
        with Session(self.engine) as session:
            found = session.exec(stmt).first()
        return post_view(*found) if found is not None else None

    def undelivered(self, routed_since: datetime, limit: int = 500) -> list[RoutedPost]:
        """Routed posts not yet in Slack, across teams (a failed post is retried later)."""
        stmt = (
            select(RoutedPost)
            .where(
                col(RoutedPost.message_ts).is_(None),
                col(RoutedPost.status) == "new",
                col(RoutedPost.created_at) >= routed_since,
            )
            .order_by(col(RoutedPost.id))
            .limit(limit)
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt))

    def summarized(self, team_id: str, channel: str, lo: int, hi: int) -> list[RoutedPost]:
        """A channel's routed posts folded into one backlog summary, newest first."""
        stmt = (
            select(RoutedPost)
            .where(
                RoutedPost.team_id == team_id,
                RoutedPost.channel == channel,
                col(RoutedPost.status) == SUMMARIZED,
                col(RoutedPost.id) >= lo,
                col(RoutedPost.id) <= hi,
            )
            .order_by(col(RoutedPost.id).desc())
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt))

    def mark_summarized(self, team_id: str, ids: Sequence[int], message_ts: str) -> None:
        """These were shown in one summary message (`message_ts`), not posted one by one."""
        stmt = (
            update(RoutedPost)
            .where(col(RoutedPost.team_id) == team_id, col(RoutedPost.id).in_(list(ids)))
            .values(status=SUMMARIZED, message_ts=message_ts)
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def unclaimed(self, routed_since: datetime) -> list[RoutedPost]:
        """Posted and still unclaimed, routed since the given time, across teams."""
        stmt = (
            select(RoutedPost)
            .where(
                col(RoutedPost.status) == "new",
                col(RoutedPost.message_ts).is_not(None),
                col(RoutedPost.created_at) >= routed_since,
            )
            .order_by(col(RoutedPost.id))
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt))

    def update(
        self, team_id: str, routed_id: int, *, when_status: Sequence[str] = (), **changes: Any
    ) -> bool:
        """Apply changes, only while the status is one of `when_status` if given, so two
        people clicking at once cannot both claim; True when this call changed the row."""
        stmt = update(RoutedPost).where(
            col(RoutedPost.team_id) == team_id, col(RoutedPost.id) == routed_id
        )
        if when_status:
            stmt = stmt.where(col(RoutedPost.status).in_(when_status))
        with self.engine.begin() as conn:
            return conn.execute(stmt.values(**changes)).rowcount > 0

    def in_period(self, team_id: str, start: datetime, end: datetime) -> list[RoutedPost]:
        """Posts routed in [start, end), removed routes' included."""
        stmt = select(RoutedPost).where(
            RoutedPost.team_id == team_id,
            col(RoutedPost.created_at) >= start,
            col(RoutedPost.created_at) < end,
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt.order_by(col(RoutedPost.id))))

    def unresolved(self, routed_since: datetime) -> list[RoutedPost]:
        """Posted in Slack, not yet resolved or closed, routed since the given time."""
        stmt = (
            select(RoutedPost)
            .where(
                col(RoutedPost.status).in_(("new", "claimed")),
                col(RoutedPost.message_ts).is_not(None),
                col(RoutedPost.created_at) >= routed_since,
            )
            .order_by(col(RoutedPost.id))
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt))

    def counts(
        self, team_id: str, start: datetime, end: datetime, *, waiting_before: datetime
    ) -> RoutingCounts:
        rows = self.in_period(team_id, start, end)
        return RoutingCounts(
            routed=len(rows),
            claimed=sum(r.claimed_at is not None for r in rows),
            resolved=sum(r.status == "resolved" for r in rows),
            not_actionable=sum(r.status == "not_actionable" for r in rows),
            waiting=sum(r.status == "new" and r.created_at <= waiting_before for r in rows),
        )
