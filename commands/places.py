"""Places mentioned in posts: a light heuristic for the incident summary, not a gazetteer.

It picks capitalized names and numbered streets right after a locative word ("on Main St",
"in Calgary", "near 5th Ave"), which is how people mention where something is happening.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_NAME = r"(?:[A-Z][A-Za-z'\-]+|\d+(?:st|nd|rd|th))"
_PLACE = re.compile(
    rf"\b(?:in|at|on|near|from|around|across|along|off)\s+((?:{_NAME}\s){{0,2}}{_NAME})"
)
_NOT_PLACES = frozenset(
    "I I'm The This That My Our Your It We They He She You Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday Twitter Facebook RT".split()
)


def places(texts: Iterable[str], limit: int = 5) -> list[tuple[str, int]]:
    """The most mentioned places, each counted once per post."""
    counts: Counter[str] = Counter()
    for text in texts:
        found = {_clean(m.group(1)) for m in _PLACE.finditer(text)}
        counts.update(place for place in found if place)
    return counts.most_common(limit)


def _clean(name: str) -> str:
    words = name.split()
    while words and words[0] in _NOT_PLACES:
        words.pop(0)
    return " ".join(words)
