"""Read a file line by line in binary and decode each line alone: a bad line costs one row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_LINE_BYTES = 1 << 20
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Line:
    """Line `number` (1-based); `problem` says why its text cannot be trusted, if so."""

    number: int
    text: str
    problem: str | None = None


def read_lines(path: Path) -> Iterator[Line]:
    """Lines split on `\\n` only (a lone `\\r` inside a CSV field is data), ends kept."""
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                _skip_to_next_line(handle)
                yield Line(number, "\n", "longer than 1 MiB; split it into separate posts")
                continue
            if number == 1 and raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
            yield _decode(number, raw)


def _decode(number: int, raw: bytes) -> Line:
    try:
        return Line(number, raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Line(
            number,
            raw.decode("utf-8", errors="replace"),
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at byte {error.start + 1});"
            " save the file as UTF-8 (in Excel: 'CSV UTF-8') and import it again",
        )


def _skip_to_next_line(handle: BinaryIO) -> None:
    while chunk := handle.readline(_CHUNK):
        if chunk.endswith(b"\n"):
            return


def count_lines(path: Path) -> int:
    """Number of lines (a last line without `\\n` counts), read in 1 MiB binary chunks."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")
