"""The body of bench_ingest.py (see there): corpus, baseline, imports, report."""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from corpus import START, crisislex_posts, grown_texts, repeat_rate, topic_queries, write_jsonl
from sqlalchemy import Engine, create_engine, text
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from commands.context import Ctx
from commands.query import Document, compile_matcher
from commands.topic_import import import_topics
from jobs.import_file import import_file
from jobs.ingest import Ingestor
from jobs.sentiment import Scorer
from storage.engine import make_engine
from storage.migrations import upgrade

TEAM = "bench"


def vader_seconds(texts: list[str]) -> float:
    analyzer = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for one in texts:
        analyzer.polarity_scores(one)
    return time.perf_counter() - started


def add_topics(engine: Engine, queries: list[str]) -> float:
    """Set the topics up as an agency would, `earshot topic import`; returns the seconds."""
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["name", "query"])
    writer.writerows((f"topic{i}", query) for i, query in enumerate(queries))
    started = time.perf_counter()
    import_topics(Ctx(engine=engine, team_id=TEAM, now=START), lines.getvalue())
    return time.perf_counter() - started


def matching_seconds(ingestor: Ingestor, texts: list[str]) -> float:
    """CPU time to tokenize and match these texts through the index of all the team's topics.

    Without the shortcuts (the few-topic screen, remembered texts), as in bench_matcher:
    this is the part of matching that could grow with the number of topics.
    """
    topics = ingestor.topics(TEAM)
    matcher = compile_matcher(topics, remembered_texts=0, screen_words=0)
    started = time.process_time()
    for one in texts:
        matcher.match(Document(text=one, lang="en", source="import", source_name="bench"))
    return time.process_time() - started


def run_import(
    engine: Engine, path: Path, queries: list[str], texts: list[str]
) -> dict[str, float]:
    topic_seconds = add_topics(engine, queries)
    # VADER alone over exactly these posts, just before the import: on a shared machine
    # the load changes from minute to minute, so each run gets its own baseline.
    started = time.process_time()
    vader = vader_seconds(texts)
    vader_cpu = time.process_time() - started
    ingestor = Ingestor(engine, Scorer())
    started, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    summary = import_file(ingestor, TEAM, path, now=datetime.now(UTC))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "main_cpu": time.process_time() - cpu,
        "worker_cpu": children_cpu() - workers,
        "posts": summary.new_posts,
        "matches": summary.matches,
        "match_cpu": matching_seconds(ingestor, texts[:20_000]),
        "topic_seconds": topic_seconds,
        "vader": vader,
        "vader_cpu": vader_cpu,
        "load": os.getloadavg()[0],
    }


def children_cpu() -> float:
    """CPU seconds of finished child processes (the scoring workers, once shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sqlite_engine(folder: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{folder / name}.db")
    upgrade(engine)
    return engine


def postgres_engine(url: str) -> tuple[Engine, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    return engine, schema


def drop_schema(url: str, schema: str) -> None:
    with create_engine(url).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    options = argparse.ArgumentParser(
        description="Ingest end to end against VADER alone (see bench/bench_ingest.py)."
    )
    options.add_argument("--rounds", type=int, default=1, help="1: the real posts alone")
    options.add_argument("--topics", default="10,1000,10000")
    options.add_argument("--postgres", help="also run against this PostgreSQL URL")
    options.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = options.parse_args()
    corpus = crisislex_posts()
    texts = grown_texts(corpus, args.rounds)
    sizes = [int(n) for n in args.topics.split(",")]
    print(f"{len(texts):,} posts: {len(corpus):,} CrisisLex tweets (each id once)", end="")
    print(f" x {args.rounds} round(s); {len(set(texts)):,} distinct texts, repeat rate", end=" ")
    print(f"{repeat_rate(texts):.1%}; topics: {sizes}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        path = write_jsonl(Path(folder) / "posts.jsonl", texts)
        backends = ([] if args.no_sqlite else ["sqlite"]) + (
            ["postgresql"] if args.postgres else []
        )
        for backend in backends:
            results = {}
            for size in sizes:
                queries = topic_queries(corpus, size)
                if backend == "sqlite":
                    engine = sqlite_engine(Path(folder), f"t{size}")
                    results[size] = run_import(engine, path, queries, texts)
                else:
                    engine, schema = postgres_engine(args.postgres)
                    try:
                        results[size] = run_import(engine, path, queries, texts)
                    finally:
                        engine.dispose()
                        drop_schema(args.postgres, schema)
                engine.dispose()
                if results[size]["posts"] != len(texts):
                    raise SystemExit(f"imported {results[size]['posts']:,} of {len(texts):,} posts")
                report(backend, size, results[size])
            if len(sizes) > 1:
                low, high = results[sizes[0]], results[sizes[-1]]
                print(
                    f"  {backend}: {sizes[-1]:,} vs {sizes[0]:,} topics: matching CPU "
                    f"{high['match_cpu'] / low['match_cpu']:.2f}x (index alone), whole pipeline "
                    f"{high['seconds'] / low['seconds']:.2f}x"
                )


def report(backend: str, size: int, result: dict[str, float]) -> None:
    """Wall-clock figures, and CPU-based ones that hold on a busy machine.

    On two cores the pipeline's wall time cannot beat max(main CPU, total CPU / 2): that
    bound, compared with VADER's own CPU time, is the figure other load does not skew.
    """
    posts = max(result["posts"], 1)
    vader, vader_cpu = result["vader"], result["vader_cpu"]
    main, workers = result["main_cpu"], result["worker_cpu"]
    two_cores = max(main, (main + workers) / 2)
    print(
        f"  {backend} {size:>6,} topics: {posts / result['seconds']:>7,.0f} posts/s "
        f"({result['seconds']:.1f} s, {result['matches'] / posts:.2f} matches/post), "
        f"wall-clock {vader / result['seconds']:.2f}x VADER; CPU main {main:.1f} s + "
        f"workers {workers:.1f} s, CPU bound {vader_cpu / two_cores:.2f}x VADER; "
        f"peak RSS {peak_rss_mib():,.0f} MiB"
    )
    print(
        f"      VADER alone just before: {posts / vader:,.0f} posts/s ({vader:.1f} s, CPU "
        f"{vader_cpu:.1f} s); topic import {result['topic_seconds']:.1f} s; "
        f"load average {result['load']:.1f}"
    )


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
