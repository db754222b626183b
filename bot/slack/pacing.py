"""Per-channel pacing of posts: Slack allows about one message per second per channel
(chat.postMessage, "short bursts allowed"), and answers more with 429 and Retry-After.

A token bucket per (workspace, channel): BURST posts may go at once, then one per
1/RATE seconds. A 429's Retry-After holds the channel for that long. The wait happens in
the delivering thread (the scheduler's), never in a listener that must ack within 3 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

RATE = 1.0  # messages per second per channel, Slack's documented figure
BURST = 3
MAX_SLEEP = 5.0  # a longer wait (a Retry-After hold) is handed back to the scheduler


class HeldError(Exception):
    """The channel is on hold for `seconds` more (Slack's Retry-After): come back later
    rather than block the delivering thread that long."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"channel held for {seconds:.1f} s after a rate limit")
        self.seconds = seconds


class ChannelPacer:
    def __init__(
        self,
        *,
        rate: float = RATE,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.burst = rate, burst
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        # (team, channel) -> (tokens, when counted, held until)
        self._buckets: dict[tuple[str, str], tuple[float, float, float]] = {}
        self.waited = 0.0  # total seconds spent waiting, for logs and tests

    def wait(self, team_id: str, channel: str, max_sleep: float = MAX_SLEEP) -> float:
        """Block until a post to this channel is within the pace; returns the wait. Raises
        HeldError, reserving nothing, when that would take more than `max_sleep` seconds."""
        with self._lock:
            now = self.clock()
            tokens, counted, held = self._buckets.get(
                (team_id, channel), (float(self.burst), now, 0.0)
            )
            tokens = min(float(self.burst), tokens + (now - counted) * self.rate)
            ready = max(now, held)
            if tokens < 1.0:
                ready = max(ready, now + (1.0 - tokens) / self.rate)
            if ready - now > max_sleep:
                raise HeldError(ready - now)
            # Reserve the token now, so concurrent callers queue behind each other.
            tokens_after = tokens + (ready - now) * self.rate - 1.0
            self._buckets[(team_id, channel)] = (min(tokens_after, self.burst - 1.0), ready, held)
            delay = ready - now
            self.waited += delay
        if delay > 0:
            self.sleep(delay)
        return delay

    def hold(self, team_id: str, channel: str, seconds: float) -> None:
        """Slack said Retry-After: post nothing more to this channel for `seconds`."""
        with self._lock:
            now = self.clock()
            held = self._buckets.get((team_id, channel), (0.0, now, 0.0))[2]
            self._buckets[(team_id, channel)] = (0.0, now, max(held, now + seconds))
