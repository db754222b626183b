"""`earshot run` without Slack keeps scanning on its schedule until stopped."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from storage.engine import make_engine
from storage.migrations import upgrade
from storage.models import Post
from storage.sources import Sources
from tests.cli_helpers import LOOPBACK_SOURCES, spawn
from tests.fakes.sources import FakeServer, Reply, payload, serve_mastodon


def test_headless_run_scans_every_source_on_schedule(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    template = payload("mastodon_tag_timeline.json")[0]
    statuses = [
        dict(
            template,
            id=str(100 + i),
            content=f"<p>flood {i}</p>",
            created_at=(now - timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
        )
        for i in range(5)
    ]
    good, bad = FakeServer(), FakeServer()
    serve_mastodon(good, statuses)
    bad.route("GET", "/api/v1/timelines/tag/flood", lambda _: Reply(500, {"error": "down"}))
    with good.running(), bad.running():
        sources = Sources(engine)
        sources.add(
            "local", "down", "mastodon", {"instance": bad.base_url, "hashtag": "flood"}, now=now
        )
        sources.add(
            "local", "up", "mastodon", {"instance": good.base_url, "hashtag": "flood"}, now=now
        )
        proc = spawn(url, "run", "--headless", EARSHOT_SCAN_TICK_SECONDS="1", **LOOPBACK_SOURCES)
        try:
            deadline = time.monotonic() + 90
            while True:
                with Session(engine) as session:
                    if session.exec(select(func.count()).select_from(Post)).one() == 5:
                        break
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "no scan happened"
                time.sleep(0.2)
            down = sources.get("local", "down")
            while down is not None and down.consecutive_failures == 0:
                assert time.monotonic() < deadline
                time.sleep(0.2)
                down = sources.get("local", "down")
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert down is not None and down.status == "failing"
    engine.dispose()
