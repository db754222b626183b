"""A source that changes under us (pagination ignored, payload shape changed): the scan stays
bounded, stores nothing twice, says what went wrong, and recovers when the source does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from jobs.ingest import Ingestor
from jobs.scan import scan_due
from jobs.sentiment.scorer import Scorer
from storage.models import Post
from storage.sources import Sources
from tests.fakes.sources import FakeServer, Reply, Seen, payload

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _statuses(count: int) -> list[dict[str, object]]:
    template = payload("mastodon_tag_timeline.json")[0]
    return [
        dict(
            template,
            id=str(900 + i),
            content=f"<p>flood {i}</p>",
            created_at=(NOW - timedelta(minutes=count - i)).isoformat().replace("+00:00", "Z"),
        )
        for i in range(count)
    ]


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Post)).one())


def test_pagination_ignored_and_shape_changed(engine: Engine) -> None:
    statuses = _statuses(60)
    mode = {"shape": "list"}
    requests: list[Seen] = []

    def timeline(seen: Seen) -> Reply:
        requests.append(seen)
        page = list(reversed(statuses))[:40]  # ignores min_id: always the newest page
        if mode["shape"] == "wrapped":
            return Reply(200, {"statuses": page})  # the API changed its response shape
        return Reply(200, page)

    server = FakeServer()
    server.route("GET", "/api/v1/timelines/tag/flood", timeline)
    ingestor = Ingestor(engine, Scorer())
    sources = Sources(engine)
    clock = [NOW]
    with server.running(), httpx.Client() as client:
        sources.add(
            "T1",
            "masto",
            "mastodon",
            {"instance": server.base_url, "hashtag": "flood"},
            now=NOW,
            interval_seconds=60,
        )

        def scan() -> None:
            clock[0] += timedelta(hours=2)  # past any backoff
            scan_due(ingestor, client, now=lambda: clock[0], sleep=lambda _: None)

        scan()
        scan()  # a cursor now, but the server hands back the same page: paging must stop
        assert _count(engine) == 40
        assert len(requests) <= 1 + 5  # first fetch, then at most max_pages
        mode["shape"] = "wrapped"
        scan()
        broken = sources.get("T1", "masto")
        assert broken is not None and broken.status == "bad_payload"
        assert "unexpected response shape" in (broken.last_error or "")
        mode["shape"] = "list"
        scan()
        healed = sources.get("T1", "masto")
        assert healed is not None and healed.status == "ok"
    assert _count(engine) == 40  # nothing stored twice, nothing lost
