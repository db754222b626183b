"""Benchmark inputs: real CrisisLex tweets, posts made from them with fresh IDs, topic queries."""

from __future__ import annotations

import csv
import json
import random
import zlib
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


def crisislex_posts() -> list[str]:
    """Every CrisisLex tweet once (by tweet id, across all T6 and T26 files), in file order.

    The same tweet appears in several files (T6 and T26 share events); a repost is another
    tweet id, so the natural repetition of real posts stays in.
    """
    files = sorted(CRISISLEX.glob("T6/*/*-ontopic_offtopic.csv"))
    files += sorted(CRISISLEX.glob("T26/*/*-tweets_labeled.csv"))
    by_id: dict[str, str] = {}
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            for row in rows:
                if len(row) > 1 and row[1].strip():
                    by_id.setdefault(row[0].strip().strip("'\""), row[1])
    if not by_id:
        raise SystemExit(f"CrisisLex tweets not found under {CRISISLEX.resolve()}")
    return list(by_id.values())


def grown_texts(texts: list[str], rounds: int) -> list[str]:
    """The posts, then `rounds - 1` more rounds of them with different words swapped in.

    Each extra round replaces two words of every post with words drawn from the corpus
    vocabulary, so it adds distinct texts. The draw depends on the text and the round only:
    copies of one text (reposts) get the same swap and stay copies, so the corpus keeps
    its natural repeat rate as it grows instead of repeating itself.
    """
    vocabulary = sorted({w for text in texts for w in text.split() if w.isalpha() and len(w) > 3})
    grown = list(texts)
    for round_ in range(1, rounds):
        for text in texts:
            rng = random.Random(zlib.crc32(f"{round_}:{text}".encode()))
            tokens = text.split(" ")
            spots = [i for i, token in enumerate(tokens) if token.isalpha() and len(token) > 3]
            for spot in rng.sample(spots, min(2, len(spots))) if spots else []:
                tokens[spot] = rng.choice(vocabulary)
            if not spots:
                tokens.append(rng.choice(vocabulary))
            grown.append(" ".join(tokens))
    return grown


def repeat_rate(texts: list[str]) -> float:
    """Share of posts whose exact text an earlier post already had."""
    return 1 - len(set(texts)) / max(1, len(texts))


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
