"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import gc
import os
import uuid
import warnings
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.pool import Pool

from storage.engine import make_engine
from storage.migrations import upgrade
from tests.delivery_helpers import dispose_engines

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # App() reads these from the environment; tests must never pick up real ones.
    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {"DATABASE_URL", "EARSHOT_SECRET_KEY"}:
            monkeypatch.delenv(name, raising=False)


# Every pool that opened a database connection during the current test.
_POOLS_USED: weakref.WeakSet[Pool] = weakref.WeakSet()


@event.listens_for(Pool, "connect")
def _note_pool(_dbapi_connection: object, record: object) -> None:
    pool = getattr(record, "_pool", None)
    if pool is not None:
        _POOLS_USED.add(pool)


def _holds_connections(pool: Pool) -> bool:
    """Whether a pool still holds open connections (its engine was never disposed)."""
    checkedin, checkedout = getattr(pool, "checkedin", None), getattr(pool, "checkedout", None)
    if not callable(checkedin) or not callable(checkedout):
        return True  # a pool kind that cannot say: assume the worst
    return bool(checkedin() or checkedout())


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive after collection (modules, test items, data tables) out of the
    collector's reach: it lives all session anyway, and each full collection would otherwise
    walk it again (most of the cost of `gc.collect()` in a test's teardown)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_test_runtimes() -> Iterator[None]:
    """Tests build Runtimes (each with its own engine and pool) and drop them; close those
    pools when the test ends, and collect, so a psycopg pool finalised later cannot fail an
    unrelated test. A test whose engines were all disposed (the `engine` fixture's) skips
    the collection: it costs about 0.3 s a test."""
    yield
    dispose_engines()
    leftover = [pool for pool in _POOLS_USED if _holds_connections(pool)]
    _POOLS_USED.clear()
    if not leftover:
        return
    for pool in leftover:
        pool.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated database: a temp SQLite file, or a throwaway PostgreSQL schema."""
    if request.param == "sqlite":
        db = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(db)
        yield db
        db.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    # Pre-ping: a test may restart the server, leaving pooled connections dead.
    admin = create_engine(PG_URL, pool_pre_ping=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The schema rides in the URL, so code that builds its own engine from `db_url`
    # (the CLI in a subprocess, a Runtime) lands in the same throwaway schema.
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    db = make_engine(url.render_as_string(hide_password=False))
    upgrade(db)
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(engine: Engine) -> str:
    """The URL of `engine`, for code that builds its own engine (CLI, subprocesses)."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
