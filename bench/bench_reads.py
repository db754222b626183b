"""/sentiment and /reach over 30 days as stored posts grow: 10 thousand to 10 million.

Usage: .venv/bin/python bench/bench_reads.py [--sizes 10000,1000000,10000000] [--repeat 5]

Each size gets its own SQLite database, filled with SQL (a recursive CTE), not the
pipeline: posts over 90 days, one topic match per post across 20 topics, and the rollups
(`topic_hours`, `topic_author_days`) aggregated from them, so every table has the rows
it would have after ingesting that many posts. Then the production `sentiment.build`
and `reach.build` run for one topic over the last 30 days (best of --repeat), the
"top posts" query is explained, and a chart is rendered with matplotlib warm.
"""

# ruff: noqa: S608  (the SQL is built from this file's own constants, never from input)
from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from commands import reach, sentiment
from commands.charts import warm_up
from commands.context import Ctx
from commands.period import parse_period
from commands.target import resolve
from storage.engine import make_engine
from storage.migrations import upgrade

TEAM = "bench"
TOPICS = 20
DAYS = 90
AUTHORS = 200_000
NOW = datetime(2026, 11, 1, tzinfo=UTC)
_STAMP = "strftime('%Y-%m-%d %H:%M:%S', {moment}) || '.000000'"  # SQLAlchemy's SQLite format


# What ingest keeps per (topic, hour, kind) after the hourly trim: the best five.
_TOP_POSTS = (
    "INSERT INTO topic_top_posts (topic_id, hour, kind, post_id, team_id, score)"
    " SELECT topic_id, hour, '{kind}', post_id, team_id, score FROM ("
    " SELECT m.topic_id, substr(p.created_at, 1, 13) || ':00:00.000000' AS hour,"
    " p.id AS post_id, p.team_id, {score} AS score, ROW_NUMBER() OVER ("
    " PARTITION BY m.topic_id, substr(p.created_at, 1, 13) ORDER BY {score} DESC, p.id DESC) AS r"
    " FROM topic_matches m JOIN posts p ON p.id = m.post_id"
    " WHERE p.is_repost = 0 AND {keep}) WHERE r <= 5"
)


