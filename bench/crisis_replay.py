"""Replay CrisisLex T26 timelines through the detector: how soon after onset is the first alert?

Usage: .venv/bin/python bench/crisis_replay.py [EVENT ...]

Each event's tweets are bucketed into 5-minute counts (empty buckets are
zeros) and fed to a fresh detector with the shipped defaults. The event
description only gives a day (`time.start_day`, in two formats, and wrong for
the Brazil fire), so the report also uses a data-driven onset: the first
bucket with posts in the first hour that reaches a quarter of the busiest
hour. Collections start near the event, so some onsets fall inside warm-up.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.spikes import DetectorConfig  # noqa: E402
from jobs.spikes.replay import run_series  # noqa: E402

T26 = ROOT / ".." / "shared" / "data" / "crisislex" / "T26"
BUCKET = timedelta(minutes=5)
DEFAULT_EVENTS = (
    "2012_Costa_Rica_earthquake",
    "2012_Guatemala_earthquake",
    "2012_Italy_earthquakes",
    "2012_Venezuela_refinery",
    "2013_Bohol_earthquake",
    "2013_Spain_train_crash",
    "2013_West_Texas_explosion",
    "2013_Glasgow_helicopter_crash",
    "2013_NY_train_crash",
    "2013_Alberta_floods",
)


def bucket_counts(path: Path) -> list[tuple[datetime, float]]:
    counts: Counter[datetime] = Counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            posted = datetime.strptime(row["Timestamp"], "%a %b %d %H:%M:%S %z %Y")
            counts[posted.replace(second=0, minute=posted.minute - posted.minute % 5)] += 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    steps = (last - first) // BUCKET
    return [(first + i * BUCKET, float(counts[first + i * BUCKET])) for i in range(steps + 1)]


def volume_onset(series: list[tuple[datetime, float]]) -> datetime:
    hours: Counter[datetime] = Counter()
    for ts, value in series:
        hours[ts.replace(minute=0)] += int(value)
    peak = max(hours.values())
    hour = min(h for h, total in hours.items() if total * 4 >= peak)
    return min(ts for ts, value in series if ts >= hour and value > 0)


def start_day(description: dict[str, dict[str, str]]) -> datetime | None:
    text = str(description["time"]["start_day"])
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:+.0f} min"


def replay(event: str, config: DetectorConfig) -> str:
    folder = T26 / event
    series = bucket_counts(folder / f"{event}-tweetids_entire_period.csv")
    if not series:
        return f"{event}: no tweets in the timeline file"
    described = json.loads((folder / f"{event}-event_description.json").read_text())
    day, onset = start_day(described), volume_onset(series)
    verdicts = run_series(series, config)
    alerts = [v for v in verdicts if v.alert]
    history = onset - series[0][0]
    in_warmup = history < config.warmup_buckets * BUCKET
    line = f"{event:32s} start_day={day:%Y-%m-%d} " if day else f"{event:32s} start_day=? "
    line += f"onset={onset:%m-%d %H:%M} (after {history.total_seconds() / 3600:.0f} h of history"
    line += ", inside warm-up)" if in_warmup else ")"
    if not alerts:
        return line + "  no alert"
    first = alerts[0]
    line += f"  first alert {first.ts:%m-%d %H:%M} = onset {minutes(first.ts - onset)}"
    if day:
        line += f", day start {minutes(first.ts - day)}"
    return f"{line}, {len(alerts)} alert(s)\n    {first.reason}"


def main() -> int:
    if not T26.is_dir():
        print(f"CrisisLex T26 not found at {T26}", file=sys.stderr)
        return 2
    config = DetectorConfig()
    for event in sys.argv[1:] or DEFAULT_EVENTS:
        print(replay(event, config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
