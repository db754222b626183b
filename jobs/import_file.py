"""Import a file of posts: streamed in batches, each batch stored atomically and idempotently.

Batches overlap: while this thread parses rows and stores batch N, a helper thread has
batch N+1 scored and matched (in worker processes when there are several cores), so
VADER, the matcher and the database work at the same time. At most two batches are in
memory besides the one being read, whatever the size of the file.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jobs.imports import ImportedPost, ImportProblem, iter_import
from jobs.ingest import BatchScorer, Ingestor, SourceRef
from jobs.match_workers import start_matching
from jobs.sentiment import ParallelScorer
from jobs.sentiment.scores import Scores
from jobs.sources.base import RawPost
from storage.post_guard import Rejected, clean, short_id
from storage.sources import Sources
from storage.workspaces import Workspaces

BATCH = 2000
KEEP_PROBLEMS = 20  # the first few are shown; the count is always exact
# Below this many posts a batch is scored and matched in this process: the round trip
# to the workers costs more than it saves.
MIN_WORKER_BATCH = 500


@dataclass
class Analyzed:
    """A batch's new posts with their scores and, if the workers matched them, topic ids."""

    posts: list[RawPost]
    scores: list[Scores | None]
    topic_ids: list[list[int]] | None
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class ImportSummary:
    rows: int = 0
    new_posts: int = 0
    duplicates: int = 0
    matches: int = 0
    problem_count: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


