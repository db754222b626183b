"""Score posts one at a time in this process: language gate, type guard, normalize, cache."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from jobs.sentiment.cache import ScoreCache
from jobs.sentiment.cleanup import normalize
from jobs.sentiment.scores import Scores
from jobs.sentiment.vader import new_analyzer, polarity

DEFAULT_CACHE_ENTRIES = 100_000


def is_scorable_language(lang: str | None) -> bool:
    """VADER is English-only: score `en`, `en-*`, and unknown (`None`, `und`, empty).

    Any other code leaves the post unscored rather than counting it as neutral.
    """
    if lang is None:
        return True
    if not isinstance(lang, str):
        return False
    return _is_english_code(lang)


@functools.lru_cache(maxsize=256)  # asked for every post, of a few distinct codes
def _is_english_code(lang: str) -> bool:
    code = lang.strip().lower().replace("_", "-")
    return code in ("", "und", "en") or code.startswith("en-")


def is_scorable(text: object, lang: str | None) -> bool:
    """True when `text` is a str and `lang` is English or unknown."""
    return isinstance(text, str) and is_scorable_language(lang)


class Scorer:
    """Scores texts with one analyzer, scoring each distinct normalized text once.

    Two bounded LRU caches: by exact text (retweets and syndicated copies skip even
    `normalize`) and by normalized text (copies that differ only in links or quotes).
    """

    def __init__(self, cache_entries: int = DEFAULT_CACHE_ENTRIES) -> None:
        self._analyzer = new_analyzer()
        self.by_text = ScoreCache(cache_entries)
        self.by_normalized = ScoreCache(cache_entries)

    def score(self, text: str, lang: str | None = None) -> Scores | None:
        """Scores for `text`, or None if it is not a str or `lang` is not English."""
        if not is_scorable(text, lang):
            return None
        found = self.by_text.get(text)
        if found is None:
            found = self.score_normalized(normalize(text))
            self.by_text.put(text, found)
        return found

    def score_many(self, items: Sequence[tuple[str, str | None]]) -> list[Scores | None]:
        """`score` for each `(text, lang)` pair, in order."""
        return [self.score(text, lang) for text, lang in items]

    def score_normalized(self, normalized: str) -> Scores:
        """Scores for text that has already been through `normalize`."""
        found = self.by_normalized.get(normalized)
        if found is None:
            found = polarity(self._analyzer, normalized)
            self.by_normalized.put(normalized, found)
        return found
