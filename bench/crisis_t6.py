"""CrisisLex T6: how soon after a crisis' onset does a topic on it alert? (the alert path, counts)

Usage: .venv/bin/python bench/crisis_t6.py

Each T6 collection holds ~10,000 tweets labelled on-topic / off-topic; half
come from a geographic sample, so the off-topic tweets are the workspace's
ordinary traffic and the on-topic ones are what a topic on the crisis matches.
Tweet times come from the ids (Twitter snowflake: ms since epoch =
(id >> 22) + 1288834974657).

Replayed as the alert job does for a topic: its 5-minute on-topic counts from
the workspace's first post on (check_topic starts a new topic's detectors
there), through the shipped volume detector and the slow-build detector.

Onset, fixed before any result was looked at (the rule bench/crisis_replay.py
uses): the first 5-minute bucket with on-topic posts in the first hour whose
on-topic volume reaches a quarter of the busiest hour's. A collection counts as
caught when its first alert (either kind) fires no later than 15 minutes after
the onset.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.spikes import Detector, DetectorConfig  # noqa: E402
from jobs.spikes.slow import SlowBuildDetector  # noqa: E402

T6 = ROOT / ".." / "shared" / "data" / "crisislex" / "T6"
BUCKET = timedelta(minutes=5)
EPOCH_MS = 1288834974657
WITHIN = timedelta(minutes=15)


def tweet_time(tweet_id: str) -> datetime:
    millis = (int(tweet_id.strip().strip("'")) >> 22) + EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def read_collection(path: Path) -> tuple[Counter[datetime], datetime, datetime]:
    """On-topic posts per 5-minute bucket, and the first and last post of any label."""
    on_topic: Counter[datetime] = Counter()
    times = []
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            at = tweet_time(row["tweet id"])
            times.append(at)
            if row["label"].strip() == "on-topic":
                on_topic[floor(at)] += 1
    return on_topic, floor(min(times)), floor(max(times))


def onset(on_topic: Counter[datetime]) -> datetime:
    hours: Counter[datetime] = Counter()
    for ts, count in on_topic.items():
        hours[ts.replace(minute=0)] += count
    peak = max(hours.values())
    hour = min(h for h, total in hours.items() if total * 4 >= peak)
    return min(ts for ts in on_topic if ts >= hour)


def replay(path: Path) -> tuple[datetime, datetime, datetime | None, str]:
    on_topic, first, last = read_collection(path)
    start = onset(on_topic)
    volume, slow = Detector(DetectorConfig()), SlowBuildDetector()
    first_alert: tuple[datetime, str] | None = None
    ts = first
    while ts <= last and first_alert is None:
        posts = float(on_topic.get(ts, 0))
        verdict = volume.update(ts, posts)
        if verdict.alert:
            first_alert = (ts, f"volume: {verdict.reason}")
        built = slow.update(ts, posts)
        if first_alert is None and built is not None and built.alert:
            first_alert = (ts, f"slow build: {built.reason}")
        ts += BUCKET
    if first_alert is None:
        return first, start, None, ""
    return first, start, first_alert[0], first_alert[1]


def main() -> int:
    if not T6.is_dir():
        print(f"CrisisLex T6 not found at {T6}", file=sys.stderr)
        return 2
    caught = 0
    files = sorted(T6.glob("*/*-ontopic_offtopic.csv"))
    for path in files:
        first, start, alert, reason = replay(path)
        history = (start - first).total_seconds() / 3600
        line = f"{path.parent.name:24s} onset {start:%Y-%m-%d %H:%M} ({history:.0f} h of history)"
        if alert is None:
            print(f"{line}  no alert")
            continue
        delay = (alert - start).total_seconds() / 60
        caught += alert - start <= WITHIN
        print(f"{line}  first alert {delay:+.0f} min\n    {reason}")
    print(f"\nt6_caught_within_15_min={caught} of {len(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
