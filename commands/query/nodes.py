"""The query syntax tree: terms, phrases, fields and the boolean and proximity operators."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = ""  # matches the word or the same hashtag
    HASHTAG = "#"
    MENTION = "@"


@dataclass(frozen=True)
class Term:
    """`flood`, `flood*`, `#abflood`, `#yyc*`, `@cityofcalgary`; text is lowercased, no marker."""

    text: str
    kind: Kind
    prefix: bool
    position: int

    @property
    def token(self) -> str:
        """The post token this term names exactly: "flood", "#abflood" or "@name"."""
        return self.kind.value + self.text


@dataclass(frozen=True)
class Phrase:
    terms: tuple[Term, ...]
    position: int


@dataclass(frozen=True)
class Field:
    """`lang:en`, `source:mastodon`, `site:cbc.ca`, `author:name`; value normalized."""

    name: str
    value: str
    position: int


@dataclass(frozen=True)
class Not:
    child: Node
    position: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    """Both sides within `distance` words of each other, either order (0 means adjacent)."""

    left: Node
    right: Node
    distance: int
    position: int


Node = Term | Phrase | Field | Not | And | Or | Near


def is_positional(node: Node) -> bool:
    """Whether the node matches at word positions, so NEAR can measure distances to it."""
    if isinstance(node, Or):
        return all(is_positional(child) for child in node.children)
    return isinstance(node, Term | Phrase | Near)


def first_negation(node: Node) -> Not | None:
    if isinstance(node, Not):
        return node
    children: tuple[Node, ...] = ()
    if isinstance(node, And | Or):
        children = node.children
    elif isinstance(node, Near):
        children = (node.left, node.right)
    for child in children:
        if found := first_negation(child):
            return found
    return None


def positive_terms(node: Node, negated: bool = False) -> set[str]:
    """Lowercased words, hashtags ("#tag") and phrase words a post must or may contain."""
    if isinstance(node, Term):
        plain = not negated and not node.prefix and node.kind is not Kind.MENTION
        return {node.token} if plain else set()
    if isinstance(node, Phrase):
        found: set[str] = set()
        for term in node.terms:
            found |= positive_terms(term, negated)
        return found
    if isinstance(node, Not):
        return positive_terms(node.child, not negated)
    if isinstance(node, Near):
        return positive_terms(node.left, negated) | positive_terms(node.right, negated)
    if isinstance(node, And | Or):
        return set().union(*(positive_terms(child, negated) for child in node.children))
    return set()
