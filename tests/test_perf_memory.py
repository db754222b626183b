"""Importing streams: peak memory does not grow with the size of the file."""

from __future__ import annotations

import json
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from jobs.import_file import import_file
from jobs.ingest import Ingestor
from jobs.sentiment import Scorer
from storage.topics import Topics

ROWS = 1_500
BATCH = 150
CACHE = 300  # bounded score and matcher caches; the default ones are bounded too, only larger


def _write(path: Path, rows: int, start: datetime, prefix: str) -> Path:
    """Every text distinct, so neither the score cache nor dedup hides growth."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows):
            word = "flood" if i % 3 == 0 else "river"
            record = {
                "id": f"{prefix}{i}",
                "source": "archive",
                "created_at": (start + timedelta(seconds=53 * i)).isoformat(),
                "text": f"Update {i}: the {word} near bridge {i % 211} is rising, stay safe!",
                "author": f"user{i % 409}",
                "likes": i % 7,
            }
            handle.write(json.dumps(record) + "\n")
    return path


def _peak_bytes(ingestor: Ingestor, path: Path, now: datetime) -> tuple[int, int]:
    """(peak bytes above the starting point while importing `path`, posts stored)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        summary = import_file(
            ingestor, "local", path, now=now, batch_size=BATCH, scorer=Scorer(CACHE)
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - before, summary.new_posts


def test_import_peak_memory_does_not_grow_with_rows(
    engine: Engine, tmp_path: Path, now: datetime
) -> None:
    Topics(engine).add("local", "flood", "flood OR bridge*", now=now)
    ingestor = Ingestor(engine, Scorer(), remembered_texts=CACHE)
    # Warm-up: compiled statements, regexes and the matcher exist before measuring.
    import_file(ingestor, "local", _write(tmp_path / "w.jsonl", 2 * BATCH, now, "w"), now=now)

    small, stored_small = _peak_bytes(ingestor, _write(tmp_path / "n.jsonl", ROWS, now, "n"), now)
    large, stored_large = _peak_bytes(
        ingestor, _write(tmp_path / "4n.jsonl", 4 * ROWS, now, "l"), now
    )

    assert (stored_small, stored_large) == (ROWS, 4 * ROWS)
    # Holding every row would add about 3x the small import's peak; a batch or two is noise.
    assert large < small * 1.3 + 200_000, f"peak grew from {small:,} to {large:,} bytes"
