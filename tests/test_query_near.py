"""Positional operators cost time linear in a post's length; NEAR agrees with the naive pairs."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.query import compile_matcher, parse
from commands.query.evaluate import Span, spans
from commands.query.nodes import Near, Node, Or
from commands.query.post import MAX_MATCHED_CHARS, AnalyzedPost, Document, analyze
from tests.test_query_matcher import documents, parsed_or_none, queries


def naive_spans(node: Node, post: AnalyzedPost) -> list[Span]:
    """NEAR by comparing every pair of spans: the definition, quadratic by design."""
    if isinstance(node, Near):
        right = naive_spans(node.right, post)
        hits: set[Span] = set()
        for a in naive_spans(node.left, post):
            for b in right:
                if max(b[0] - a[1], a[0] - b[1]) - 1 <= node.distance:
                    hits.update((a, b))
        return sorted(hits)
    if isinstance(node, Or):
        return sorted({span for child in node.children for span in naive_spans(child, post)})
    return spans(node)(post)


def near_nodes(node: Node) -> Iterator[Node]:
    if isinstance(node, Near):
        yield node
    for child in getattr(node, "children", ()) or (
        (node.left, node.right) if isinstance(node, Near) else ()
    ):
        yield from near_nodes(child)
    if hasattr(node, "child"):
        yield from near_nodes(node.child)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(queries, documents)
def test_near_spans_agree_with_every_pair_compared(text: str, doc: Document) -> None:
    query = parsed_or_none(text)
    if query is None:
        return
    post = analyze(doc)
    for node in near_nodes(query.root):
        assert spans(node)(post) == naive_spans(node, post)


spread = st.lists(st.sampled_from(["water", "boil", "x", "#water", "boiling"]), max_size=40)


@settings(max_examples=300)
@given(spread, st.integers(0, 5), st.integers(0, 5))
def test_nested_near_agrees_on_dense_posts(words: list[str], d1: int, d2: int) -> None:
    query = parse(f"(water NEAR/{d1} boil*) NEAR/{d2} (x OR #water)")
    post = analyze(Document(" ".join(words)))
    assert spans(query.root)(post) == naive_spans(query.root, post)


class CpuBudgetError(Exception):
    pass


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Fail if this process spends more than `seconds` of CPU (not wall-clock) inside."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise CpuBudgetError

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def test_near_over_a_huge_post_is_not_quadratic() -> None:
    """200,000 words each of "water" and "boil": every pair would be 4e10 comparisons
    (hours); a linear sweep is a fraction of a second. The budget is 100 times that."""
    post = AnalyzedPost(("water", "boil") * 200_000, frozenset(), None, frozenset(), None)
    queries_ = [
        "water NEAR/3 boil",
        '"water boil" NEAR/2 (boil OR wat*)',
        "(water NEAR/1 boil) NEAR/5 boil",
    ]
    with cpu_budget(30):
        for text in queries_:
            assert parse(text).matches(post)
            assert len(spans(parse(text).root)(post)) >= 400_000  # every word is near one


def test_matching_reads_a_capped_length_of_text() -> None:
    matcher = compile_matcher([(1, parse("water NEAR/3 boil")), (2, parse("tail"))])
    huge = "water boil " * 30_000 + " tail"  # 330 KB, like the report's 214 KB post
    with cpu_budget(30):
        assert matcher.match(Document(huge)) == [1]  # "tail" lies past the cap
    assert len(analyze(Document(huge)).tokens) <= MAX_MATCHED_CHARS // 2
