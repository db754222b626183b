"""Deliver a message exactly once: claim it in the database, post, record the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from commands.context import Reply
from jobs.poster import DeliveryError, Poster
from storage.deliveries import Deliveries

log = logging.getLogger(__name__)
CLOCK_SKEW = timedelta(minutes=10)  # host and Slack clocks may disagree this much


@dataclass(frozen=True, slots=True)
class Delivered:
    """What happened: `ts` when the message is in the channel (posted now or earlier),
    `error` when it is not yet; `attempted` when this call claimed the delivery."""

    attempted: bool
    ts: str | None = None
    error: str | None = None

    @property
    def sent(self) -> bool:
        return self.ts is not None


def deliver_once(
    engine: Engine,
    poster: Poster,
    *,
    team_id: str,
    channel: str,
    key: str,
    kind: str,
    build: Callable[[], Reply],
    now: datetime,
    owner: str,
    late: bool = False,
    thread_ts: str | None = None,
) -> Delivered:
    """Post `build()` to `channel` unless `key` was already delivered or is being delivered.

    A holder that died after posting but before recording leaves a claim that expires; the
    next holder first looks for the message (it carries its key) instead of posting again.
    Failures are recorded with a retry time, so a Slack outage delays rather than drops.
    """
    deliveries = Deliveries(engine)
    claim = deliveries.claim(
        team_id, key, kind=kind, channel=channel, owner=owner, now=now, late=late
    )
    if claim is None:
        # Sent before (say, by a process that died before recording what followed), or in
        # someone else's hands right now.
        done = deliveries.get(team_id, key)
        sent_ts = done.message_ts if done is not None and done.status == "sent" else None
        return Delivered(attempted=False, ts=sent_ts)
    if claim.resumed and claim.since is not None:
        # Slack stamps the message with its own clock: look back from a little before
        # the claim, so a host clock ahead of Slack's cannot hide the message. The key
        # (one per channel and date or alert) rules out an older message matching.
        found = poster.find(team_id, channel, key, claim.since - CLOCK_SKEW)
        if found is not None:
            deliveries.sent(claim, now, found)
            log.info("delivery %s had gone out before a crash; not posting again", key)
            return Delivered(attempted=True, ts=found)
    try:
        ts = poster.post(team_id, channel, build(), thread_ts=thread_ts, key=key)
    except DeliveryError as exc:
        deliveries.failed(
            claim, now, str(exc), retry_after=exc.retry_after, permanent=exc.permanent
        )
        log.warning("%s %s not delivered yet: %s", kind, key, exc)
        return Delivered(attempted=True, error=str(exc))
    except Exception as exc:  # building the message failed: retry later, keep the schedule
        deliveries.failed(claim, now, f"{type(exc).__name__}: {exc}")
        log.exception("%s %s failed", kind, key)
        return Delivered(attempted=True, error=str(exc))
    deliveries.sent(claim, now, ts)
    return Delivered(attempted=True, ts=ts)
