"""Delivery claims: each message (digest, alert, summary) is claimed once before posting.

A claim is a row unique on (team_id, key). Whoever inserts it, or takes over a claim whose
holder died (its `claimed_until` passed) or whose retry time came, may post; everyone else
skips. Restarts, retries and two running schedulers therefore never send a message twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, or_, select, update
from sqlmodel import Session, col
from sqlmodel import select as model_select

from storage.dialect import insert_ignore, table
from storage.models import Delivery

CLAIM_TTL = timedelta(minutes=5)
MAX_RETRY_WAIT = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    key: str
    attempts: int
    # The previous holder died between claiming and recording: its post may have gone out.
    resumed: bool = False
    since: datetime | None = None


class Deliveries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(
        self,
        team_id: str,
        key: str,
        *,
        kind: str,
        channel: str | None,
        owner: str,
        now: datetime,
        late: bool = False,
    ) -> Claim | None:
        """Claim `key` for posting now, or None if it was sent or someone else holds it."""
        row = {
            "team_id": team_id,
            "key": key,
            "kind": kind,
            "channel": channel,
            "status": "claimed",
            "attempts": 1,
            "late": late,
            "claimed_by": owner,
            "claimed_until": now + CLAIM_TTL,
            "created_at": now,
        }
        with self.engine.begin() as conn:
            inserted = insert_ignore(conn, table(Delivery), [row], ("team_id", "key"), ("id",))
            if inserted:
                return Claim(inserted[0][0], key, 1, resumed=False)
            current = conn.execute(
                select(table(Delivery)).where(
                    col(Delivery.team_id) == team_id, col(Delivery.key) == key
                )
            ).one()
            # Take over a dead holder's claim, or a failed one whose retry time has come.
            abandoned = current.status == "claimed" and _before(current.claimed_until, now)
            retry = current.status == "failed" and _before(current.next_attempt_at, now, True)
            if not (abandoned or retry):
                return None
            taken = conn.execute(
                update(Delivery)
                .where(
                    col(Delivery.id) == current.id,
                    col(Delivery.status) == current.status,
                    col(Delivery.attempts) == current.attempts,  # nobody took it meanwhile
                )
                .values(
                    status="claimed",
                    attempts=current.attempts + 1,
                    claimed_by=owner,
                    claimed_until=now + CLAIM_TTL,
                )
            )
        if taken.rowcount != 1:
            return None
        return Claim(
            current.id, key, current.attempts + 1, resumed=abandoned, since=current.created_at
        )

    def sent(self, claim: Claim, now: datetime, message_ts: str | None) -> None:
        self._set(claim, status="sent", sent_at=now, message_ts=message_ts, last_error=None)

    def failed(
        self,
        claim: Claim,
        now: datetime,
        error: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        """Record a failure; the next attempt waits longer each time (Retry-After first)."""
        wait = timedelta(seconds=30 * 2 ** min(claim.attempts - 1, 6))
        if retry_after is not None:
            wait = timedelta(seconds=retry_after)
        self._set(
            claim,
            status="dead" if permanent else "failed",
            last_error=error[:500],
            next_attempt_at=now + min(wait, MAX_RETRY_WAIT),
        )

    def retryable(self, now: datetime) -> list[Delivery]:
        """Failed or abandoned claims due for another attempt, across all teams."""
        with Session(self.engine) as session:
            stmt = model_select(Delivery).where(
                or_(
                    and_(col(Delivery.status) == "failed", col(Delivery.next_attempt_at) <= now),
                    and_(col(Delivery.status) == "claimed", col(Delivery.claimed_until) < now),
                )
            )
            return list(session.exec(stmt))

    def get(self, team_id: str, key: str) -> Delivery | None:
        with Session(self.engine) as session:
            stmt = model_select(Delivery).where(Delivery.team_id == team_id, Delivery.key == key)
            return session.exec(stmt).first()

    def _set(self, claim: Claim, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(Delivery).where(col(Delivery.id) == claim.id).values(**values))


def _before(moment: datetime | None, now: datetime, inclusive: bool = False) -> bool:
    if moment is None:
        return False
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite's raw rows
    return moment <= now if inclusive else moment < now
