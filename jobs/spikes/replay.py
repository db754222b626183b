"""Replay a `timestamp,value` CSV through a detector (the one module here with I/O).

Two kinds of series, chosen explicitly by the caller (`earshot detect --values`):

- `any` (default): a generic metric; values may be negative or fractional. Rows
  are judged in file order by the generic detector (generic.py). A repeated or
  backwards timestamp (a daylight-saving repeat, a clock step) is read as the
  next reading and counted in the summary, so that nothing is dropped.
- `counts`: posts per bucket, as the alert job sees them; values must be >= 0.
  Rows with the same timestamp are summed, missing buckets are zeros, and the
  production volume detector (detector.py) judges them with its alert rules,
  minimum volume included. A timestamp going backwards is refused.

The cadence is the median step between rows (1 minute to 1 hour) unless given.
"""

from __future__ import annotations

import csv
import itertools
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from commands.csv_safe import SafeWriter
from jobs.spikes.config import DetectorConfig, Sensitivity
from jobs.spikes.detector import Detector
from jobs.spikes.generic import GenericConfig, GenericDetector
from jobs.spikes.verdict import Verdict

OUTPUT_COLUMNS = ("timestamp", "value", "anomaly_score", "alert")
ValueKind = Literal["any", "counts"]
VALUE_KINDS: tuple[ValueKind, ...] = ("any", "counts")
MIN_BUCKET_MINUTES, MAX_BUCKET_MINUTES = 1.0, 60.0


