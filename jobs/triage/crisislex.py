"""Read CrisisLex T26 labelled tweets: the format, the label mapping and the event split."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jobs.triage.categories import CATEGORY_BY_T26_LABEL, NOT_RELATED

T26_COLUMNS = (
    "Tweet ID",
    "Tweet Text",
    "Information Source",
    "Information Type",
    "Informativeness",
)


class InputFormatError(ValueError):
    """A file is not in the format it was said to be in; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class T26Row:
    """One row of a T26 file; `category` is None where the row has no usable type label."""

    tweet_id: str
    text: str
    category: str | None


def default_t26_root() -> Path:
    """Where the shared CrisisLex data sits, relative to the project root."""
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crisislex" / "T26"


def label_to_category(information_type: str, informativeness: str) -> str | None:
    """Map T26 labels to our categories.

    "Not labeled" rows were judged off-topic by the crowd ("Not related") in most cases,
    which is the chatter routing must ignore, so those count as not_related; the rest
    of "Not labeled" carries no type and is left out of scoring.
    """
    information_type = information_type.strip()
    if information_type == "Not labeled":
        return NOT_RELATED if informativeness.strip() == "Not related" else None
    return CATEGORY_BY_T26_LABEL.get(information_type)


def read_t26(path: Path) -> Iterator[T26Row]:
    """Rows of one T26 labelled file; raises InputFormatError on a file of another shape."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            missing = [name for name in T26_COLUMNS[:2] if name not in header]
            if missing:
                raise InputFormatError(
                    f"{path}: not a CrisisLex T26 file, missing column(s) {', '.join(missing)}"
                    f" (expected header: {', '.join(T26_COLUMNS)})"
                )
            columns = {name: header.index(name) for name in T26_COLUMNS if name in header}
            for line_number, row in enumerate(reader, start=2):
                yield _parse_row(row, columns, f"{path}:{line_number}")
    except UnicodeDecodeError as error:
        raise InputFormatError(f"{path}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise InputFormatError(f"{path}: malformed CSV ({error})") from error
    except OSError as error:
        raise InputFormatError(f"{path}: cannot read ({error.strerror})") from error


def _parse_row(row: list[str], columns: dict[str, int], where: str) -> T26Row:
    if len(row) < len(columns):
        raise InputFormatError(f"{where}: expected {len(columns)} fields, found {len(row)}")
    tweet_id = row[columns["Tweet ID"]].strip().strip("'\"")
    if not tweet_id:
        raise InputFormatError(f"{where}: empty Tweet ID")
    category = None
    if "Information Type" in columns:
        informativeness = row[columns["Informativeness"]] if "Informativeness" in columns else ""
        category = label_to_category(row[columns["Information Type"]], informativeness)
    return T26Row(tweet_id=tweet_id, text=row[columns["Tweet Text"]], category=category)


def event_file(root: Path, event: str) -> Path:
    """The labelled-tweets file of one event under the T26 root."""
    return root / event / f"{event}-tweets_labeled.csv"


def load_events(root: Path, events: tuple[str, ...]) -> dict[str, list[T26Row]]:
    """Labelled rows per event, keeping only rows with a usable category."""
    return {
        event: [row for row in read_t26(event_file(root, event)) if row.category is not None]
        for event in events
    }
