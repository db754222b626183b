"""Imports stream: bounded memory on large files, and no input makes them raise."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.imports import FORMATS, ImportedPost, ImportProblem, count_lines, iter_import

ROWS = 200_000


def write_large_jsonl(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            row = {"id": i, "source": "bulk", "text": f"post number {i} " * 4}
            row["created_at"] = "2024-05-01T00:00:00Z" if i % 1000 else "not a date"
            handle.write(json.dumps(row) + "\n")


def test_large_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.jsonl"
    write_large_jsonl(path)
    assert path.stat().st_size > 20_000_000
    assert count_lines(path) == ROWS
    posts = problems = 0
    tracemalloc.start()
    try:
        for row in iter_import(path):
            if isinstance(row, ImportedPost):
                posts += 1
            else:
                problems += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (posts, problems) == (ROWS - ROWS // 1000, ROWS // 1000)
    assert peak < 3_000_000


def test_stopping_early_reads_only_what_was_asked(tmp_path: Path) -> None:
    path = tmp_path / "large.jsonl"
    write_large_jsonl(path)
    rows = iter_import(path)
    first = [next(rows) for _ in range(3)]
    assert [row.line for row in first] == [1, 2, 3]
    rows.close()  # type: ignore[attr-defined]


lines_strategy = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
        st.sampled_from(['"', "'", ",", "{}", "[]", "null", '{"id": 1}', "\x00", "\r", "\ufeff"]),
    ),
    max_size=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=lines_strategy, raw_tail=st.binary(max_size=30), fmt=st.sampled_from(sorted(FORMATS)))
def test_arbitrary_content_yields_posts_or_problems(
    tmp_path: Path, lines: list[str], raw_tail: bytes, fmt: str
) -> None:
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n" + raw_tail)
    total = count_lines(path)
    for row in iter_import(path, fmt):
        assert isinstance(row, ImportedPost | ImportProblem)
        assert 1 <= row.line <= total
        if isinstance(row, ImportProblem):
            assert row.message
