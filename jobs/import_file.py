"""Import a file of posts: streamed in batches, each batch stored atomically and idempotently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jobs.imports import ImportedPost, ImportProblem, iter_import
from jobs.ingest import Ingestor, SourceRef
from jobs.sources.base import RawPost
from storage.sources import Sources

BATCH = 2000
KEEP_PROBLEMS = 20  # the first few are shown; the count is always exact


@dataclass
class ImportSummary:
    rows: int = 0
    new_posts: int = 0
    duplicates: int = 0
    matches: int = 0
    problem_count: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def import_file(
    ingestor: Ingestor,
    team_id: str,
    path: Path,
    *,
    fmt: str | None = None,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> ImportSummary:
    """Store every good row; report bad rows by line. Importing twice adds nothing.

    Posts are filed under a source named after each row's `source` label (kind "import"),
    created on first use and never scanned.
    """
    summary = ImportSummary()
    pending: dict[str, list[RawPost]] = {}
    refs: dict[str, SourceRef] = {}
    sources = Sources(ingestor.engine)

    def flush(label: str) -> None:
        posts = pending.pop(label, [])
        if not posts:
            return
        if label not in refs:
            row = sources.ensure(team_id, label, "import", now=now)
            assert row.id is not None
            refs[label] = SourceRef(row.id, row.kind, row.name)
        stored = ingestor.ingest(team_id, refs[label], posts, now=now)
        summary.new_posts += stored.new_posts
        summary.duplicates += stored.duplicates
        summary.matches += stored.matches
        if progress is not None:
            progress(len(posts))

    for item in iter_import(path, fmt):
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
    return summary


def _label(item: ImportedPost) -> str:
    # Source names allow letters, digits, "_", "-" and "."; labels from files may not.
    cleaned = "".join(ch if ch.isalnum() or ch in "_-." else "-" for ch in item.source.strip())
    return (cleaned or "import")[:80]
