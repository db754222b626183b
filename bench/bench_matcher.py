"""Benchmark: posts/s of one compiled Matcher with 10, 1,000 and 10,000 keyword topics.

Topics are generated from the vocabulary of the CrisisLex T6 tweets (shared data) when
present, else from a built-in word list, in two shapes: distinct keywords, and a mix of
keyword, OR, AND, phrase, wildcard, NOT and NEAR queries. Every run matches the same
texts, tokenizing included, through the inverted index alone (the screen that spares
few-topic matchers the tokenizer is measured apart); times are this process's CPU time,
best of the repeats.
Usage: python bench/bench_matcher.py [--texts 3000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

from commands.query import Document, Matcher, compile_matcher, words

CRISISLEX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "crisislex" / "T6"
_BUILT_IN_LINES = (
    "flood water river evacuation shelter power outage bridge closed road highway police fire",
    "rescue emergency storm rain snow wind tornado hurricane earthquake warning alert update",
    "city council mayor premier minister school hospital transit bus train airport flight",
    "damage insurance relief donate volunteer community downtown neighbourhood park boil",
    "advisory drinking health safety crews repair bylaw permit tax budget election vote",
    "library recycling garbage collection pothole construction detour parking ticket zoo",
)
BUILT_IN = [word for line in _BUILT_IN_LINES for word in line.split()]
SIZES = (10, 1_000, 10_000)


def load_texts() -> list[str]:
    files = sorted(CRISISLEX.glob("*/*-ontopic_offtopic.csv"))
    texts: list[str] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            texts.extend(row[1] for row in rows if len(row) >= 2)
    if texts:
        return texts
    rng = random.Random(7)
    return [" ".join(rng.choices(BUILT_IN, k=rng.randint(6, 20))) for _ in range(20_000)]


def keyword_pool(texts: list[str]) -> tuple[list[str], list[str]]:
    """Words a comms team might monitor: seen a few times, but not the most common ones."""
    counts = Counter(token for text in texts for token in set(words(text)))
    common = {word for word, _ in counts.most_common(300)}
    pool = [w for w, n in counts.items() if n >= 3 and w not in common and len(w) >= 4]
    plain = sorted(w for w in pool if w.isalpha())
    hashtags = sorted(w for w in pool if w.startswith("#") and w[1:].isalnum())
    return plain or BUILT_IN, hashtags or ["#" + w for w in BUILT_IN]


def mixed_topics(count: int, plain: list[str], hashtags: list[str]) -> list[str]:
    """Keywords, ORs with a hashtag, ANDs, phrases, wildcards, exclusions and NEARs."""
    rng = random.Random(1)
    topics: set[str] = set()
    while len(topics) < count:
        a, b, c = rng.sample(plain, 3)
        shape = rng.random()
        if shape < 0.35:
            topic = a
        elif shape < 0.55:
            topic = f"{a} OR {b} OR {rng.choice(hashtags)}"
        elif shape < 0.70:
            topic = f"{a} {b}"
        elif shape < 0.80:
            topic = f'"{a} {b}"'
        elif shape < 0.90:
            topic = f"{a[: max(4, len(a) - 2)]}*"
        elif shape < 0.95:
            topic = f"({a} OR {b}) -{c}"
        else:
            topic = f"{a} NEAR/3 {b}"
        topics.add(topic)
    return sorted(topics)


def keyword_topics(count: int, plain: list[str], hashtags: list[str]) -> list[str]:
    """One distinct keyword or hashtag per topic (pairs joined by OR once those run out)."""
    rng = random.Random(2)
    singles = plain + hashtags
    rng.shuffle(singles)
    topics = singles[:count]
    while len(topics) < count:
        topics.append(" OR ".join(rng.sample(singles, 2)))
    return topics


SHAPES = {"distinct keywords": keyword_topics, "mixed queries": mixed_topics}


def seconds_to_match(matcher: Matcher, docs: list[Document]) -> tuple[float, int]:
    start = time.process_time()
    hits = sum(len(matcher.match(doc)) for doc in docs)
    return time.process_time() - start, hits


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--texts", type=int, default=3000)
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    texts = load_texts()
    plain, hashtags = keyword_pool(texts)
    docs = [Document(text) for text in random.Random(3).sample(texts, args.texts)]
    origin = "CrisisLex T6" if CRISISLEX.is_dir() else "built-in word list"
    print(f"{len(docs)} texts, keywords from {origin} ({len(plain)} words)")
    for shape, make_topics in SHAPES.items():
        # The index alone: no screen, nothing remembered between repeats, so every run
        # tokenizes and matches every text. That is what grows with the topic count.
        matchers = {
            n: compile_matcher(
                enumerate(make_topics(n, plain, hashtags)), remembered_texts=0, screen_words=0
            )
            for n in SIZES
        }
        report(shape, matchers, docs, args.repeat)
        # As deployed with few topics: posts without any of their words skip the tokenizer.
        screened = compile_matcher(
            enumerate(make_topics(SIZES[0], plain, hashtags)), remembered_texts=0
        )
        seconds = min(seconds_to_match(screened, docs)[0] for _ in range(args.repeat))
        print(
            f"  {SIZES[0]} topics, screened before tokenizing: {len(docs) / seconds:,.0f} posts/s"
        )


def report(shape: str, matchers: dict[int, Matcher], docs: list[Document], repeat: int) -> None:
    timings = dict.fromkeys(matchers, float("inf"))
    hits: dict[int, int] = {}
    # Interleaved repeats, best time kept: other load on the machine hits every size alike.
    for _ in range(repeat):
        for count, matcher in matchers.items():
            seconds, hits[count] = seconds_to_match(matcher, docs)
            timings[count] = min(timings[count], seconds)
    print(f"{shape}:")
    for count, seconds in timings.items():
        rate, per_post = len(docs) / seconds, hits[count] / len(docs)
        print(f"  {count:>6} topics: {rate:>9,.0f} posts/s, {per_post:.2f} matches/post")
    ratio = timings[SIZES[-1]] / timings[SIZES[0]]
    print(f"  time ratio {SIZES[-1]:,} vs {SIZES[0]} topics: {ratio:.2f}x")


if __name__ == "__main__":
    main()
