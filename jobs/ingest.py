"""Ingest: new posts are scored once, matched against every topic at once, and stored."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from commands.query import REMEMBERED_TEXTS, Document, Matcher, compile_matcher
from jobs.language import language_of
from jobs.sentiment.scores import Scores
from jobs.sources.base import RawPost
from storage.ingest_store import (
    PreparedPost,
    StoredBatch,
    existing_external_ids,
    store_batch,
    topic_queries,
)
from storage.post_guard import Rejected, guard_posts


@dataclass(slots=True)
class IngestTimings:
    """Seconds an ingest spent in each stage (wall-clock), for the scan log."""

    score: float = 0.0
    match: float = 0.0
    store: float = 0.0

    def per_post_ms(self, posts: int) -> str:
        """ "1.2 ms/post (score 0.8, match 0.1, store 0.3)" over `posts` posts."""
        n = max(1, posts)
        total = self.score + self.match + self.store
        return (
            f"{1000 * total / n:.2f} ms/post (score {1000 * self.score / n:.2f}, "
            f"match {1000 * self.match / n:.2f}, store {1000 * self.store / n:.2f})"
        )


class BatchScorer(Protocol):
    def score_many(self, items: Sequence[tuple[str, str | None]]) -> list[Scores | None]: ...


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What ingest needs to know of a source: where posts go and what `source:` matches."""

    id: int
    kind: str
    name: str


def pseudonym(author: str, salt: str) -> str:
    """A stable stand-in for a handle: the same author keeps one pseudonym per key.

    An HMAC keyed by EARSHOT_SECRET_KEY: without the key nobody can recompute a handle's
    pseudonym from a list of handles (a bare hash anyone could)."""
    if not salt:
        raise ValueError("pseudonyms need EARSHOT_SECRET_KEY")
    digest = hmac.new(salt.encode(), author.lower().encode("utf-8", "replace"), hashlib.sha256)
    return f"anon-{digest.hexdigest()[:12]}"


