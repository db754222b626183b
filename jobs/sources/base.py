"""What every source connector produces and how it reports failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

HealthStatus = Literal["ok", "auth_failed", "rate_limited", "failing", "bad_payload"]


@dataclass(frozen=True, slots=True)
class RawPost:
    """One public post as a source saw it, before scoring and storing.

    `created_at` is timezone-aware UTC. `links` holds the URLs the post links to
    (used by the query language's `site:` field). Counts are as of collection time.
    """

    external_id: str
    text: str
    created_at: datetime
    author: str | None = None
    author_followers: int | None = None
    url: str | None = None
    lang: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    is_repost: bool = False
    links: tuple[str, ...] = ()
    time_estimated: bool = False  # the source gave no readable time: `created_at` is a guess


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A batch of posts and the cursor to resume from once the batch is stored."""

    posts: list[RawPost]
    cursor: str | None
    pages: int = 1
    notes: list[str] = field(default_factory=list)
    # What the source's health should say even though the fetch worked (dates guessed,
    # the feed moved...); `notes` are for logs only.
    warnings: list[str] = field(default_factory=list)


class SourceError(Exception):
    """A fetch failed; `status` is what the source's health shows users."""

    def __init__(
        self, message: str, *, status: HealthStatus = "failing", retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status: HealthStatus = status
        self.retry_after = retry_after


class Source(Protocol):
    """A connector: `fetch` returns posts newer than the cursor, oldest first."""

    kind: str

    def fetch(self, cursor: str | None) -> FetchResult: ...


SourceSettings = Mapping[str, Any]
