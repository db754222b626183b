"""Streaming file imports (JSONL, CSV, CrisisLex) that yield posts or per-line problems.

`iter_import(path, fmt)` checks the path and format at once (ValueError), then streams:
each item is an `ImportedPost(source, post, line)` or an `ImportProblem(line, message)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from jobs.imports.crisislex import is_crisislex_header, iter_crisislex, snowflake_time
from jobs.imports.csvfiles import iter_csv, iter_records
from jobs.imports.jsonl import iter_jsonl
from jobs.imports.lines import count_lines
from jobs.imports.rows import ImportedPost, ImportProblem, ImportRow

__all__ = [
    "FORMATS",
    "ImportProblem",
    "ImportRow",
    "ImportedPost",
    "count_lines",
    "detect_format",
    "iter_import",
    "snowflake_time",
]

FORMATS: dict[str, Callable[[Path], Iterator[ImportRow]]] = {
    "jsonl": iter_jsonl,
    "csv": iter_csv,
    "crisislex": iter_crisislex,
}
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def detect_format(path: Path) -> str:
    """Format from the extension; a `.csv` whose header is CrisisLex's is `crisislex`."""
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot tell the format of {path.name!r} from its extension;"
            f" name it .jsonl or .csv, or pass the format ({', '.join(FORMATS)})"
        )
    if fmt == "csv":
        with closing(iter_records(path)) as records:
            header = next(records, None)
        if header is not None and is_crisislex_header(header.fields):
            return "crisislex"
    return fmt


def iter_import(path: Path, fmt: str | None = None) -> Iterator[ImportRow]:
    """Stream the rows of `path`; raises ValueError now if it cannot be read at all."""
    if not path.exists():
        raise ValueError(f"no such file: {path}")
    if not path.is_file():
        raise ValueError(f"not a regular file: {path}")
    if not os.access(path, os.R_OK):
        raise ValueError(f"no permission to read {path}")
    if fmt is not None and fmt.lower() not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; use one of: {', '.join(FORMATS)}")
    chosen = detect_format(path) if fmt is None else fmt.lower()
    return FORMATS[chosen](path)
