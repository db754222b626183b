"""Negative-share alerts on CrisisLex T6: labelled negative episodes caught, false alerts per week.

Usage: .venv/bin/python bench/negative_share.py

Each T6 collection holds ~10,000 tweets labelled on-topic / off-topic (times
from the tweet ids). The on-topic tweets are a crisis topic's posts, the
off-topic ones the workspace's ordinary chatter. Every text is scored with the
product's VADER scorer; 5-minute buckets of (negative, scored) go through the
shipped negative-share detector (normal preset), fresh state per stream.

Labels, fixed before any result was looked at: a *negative hour* of the
on-topic stream is a clock hour with at least 20 scored posts whose negative
share is at least 15 points above the median share of such hours in that
stream; consecutive negative hours form an *episode*. An episode is caught when
a new alert opens during it or in the hour before it. Every other alert on the
on-topic stream, and every alert on the off-topic stream, is a false alert;
they are reported per week of data replayed.
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.sentiment.scorer import Scorer  # noqa: E402
from jobs.sentiment.scores import label  # noqa: E402
from jobs.spikes import NegativeShareDetector, ShareConfig  # noqa: E402

T6 = ROOT / ".." / "shared" / "data" / "crisislex" / "T6"
BUCKET, HOUR, WEEK = timedelta(minutes=5), timedelta(hours=1), timedelta(days=7)
EPOCH_MS = 1288834974657
MIN_POSTS, MIN_RISE = 20, 0.15

Stream = dict[datetime, tuple[int, int]]  # bucket -> (negative, scored)


def tweet_time(tweet_id: str) -> datetime:
    millis = (int(tweet_id.strip().strip("'")) >> 22) + EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def floor(moment: datetime, step: timedelta) -> datetime:
    seconds = int(step.total_seconds())
    return datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=UTC)


def read_streams(path: Path, scorer: Scorer) -> tuple[Stream, Stream]:
    streams: dict[bool, Counter[tuple[datetime, bool]]] = {True: Counter(), False: Counter()}
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            scores = scorer.score(row["tweet"])
            if scores is None:
                continue
            bucket = floor(tweet_time(row["tweet id"]), BUCKET)
            on_topic = row["label"].strip() == "on-topic"
            streams[on_topic][(bucket, label(scores.compound) == "negative")] += 1
    out = []
    for on_topic in (True, False):
        stream: Stream = {}
        for (bucket, negative), count in streams[on_topic].items():
            neg, total = stream.get(bucket, (0, 0))
            stream[bucket] = (neg + count * negative, total + count)
        out.append(stream)
    return out[0], out[1]


def episodes(stream: Stream) -> list[tuple[datetime, datetime]]:
    hours: dict[datetime, list[int]] = {}
    for bucket, (negative, total) in stream.items():
        counts = hours.setdefault(floor(bucket, HOUR), [0, 0])
        counts[0] += negative
        counts[1] += total
    busy = {h: neg / total for h, (neg, total) in hours.items() if total >= MIN_POSTS}
    if not busy:
        return []
    usual = statistics.median(busy.values())
    negative_hours = sorted(h for h, share in busy.items() if share >= usual + MIN_RISE)
    runs: list[tuple[datetime, datetime]] = []
    for hour in negative_hours:
        if runs and runs[-1][1] == hour:
            runs[-1] = (runs[-1][0], hour + HOUR)
        else:
            runs.append((hour, hour + HOUR))
    return runs


def alerts(stream: Stream) -> tuple[list[datetime], timedelta]:
    detector = NegativeShareDetector(ShareConfig.for_sensitivity("normal"))
    first, last = min(stream), max(stream)
    opened, ts = [], first
    while ts <= last:
        negative, total = stream.get(ts, (0, 0))
        if detector.update(ts, negative, total).alert:
            opened.append(ts)
        ts += BUCKET
    return opened, last + BUCKET - first


def main() -> int:
    if not T6.is_dir():
        print(f"CrisisLex T6 not found at {T6}", file=sys.stderr)
        return 2
    scorer = Scorer()
    caught = total_episodes = false_alerts = 0
    span = timedelta()
    for path in sorted(T6.glob("*/*-ontopic_offtopic.csv")):
        on_topic, off_topic = read_streams(path, scorer)
        runs = episodes(on_topic)
        on_alerts, on_span = alerts(on_topic)
        off_alerts, off_span = alerts(off_topic)
        hit = [any(start - HOUR <= at < end for at in on_alerts) for start, end in runs]
        stray = [at for at in on_alerts if not any(s - HOUR <= at < e for s, e in runs)]
        caught += sum(hit)
        total_episodes += len(runs)
        false_alerts += len(stray) + len(off_alerts)
        span += on_span + off_span
        print(
            f"{path.parent.name:24s} episodes caught {sum(hit)}/{len(runs)};"
            f" false alerts {len(stray)} on-topic + {len(off_alerts)} off-topic"
            f" over {(on_span + off_span).total_seconds() / 86400:.1f} days of streams"
        )
    per_week = false_alerts / (span / WEEK) if span else 0.0
    print(f"\nnegative_episodes_caught={caught} of {total_episodes}")
    print(f"false_alerts_per_week={per_week:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