class Ingestor:
    """Turns raw posts into stored, scored, matched posts for one database.

    The compiled matcher is cached per team and rebuilt only when the team's topics
    change, so matching cost stays flat however often batches arrive. Each one keeps
    the index hits of the last `remembered_texts` texts (see `Matcher`).
    """

    def __init__(
        self,
        engine: Engine,
        scorer: BatchScorer,
        *,
        pseudonym_salt: str = "",
        remembered_texts: int = REMEMBERED_TEXTS,
    ) -> None:
        self.engine = engine
        self.scorer = scorer
        self._salt = pseudonym_salt
        self.remembered_texts = remembered_texts
        self._matchers: dict[str, tuple[tuple[tuple[int, str], ...], Matcher]] = {}
        self._lock = threading.Lock()

    def topics(self, team_id: str) -> tuple[tuple[int, str], ...]:
        """The team's `(id, query)` pairs as they are now (one cheap query)."""
        return topic_queries(self.engine, team_id)

    def matcher_for(self, team_id: str) -> Matcher:
        key = self.topics(team_id)
        with self._lock:
            cached = self._matchers.get(team_id)
            if cached is None or cached[0] != key:
                matcher = compile_matcher(key, remembered_texts=self.remembered_texts)
                cached = (key, matcher)
                self._matchers[team_id] = cached
            return cached[1]

    def ingest(
        self,
        team_id: str,
        source: SourceRef,
        raw_posts: Sequence[RawPost],
        *,
        now: datetime,
        cursor: str | None = None,
        advance_cursor: bool = False,
        pseudonymize: bool = False,
        timings: IngestTimings | None = None,
    ) -> StoredBatch:
        """Store a batch; posts this source already has are neither scored nor counted.

        `timings`, when given, receives the time spent scoring, matching and storing.
        """
        started = time.perf_counter()
        posts, rejected = self.fresh_posts(source, raw_posts)
        scores = self.score(posts)
        if timings is not None:
            timings.score += time.perf_counter() - started
        return self.store_scored(
            team_id,
            source,
            posts,
            scores,
            now=now,
            cursor=cursor,
            advance_cursor=advance_cursor,
            pseudonymize=pseudonymize,
            skipped=len(raw_posts) - len(posts) - len(rejected),
            rejected=rejected,
            timings=timings,
        )

    def fresh_posts(
        self, source: SourceRef, raw_posts: Sequence[RawPost]
    ) -> tuple[list[RawPost], list[Rejected]]:
        """The batch without posts this source already stored, each external id once,
        every post cleaned to fit its columns; and the posts that could not be.

        Each post gets its language here when the source gave none (jobs.language), so
        that scoring, topic matching (`lang:`) and storage all see the same one.
        """
        guarded, rejected = guard_posts(raw_posts)
        known = existing_external_ids(self.engine, source.id, [p.external_id for p in guarded])
        fresh: dict[str, RawPost] = {}
        for post in guarded:
            if post.external_id not in known and post.external_id not in fresh:
                fresh[post.external_id] = replace(post, lang=language_of(post.text, post.lang))
        return list(fresh.values()), rejected

    def score(
        self, posts: Sequence[RawPost], scorer: BatchScorer | None = None
    ) -> list[Scores | None]:
        return (scorer or self.scorer).score_many([(p.text, p.lang) for p in posts])

    def store_scored(
        self,
        team_id: str,
        source: SourceRef,
        posts: Sequence[RawPost],
        scores: Sequence[Scores | None],
        *,
        now: datetime,
        cursor: str | None = None,
        advance_cursor: bool = False,
        pseudonymize: bool = False,
        skipped: int = 0,
        topic_ids: Sequence[list[int]] | None = None,
        rejected: Sequence[Rejected] = (),
        timings: IngestTimings | None = None,
    ) -> StoredBatch:
        """Match scored posts against the team's topics and store them in one transaction.

        `topic_ids` are the posts' matches when they were worked out elsewhere (by
        `jobs.match_workers`); otherwise the posts are matched here.
        """
        started = time.perf_counter()
        if topic_ids is None:
            matcher = self.matcher_for(team_id)
            topic_ids = [matcher.match(self._document(post, source)) for post in posts]
        matched = time.perf_counter()
        prepared = [
            self._prepare(post, score, ids, pseudonymize)
            for post, score, ids in zip(posts, scores, topic_ids, strict=True)
        ]
        batch = store_batch(
            self.engine,
            team_id=team_id,
            source_id=source.id,
            posts=prepared,
            now=now,
            cursor=cursor,
            advance_cursor=advance_cursor,
        )
        if timings is not None:
            timings.match += matched - started
            timings.store += time.perf_counter() - matched
        return StoredBatch(
            batch.new_posts,
            batch.duplicates + skipped,
            batch.matches,
            (*rejected, *batch.rejected),
        )

    @staticmethod
    def _document(post: RawPost, source: SourceRef) -> Document:
        return Document(
            text=post.text,
            lang=post.lang,
            source=source.kind,
            source_name=source.name,
            author=post.author,
            links=post.links,
        )

    def _prepare(
        self, post: RawPost, score: Scores | None, topic_ids: list[int], pseudonymize: bool
    ) -> PreparedPost:
        author = post.author
        if author and pseudonymize:
            # No key, no pseudonym: the handle is dropped rather than thinly disguised.
            author = pseudonym(author, self._salt) if self._salt else None
        return PreparedPost(
            external_id=post.external_id,
            text=post.text,
            created_at=post.created_at,
            author=author,
            author_followers=post.author_followers,
            url=post.url,
            lang=post.lang,
            likes=post.likes,
            reposts=post.reposts,
            replies=post.replies,
            is_repost=post.is_repost,
            links=post.links,
            compound=score.compound if score else None,
            pos=score.pos if score else None,
            neu=score.neu if score else None,
            neg=score.neg if score else None,
            topic_ids=topic_ids,
            time_estimated=post.time_estimated,
        )
