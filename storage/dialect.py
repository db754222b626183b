"""Dialect-aware INSERT ... ON CONFLICT, the one idiom SQLite and PostgreSQL share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel


def table(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel class (typed, for bulk statements)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _insert(conn: Connection, table: Table) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def insert_ignore(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    returning: Sequence[str] = (),
) -> list[Any]:
    """Insert rows, skipping those whose `keys` already exist; return the inserted ones."""
    if not rows:
        return []
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=list(keys))
    if returning:
        stmt = stmt.returning(*(table.c[name] for name in returning))
        return list(conn.execute(stmt, list(rows)).all())
    conn.execute(stmt, list(rows))
    return []


def insert_or_add(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    counters: Sequence[str],
) -> None:
    """Insert rows, or add their `counters` to the existing row: race-free rollups."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + stmt.excluded[name] for name in counters},
    )
    conn.execute(stmt, list(rows))
