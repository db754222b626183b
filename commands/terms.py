"""Emerging terms: words and hashtags rising in a topic's posts that its query lacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from commands.query import Document, Query, query_terms, words

MIN_COUNT = 3  # a term needs this many posts (by as many authors) to be offered
MIN_RATIO = 3.0  # and this many times its usual rate
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours rt amp via get got go going gonna im dont cant its like
    one new today tonight still us let know see says said way much many even back""".split()
)


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    count: int
    baseline: float

    @property
    def ratio(self) -> float:
        return (self.count + 1) / (self.baseline + 1)


def _post_terms(text: str) -> set[str]:
    return {
        t
        for t in words(text)
        if len(t.lstrip("#")) >= 3
        and not t.lstrip("#").isdigit()
        and t.lstrip("#") not in STOPWORDS
    }


def _document_frequency(
    posts: Iterable[tuple[str, str | None]],
) -> tuple[Counter[str], dict[str, set[str]]]:
    counts: Counter[str] = Counter()
    authors: dict[str, set[str]] = {}
    for index, (text, author) in enumerate(posts):
        for term in _post_terms(text):
            counts[term] += 1
            authors.setdefault(term, set()).add(author or f"#{index}")
    return counts, authors


def emerging_terms(
    current: list[tuple[str, str | None]],
    baseline: list[tuple[str, str | None]],
    baseline_periods: int,
    query: Query,
    limit: int = 5,
) -> list[Term]:
    """Terms whose post count in `current` is well above their average per baseline period.

    A term must appear in several posts by several authors, so one chatty account or one
    syndicated story does not make a trend.
    """
    counts, authors = _document_frequency(current)
    base_counts, _ = _document_frequency(baseline)
    excluded = {t.lower().lstrip("#") for t in query_terms(query)}
    found = []
    for term, count in counts.items():
        if count < MIN_COUNT or len(authors[term]) < MIN_COUNT:
            continue
        # Skip what the query already covers: its words, and anything it matches alone
        # (prefixes like flood* cover "flooding").
        if term.lstrip("#") in excluded or query.matches(Document(text=term)):
            continue
        item = Term(term, count, base_counts[term] / max(baseline_periods, 1))
        if item.ratio >= MIN_RATIO:
            found.append(item)
    found.sort(key=lambda t: (-t.ratio, -t.count, t.term))
    return found[:limit]
