"""Matcher: every topic's query compiled into one inverted index, matched once per post."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from commands.query.evaluate import Predicate
from commands.query.parsed import Query, parse
from commands.query.post import AnalyzedPost, Document, analyze, field_keys_of, matched_text
from commands.query.text import written_links
from commands.query.triggers import PREFIX_MARK, trigger

# Wildcards need 3 characters, so 3 (plus a '#'/'@' marker) always fits inside one.
_HEAD = 3
_MAX_EXPANSIONS = 200_000
# Texts whose index hits are remembered, the same window as the sentiment score cache.
REMEMBERED_TEXTS = 100_000
# Up to this many words in all the topics, posts are screened before tokenizing: a
# substring test costs about 0.1 µs, and the tokenizer tens.
SCREEN_WORDS = 64

# An index entry: (topics that match whenever the key is present, topics to evaluate then).
Hit = tuple[tuple[int, ...], tuple[int, ...]]
# What is remembered of a text: its hits from words and wildcards, and the links in it.
Remembered = tuple[tuple[Hit, ...], tuple[str, ...]]
_NOTHING: Remembered = ((), ())  # shared by the many texts with neither


def _digest(text: str) -> bytes:
    # 16 bytes stand for the text: far smaller, and a collision is out of reach.
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Matcher:
    """Finds the topics whose queries match a post.

    Each query is filed under its trigger keys; a post probes only its own keys, so the
    work per post grows with the post's length and the topics it nearly matches, not with
    the number of topics. Exactly-triggered topics match on the probe alone; the rest are
    evaluated, as are the few queries with no trigger at all (such as `NOT (NOT a)`).
    Wildcard keys are found through their first 3 characters, then checked in full.

    Two shortcuts spare most posts the tokenizer, whose cost is most of matching:

    - With few topics (their words, hashtags, mentions and wildcard prefixes number at
      most `screen_words`), a post whose case-folded text contains none of them as a
      substring can only match on its fields. Case folding maps each character on its
      own, so every token of a text is a substring of the folded text: the screen never
      turns away a post that could match.
    - Retweets and syndicated copies repeat a text with another author: the index hits
      of the last `remembered_texts` distinct texts (at least the last half of them) are
      kept, so a repeat whose hits need no evaluation is matched from them and its
      fields alone.

    Either one is off when its number is 0.
    """

    def __init__(
        self,
        queries: dict[int, Query],
        *,
        remembered_texts: int = REMEMBERED_TEXTS,
        screen_words: int = SCREEN_WORDS,
    ) -> None:
        self.queries = dict(queries)
        self.remembered_texts = remembered_texts
        # Keyed by a 16-byte digest of the text, not the text itself, to keep them small
        # (about 100 bytes a text). Two generations: when the recent one holds half the
        # window, it becomes the older one and the previous older one is dropped.
        self._recent: dict[bytes, Remembered] = {}
        self._older: dict[bytes, Remembered] = {}
        self._texts_lock = threading.Lock()
        self._tests: dict[int, Predicate] = {}
        self._prefixes: dict[str, set[str]] = {}
        self._expansions: dict[str, tuple[str, ...]] = {}
        self._always: list[int] = []
        filed: dict[str, tuple[list[int], list[int]]] = {}
        for topic_id, query in self.queries.items():
            self._file(topic_id, query, filed)
        # key -> Hit. Tuples (the empty one is shared) keep it compact: with 10,000 topics,
        # memory traffic is most of the cost of a lookup.
        self._index: dict[str, Hit] = {
            key: (tuple(exact), tuple(check)) for key, (exact, check) in filed.items()
        }
        # Field keys ("lang:en") hold a colon; tokens never do.
        in_text = {key.removeprefix(PREFIX_MARK) for key in self._index if ":" not in key}
        self._screen = tuple(in_text) if screen_words and len(in_text) <= screen_words else None
        self._sites = any(key.startswith("site:") for key in self._index)

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
        if isinstance(doc, AnalyzedPost):
            return self._resolve(doc, self._text_hits(doc))
        screened = self._screened(doc)
        if screened is not None:
            return screened
        if not self.remembered_texts:
            post = analyze(doc)
            return self._resolve(post, self._text_hits(post))
        key = _digest(doc.text)
        known = self._recent.get(key) or self._older.get(key)
        if known is not None:
            text_hits, text_links = known
            found = self._exact_only([*text_hits, *self._field_hits(doc, text_links)])
            if found is not None:
                return found
        post = analyze(doc)
        text_hits = self._text_hits(post)
        if known is None:
            self._remember(
                key, (text_hits, post.text_links) if text_hits or post.text_links else _NOTHING
            )
        return self._resolve(post, text_hits)

    def _screened(self, doc: Document) -> list[int] | None:
        """The post's topics if none of the topics' words is in its text, else None."""
        if self._screen is None or self._always:
            return None
        folded = matched_text(doc.text).casefold()
        if any(map(folded.__contains__, self._screen)):
            return None
        # Without a site: topic, the links written in the text are never looked at.
        links = written_links(matched_text(doc.text)) if self._sites else ()
        return self._exact_only(list(self._field_hits(doc, links)))

    def _field_hits(self, doc: Document, text_links: Sequence[str]) -> Iterator[Hit]:
        keys = field_keys_of(doc, text_links, sites=self._sites)
        return filter(None, map(self._index.get, keys))

    def _exact_only(self, hits: list[Hit]) -> list[int] | None:
        """The topics these hits match when none needs evaluating, else None."""
        if self._always or any(check for _, check in hits):
            return None
        return sorted(set(chain.from_iterable(exact for exact, _ in hits)))

    def _text_hits(self, post: AnalyzedPost) -> tuple[Hit, ...]:
        """Index entries for the post's words and the wildcards they satisfy."""
        # map/filter run in C over the post's few words, whatever the topic count.
        hits = tuple(filter(None, map(self._index.get, post.words)))
        if self._prefixes:
            prefixed = self._prefix_keys(post)
            if prefixed:
                hits += tuple(map(self._index.__getitem__, prefixed))
        return hits

    def _remember(self, key: bytes, remembered: Remembered) -> None:
        with self._texts_lock:
            self._recent[key] = remembered
            if len(self._recent) * 2 >= self.remembered_texts:
                self._older, self._recent = self._recent, {}

    def _resolve(self, post: AnalyzedPost, text_hits: Sequence[Hit]) -> list[int]:
        found = [*text_hits, *filter(None, map(self._index.get, post.field_keys))]
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


def compile_matcher(
    topics: Iterable[tuple[int, str | Query]],
    *,
    remembered_texts: int = REMEMBERED_TEXTS,
    screen_words: int = SCREEN_WORDS,
) -> Matcher:
    """One Matcher for (topic id, query) pairs; raises QueryError for a bad query text."""
    queries: dict[int, Query] = {}
    for topic_id, query in topics:
        if topic_id in queries:
            raise ValueError(f"topic id {topic_id} appears twice")
        queries[topic_id] = query if isinstance(query, Query) else parse(query)
    return Matcher(queries, remembered_texts=remembered_texts, screen_words=screen_words)
