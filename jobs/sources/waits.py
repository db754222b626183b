"""How long a server asks us to wait (Retry-After, X-RateLimit-Reset), read sanely."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from jobs.sources.common import parse_time

EPOCH_LIKE = 10 * 365 * 86400.0  # a "seconds until reset" this large is really a timestamp
MAX_SERVER_WAIT = 86400.0


def parse_retry_after(
    headers: httpx.Headers, now: datetime, *, rate_limited: bool = True
) -> float | None:
    """Seconds to wait from Retry-After (seconds or HTTP date), else X-RateLimit-Reset on 429."""
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return float(value)
        try:
            return max((parsedate_to_datetime(value) - now).total_seconds(), 0.0)
        except (TypeError, ValueError, IndexError):
            pass
    if not rate_limited:
        return None
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset.replace(".", "", 1).isdigit():
        seconds = float(reset)
        if seconds < EPOCH_LIKE:
            return seconds  # Reddit: seconds until the window resets
        return max(seconds - now.timestamp(), 0.0)  # some servers send the epoch time instead
    reset_at = parse_time(reset)  # Mastodon: ISO timestamp of the reset
    return max((reset_at - now).total_seconds(), 0.0) if reset_at else None


def plausible_wait(seconds: float | None) -> float | None:
    """A server's wait capped at a day: a reset years away is a server bug, not a plan."""
    return None if seconds is None else min(seconds, MAX_SERVER_WAIT)


def describe_wait(seconds: float) -> str:
    """ "45s", "12 min", "3 h": how long, in words a person reads at a glance."""
    if seconds < 90:
        return f"{max(round(seconds), 0)}s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"
