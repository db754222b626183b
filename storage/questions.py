"""Question clusters: what residents ask, grouped, with the agency's answer; team-scoped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Integer, distinct, func
from sqlmodel import Session, col, select

from storage.dialect import insert_ignore, table
from storage.models import (
    Post,
    QuestionCluster,
    QuestionCursor,
    QuestionPost,
    SourceRow,
    TopicMatch,
)
from storage.reads import PostView, post_view


@dataclass(frozen=True, slots=True)
class NewPost:
    id: int
    text: str
    author: str | None
    is_repost: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Assignment:
    """One question post placed in a cluster (by id, or by index into the new clusters)."""

    post_id: int
    author: str | None
    is_repost: bool
    created_at: datetime
    cluster_id: int | None = None
    new_index: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterFigures:
    """A cluster's posts within a period (and, for a topic, only the topic's posts)."""

    cluster: QuestionCluster
    posts: int
    authors: int
    first_seen: datetime
    last_seen: datetime
    recent: int  # posts in the second half of the period
    earlier: int  # posts in the first half


class Questions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- the clustering job's side -------------------------------------------------

    def cursor(self, team_id: str) -> int:
        with Session(self.engine) as session:
            row = session.get(QuestionCursor, team_id)
            return row.through_post_id if row else 0

    def teams(self) -> list[str]:
        """Workspaces with sources (posts only ever come through a source)."""
        with Session(self.engine) as session:
            return sorted(session.exec(select(SourceRow.team_id).distinct()).all())

    def posts_after(
        self, team_id: str, after_id: int, *, settled_before: datetime, limit: int
    ) -> list[NewPost]:
        """Posts past the cursor in id order, only those ingested by `settled_before`: on
        PostgreSQL ids are taken before commit, so a lower id may still appear later."""
        stmt = (
            select(  # type: ignore[call-overload]
                Post.id, Post.text, Post.author, Post.is_repost, Post.created_at
            )
            .where(
                Post.team_id == team_id,
                col(Post.id) > after_id,
                col(Post.ingested_at) <= settled_before,
            )
            .order_by(col(Post.id))
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [NewPost(int(i), t, a, bool(r), c) for i, t, a, r, c in session.exec(stmt)]

    def last_settled_id(self, team_id: str, after_id: int, settled_before: datetime) -> int | None:
        stmt = select(func.max(Post.id)).where(
            Post.team_id == team_id,
            col(Post.id) > after_id,
            col(Post.ingested_at) <= settled_before,
        )
        with Session(self.engine) as session:
            found = session.exec(stmt).one()
        return int(found) if found is not None else None

    def candidates(self, team_id: str, seen_since: datetime) -> list[QuestionCluster]:
        """Clusters a new question may join: those active since `seen_since`."""
        stmt = select(QuestionCluster).where(
            QuestionCluster.team_id == team_id, col(QuestionCluster.last_seen) >= seen_since
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt).all())

    def answered(self, team_id: str) -> list[QuestionCluster]:
        stmt = select(QuestionCluster).where(
            QuestionCluster.team_id == team_id, col(QuestionCluster.answer_url).is_not(None)
        )
        with Session(self.engine) as session:
            return list(session.exec(stmt).all())

    def save(
        self,
        team_id: str,
        *,
        new_clusters: Sequence[QuestionCluster],
        changed: Sequence[QuestionCluster],
        assignments: Sequence[Assignment],
        through_post_id: int,
    ) -> None:
        """Store one run's clusters, posts and the cursor in one transaction."""
        with Session(self.engine) as session:
            for cluster in new_clusters:
                session.add(cluster)
            session.flush()  # the new clusters get their ids
            for cluster in changed:
                session.merge(cluster)
            rows: list[dict[str, Any]] = []
            for item in assignments:
                cluster_id = item.cluster_id
                if item.new_index is not None:
                    cluster_id = new_clusters[item.new_index].id
                rows.append(
                    {
                        "post_id": item.post_id,
                        "cluster_id": cluster_id,
                        "team_id": team_id,
                        "author": item.author,
                        "is_repost": item.is_repost,
                        "created_at": item.created_at,
                    }
                )
            insert_ignore(session.connection(), table(QuestionPost), rows, ["post_id"])
            cursor = session.get(QuestionCursor, team_id) or QuestionCursor(team_id=team_id)
            cursor.through_post_id = through_post_id
            session.add(cursor)
            session.commit()

    # --- the read side ---------------------------------------------------------------

    def get(self, team_id: str, cluster_id: int) -> QuestionCluster | None:
        with Session(self.engine) as session:
            cluster = session.get(QuestionCluster, cluster_id)
        return cluster if cluster is not None and cluster.team_id == team_id else None

    def update(self, team_id: str, cluster_id: int, **values: Any) -> QuestionCluster | None:
        with Session(self.engine) as session:
            cluster = session.get(QuestionCluster, cluster_id)
            if cluster is None or cluster.team_id != team_id:
                return None
            for name, value in values.items():
                setattr(cluster, name, value)
            session.add(cluster)
            session.commit()
            session.refresh(cluster)
            return cluster

    def figures(
        self,
        team_id: str,
        start: datetime,
        end: datetime,
        *,
        topic_id: int | None = None,
        limit: int = 10,
        cluster_ids: Sequence[int] | None = None,
    ) -> list[ClusterFigures]:
        """Clusters with posts in [start, end), busiest first (then most authors)."""
        middle = start + (end - start) / 2
        qp = QuestionPost
        posts = func.count()
        authors = func.count(distinct(col(qp.author)))
        recent = func.sum(func.cast(col(qp.created_at) >= middle, _int()))
        stmt = (
            select(  # type: ignore[call-overload]
                qp.cluster_id,
                posts,
                authors,
                func.min(qp.created_at),
                func.max(qp.created_at),
                recent,
            )
            .where(qp.team_id == team_id, col(qp.created_at) >= start, col(qp.created_at) < end)
            .group_by(col(qp.cluster_id))
            .order_by(posts.desc(), authors.desc(), col(qp.cluster_id))
            .limit(limit)
        )
        if topic_id is not None:
            stmt = stmt.join(
                TopicMatch,
                (col(TopicMatch.post_id) == col(qp.post_id)) & (TopicMatch.topic_id == topic_id),
            )
        if cluster_ids is not None:
            stmt = stmt.where(col(qp.cluster_id).in_(list(cluster_ids)))
        with Session(self.engine) as session:
            rows = session.exec(stmt).all()
            clusters = {
                c.id: c
                for c in session.exec(
                    select(QuestionCluster).where(
                        col(QuestionCluster.id).in_([row[0] for row in rows])
                    )
                )
            }
        out = []
        for cluster_id, n, authors_n, first, last, recent_n in rows:
            recent_n = int(recent_n or 0)
            out.append(
                ClusterFigures(
                    cluster=clusters[cluster_id],
                    posts=int(n),
                    authors=int(authors_n),
                    first_seen=_utc(first),
                    last_seen=_utc(last),
                    recent=recent_n,
                    earlier=int(n) - recent_n,
                )
            )
        return out

    def count_between(
        self, team_id: str, cluster_id: int, start: datetime | None, end: datetime | None
    ) -> int:
        stmt = select(func.count()).where(
            QuestionPost.team_id == team_id, QuestionPost.cluster_id == cluster_id
        )
        if start is not None:
            stmt = stmt.where(col(QuestionPost.created_at) >= start)
        if end is not None:
            stmt = stmt.where(col(QuestionPost.created_at) < end)
        with Session(self.engine) as session:
            return int(session.exec(stmt).one())

    def posts(self, team_id: str, cluster_id: int, *, limit: int = 10) -> list[PostView]:
        """The cluster's newest posts first."""
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(QuestionPost, col(QuestionPost.post_id) == col(Post.id))
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(
                QuestionPost.team_id == team_id,
                QuestionPost.cluster_id == cluster_id,
                Post.team_id == team_id,
            )
            .order_by(col(QuestionPost.created_at).desc())
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [post_view(post, name, kind) for post, name, kind in session.exec(stmt)]

    def cluster_of(self, team_id: str, post_id: int) -> QuestionCluster | None:
        stmt = (
            select(QuestionCluster)
            .join(QuestionPost, col(QuestionPost.cluster_id) == col(QuestionCluster.id))
            .where(QuestionPost.team_id == team_id, QuestionPost.post_id == post_id)
        )
        with Session(self.engine) as session:
            return session.exec(stmt).first()


def _int() -> Any:
    return Integer()


def _utc(moment: datetime | str) -> datetime:
    """Aggregates bypass the column type on SQLite, so min/max come back naive (or as text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
