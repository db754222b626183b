"""Replay a `timestamp,value` CSV through the production detector (the one module here with I/O)."""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commands.csv_safe import SafeWriter
from jobs.spikes.config import DetectorConfig, Sensitivity
from jobs.spikes.detector import Detector
from jobs.spikes.verdict import Verdict

OUTPUT_COLUMNS = ("timestamp", "value", "anomaly_score", "alert")


class ReplayError(Exception):
    """The input series cannot be replayed; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    rows: int
    alerts: int
    first_alert: datetime | None


def run_series(
    points: Iterable[tuple[datetime, float]], config: DetectorConfig | None = None
) -> list[Verdict]:
    """Fresh detector over a whole series, as the alert job would have seen it bucket by bucket."""
    detector = Detector(config or DetectorConfig())
    return [detector.update(ts, value) for ts, value in points]


def read_series(path: Path) -> list[tuple[str, datetime, float]]:
    """Rows of a NAB-style CSV as (original timestamp text, parsed time, value)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"timestamp", "value"} - set(reader.fieldnames or ())
            if missing:
                raise ReplayError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            return [_parse_row(path, line, row) for line, row in enumerate(reader, start=2)]
    except OSError as error:
        raise ReplayError(f"{path}: cannot read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise ReplayError(f"{path}: not a UTF-8 text file") from error


def _parse_row(path: Path, line: int, row: dict[str, str]) -> tuple[str, datetime, float]:
    text = (row.get("timestamp") or "").strip()
    try:
        ts = datetime.fromisoformat(text)
        value = float(row.get("value") or "")
    except ValueError as error:
        raise ReplayError(f"{path}:{line}: bad row ({error})") from error
    if not math.isfinite(value) or value < 0:
        raise ReplayError(f"{path}:{line}: value must be a count >= 0, got {row['value']!r}")
    return text, ts, value


def detect_file(
    input_path: Path | str,
    output_path: Path | str,
    sensitivity: Sensitivity = "normal",
    config: DetectorConfig | None = None,
) -> ReplaySummary:
    """Write `timestamp,value,anomaly_score,alert` for every input row, fresh state per file.

    `config` replaces the preset (benchmark sweeps only; the CLI always uses the preset).
    """
    rows = read_series(Path(input_path))
    for (_, earlier, _), (text, later, _) in itertools.pairwise(rows):
        if later <= earlier:
            raise ReplayError(f"{input_path}: timestamps must increase ({text} after {earlier})")
    verdicts = run_series(
        ((ts, value) for _, ts, value in rows),
        config or DetectorConfig.for_sensitivity(sensitivity),
    )
    with Path(output_path).open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for (text, _, _), verdict in zip(rows, verdicts, strict=True):
            writer.writerow(
                [text, f"{verdict.value:g}", f"{verdict.anomaly_score:.6f}", int(verdict.alert)]
            )
    alert_times = [verdict.ts for verdict in verdicts if verdict.alert]
    return ReplaySummary(len(rows), len(alert_times), alert_times[0] if alert_times else None)
