"""The workspace gazetteer: names and aliases of local places with coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.dialect import table
from storage.models import Place


@dataclass(frozen=True, slots=True)
class PlaceName:
    key: str  # folded name or alias, as matched
    name: str  # the place's display name
    lat: float
    lon: float
    kind: str | None


class Places:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert(self, team_id: str, names: Sequence[PlaceName], now: datetime) -> int:
        """Add names, or move an existing name to its new place; all or nothing."""
        rows = [
            {
                "team_id": team_id,
                "key": n.key,
                "name": n.name,
                "lat": n.lat,
                "lon": n.lon,
                "kind": n.kind,
                "created_at": now,
            }
            for n in names
        ]
        if not rows:
            return 0
        places = table(Place)
        with Session(self.engine) as session:
            conn = session.connection()
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(places)
            stmt = stmt.on_conflict_do_update(
                index_elements=["team_id", "key"],
                set_={name: stmt.excluded[name] for name in ("name", "lat", "lon", "kind")},
            )
            conn.execute(stmt, rows)
            session.commit()
        return len(rows)

    def all(self, team_id: str) -> list[PlaceName]:
        stmt = select(Place).where(Place.team_id == team_id)
        with Session(self.engine) as session:
            return [PlaceName(p.key, p.name, p.lat, p.lon, p.kind) for p in session.exec(stmt)]
