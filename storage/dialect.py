"""Dialect-aware INSERT ... ON CONFLICT, the one idiom SQLite and PostgreSQL share."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import JSON, Connection, Table
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


MAX_VALUES_PER_STATEMENT = 30_000  # under SQLite's and psycopg's bound-parameter limits
MAX_ROWS_PER_STATEMENT = 1_000


def insert_rows(
    conn: Connection,
    into: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[str],
    *,
    returning: str | None = None,
    add: Sequence[str] = (),
) -> list[tuple[int, Any]]:
    """INSERT `rows`; a row whose `keys` exist is skipped, or has its `add` columns added.

    With `returning` (a column name, or "" for none), says which rows were inserted, as
    (index in `rows`, that column's value), using multi-row VALUES statements; without,
    one executemany, which the driver runs in C (SQLite) or pipelined (psycopg).
    """
    if not rows:
        return []
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    name = dialect.identifier_preparer.format_table(into)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one_row = f"({', '.join([mark] * len(columns))})"
    if add:
        sets = ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in add)
        conflict = f"DO UPDATE SET {sets}"
    else:
        conflict = "DO NOTHING"
    # Only table and column names (quoted by the dialect) are spliced in; values are bound.
    head = f"INSERT INTO {name} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
    tail = f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) {conflict}"
    values = _bound(dialect, into, columns, rows)
    if returning is None:
        conn.exec_driver_sql(head + one_row + tail, values)
        return []
    key_at = [columns.index(k) for k in keys]
    back = ", ".join(quote(k) for k in (*keys, *([returning] if returning else [])))
    key_of = itemgetter(*key_at) if len(key_at) > 1 else lambda row: (row[key_at[0]],)
    first_row_with: dict[tuple[Any, ...], int] = {}
    for index, row in enumerate(values):
        first_row_with.setdefault(key_of(row), index)
    size = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_VALUES_PER_STATEMENT // len(columns)))
    inserted: list[tuple[int, Any]] = []
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        sql = f"{head}{', '.join([one_row] * len(chunk))}{tail} RETURNING {back}"
        flat = tuple(chain.from_iterable(chunk))
        for got in conn.exec_driver_sql(sql, flat):
            index = first_row_with[tuple(got[: len(keys)])]
            inserted.append((index, got[len(keys)] if returning else None))
    return inserted


def _bound(
    dialect: Any, into: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them, converted by each column's type (dates, JSON, booleans).

    Works column by column (transposing is done in C), converting each distinct value
    once: a batch holds few distinct times, and most posts have the same (empty) links.
    JSON values that cannot be dict keys (lists, dicts) are converted one by one.
    """
    converters = []
    for at, column in enumerate(columns):
        kind = into.c[column].type
        processor = kind.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((at, processor, isinstance(kind, JSON)))
    if not converters or not rows:
        return list(rows)
    by_column: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for at, processor, is_json in converters:
        values = by_column[at]
        if is_json:
            by_column[at] = _json_values(values, processor)
        else:
            converted = {v: processor(v) for v in set(values) if v is not None}
            by_column[at] = [None if v is None else converted[v] for v in values]
    return list(zip(*by_column, strict=True))


def _json_values(values: Sequence[Any], processor: Any) -> list[Any]:
    """JSON column values converted, tuples once per distinct value (they can be dict keys)."""
    seen: dict[tuple[Any, ...], Any] = {}
    converted: list[Any] = []
    for value in values:
        if value is None:
            converted.append(None)
        elif type(value) is tuple:
            found = seen.get(value)
            if found is None:
                found = seen[value] = processor(value)
            converted.append(found)
        else:
            converted.append(processor(value))
    return converted
