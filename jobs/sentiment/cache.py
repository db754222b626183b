"""A small thread-safe LRU map from normalized text to its scores."""

from __future__ import annotations

import threading
from collections import OrderedDict

from jobs.sentiment.scores import Scores


class ScoreCache:
    """Least-recently-used cache; Bolt runs listeners on threads, hence the lock."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Scores] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Scores | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, scores: Scores) -> None:
        with self._lock:
            self._entries[key] = scores
            self._entries.move_to_end(key)
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
