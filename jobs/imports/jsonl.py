"""JSON Lines import: one post object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from jobs.imports.lines import read_lines
from jobs.imports.rows import ImportProblem, ImportRow, post_from_fields


def iter_jsonl(path: Path) -> Iterator[ImportRow]:
    """Posts and problems in file order; blank lines are skipped silently."""
    for line in read_lines(path):
        if line.problem is not None:
            yield ImportProblem(line.number, f"line is {line.problem}")
            continue
        if not line.text.strip():
            continue
        try:
            value = json.loads(line.text)
        except json.JSONDecodeError as error:
            yield ImportProblem(
                line.number,
                f"invalid JSON ({error.msg} at column {error.colno});"
                " each line must be one complete JSON object",
            )
            continue
        except (ValueError, RecursionError) as error:
            # e.g. an integer longer than Python's 4,300-digit limit, or deep nesting
            yield ImportProblem(line.number, f"invalid JSON ({type(error).__name__}: {error})")
            continue
        if not isinstance(value, dict):
            yield ImportProblem(
                line.number,
                f"expected a JSON object {{...}}, got {type(value).__name__};"
                ' write each post as {"id": ..., "source": ..., "text": ..., "created_at": ...}',
            )
            continue
        yield post_from_fields(value, line.number)
