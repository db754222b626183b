"""Short-lived access tokens kept in process memory, shared by rebuilt sources."""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Credentials:
    access: str
    refresh: str | None = None
    expires_at: float = math.inf  # time.monotonic() deadline


class TokenStore:
    """Process memory of short-lived tokens, shared by rebuilt sources and never persisted.

    Scans build a fresh source each time; without this each scan would log in again, and
    Bluesky allows only a few hundred createSession calls per account per day.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, Credentials] = {}

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str) -> Credentials | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: str, credentials: Credentials | None) -> None:
        with self._lock:
            if credentials is None:
                self._tokens.pop(key, None)
            else:
                self._tokens[key] = credentials

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = TokenStore()