class ReplayError(Exception):
    """The input series cannot be replayed; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    text: str
    ts: datetime
    value: float


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    rows: int
    alerts: int
    first_alert: datetime | None
    bucket_minutes: float = 5.0
    # Rows whose timestamp was not after the previous one (kind `any`) or that
    # were summed into an earlier row (kind `counts`).
    out_of_order: int = 0


def run_series(
    points: Iterable[tuple[datetime, float]], config: DetectorConfig | None = None
) -> list[Verdict]:
    """Fresh volume detector over a whole series, as the alert job would have seen it."""
    detector = Detector(config or DetectorConfig())
    return [detector.update(ts, value) for ts, value in points]


def run_generic(
    points: Iterable[tuple[datetime, float]], config: GenericConfig | None = None
) -> list[Verdict]:
    """Fresh generic detector over a series, in the order given."""
    detector = GenericDetector(config or GenericConfig())
    return [detector.update(ts, value) for ts, value in points]


def read_series(path: Path) -> list[Row]:
    """Rows of a NAB-style CSV (any finite values; timestamps all naive or all with a zone)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"timestamp", "value"} - {name.strip() for name in reader.fieldnames or ()}
            if missing:
                raise ReplayError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            reader.fieldnames = [name.strip() for name in reader.fieldnames or ()]
            rows = [_parse_row(path, line, row) for line, row in enumerate(reader, start=2)]
    except OSError as error:
        raise ReplayError(f"{path}: cannot read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise ReplayError(f"{path}: not a UTF-8 text file") from error
    except csv.Error as error:
        raise ReplayError(f"{path}: not a readable CSV ({error})") from error
    if not rows:
        raise ReplayError(f"{path}: no rows after the header")
    zoned = {row.ts.tzinfo is not None for row in rows}
    if len(zoned) > 1:
        first = next(
            row for row in rows if (row.ts.tzinfo is not None) != (rows[0].ts.tzinfo is not None)
        )
        raise ReplayError(
            f"{path}:{first.line}: timestamp {first.text!r} mixes zoned and zoneless times;"
            " give every timestamp a zone or none"
        )
    return rows


def _parse_row(path: Path, line: int, row: dict[str, str | None]) -> Row:
    text = (row.get("timestamp") or "").strip()
    raw = (row.get("value") or "").strip()
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise ReplayError(
            f"{path}:{line}: bad timestamp {text!r} (use ISO 8601, e.g. 2015-02-26 21:42:53)"
        ) from None
    try:
        value = float(raw)
    except ValueError:
        raise ReplayError(f"{path}:{line}: bad value {raw!r} (need a number)") from None
    if not math.isfinite(value):
        raise ReplayError(f"{path}:{line}: value must be a finite number, got {raw!r}")
    return Row(line, text, ts, value)


def infer_bucket_minutes(path: Path, rows: list[Row]) -> float:
    steps = [
        (later.ts - earlier.ts).total_seconds() / 60
        for earlier, later in itertools.pairwise(rows)
        if later.ts > earlier.ts
    ]
    if not steps:
        return 5.0  # one row (or one timestamp): any cadence judges it the same
    minutes = statistics.median(steps)
    if not MIN_BUCKET_MINUTES <= minutes <= MAX_BUCKET_MINUTES:
        raise ReplayError(
            f"{path}: rows are {minutes:g} minutes apart (median); the detector works on"
            f" {MIN_BUCKET_MINUTES:g} to {MAX_BUCKET_MINUTES:g} minute buckets: resample the"
            " series, or pass --bucket MINUTES if the median is misleading"
        )
    return minutes


def _check_bucket(bucket_minutes: float) -> float:
    if not MIN_BUCKET_MINUTES <= bucket_minutes <= MAX_BUCKET_MINUTES:
        raise ReplayError(
            f"--bucket must be {MIN_BUCKET_MINUTES:g} to {MAX_BUCKET_MINUTES:g} minutes,"
            f" got {bucket_minutes:g}"
        )
    return bucket_minutes


def score_rows(
    path: Path,
    rows: list[Row],
    kind: ValueKind,
    bucket_minutes: float,
    sensitivity: Sensitivity = "normal",
    generic: GenericConfig | None = None,
) -> tuple[list[Verdict], int]:
    """One verdict per input row, and how many rows were out of order (or summed)."""
    if kind == "any":
        out_of_order = sum(1 for a, b in itertools.pairwise(rows) if b.ts <= a.ts)
        cfg = replace(generic or GenericConfig(), bucket_minutes=bucket_minutes)
        return run_generic(((row.ts, row.value) for row in rows), cfg), out_of_order
    return _score_counts(path, rows, bucket_minutes, sensitivity)


def _score_counts(
    path: Path, rows: list[Row], bucket_minutes: float, sensitivity: Sensitivity
) -> tuple[list[Verdict], int]:
    totals: dict[datetime, float] = {}
    previous: Row | None = None
    for row in rows:
        if row.value < 0:
            raise ReplayError(
                f"{path}:{row.line}: a count must be >= 0, got {row.value:g}"
                " (use --values any for series that can go negative)"
            )
        if previous is not None and row.ts < previous.ts:
            raise ReplayError(
                f"{path}:{row.line}: timestamp {row.text} is before the previous row's"
                f" ({previous.text}); sort the file by time"
            )
        totals[row.ts] = totals.get(row.ts, 0.0) + row.value
        previous = row
    bucket = timedelta(minutes=bucket_minutes)
    config = DetectorConfig.for_sensitivity(sensitivity)
    # Whole minutes keep the per-day arithmetic of the production detector exact.
    config = replace(config, bucket_minutes=max(1, round(bucket_minutes)))
    detector = Detector(config)
    judged: dict[datetime, Verdict] = {}
    times = sorted(totals)
    ts = times[0]
    for moment in times:
        # Missing buckets of a count series are buckets with no posts.
        while ts + bucket <= moment:
            detector.update(_utc(ts), 0.0)
            ts += bucket
        judged[moment] = detector.update(_utc(moment), totals[moment])
        ts = moment + bucket
    summed = len(rows) - len(totals)
    seen: set[datetime] = set()
    verdicts: list[Verdict] = []
    for row in rows:
        verdict = judged[row.ts]
        if row.ts in seen:  # the sum was already reported on the first row of this time
            verdict = replace(verdict, alert=False)
        seen.add(row.ts)
        verdicts.append(verdict)
    return verdicts, summed


def _utc(ts: datetime) -> datetime:
    return ts.astimezone(UTC) if ts.tzinfo is not None else ts


def detect_file(
    input_path: Path | str,
    output_path: Path | str,
    sensitivity: Sensitivity = "normal",
    *,
    kind: ValueKind = "any",
    bucket_minutes: float | None = None,
    generic: GenericConfig | None = None,
) -> ReplaySummary:
    """Write `timestamp,value,anomaly_score,alert` for every input row, fresh state per file.

    `generic` replaces the shipped generic configuration (benchmark protocol only).
    """
    path = Path(input_path)
    rows = read_series(path)
    minutes = (
        _check_bucket(bucket_minutes)
        if bucket_minutes is not None
        else infer_bucket_minutes(path, rows)
    )
    verdicts, out_of_order = score_rows(path, rows, kind, minutes, sensitivity, generic)
    with Path(output_path).open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for row, verdict in zip(rows, verdicts, strict=True):
            writer.writerow(
                [row.text, f"{row.value:g}", f"{verdict.anomaly_score:.6f}", int(verdict.alert)]
            )
    alert_rows = [row for row, verdict in zip(rows, verdicts, strict=True) if verdict.alert]
    return ReplaySummary(
        len(rows),
        len(alert_rows),
        alert_rows[0].ts if alert_rows else None,
        minutes,
        out_of_order,
    )
