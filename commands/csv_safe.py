"""CSV that a spreadsheet opens as data: cells that would run as formulas are neutralized.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-`, `@`, a tab
or a carriage return as a formula (OWASP "CSV injection"); post texts, ids and reasons
come from strangers. Such a cell gets a leading apostrophe, which spreadsheets show as
text and hide; numbers such as `-0.52` are left as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value  # a plain number, not a formula


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
