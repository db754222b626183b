"""Score large batches across worker processes, each distinct text once."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Any

from jobs.sentiment.cleanup import normalize
from jobs.sentiment.scorer import DEFAULT_CACHE_ENTRIES, Scorer, is_scorable
from jobs.sentiment.scores import Scores
from jobs.sentiment.vader import new_analyzer, polarity

MIN_PARALLEL_BATCH = 2_000
CHUNK_SIZE = 1_000

# One analyzer per worker process, built by the pool's initializer.
_worker_analyzer: list[Any] = []


def _init_worker(parent_pid: int) -> None:
    _worker_analyzer[:] = [new_analyzer()]
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    # A SIGKILLed parent cannot stop its workers, and they would wait on the queue forever
    # (holding its pipes open, so whoever started it never sees it end).
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


def _score_chunk(texts: list[str]) -> list[tuple[str, float, float, float, float]]:
    """Normalize and score raw texts in a worker; normalizing here keeps the parent light."""
    analyzer = _worker_analyzer[0]
    rows = []
    for text in texts:
        normalized = normalize(text)
        scores = polarity(analyzer, normalized)
        rows.append((normalized, scores.compound, scores.pos, scores.neu, scores.neg))
    return rows


def _worker_ready() -> bool:
    return bool(_worker_analyzer)


class ParallelScorer:
    """`Scorer` that farms out batches of `min_batch` or more new texts to `workers` processes.

    Uses the "spawn" start method (safe with threads, same on every OS), so the
    program's entry point must be import-safe (`if __name__ == "__main__":`).
    The pool starts on the first large batch; `close()` (or `with`) stops it.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        min_batch: int = MIN_PARALLEL_BATCH,
        chunk_size: int = CHUNK_SIZE,
        cache_entries: int = DEFAULT_CACHE_ENTRIES,
    ) -> None:
        self.workers = max(1, workers if workers is not None else os.cpu_count() or 1)
        self.min_batch = min_batch
        self.chunk_size = chunk_size
        self.local = Scorer(cache_entries)
        self._pool: ProcessPoolExecutor | None = None
        self.batches_sent_to_pool = 0

    def score(self, text: str, lang: str | None = None) -> Scores | None:
        """One text, in this process."""
        return self.local.score(text, lang)

    def score_many(self, items: Sequence[tuple[str, str | None]]) -> list[Scores | None]:
        """Scores for each `(text, lang)` pair, in order; None where not scorable."""
        results: list[Scores | None] = [None] * len(items)
        waiting: dict[str, list[int]] = {}
        for index, (text, lang) in enumerate(items):
            if not is_scorable(text, lang):
                continue
            cached = self.local.by_text.get(text)
            if cached is None:
                waiting.setdefault(text, []).append(index)
            else:
                results[index] = cached
        scored = self._score_in_pool(list(waiting)) if self._worth_a_pool(len(waiting)) else None
        for text, indexes in waiting.items():
            scores = (
                scored[text] if scored is not None else self.local.score_normalized(normalize(text))
            )
            self.local.by_text.put(text, scores)
            for index in indexes:
                results[index] = scores
        return results

    def _worth_a_pool(self, distinct_texts: int) -> bool:
        return self.workers > 1 and distinct_texts >= self.min_batch

    def _score_in_pool(self, texts: list[str]) -> dict[str, Scores]:
        pool = self.start()
        # Several chunks per worker keep them all busy to the end; a floor keeps IPC cheap.
        size = max(100, min(self.chunk_size, math.ceil(len(texts) / (self.workers * 4))))
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        self.batches_sent_to_pool += 1
        scored: dict[str, Scores] = {}
        for chunk, rows in zip(chunks, pool.map(_score_chunk, chunks), strict=True):
            for text, (normalized, *values) in zip(chunk, rows, strict=True):
                scores = Scores(*values)
                scored[text] = scores
                self.local.by_normalized.put(normalized, scores)
        return scored

    def start(self) -> ProcessPoolExecutor:
        """Start the worker processes now (otherwise on the first large batch)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
            futures = [self._pool.submit(_worker_ready) for _ in range(self.workers)]
            if not all(future.result() for future in futures):
                raise RuntimeError("sentiment worker failed to build its analyzer")
        return self._pool

    def close(self) -> None:
        """Stop the worker processes; the scorer still works in-process afterwards."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> ParallelScorer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
