"""Sentiment throughput: raw VADER vs Scorer (normalize + cache) vs ParallelScorer, same run.

Usage: .venv/bin/python bench/bench_sentiment.py [--total 100000] [--duplicates 0.3]

Texts are CrisisLex T6/T26 tweets (the VADER ground-truth tweets if CrisisLex is absent),
made into `--total` texts of which `--duplicates` are exact repeats, in a fixed shuffle.
When the corpus has too few distinct texts, distinct variants get a numbered hashtag.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Callable
from pathlib import Path

from jobs.sentiment import ParallelScorer, Scorer, normalize
from jobs.sentiment.vader import new_analyzer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"


def corpus() -> tuple[str, list[str]]:
    crisis = sorted((DATA / "crisislex").glob("T*/*/*-ontopic_offtopic.csv"))
    crisis += sorted((DATA / "crisislex").glob("T26/*/*-tweets_labeled.csv"))
    texts: list[str] = []
    for path in crisis:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            next(rows)
            texts += [row[1] for row in rows if len(row) > 1]
    if texts:
        return "CrisisLex T6+T26", texts
    truth = DATA / "vader-groundtruth" / "tweets_GroundTruth.txt"
    lines = truth.read_text(encoding="utf-8-sig").split("\r\n")
    return "VADER ground-truth tweets", [line.split("\t")[2] for line in lines]


def workload(texts: list[str], total: int, duplicate_share: float) -> list[str]:
    rng = random.Random(20240501)
    originals = list(dict.fromkeys(texts))
    rng.shuffle(originals)
    pool = list(originals)
    distinct = round(total * (1 - duplicate_share))
    while len(pool) < distinct:
        pool.append(f"{originals[len(pool) % len(originals)]} #v{len(pool)}")
    unique = pool[:distinct]
    batch = unique + [rng.choice(unique) for _ in range(total - distinct)]
    rng.shuffle(batch)
    return batch


def timed(label: str, run: Callable[[], object], count: int, baseline: float | None) -> float:
    start = time.perf_counter()
    run()
    rate = count / (time.perf_counter() - start)
    ratio = f"  x{rate / baseline:.2f} vs baseline" if baseline else "  (baseline)"
    print(f"{label:<42} {rate:>10,.0f} texts/s{ratio}", flush=True)
    return rate


def worst_case() -> None:
    analyzer = new_analyzer()
    hostile = "😂" * 1004
    start = time.perf_counter()
    analyzer.polarity_scores(hostile)
    raw = time.perf_counter() - start
    start = time.perf_counter()
    analyzer.polarity_scores(normalize(hostile))
    capped = time.perf_counter() - start
    print(f"1,004 x 😂: raw {raw * 1000:.0f} ms, normalized and capped {capped * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    name, texts = corpus()
    batch = workload(texts, args.total, args.duplicates)
    items: list[tuple[str, str | None]] = [(text, None) for text in batch]
    print(f"{len(batch):,} texts from {name}, {len(set(batch)):,} distinct")

    analyzer = new_analyzer()
    base = timed(
        "raw polarity_scores",
        lambda: [analyzer.polarity_scores(t) for t in batch],
        len(batch),
        None,
    )
    scorer = Scorer()
    timed("Scorer (normalize + cache)", lambda: scorer.score_many(items), len(batch), base)
    with ParallelScorer(workers=args.workers) as parallel:
        start = time.perf_counter()
        parallel.start()
        print(f"ParallelScorer pool start: {time.perf_counter() - start:.2f} s (not timed below)")
        timed(
            f"ParallelScorer ({args.workers} workers, one batch)",
            lambda: parallel.score_many(items),
            len(batch),
            base,
        )
    worst_case()


if __name__ == "__main__":
    main()
