"""Query: a parsed query (original text, syntax tree, compiled test) and `parse` to make one."""

from __future__ import annotations

from dataclasses import dataclass, field

from commands.query.errors import QueryError
from commands.query.evaluate import Predicate, predicate
from commands.query.nodes import Node, first_negation, positive_terms
from commands.query.parser import parse_tree
from commands.query.post import AnalyzedPost, Document, analyze

_EMPTY_POST = analyze(Document(""))


@dataclass(frozen=True)
class Query:
    text: str
    root: Node
    test: Predicate = field(compare=False, repr=False)

    def matches(self, doc: Document | AnalyzedPost) -> bool:
        post = doc if isinstance(doc, AnalyzedPost) else analyze(doc)
        return self.test(post)


def parse(text: str) -> Query:
    """Parse and check a query; raises QueryError with the problem and its position."""
    root = parse_tree(text)
    test = predicate(root)
    # A query that matches an empty post (no words, no fields) only excludes things,
    # so it would match almost every post: "-flood", "NOT x", "a OR -b".
    if test(_EMPTY_POST):
        negation = first_negation(root)
        position = negation.position if negation else 0
        message = (
            f"Only negative terms: the NOT/- at position {position} excludes posts, but nothing "
            "says which posts to include, so it would match almost everything"
        )
        raise QueryError(message, position)
    return Query(text, root, test)


def query_terms(query: Query) -> set[str]:
    """Lowercased positive words, hashtags ("#tag") and phrase words of a query.

    Wildcards, mentions and field values are left out, as is anything under NOT.
    """
    return positive_terms(query.root)
