"""Benchmark inputs: real CrisisLex tweets, posts made from them with fresh IDs, topic queries."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commands.query import words

ROOT = Path(__file__).resolve().parents[1]
CRISISLEX = ROOT / ".." / "shared" / "data" / "crisislex"
START = datetime(2026, 8, 1, tzinfo=UTC)


def crisislex_texts() -> list[str]:
    """Every tweet text of the T6 and T26 labelled files, in file order (repeats included)."""
    files = sorted(CRISISLEX.glob("T6/*/*-ontopic_offtopic.csv"))
    files += sorted(CRISISLEX.glob("T26/*/*-tweets_labeled.csv"))
    texts: list[str] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            texts += [row[1] for row in rows if len(row) > 1 and row[1].strip()]
    if not texts:
        raise SystemExit(f"CrisisLex tweets not found under {CRISISLEX.resolve()}")
    return texts


def post_texts(texts: list[str], total: int) -> list[str]:
    """`total` texts: the corpus shuffled, then repeated (later copies are new posts)."""
    order = texts[:]
    random.Random(11).shuffle(order)
    return [order[i % len(order)] for i in range(total)]


def iter_post_records(
    texts: list[str], days: int = 30, start: datetime = START
) -> Iterator[dict[str, object]]:
    """JSONL import records: fresh IDs, times spread over `days`, authors with a long tail."""
    rng = random.Random(5)
    authors = max(10, len(texts) // 8)
    span = days * 86_400
    for index, text in enumerate(texts):
        # A Zipf-like author draw: a few accounts post a lot, most post once or twice.
        author = min(int(authors * rng.random() ** 3), authors - 1)
        yield {
            "id": f"b{index}",
            "source": "bench",
            "text": text,
            "created_at": (start + timedelta(seconds=index * span // len(texts))).isoformat(),
            "author": f"user{author}",
            "author_followers": 10 + (author * 7919) % 50_000,
            "likes": rng.randrange(0, 20),
            "reposts": rng.randrange(0, 5),
            "replies": rng.randrange(0, 3),
            "lang": "en",
        }


def write_jsonl(path: Path, texts: list[str], days: int = 30, start: datetime = START) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in iter_post_records(texts, days, start):
            handle.write(json.dumps(record) + "\n")
    return path


def topic_queries(texts: list[str], count: int) -> list[str]:
    """`count` distinct queries a comms team might write, from the corpus vocabulary.

    Mid-frequency words (the 300 most common are left out) as single keywords, ORs with
    a hashtag, ANDs, phrases, wildcards and exclusions, as real topic lists mix them.
    """
    counts = Counter(token for text in texts[:60_000] for token in set(words(text)))
    common = {word for word, _ in counts.most_common(300)}
    pool = [w for w, n in counts.items() if n >= 3 and w not in common and len(w) >= 4]
    plain = sorted(w for w in pool if w.isalpha())
    tags = sorted(w for w in pool if w.startswith("#") and w[1:].isalnum()) or ["#news"]
    rng = random.Random(1)
    queries: set[str] = set()
    while len(queries) < count:
        a, b, c = rng.sample(plain, 3)
        shape = rng.random()
        if shape < 0.45:
            query = a
        elif shape < 0.65:
            query = f"{a} OR {b} OR {rng.choice(tags)}"
        elif shape < 0.75:
            query = f"{a} {b}"
        elif shape < 0.85:
            query = f'"{a} {b}"'
        elif shape < 0.93:
            query = f"{a[: max(4, len(a) - 2)]}*"
        else:
            query = f"({a} OR {b}) -{c}"
        queries.add(query)
    return sorted(queries)
