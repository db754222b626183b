"""Group new question posts into clusters as they arrive: join the nearest, or start one.

Each run reads the posts stored since the last one (a cursor per workspace), keeps those
that ask something or voice a concern, and compares each with the clusters active in the
weeks around it (cosine similarity of hashed term vectors, stop words left out). A post close
enough to a cluster joins it and moves its centroid; the rest are grouped among
themselves (leader clustering: the first post of a group is its representative) and
become new clusters. Reposts carry the original's words, so they join its cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse
from sqlalchemy import Engine

from jobs.questions import vectors
from jobs.questions.detect import asks
from storage.models import QuestionCluster
from storage.questions import Assignment, NewPost, Questions

log = logging.getLogger(__name__)
# Cosine similarity at which two posts ask the same thing. At 0.55 the same question in
# other words joins ("no power on Elm St, when will it be back?" / "No power on Oak Ave,
# when will the power be back?": 0.6), while two questions sharing one word do not ("Is
# the tap water safe to drink?" / "is the water bill due?": 0.5). Word overlap is all it
# sees: the same question in wholly different words stays apart.
SIMILAR = 0.55
ACTIVE = timedelta(days=14)  # a question unasked for two weeks is a new one if asked again
BATCH = 2000
MAX_BATCHES = 10
SETTLE = timedelta(minutes=1)


@dataclass
class ClusterRun:
    """What one run did, for the log and for tests."""

    scanned: int = 0
    questions: int = 0
    joined: int = 0
    new_clusters: int = 0


def cluster_new_questions(
    engine: Engine, *, now: datetime, team_id: str | None = None, settle: timedelta = SETTLE
) -> ClusterRun:
    """Cluster every workspace's new posts (or one's); one workspace's failure stops none.

    `settle`: only posts ingested that long ago are read (see `Questions.posts_after`); the
    command line, catching up after an import with no scan running, passes zero.
    """
    run = ClusterRun()
    store = Questions(engine)
    for team in [team_id] if team_id else store.teams():
        try:
            cluster_team(store, team, now=now - settle, run=run)
        except Exception:
            log.exception("question clustering failed for %s", team)
    if run.scanned:
        log.info("question clustering: %s", run)
    return run


def cluster_team(
    store: Questions, team_id: str, *, now: datetime, run: ClusterRun, batches: int = MAX_BATCHES
) -> None:
    """Cluster posts ingested by `now`, a few batches per run (a backlog drains over runs)."""
    after = store.cursor(team_id)
    for _ in range(batches):
        posts = store.posts_after(team_id, after, settled_before=now, limit=BATCH)
        full = len(posts) == BATCH
        through = posts[-1].id if full else store.last_settled_id(team_id, after, now)
        if through is None or through <= after:
            return
        asking = [post for post in posts if asks(post.text)]
        run.scanned += len(posts)
        run.questions += len(asking)
        _assign(store, team_id, asking, through, now, run)
        after = through
        if not full:
            return


def _assign(
    store: Questions,
    team_id: str,
    posts: Sequence[NewPost],
    through: int,
    now: datetime,
    run: ClusterRun,
) -> None:
    if not posts:
        store.save(team_id, new_clusters=[], changed=[], assignments=[], through_post_id=through)
        return
    earliest = min(post.created_at for post in posts)
    clusters = store.candidates(team_id, earliest - ACTIVE)
    raw = vectors.vectorize([post.text for post in posts])
    known = vectors.centroid_matrix([c.centroid for c in clusters])
    x = raw  # already of unit length
    best, best_sim = _nearest(x, vectors.unit(known), clusters, posts)
    assignments: list[Assignment] = []
    changed: dict[int, QuestionCluster] = {}
    sums: dict[int, sparse.csr_matrix] = {}
    pending = []
    for i, post in enumerate(posts):
        if best[i] >= 0 and best_sim[i] >= SIMILAR:
            cluster = clusters[best[i]]
            assert cluster.id is not None
            changed[cluster.id] = cluster
            sums[cluster.id] = sums.get(cluster.id, _zero()) + raw[i]
            _touch(cluster, post)
            assignments.append(_assignment(post, cluster_id=cluster.id))
            run.joined += 1
        else:
            pending.append(i)
    new_clusters = _group(team_id, posts, raw, x, pending, assignments, now)
    run.new_clusters += len(new_clusters)
    for cluster_id, added in sums.items():
        cluster = changed[cluster_id]
        total = vectors.centroid_matrix([cluster.centroid]) + added
        cluster.centroid = vectors.as_centroid(total)
    store.save(
        team_id,
        new_clusters=new_clusters,
        changed=list(changed.values()),
        assignments=assignments,
        through_post_id=through,
    )


def _nearest(
    x: sparse.csr_matrix,
    known: sparse.csr_matrix,
    clusters: Sequence[QuestionCluster],
    posts: Sequence[NewPost],
) -> tuple[np.ndarray, np.ndarray]:
    """For each post, the most similar active cluster (-1 if none) and the similarity."""
    if known.shape[0] == 0:
        return np.full(x.shape[0], -1), np.zeros(x.shape[0])
    sims = (x @ known.T).toarray()
    # A cluster is in play for a post only if it was active within ACTIVE of the post.
    last_seen = np.array([c.last_seen.timestamp() for c in clusters])
    created = np.array([p.created_at.timestamp() for p in posts])
    stale = (created[:, None] - last_seen[None, :]) > ACTIVE.total_seconds()
    sims[stale] = 0.0
    return sims.argmax(axis=1), sims.max(axis=1)


def _group(
    team_id: str,
    posts: Sequence[NewPost],
    raw: sparse.csr_matrix,
    x: sparse.csr_matrix,
    pending: list[int],
    assignments: list[Assignment],
    now: datetime,
) -> list[QuestionCluster]:
    """Leader clustering of the posts no cluster took: each group's first post leads."""
    if not pending:
        return []
    sims = (x[pending] @ x[pending].T).toarray()
    taken = np.zeros(len(pending), dtype=bool)
    new_clusters: list[QuestionCluster] = []
    for a in range(len(pending)):
        if taken[a]:
            continue
        members = [b for b in range(a, len(pending)) if not taken[b] and sims[a, b] >= SIMILAR]
        members = members or [a]
        taken[members] = True
        rows = [pending[b] for b in members]
        leader = posts[rows[0]]
        centroid = raw[rows].sum(axis=0)
        cluster = QuestionCluster(
            team_id=team_id,
            text=vectors.wording(leader.text),
            centroid=vectors.as_centroid(sparse.csr_matrix(centroid)),
            size=0,
            first_seen=leader.created_at,
            last_seen=leader.created_at,
            created_at=now,
        )
        for row in rows:
            _touch(cluster, posts[row])
            assignments.append(_assignment(posts[row], new_index=len(new_clusters)))
        new_clusters.append(cluster)
    return new_clusters


def _touch(cluster: QuestionCluster, post: NewPost) -> None:
    cluster.size += 1
    cluster.first_seen = min(cluster.first_seen, post.created_at)
    cluster.last_seen = max(cluster.last_seen, post.created_at)


def _assignment(
    post: NewPost, *, cluster_id: int | None = None, new_index: int | None = None
) -> Assignment:
    return Assignment(
        post_id=post.id,
        author=post.author,
        is_repost=post.is_repost,
        created_at=post.created_at,
        cluster_id=cluster_id,
        new_index=new_index,
    )


def _zero() -> sparse.csr_matrix:
    return sparse.csr_matrix((1, vectors.N_FEATURES))
