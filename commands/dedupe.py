"""Near-identical posts: a repost, a copy-paste or a re-share with another link counts once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from commands.query import words
from storage.reads import PostView

SAME_TEXT = 0.7  # share of words two texts must have in common to be "the same post"
_RETWEET_MARKERS = frozenset({"rt", "via"})


def fingerprint(text: str) -> str:
    """The words of a text, without links, mentions, punctuation, case or a leading
    "RT" / trailing "via": reposts of one text share it."""
    tokens = words(text)
    while tokens and tokens[0] in _RETWEET_MARKERS:
        tokens = tokens[1:]
    if len(tokens) >= 2 and tokens[-2] == "via":
        tokens = tokens[:-2]
    return " ".join(tokens)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= SAME_TEXT


def distinct_posts(posts: Iterable[PostView], limit: int) -> list[PostView]:
    """The first `limit` posts (in the order given, so best first) whose texts are not the
    same as an earlier one's: reposts are skipped, and so are near-identical texts (at
    least 70% of their words in common, numbers aside, e.g. one notice posted by several
    accounts with different links or hashtags)."""
    kept: list[PostView] = []
    seen: list[frozenset[str]] = []
    for post in posts:
        if post.is_repost:
            continue
        # Numbers apart: "Bus 34 was late again" and "Bus 11 was late again" read the same.
        shape = frozenset(w for w in fingerprint(post.text).split() if not w.isdigit())
        if any(_similar(shape, other) for other in seen):
            continue
        kept.append(post)
        seen.append(shape)
        if len(kept) >= limit:
            break
    return kept


def distinct_texts(texts: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """(text, author) pairs with each text once (its first author), by fingerprint."""
    seen: set[str] = set()
    out = []
    for text, author in texts:
        key = fingerprint(text)
        if key not in seen:
            seen.add(key)
            out.append((text, author))
    return out
