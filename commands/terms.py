"""Emerging terms: words, hashtags and two-word phrases rising in a topic's posts.

A term is counted in distinct authors, each text once (a post reposted 200 times is one
author), and compared twice: with the topic's own previous periods ("x6 vs usual") and
with the workspace's background (so words common everywhere do not surface). Stop words
and what the topic's query already matches are left out.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from commands.dedupe import distinct_texts
from commands.query import Document, Query, query_terms, words

MIN_AUTHORS = 3  # a term needs this many distinct authors to be offered
MIN_RATIO = 3.0  # and this many times its usual rate in the topic
MIN_BACKGROUND_RATIO = 2.0  # and this many times its share of the workspace's authors
# A clause ends at punctuation followed by a space (so "cbc.ca" and links stay whole), or
# at a bracket, a quote mark or a line break.
_CLAUSE_BREAK = re.compile(r"[.!?;:,…]+(?:\s|$)|[()\[\]\"“”\n]+")
SAME_EVIDENCE = 0.8  # a phrase replaces its word when it has this share of its authors
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours rt amp via get got go going gonna im dont cant its like
    one new today tonight still us let know see says said way much many even back http https
    www com just really also been being ll ve re""".split()
)


@dataclass(frozen=True, slots=True)
class Term:
    term: str  # a word, a #hashtag, or a two-word phrase "boil water"
    count: int  # distinct authors using it in the period
    baseline: float  # distinct authors per period in the topic's previous periods
    background: float = math.inf  # times its share of the workspace's authors

    @property
    def ratio(self) -> float:
        return (self.count + 1) / (self.baseline + 1)

    @property
    def query(self) -> str:
        """As a query clause: a phrase is quoted, so adding it does not AND its words."""
        return f'"{self.term}"' if " " in self.term else self.term

    def evidence(self, usual: str, history: str = "the previous periods") -> str:
        """E.g. "x6 vs a usual day, 41 authors" (the plain ratio of authors to their
        average per period; ranking uses a smoothed one), or "new (not in the previous
        7 days), 41 authors"."""
        if self.baseline == 0:
            return f"new (not in {history}), {self.count} authors"
        return f"x{_times(self.count / self.baseline)} vs {usual}, {self.count} authors"


@dataclass(frozen=True, slots=True)
class TermCounts:
    """Distinct authors per term over a set of posts, and the authors in all."""

    by_term: dict[str, int]
    authors: int


def _times(ratio: float) -> str:
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}".removesuffix(".0")


def _keep(token: str) -> bool:
    bare = token.lstrip("#")
    return len(bare) >= 3 and not bare.isdigit() and bare not in STOPWORDS


def post_terms(text: str) -> set[str]:
    """A text's words and hashtags, and its two-word phrases of plain words (never across
    punctuation: "still running? Harbour Dr" has no phrase "running harbour")."""
    found: set[str] = set()
    for clause in _CLAUSE_BREAK.split(text):
        tokens = words(clause)
        found.update(t for t in tokens if _keep(t))
        for first, second in itertools.pairwise(tokens):
            if first[0] != "#" and second[0] != "#" and _keep(first) and _keep(second):
                found.add(f"{first} {second}")
    return found


def count_terms(posts: Iterable[tuple[str, str | None]]) -> TermCounts:
    """Each text once (reposts and copies fold into the first), then distinct authors."""
    authors: dict[str, set[str]] = {}
    everyone: set[str] = set()
    for index, (text, author) in enumerate(distinct_texts(list(posts))):
        who = author or f"#{index}"  # an anonymous post is its own author
        everyone.add(who)
        for term in post_terms(text):
            authors.setdefault(term, set()).add(who)
    return TermCounts({t: len(a) for t, a in authors.items()}, len(everyone))


def emerging_terms(
    current: list[tuple[str, str | None]],
    baseline: list[tuple[str, str | None]],
    baseline_periods: int,
    query: Query,
    limit: int = 5,
    background: TermCounts | None = None,
) -> list[Term]:
    """Terms used by several authors in `current` well above their average per baseline
    period (and, given a background, well above their share of the workspace's authors),
    best first: by how much they rose on both counts together."""
    now, before = count_terms(current), count_terms(baseline)
    excluded = {t.lower().lstrip("#") for t in query_terms(query)}
    found = []
    for term, count in now.by_term.items():
        if count < MIN_AUTHORS or _covered(term, excluded, query):
            continue
        item = Term(term, count, before.by_term.get(term, 0) / max(baseline_periods, 1))
        if background is not None and background.authors:
            share_now = count / max(now.authors, 1)
            share_usual = (background.by_term.get(term, 0) + 1) / (background.authors + 1)
            item = Term(term, count, item.baseline, share_now / share_usual)
        if item.ratio >= MIN_RATIO and item.background >= MIN_BACKGROUND_RATIO:
            found.append(item)
    found.sort(key=lambda t: (-_score(t), -t.count, t.term))
    return _without_repeats(found, limit)


def _covered(term: str, excluded: set[str], query: Query) -> bool:
    """Already in the query: its own words, or anything it matches alone (flood* covers
    "flooding" and "flood warning")."""
    parts = [p.lstrip("#") for p in term.split()]
    return all(p in excluded for p in parts) or query.matches(Document(text=term))


def _score(term: Term) -> float:
    """Both rises together (a geometric mean); the background's is capped, since a word
    never seen in the workspace would otherwise outrank everything."""
    return math.sqrt(term.ratio * min(term.background, 50.0))


def _without_repeats(ranked: list[Term], limit: int) -> list[Term]:
    """A phrase and its own word carry the same evidence when most of the word's authors
    used the phrase: keep the phrase, which says more."""
    chosen: list[Term] = []
    for term in ranked:
        parts = term.term.split()
        if len(parts) == 1:
            if any(
                term.term in c.term.split() and c.count >= SAME_EVIDENCE * term.count
                for c in chosen
            ):
                continue
        else:
            chosen = [
                c for c in chosen if not (c.term in parts and term.count >= SAME_EVIDENCE * c.count)
            ]
        chosen.append(term)
    return chosen[:limit]
