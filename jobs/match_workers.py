"""Match a large batch against the team's topics in the scoring workers, beside VADER.

On an import, the main process parses rows and stores batches; everything that is pure
computation on a post (scoring, matching) runs in the worker processes meanwhile, so
both cores are busy. Workers get the team's topics with every chunk (a tuple of
`(id, query)`; a few hundred kilobytes at 10,000 topics, small beside the posts) and
keep the matcher compiled from the last ones they saw, so topics that change during an
import are picked up by the next batch, as in the main process.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from commands.query import Document, Matcher, compile_matcher
from jobs.sources.base import RawPost

TopicQueries = tuple[tuple[int, str], ...]
# What a worker needs of a post to match it; the source's kind and name go once per chunk.
MatchItem = tuple[str, str | None, str | None, tuple[str, ...]]

# One per worker process: the topics it last compiled, and their matcher.
_compiled: list[tuple[TopicQueries, Matcher]] = []


def _matcher(topics: TopicQueries) -> Matcher:
    if not _compiled or _compiled[0][0] != topics:
        # It remembers the texts of the chunks this worker is sent: a repeat goes to any
        # worker, so each sees some of them.
        _compiled[:] = [(topics, compile_matcher(topics))]
    return _compiled[0][1]


def match_chunk(
    topics: TopicQueries, source_kind: str, source_name: str, items: list[MatchItem]
) -> list[list[int]]:
    """Topic ids matched by each post of a chunk (runs in a worker process)."""
    matcher = _matcher(topics)
    return [
        matcher.match(Document(text, lang, source_kind, source_name, author, links))
        for text, lang, author, links in items
    ]


def start_matching(
    pool: Executor,
    topics: TopicQueries,
    source_kind: str,
    source_name: str,
    posts: Sequence[RawPost],
    parts: int,
) -> Callable[[], list[list[int]]]:
    """Send the posts to the workers in `parts` chunks now; the result waits for them."""
    items = [(p.text, p.lang, p.author, p.links) for p in posts]
    size = max(1, math.ceil(len(items) / max(1, parts)))
    futures = [
        pool.submit(match_chunk, topics, source_kind, source_name, items[i : i + size])
        for i in range(0, len(items), size)
    ]
    return lambda: [ids for future in futures for ids in future.result()]