@contextmanager
def import_scorer(ingestor: Ingestor, workers: int | None = None) -> Iterator[BatchScorer]:
    """The ingestor's scorer on one core; on several, worker processes for this import."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers <= 1:
        yield ingestor.scorer
        return
    with ParallelScorer(workers, min_batch=MIN_WORKER_BATCH) as scorer:
        yield scorer


class _Imports:
    """Imports running in this process, and the collector threshold from before them."""

    lock = threading.Lock()
    running = 0
    saved_threshold = 0


@contextmanager
def fewer_collections(first_generation: int = 50_000) -> Iterator[None]:
    """Run Python's cyclic garbage collector less often while importing.

    An import allocates millions of short-lived tuples (rows, matches, rollup keys) that
    reference counting frees; what the collector adds is full passes over a heap holding
    the compiled matcher and the caches, about a seventh of an import at 10,000 topics.
    The threshold is process-wide: the first import raises it, the last puts it back.
    """
    with _Imports.lock:
        if _Imports.running == 0:
            _Imports.saved_threshold = gc.get_threshold()[0]
            gc.set_threshold(first_generation, *gc.get_threshold()[1:])
        _Imports.running += 1
    try:
        yield
    finally:
        with _Imports.lock:
            _Imports.running -= 1
            if _Imports.running == 0:
                gc.set_threshold(_Imports.saved_threshold, *gc.get_threshold()[1:])


def import_file(
    ingestor: Ingestor,
    team_id: str,
    path: Path,
    *,
    fmt: str | None = None,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
    scorer: BatchScorer | None = None,
) -> ImportSummary:
    """Store every good row; report bad rows by line. Importing twice adds nothing.

    Posts are filed under a source named after each row's `source` label (kind "import"),
    created on first use and never scanned. `scorer` defaults to `import_scorer`.
    """
    rows = iter_import(path, fmt)  # raises ValueError now for an unreadable path or format
    with fewer_collections():
        if scorer is None:
            with import_scorer(ingestor) as chosen:
                return _import(ingestor, team_id, rows, chosen, now, progress, batch_size)
        return _import(ingestor, team_id, rows, scorer, now, progress, batch_size)


def _import(
    ingestor: Ingestor,
    team_id: str,
    rows: Iterator[ImportedPost | ImportProblem],
    scorer: BatchScorer,
    now: datetime,
    progress: Callable[[int], None] | None,
    batch_size: int,
) -> ImportSummary:
    summary = ImportSummary()
    workspace = Workspaces(ingestor.engine).get(team_id)
    pseudonymize = bool(workspace and workspace.pseudonymize_authors)
    pending: dict[str, list[RawPost]] = {}
    lines: dict[str, list[int]] = {}  # each pending post's line, to name a refused one
    refs: dict[str, SourceRef] = {}
    sources = Sources(ingestor.engine)
    in_flight: deque[tuple[SourceRef, list[RawPost], list[int], Future[Analyzed]]] = deque()

    def analyze(ref: SourceRef, posts: list[RawPost]) -> Analyzed:
        fresh, rejected = ingestor.fresh_posts(ref, posts)
        if not isinstance(scorer, ParallelScorer) or len(fresh) < MIN_WORKER_BATCH:
            return Analyzed(fresh, ingestor.score(fresh, scorer), None, rejected)
        # Matching goes to the workers first, so it runs while they score.
        topic_ids = start_matching(
            scorer.start(), ingestor.topics(team_id), ref.kind, ref.name, fresh, scorer.workers
        )
        return Analyzed(fresh, ingestor.score(fresh, scorer), topic_ids(), rejected)

    def store_oldest() -> None:
        ref, posts, at_lines, future = in_flight.popleft()
        done = future.result()
        stored = ingestor.store_scored(
            team_id,
            ref,
            done.posts,
            done.scores,
            now=now,
            skipped=len(posts) - len(done.posts) - len(done.rejected),
            topic_ids=done.topic_ids,
            rejected=done.rejected,
            pseudonymize=pseudonymize,
        )
        summary.new_posts += stored.new_posts
        summary.duplicates += stored.duplicates
        summary.matches += stored.matches
        if stored.rejected:
            _report_rejected(summary, stored.rejected, posts, at_lines)
        if progress is not None:
            progress(len(posts))

    def flush(label: str) -> None:
        posts = pending.pop(label, [])
        at_lines = lines.pop(label, [])
        if not posts:
            return
        if label not in refs:
            row = sources.ensure(team_id, label, "import", now=now)
            assert row.id is not None
            refs[label] = SourceRef(row.id, row.kind, row.name)
        future = scoring.submit(analyze, refs[label], posts)
        in_flight.append((refs[label], posts, at_lines, future))
        # Store the previous batch while this one is being scored and matched.
        while len(in_flight) > 1:
            store_oldest()

    with ThreadPoolExecutor(1, thread_name_prefix="import-scoring") as scoring:
        for item in rows:
            summary.rows += 1
            if isinstance(item, ImportProblem):
                summary.problem_count += 1
                if len(summary.problems) < KEEP_PROBLEMS:
                    summary.problems.append(item)
                if progress is not None:
                    progress(1)
                continue
            label = _label(item)
            summary.sources.add(label)
            pending.setdefault(label, []).append(item.post)
            lines.setdefault(label, []).append(item.line)
            if len(pending[label]) >= batch_size:
                flush(label)
        for label in list(pending):
            flush(label)
        while in_flight:
            store_oldest()
    return summary


def _report_rejected(
    summary: ImportSummary, rejected: tuple[Rejected, ...], posts: list[RawPost], lines: list[int]
) -> None:
    """Posts the database could not hold become problems on their lines, like bad rows."""
    line_of = {
        short_id(clean(post.external_id)): line for post, line in zip(posts, lines, strict=True)
    }
    for item in rejected:
        summary.problem_count += 1
        if len(summary.problems) < KEEP_PROBLEMS:
            if item.position is not None:  # set aside before storing: by its place
                line = lines[item.position]
            else:
                line = line_of.get(item.external_id, 0)
            summary.problems.append(ImportProblem(line, f"not stored: {item.reason}"))


def _label(item: ImportedPost) -> str:
    return _source_name(item.source)


@functools.lru_cache(maxsize=1024)  # a file names a few sources, on every row
def _source_name(label: str) -> str:
    # Source names allow letters, digits, "_", "-" and "."; labels from files may not.
    cleaned = "".join(ch if ch.isalnum() or ch in "_-." else "-" for ch in label.strip())
    return (cleaned or "import")[:80]
