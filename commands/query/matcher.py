"""Matcher: every topic's query compiled into one inverted index, matched once per post."""

from __future__ import annotations

from collections.abc import Iterable

from commands.query.evaluate import Predicate
from commands.query.parsed import Query, parse
from commands.query.post import AnalyzedPost, Document, analyze
from commands.query.triggers import PREFIX_MARK, trigger

# Wildcards need 3 characters, so 3 (plus a '#'/'@' marker) always fits inside one.
_HEAD = 3
_MAX_EXPANSIONS = 200_000


class Matcher:
    """Finds the topics whose queries match a post.

    Each query is filed under its trigger keys; a post probes only its own keys, so the
    work per post grows with the post's length and the topics it nearly matches, not with
    the number of topics. Exactly-triggered topics match on the probe alone; the rest are
    evaluated, as are the few queries with no trigger at all (such as `NOT (NOT a)`).
    Wildcard keys are found through their first 3 characters, then checked in full.
    """

    def __init__(self, queries: dict[int, Query]) -> None:
        self.queries = dict(queries)
        self._tests: dict[int, Predicate] = {}
        self._prefixes: dict[str, set[str]] = {}
        self._expansions: dict[str, tuple[str, ...]] = {}
        self._always: list[int] = []
        filed: dict[str, tuple[list[int], list[int]]] = {}
        for topic_id, query in self.queries.items():
            self._file(topic_id, query, filed)
        # key -> (topics that match whenever the key is present, topics to evaluate then).
        # Tuples (the empty one is shared) keep it compact: with 10,000 topics, memory
        # traffic is most of the cost of a lookup.
        self._index = {key: (tuple(exact), tuple(check)) for key, (exact, check) in filed.items()}

    def _file(
        self, topic_id: int, query: Query, filed: dict[str, tuple[list[int], list[int]]]
    ) -> None:
        self._tests[topic_id] = query.test
        found = trigger(query.root)
        if found is None:
            self._always.append(topic_id)
            return
        for key in found.keys:
            exact, check = filed.setdefault(key, ([], []))
            (exact if found.exact else check).append(topic_id)
            if key[0] == PREFIX_MARK:
                prefix = key[1:]
                head = prefix[: _HEAD + (prefix[0] in "#@")]
                self._prefixes.setdefault(head, set()).add(prefix)

    def __len__(self) -> int:
        return len(self.queries)

    def match(self, doc: Document | AnalyzedPost) -> list[int]:
        """Sorted ids of the topics whose query matches the post."""
        post = doc if isinstance(doc, AnalyzedPost) else analyze(doc)
        # map/filter run in C over the post's few keys, whatever the topic count.
        probe = self._index.get
        found = list(filter(None, map(probe, post.words)))
        found.extend(filter(None, map(probe, post.field_keys)))
        if self._prefixes:
            found.extend(map(self._index.__getitem__, self._prefix_keys(post)))
        if not found and not self._always:
            return []
        matched: set[int] = set()
        to_check: set[int] = set(self._always)
        for exact, check in found:
            if exact:
                matched.update(exact)
            if check:
                to_check.update(check)
        if to_check:
            tests = self._tests
            matched.update(topic_id for topic_id in to_check - matched if tests[topic_id](post))
        return sorted(matched)

    def _prefix_keys(self, post: AnalyzedPost) -> list[str]:
        found: list[str] = []
        expansions = self._expansions
        for token in post.words:
            keys = expansions.get(token)
            if keys is None:
                keys = self._expand(token)
            if keys:
                found.extend(keys)
        return found

    def _expand(self, token: str) -> tuple[str, ...]:
        """The wildcard keys a token satisfies, remembered: a vocabulary repeats a lot."""
        if len(self._expansions) >= _MAX_EXPANSIONS:
            self._expansions.clear()
        head = token[: _HEAD + (token[0] in "#@")]
        keys = tuple(
            PREFIX_MARK + prefix
            for prefix in self._prefixes.get(head, ())
            if token.startswith(prefix)
        )
        self._expansions[token] = keys
        return keys


def compile_matcher(topics: Iterable[tuple[int, str | Query]]) -> Matcher:
    """One Matcher for (topic id, query) pairs; raises QueryError for a bad query text."""
    queries: dict[int, Query] = {}
    for topic_id, query in topics:
        if topic_id in queries:
            raise ValueError(f"topic id {topic_id} appears twice")
        queries[topic_id] = query if isinstance(query, Query) else parse(query)
    return Matcher(queries)
