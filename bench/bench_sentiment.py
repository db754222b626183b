"""Sentiment throughput: raw VADER vs Scorer (normalize + cache) vs ParallelScorer, same run.

Usage: .venv/bin/python bench/bench_sentiment.py [--total 100000] [--duplicates 0.3] [--rounds 3]

Texts are CrisisLex T6/T26 tweets (the VADER ground-truth tweets if CrisisLex is absent),
made into `--total` texts of which `--duplicates` are exact repeats, in a fixed shuffle.
When the corpus has too few distinct texts, distinct variants get a numbered hashtag.
Each figure is the best of `--rounds` runs with fresh caches, so other load on the
machine disturbs the ratios less; the parallel figure excludes worker start-up.
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


def best_rate(run: Callable[[], Callable[[], object]], count: int, rounds: int) -> float:
    """Best of `rounds`: `run()` sets up untimed (fresh caches) and returns the timed call."""
    best = 0.0
    for _ in range(rounds):
        timed_call = run()
        start = time.perf_counter()
        timed_call()
        best = max(best, count / (time.perf_counter() - start))
    return best


def report(label: str, rate: float, baseline: float) -> None:
    print(f"{label:<40} {rate:>9,.0f} texts/s   x{rate / baseline:.2f} vs raw", flush=True)


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
    parser.add_argument("--rounds", type=int, default=3, help="report the best of N runs")
    args = parser.parse_args()
    name, texts = corpus()
    batch = workload(texts, args.total, args.duplicates)
    items: list[tuple[str, str | None]] = [(text, None) for text in batch]
    print(f"{len(batch):,} texts from {name}, {len(set(batch)):,} distinct")

    analyzer = new_analyzer()
    count, rounds = len(batch), args.rounds
    base = best_rate(lambda: lambda: [analyzer.polarity_scores(t) for t in batch], count, rounds)
    report("raw polarity_scores (baseline)", base, base)

    def fresh_scorer() -> Callable[[], object]:
        scorer = Scorer()
        return lambda: scorer.score_many(items)

    report("Scorer (normalize + cache)", best_rate(fresh_scorer, count, rounds), base)
    pools: list[ParallelScorer] = []

    def fresh_parallel() -> Callable[[], object]:
        pools.append(ParallelScorer(workers=args.workers))
        pools[-1].start()  # worker start-up is not part of the per-text rate
        return lambda: pools[-1].score_many(items)

    try:
        rate = best_rate(fresh_parallel, count, rounds)
    finally:
        for pool in pools:
            pool.close()
    report(f"ParallelScorer ({args.workers} workers)", rate, base)
    worst_case()


if __name__ == "__main__":
    main()
