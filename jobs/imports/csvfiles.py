"""CSV records with the physical line each starts on, streamed with per-line decoding."""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from jobs.imports.lines import read_lines
from jobs.imports.rows import ImportProblem, ImportRow, post_from_fields


@dataclass(frozen=True, slots=True)
class Record:
    """A CSV record from `line` on; `problem` is set when it could not be read cleanly."""

    line: int
    fields: list[str]
    problem: str | None = None


def iter_records(path: Path) -> Generator[Record, None, None]:
    """Non-empty records; a quoted field may span lines (CrisisLex has a few)."""
    bad_lines: list[str] = []

    def texts() -> Iterator[str]:
        for line in read_lines(path):
            if line.problem is not None:
                bad_lines.append(f"line {line.number} is {line.problem}")
            yield line.text

    reader = csv.reader(texts())
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = f"unreadable CSV ({error}); check for a double quote that is never closed"
            yield Record(start, [], problem)
        else:
            if bad_lines:
                yield Record(start, fields, "; ".join(bad_lines))
            elif fields:
                yield Record(start, fields)
        bad_lines.clear()
        start = reader.line_num + 1


def header_names(fields: list[str]) -> list[str]:
    return [name.strip().lower() for name in fields]


def iter_csv(path: Path) -> Iterator[ImportRow]:
    """Posts from a CSV whose header names the JSONL fields (id, source, text, created_at...)."""
    records = iter_records(path)
    header = next(records, None)
    if header is None:
        return
    names = header_names(header.fields)
    missing = [name for name in ("id", "source", "text", "created_at") if name not in names]
    if header.problem is not None or missing:
        reason = header.problem or f"header lacks {', '.join(missing)}"
        yield ImportProblem(
            header.line, f"{reason}; the first row must name the columns: id,source,text,created_at"
        )
        return
    for record in records:
        if record.problem is not None:
            yield ImportProblem(record.line, record.problem)
        elif len(record.fields) != len(names):
            yield ImportProblem(
                record.line,
                f"row has {len(record.fields)} fields but the header has {len(names)};"
                " quote any field that contains a comma",
            )
        else:
            yield post_from_fields(dict(zip(names, record.fields, strict=True)), record.line)
