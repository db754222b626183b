"""Compiles a syntax tree into closures over an AnalyzedPost (boolean tests and word spans)."""

from __future__ import annotations

from collections.abc import Callable

from commands.query.nodes import And, Field, Kind, Near, Node, Not, Or, Phrase, Term
from commands.query.post import AnalyzedPost

Predicate = Callable[[AnalyzedPost], bool]
Span = tuple[int, int]  # first and last word position, inclusive
SpanFinder = Callable[[AnalyzedPost], list[Span]]


def predicate(node: Node) -> Predicate:
    if isinstance(node, Term):
        return _term_predicate(node)
    if isinstance(node, Field):
        return _field_predicate(node)
    if isinstance(node, Not):
        inner = predicate(node.child)
        return lambda post: not inner(post)
    if isinstance(node, Or):
        parts = tuple(predicate(child) for child in node.children)
        return lambda post: any(part(post) for part in parts)
    if isinstance(node, And):
        return _and_predicate(node)
    need, finder = needed_keys(node), spans(node)
    # The subset test (in C) rejects most candidates before any position is looked at.
    return lambda post: need <= post.keys and bool(finder(post))


def _and_predicate(node: And) -> Predicate:
    need = needed_keys(node)
    rest = tuple(predicate(child) for child in node.children if not _is_key(child))
    if not rest:
        return lambda post: need <= post.keys
    if len(rest) == 1:
        (only,) = rest
        return lambda post: need <= post.keys and only(post)
    return lambda post: need <= post.keys and all(part(post) for part in rest)


def _is_key(node: Node) -> bool:
    """Whether the node matches exactly when the post has the node's one key."""
    return isinstance(node, Field) or (isinstance(node, Term) and not node.prefix)


def needed_keys(node: Node) -> frozenset[str]:
    """Keys (see AnalyzedPost.keys) that every post matching the node must have."""
    if isinstance(node, Term):
        return frozenset() if node.prefix else frozenset({node.token})
    if isinstance(node, Field):
        return frozenset({f"{node.name}:{node.value}"})
    children: tuple[Node, ...] = ()
    if isinstance(node, Phrase):
        children = node.terms
    elif isinstance(node, Near):
        children = (node.left, node.right)
    elif isinstance(node, And):
        children = node.children
    return frozenset().union(*(needed_keys(child) for child in children))


def _term_predicate(term: Term) -> Predicate:
    # `post.words` holds bare terms (no marker) and hashtags and mentions (with theirs), so
    # a bare term or prefix only meets terms there, and a marked one only tags.
    key = term.text if term.kind is Kind.WORD else term.token
    if term.prefix:
        return lambda post: any(found.startswith(key) for found in post.words)
    return lambda post: key in post.words


def _field_predicate(field: Field) -> Predicate:
    value = field.value
    if field.name == "lang":
        subtag = value + "-"
        return lambda post: (
            post.lang is not None and (post.lang == value or post.lang.startswith(subtag))
        )
    if field.name == "site":
        subdomain = "." + value
        return lambda post: any(d == value or d.endswith(subdomain) for d in post.domains)
    if field.name == "source":
        return lambda post: value in post.sources
    return lambda post: post.author == value


def spans(node: Node) -> SpanFinder:
    """Where a positional node (term, phrase, NEAR, OR of those) matches in the post."""
    if isinstance(node, Term):
        return _term_spans(node)
    if isinstance(node, Phrase):
        return _phrase_spans(node)
    if isinstance(node, Near):
        return _near_spans(node)
    if isinstance(node, Or):
        parts = tuple(spans(child) for child in node.children)
        return lambda post: sorted({span for part in parts for span in part(post)})
    raise TypeError(f"not a positional node: {node!r}")


def _term_spans(term: Term) -> SpanFinder:
    by_word = term.kind is Kind.WORD
    key = term.text if by_word else term.token

    def find(post: AnalyzedPost) -> list[Span]:
        found = post.terms if by_word else post.positions
        if term.prefix:
            hits = sorted(i for name, at in found.items() if name.startswith(key) for i in at)
            return [(i, i) for i in hits]
        return [(i, i) for i in found.get(key, ())]

    return find


def _phrase_spans(phrase: Phrase) -> SpanFinder:
    first = _term_spans(phrase.terms[0])
    # A word in a phrase may also be written as a hashtag, as with bare terms.
    allowed = tuple(
        frozenset({t.text, "#" + t.text}) if t.kind is Kind.WORD else frozenset({t.token})
        for t in phrase.terms[1:]
    )
    length = len(phrase.terms)

    def find(post: AnalyzedPost) -> list[Span]:
        tokens = post.tokens
        return [
            (start, start + length - 1)
            for start, _ in first(post)
            if start + length <= len(tokens)
            and all(tokens[start + 1 + i] in ok for i, ok in enumerate(allowed))
        ]

    return find


def _near_spans(near: Near) -> SpanFinder:
    left, right, limit = spans(near.left), spans(near.right), near.distance

    def find(post: AnalyzedPost) -> list[Span]:
        right_spans = right(post)
        if not right_spans:
            return []
        left_spans = left(post)
        hits = set(_near_to(left_spans, right_spans, limit))
        hits.update(_near_to(right_spans, left_spans, limit))
        return sorted(hits)

    return find


def _near_to(spans_a: list[Span], spans_b: list[Span], limit: int) -> list[Span]:
    """The spans of `spans_a` with a span of `spans_b` at most `limit` words away.

    At most `limit` words strictly between them (overlapping counts as 0) means
    b.start <= a.end + limit + 1 and b.end >= a.start - limit - 1. Taking `a` by end and
    `b` by start, the first bound only grows, so one pass keeps the largest end among the
    `b` admitted so far: sorting plus a linear sweep, where comparing every pair cost the
    product of the two counts (quadratic in the length of a post repeating both words).
    """
    by_start = sorted(spans_b)
    found: list[Span] = []
    taken, reach = 0, -1  # b spans admitted so far, and the largest end among them
    for a in sorted(spans_a, key=lambda span: span[1]):
        while taken < len(by_start) and by_start[taken][0] <= a[1] + limit + 1:
            reach = max(reach, by_start[taken][1])
            taken += 1
        if taken and reach >= a[0] - limit - 1:
            found.append(a)
    return found
