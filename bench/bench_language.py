"""Language identification on CrisisLex T26: what it finds per event, and its cost per post.

Usage: nice -n 10 python bench/bench_language.py

T26 files carry no language column, so this is what ingest does for them: detect from
the text (jobs.language). The per-event breakdown shows the Spanish, Italian, Portuguese,
French and Tagalog crises come out as such instead of being scored as English.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from triage_data import T26_EVENTS, t26_posts

from jobs.language import detect_language


def main() -> int:
    posts = t26_posts()
    detect_language("warming up: the model loads once per process")
    start = time.perf_counter()
    langs = [detect_language(post.text) for post in posts]
    elapsed = time.perf_counter() - start
    print(
        f"{len(posts)} posts: {elapsed / len(posts) * 1e6:.0f} µs per post "
        f"({len(posts) / elapsed:.0f} posts/s, one process)"
    )
    overall = Counter(langs)
    print("overall: " + ", ".join(f"{lang} {n}" for lang, n in overall.most_common(8)))
    for event in T26_EVENTS:
        found = Counter(
            lang for lang, post in zip(langs, posts, strict=True) if post.event == event
        )
        print(f"  {event:<34} " + ", ".join(f"{lang} {n}" for lang, n in found.most_common(4)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
