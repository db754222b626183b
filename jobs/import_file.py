"""Import a file of posts: streamed in batches, each batch stored atomically and idempotently.

Batches overlap: while this thread matches and stores batch N, a helper thread has
batch N+1 scored (in worker processes when the batch is large), so VADER and the
database work at the same time. At most two batches are in memory besides the one
being read, whatever the size of the file.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jobs.imports import ImportedPost, ImportProblem, iter_import
from jobs.ingest import BatchScorer, Ingestor, SourceRef
from jobs.sentiment import ParallelScorer
from jobs.sentiment.scores import Scores
from jobs.sources.base import RawPost
from storage.sources import Sources

BATCH = 2000
KEEP_PROBLEMS = 20  # the first few are shown; the count is always exact

Scored = tuple[list[RawPost], list[Scores | None]]


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
    with ParallelScorer(workers, min_batch=500) as scorer:
        yield scorer


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
    pending: dict[str, list[RawPost]] = {}
    refs: dict[str, SourceRef] = {}
    sources = Sources(ingestor.engine)
    in_flight: deque[tuple[SourceRef, int, Future[Scored]]] = deque()

    def score(ref: SourceRef, posts: list[RawPost]) -> Scored:
        fresh = ingestor.fresh_posts(ref, posts)
        return fresh, ingestor.score(fresh, scorer)

    def store_oldest() -> None:
        ref, count, future = in_flight.popleft()
        fresh, scores = future.result()
        stored = ingestor.store_scored(
            team_id, ref, fresh, scores, now=now, skipped=count - len(fresh)
        )
        summary.new_posts += stored.new_posts
        summary.duplicates += stored.duplicates
        summary.matches += stored.matches
        if progress is not None:
            progress(count)

    def flush(label: str) -> None:
        posts = pending.pop(label, [])
        if not posts:
            return
        if label not in refs:
            row = sources.ensure(team_id, label, "import", now=now)
            assert row.id is not None
            refs[label] = SourceRef(row.id, row.kind, row.name)
        in_flight.append((refs[label], len(posts), scoring.submit(score, refs[label], posts)))
        # Store the previous batch while this one is being scored.
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
            if len(pending[label]) >= batch_size:
                flush(label)
        for label in list(pending):
            flush(label)
        while in_flight:
            store_oldest()
    return summary


def _label(item: ImportedPost) -> str:
    # Source names allow letters, digits, "_", "-" and "."; labels from files may not.
    cleaned = "".join(ch if ch.isalnum() or ch in "_-." else "-" for ch in item.source.strip())
    return (cleaned or "import")[:80]
