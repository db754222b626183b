"""Scale-out on PostgreSQL: scan workers in separate processes, and one scheduler leader."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from storage.models import Post, SourceRow, TopicMatch
from storage.sources import Sources
from storage.topics import Topics
from tests.cli_helpers import ROOT, cli_env
from tests.fakes.sources import FakeServer, Reply, Seen, payload, serve_mastodon

SOURCES = 8
STATUSES = 6
PAGE_DELAY = 0.3  # long enough that the two workers' scans overlap in time

SCAN_WORKER = """
import json, sys, httpx
from datetime import UTC, datetime
from jobs.ingest import Ingestor
from jobs.scan import scan_due
from jobs.sentiment import Scorer
from storage.engine import make_engine
url, owner = sys.argv[1], sys.argv[2]
ingestor = Ingestor(make_engine(url), Scorer())
with httpx.Client(timeout=30) as client:
    while True:
        done = scan_due(ingestor, client, now=lambda: datetime.now(UTC), owner=owner, limit=1)
        if not done:
            break
        for outcome in done:
            line = {"source": outcome.source, "ok": outcome.ok, "new": outcome.new_posts}
            print(json.dumps(line))
"""

LEADER_WORKER = """
import json, sys, time
from datetime import UTC, datetime, timedelta
from storage.engine import make_engine
from storage.leases import acquire
url, owner, beat_for = sys.argv[1], sys.argv[2], float(sys.argv[3])
engine = make_engine(url)
stop = time.time() + beat_for
while time.time() < stop:
    now = datetime.now(UTC)
    if acquire(engine, "scheduler", owner, now=now, ttl=timedelta(seconds=1)):
        print(json.dumps({"held_from": now.timestamp()}), flush=True)
    time.sleep(0.05)
"""


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("scale-out needs PostgreSQL (FOR UPDATE SKIP LOCKED); set TEST_DATABASE_URL")


def _statuses(tag: str) -> list[dict[str, object]]:
    template = payload("mastodon_tag_timeline.json")[0]
    out = []
    for i in range(STATUSES):
        status = dict(template)
        status["id"] = str(5000 + i)
        status["created_at"] = f"2026-11-20T11:{10 + i:02d}:00.000Z"
        status["content"] = f"<p>Flood update {i} from {tag} #flood</p>"
        out.append(status)
    return out


class Watched:
    """Serves one hashtag timeline per source and records how many scans overlap on each."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.active: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.lock = threading.Lock()

    def serve(self, tag: str) -> None:
        serve_mastodon(self.server, _statuses(tag), tag=tag)
        inner = self.server.routes[("GET", f"/api/v1/timelines/tag/{tag}")]

        def slow(request: Seen) -> Reply:
            with self.lock:
                self.active[tag] += 1
                self.most[tag] = max(self.most[tag], self.active[tag])
            time.sleep(PAGE_DELAY)
            with self.lock:
                self.active[tag] -= 1
            return inner(request)

        self.server.route("GET", f"/api/v1/timelines/tag/{tag}", slow)


@pytest.fixture
def watched() -> Iterator[Watched]:
    server = FakeServer()
    with server.running():
        yield Watched(server)


def _run(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=cli_env(args[0]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _lines(proc: subprocess.Popen[str]) -> list[dict[str, object]]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_two_scan_processes_share_sources_without_overlap(
    engine: Engine, db_url: str, watched: Watched, now: datetime
) -> None:
    _postgres_only(engine)
    Topics(engine).add("T1", "flood", "flood", now=now)
    sources = Sources(engine)
    for i in range(SOURCES):
        watched.serve(f"tag{i}")
        settings = {"instance": watched.server.base_url, "hashtag": f"tag{i}"}
        sources.add("T1", f"feed{i}", "mastodon", settings, now=now)

    workers = [_run(SCAN_WORKER, db_url, f"worker-{n}") for n in (1, 2)]
    scanned = [_lines(proc) for proc in workers]

    names = [[str(line["source"]) for line in lines] for lines in scanned]
    assert all(names), f"each worker should claim some sources: {names}"
    assert sorted(names[0] + names[1]) == sorted(f"feed{i}" for i in range(SOURCES))
    assert not set(names[0]) & set(names[1]), "a source was scanned by both workers"
    assert all(line["ok"] for lines in scanned for line in lines)
    assert max(watched.most.values()) == 1, "two scans of one source ran at the same time"
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == SOURCES * STATUSES
        assert session.exec(select(func.count()).select_from(TopicMatch)).one() == (
            SOURCES * STATUSES
        )
        leases = session.exec(select(SourceRow.lease_owner)).all()
    assert set(leases) == {None}, "every lease is released after its scan"


def test_one_leader_at_a_time_and_expiry_hands_over(engine: Engine, db_url: str) -> None:
    _postgres_only(engine)
    ttl = timedelta(seconds=1).total_seconds()
    first = _run(LEADER_WORKER, db_url, "scheduler-a", "1.5")
    time.sleep(0.3)  # let the first one lead; then both compete until it stops beating
    second = _run(LEADER_WORKER, db_url, "scheduler-b", "3.5")
    held_a = [float(line["held_from"]) for line in _lines(first)]  # type: ignore[arg-type]
    held_b = [float(line["held_from"]) for line in _lines(second)]  # type: ignore[arg-type]

    assert held_a, "the first scheduler should have led"
    assert held_b, "the second should take over once the first stops heartbeating"
    # Each acquire holds the lease for ttl from its own time; holds never overlap.
    last_a = max(held_a)
    assert min(held_b) >= last_a + ttl - 0.01, "the second led while the first still held it"
    assert max(held_a) < min(held_b)
    assert len(held_a) > 5, "the leader renews on every beat"
