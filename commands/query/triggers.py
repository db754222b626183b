"""Trigger keys: index keys a post must carry for a query to have any chance of matching.

A post's keys (see AnalyzedPost.keys) are its word and hashtag texts ("flood"), hashtags
and mentions with their marker ("#abflood", "@name") and field values ("lang:en",
"site:cbc.ca", "source:mastodon", "author:name"). A wildcard's key is "*" and its prefix
("*flood", "*#yyc", "*@cit"); the Matcher adds such a key to a post that has a token with
that prefix. A query's trigger is a set of keys with the guarantee: if the query matches a
post, the post has at least one of them. When the trigger is `exact` the converse holds
too (terms, wildcards, hashtags, mentions, fields, ORs of those): no evaluation needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.query.nodes import Field, Near, Node, Not, Or, Phrase, Term

PREFIX_MARK = "*"
# Cost guesses stand in for corpus frequencies: AND keys on its rarest-looking child.
_FIELD_COST = {"lang": 200, "source": 100, "site": 10, "author": 2}
_STOPWORDS = frozenset(
    word
    for line in (
        "a an and are as at be but by de des du en et for from has have i in is it its la le",
        "les me my of on or our rt so that the this to un une was we were will with you your",
    )
    for word in line.split()
)


@dataclass(frozen=True)
class Trigger:
    keys: frozenset[str]
    exact: bool

    @property
    def cost(self) -> int:
        return sum(key_cost(key) for key in self.keys)


def key_cost(key: str) -> int:
    if key[0] == PREFIX_MARK:
        return 30
    if key[0] in "#@":
        return 1
    if ":" in key:
        return _FIELD_COST[key.split(":", 1)[0]]
    if key in _STOPWORDS:
        return 100
    if key.isdigit():
        return 10
    return 1 if len(key) >= 6 else 2 if len(key) >= 4 else 4


def trigger(node: Node) -> Trigger | None:
    """The node's trigger, or None when a post without any particular key could match."""
    if isinstance(node, Term):
        return _term_trigger(node)
    if isinstance(node, Field):
        return Trigger(frozenset({f"{node.name}:{node.value}"}), exact=True)
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        parts = [trigger(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        known = [part for part in parts if part is not None]
        keys = frozenset().union(*(part.keys for part in known))
        return Trigger(keys, exact=all(part.exact for part in known))
    required: tuple[Node, ...]
    if isinstance(node, Phrase):
        required = node.terms
    elif isinstance(node, Near):
        required = (node.left, node.right)
    else:
        required = node.children
    candidates = [found for child in required if (found := trigger(child)) is not None]
    if not candidates:
        return None
    rarest = min(candidates, key=lambda found: found.cost)
    return Trigger(rarest.keys, exact=False)


def _term_trigger(term: Term) -> Trigger:
    key = PREFIX_MARK + term.token if term.prefix else term.token
    return Trigger(frozenset({key}), exact=True)
