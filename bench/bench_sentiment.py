"""Sentiment throughput: raw VADER vs Scorer (normalize + cache) vs ParallelScorer, same run.

Usage: .venv/bin/python bench/bench_sentiment.py [--total 100000] [--duplicates 0.3] [--rounds 3]

Texts are CrisisLex T6/T26 tweets (the VADER ground-truth tweets if CrisisLex is absent),
made into `--total` texts of which `--duplicates` are exact repeats, in a fixed shuffle.
When the corpus has too few distinct texts, distinct variants get a numbered hashtag.
Each figure is the best of `--rounds` interleaved runs with fresh caches, so other load
on the machine disturbs the ratios less. Wall-clock texts/s excludes worker start-up;
texts per CPU-second (this process plus the workers) shows the overhead of each variant
even on a busy machine, and for the parallel one includes the workers' start-up.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
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


def cpu_seconds() -> float:
    """CPU time of this process plus its finished children (the pool's workers, once closed)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def report(label: str, wall: float, cpu: float, baseline: tuple[float, float]) -> None:
    print(
        f"{label:<34} {wall:>8,.0f} texts/s  x{wall / baseline[0]:.2f}"
        f"   | {cpu:>8,.0f} texts/CPU-s  x{cpu / baseline[1]:.2f}",
        flush=True,
    )


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
    corpus_name, texts = corpus()
    batch = workload(texts, args.total, args.duplicates)
    items: list[tuple[str, str | None]] = [(text, None) for text in batch]
    print(f"{len(batch):,} texts from {corpus_name}, {len(set(batch)):,} distinct")

    analyzer = new_analyzer()
    pools: list[ParallelScorer] = []

    def raw() -> Callable[[], object]:
        return lambda: [analyzer.polarity_scores(text) for text in batch]

    def scorer() -> Callable[[], object]:
        fresh = Scorer()
        return lambda: fresh.score_many(items)

    def parallel() -> Callable[[], object]:
        pools.append(ParallelScorer(workers=args.workers))
        pools[-1].start()  # worker start-up is not part of the per-text rate
        return lambda: pools[-1].score_many(items)

    variants = {
        "raw polarity_scores (baseline)": raw,
        "Scorer (normalize + cache)": scorer,
        f"ParallelScorer ({args.workers} workers)": parallel,
    }
    best = dict.fromkeys(variants, (0.0, 0.0))
    try:
        # Rounds interleave the variants, so a burst of other load hits all of them alike.
        for round_number in range(1, args.rounds + 1):
            rates = []
            for name, setup in variants.items():
                timed_call = setup()
                cpu_start, wall_start = cpu_seconds(), time.perf_counter()
                timed_call()
                wall = time.perf_counter() - wall_start
                if pools:
                    pools.pop().close()  # workers' CPU time is counted once they exit
                cpu = cpu_seconds() - cpu_start
                rate = (len(batch) / wall, len(batch) / cpu)
                best[name] = (max(best[name][0], rate[0]), max(best[name][1], rate[1]))
                rates.append(f"{rate[0]:,.0f}")
            print(f"round {round_number} texts/s: {' / '.join(rates)}", flush=True)
    finally:
        for pool in pools:
            pool.close()
    baseline = best["raw polarity_scores (baseline)"]
    for name, (wall_rate, cpu_rate) in best.items():
        report(name, wall_rate, cpu_rate, baseline)
    worst_case()


if __name__ == "__main__":
    main()