def fill(engine: Engine, posts: int) -> None:
    start = (NOW - timedelta(days=DAYS)).strftime("%Y-%m-%d %H:%M:%S")
    created = _STAMP.format(
        moment=f"'{start}', '+' || (i * {DAYS * 86400} / {posts}) || ' seconds'"
    )
    statements = [
        "INSERT INTO sources (team_id, name, kind, settings, interval_seconds, enabled, status,"
        " consecutive_failures, posts_total, created_at) VALUES"
        f" ('{TEAM}', 'bench', 'import', '{{}}', 300, 0, 'ok', 0, {posts}, '{start}.000000')",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        f"{TOPICS}) INSERT INTO topics (team_id, name, query, kind, sensitivity, created_at)"
        f" SELECT '{TEAM}', 'topic' || i, 'word' || i, 'topic', 'normal', '{start}.000000' FROM n",
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {posts})"
        " INSERT INTO posts (team_id, source_id, external_id, author, author_followers, text,"
        " lang, links, created_at, ingested_at, likes, reposts, replies, is_repost, compound,"
        f" pos, neu, neg) SELECT '{TEAM}', 1, 'p' || i, 'user' || (i * 7919 % {AUTHORS}),"
        f" 10 + i % 5000, 'post number ' || i || ' about word' || (i % {TOPICS} + 1), 'en',"
        f" '[]', {created}, {created}, i % 17, i % 5, i % 3, i % 4 = 0,"
        " ((i * 37) % 200 - 100) / 100.0, 0.2, 0.6, 0.2 FROM n",
        "INSERT INTO topic_matches (topic_id, post_id, team_id, created_at)"
        f" SELECT id % {TOPICS} + 1, id, team_id, created_at FROM posts",
        "INSERT INTO topic_author_days (topic_id, day, author, team_id, followers, posts)"
        " SELECT m.topic_id, substr(p.created_at, 1, 10) || ' 00:00:00.000000', p.author,"
        " p.team_id, max(p.author_followers), count(*) FROM topic_matches m"
        " JOIN posts p ON p.id = m.post_id GROUP BY 1, 2, 3",
        "INSERT INTO topic_hours (topic_id, hour, team_id, posts, reposts, new_authors, scored,"
        " compound_sum, positive, neutral, negative, follower_sum, engagement_sum)"
        " SELECT m.topic_id, substr(p.created_at, 1, 13) || ':00:00.000000', p.team_id,"
        " count(*), sum(p.is_repost), 0, count(p.compound), sum(p.compound),"
        " sum(p.compound >= 0.05), sum(abs(p.compound) < 0.05), sum(p.compound <= -0.05),"
        " 0, sum(p.likes + p.reposts + p.replies) FROM topic_matches m"
        " JOIN posts p ON p.id = m.post_id GROUP BY 1, 2",
        *(
            _TOP_POSTS.format(kind=kind, score=score, keep=where)
            for kind, score, where in (
                ("engagement", "p.likes + p.reposts + p.replies", "1"),
                ("negative", "-p.compound", "p.compound <= -0.05"),
                ("positive", "p.compound", "p.compound >= 0.05"),
            )
        ),
        "ANALYZE",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def best_of(repeat: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def top_posts_plan(engine: Engine) -> str:
    """How SQLite runs the 'most negative posts' query behind /sentiment."""
    query = (
        "EXPLAIN QUERY PLAN SELECT posts.* FROM posts"
        " JOIN topic_top_posts t ON t.post_id = posts.id"
        " WHERE t.team_id = :t AND t.topic_id = 1 AND t.kind = 'negative'"
        " AND t.hour >= :s AND t.hour < :e AND posts.created_at >= :s AND posts.created_at < :e"
        " ORDER BY t.score DESC, posts.id DESC LIMIT 15"
    )
    with engine.connect() as conn:
        rows = conn.execute(text(query), {"t": TEAM, "s": "2026-10-02", "e": "2026-11-01"})
        return "; ".join(row[-1] for row in rows)


def measure(folder: Path, posts: int, repeat: int) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder / f'reads{posts}.db'}")
    upgrade(engine)
    started = time.perf_counter()
    fill(engine, posts)
    filled = time.perf_counter() - started
    ctx = Ctx(engine=engine, team_id=TEAM, now=NOW)
    target = resolve(ctx, "topic1")
    period = parse_period("30d", NOW)
    report = sentiment.build(ctx, target, period)
    figures: dict[str, float] = {
        "fill": filled,
        "matched": report.figures.posts,
        "sentiment": best_of(repeat, lambda: sentiment.build(ctx, target, period)),
        "reach": best_of(repeat, lambda: reach.build(ctx, target, period)),
        "render": best_of(repeat, lambda: sentiment.render(report)),
    }
    print(f"    plan of top posts at {posts:,}: {top_posts_plan(engine)}")
    engine.dispose()
    return figures


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--sizes", default="10000,1000000,10000000")
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    warm_up()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            results[size] = measure(Path(folder), size, args.repeat)
            r = results[size]
            print(
                f"  {size:>11,} posts (filled in {r['fill']:.0f} s; {r['matched']:,.0f} matched by"
                f" the topic in 30 days): sentiment.build {r['sentiment'] * 1000:.0f} ms, "
                f"reach.build {r['reach'] * 1000:.0f} ms, sentiment.render with chart "
                f"{r['render'] * 1000:.0f} ms"
            )
    low, high = results[sizes[0]], results[sizes[-1]]
    for name in ("sentiment", "reach", "render"):
        print(f"  {name}: {sizes[-1]:,} vs {sizes[0]:,} posts: {high[name] / low[name]:.2f}x")


if __name__ == "__main__":
    main()
