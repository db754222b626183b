"""Two workspaces in one database: no command, job or export shows one the other's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from commands import alerts as alert_cmd
from commands import incident as incident_cmd
from commands.context import Ctx, UsageError
from commands.registry import dispatch
from jobs.alerts import check_spikes
from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage import audit
from storage.alerts import Alerts
from storage.models import Alert, SourceRow
from storage.sources import Sources

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECRET_WORDS = ("zebrafloods", "Aardvark", "secret-source")


class _Actions:
    """The write path's answers, without the network."""

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        return dict(settings)

    def secret_settings(self, kind: str) -> set[str]:
        return set()

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        return True, f"tested {row.name}"


def _ctx(engine: Engine, team: str) -> Ctx:
    return Ctx(
        engine=engine,
        team_id=team,
        now=NOW,
        user_id=f"U{team}",
        channel_id=f"C{team}",
        actions=_Actions(),
    )


@pytest.fixture
def team_a(engine: Engine) -> Ctx:
    ctx = _ctx(engine, "TA")
    dispatch("/earshot", 'topics add zebrafloods "zebrafloods OR Aardvark" --kind campaign', ctx)
    dispatch("/earshot", "sources add rss secret-source url=http://127.0.0.1:9/feed", ctx)
    dispatch("/earshot", "digest schedule 09:00 UTC", ctx)
    dispatch("/earshot", "settings timezone Europe/Paris", ctx)
    row = Sources(engine).get("TA", "secret-source")
    assert row is not None and row.id is not None
    posts = [
        RawPost(
            external_id=str(i),
            text=f"Aardvark zebrafloods report {i}",
            author=f"a{i}",
            created_at=NOW - timedelta(hours=i % 30),
            lang="en",
        )
        for i in range(40)
    ]
    Ingestor(engine, Scorer()).ingest(
        "TA", SourceRef(row.id, "rss", "secret-source"), posts, now=NOW
    )
    Alerts(engine).open(
        Alert(
            team_id="TA",
            topic_id=1,
            topic_name="zebrafloods",
            metric="volume",
            severity="warning",
            window_start=NOW,
            last_bucket=NOW,
            reason="Aardvark",
            channel="CTA",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    incident_cmd.start(ctx, "zebrafloods-incident", "Aardvark", "CTA")
    return ctx


B_COMMANDS = [
    ("/sentiment", "zebrafloods 30d"),
    ("/sentiment", "Aardvark 30d"),
    ("/reach", "zebrafloods 30d"),
    ("/earshot", "topics list"),
    ("/earshot", "topics preview Aardvark"),
    ("/earshot", "sources list"),
    ("/earshot", "sources test secret-source"),
    ("/earshot", "posts zebrafloods 7d"),
    ("/earshot", "digest show"),
    ("/earshot", "digest now"),
    ("/earshot", "alerts list"),
    ("/earshot", "incident status"),
    ("/earshot", "incident status zebrafloods-incident"),
    ("/earshot", "settings"),
]


@pytest.mark.parametrize(("command", "text"), B_COMMANDS)
def test_commands_of_b_show_nothing_of_a(
    engine: Engine, team_a: Ctx, command: str, text: str
) -> None:
    reply = dispatch(command, text, _ctx(engine, "TB"))
    shown = f"{reply.text} {reply.blocks} {reply.data}"
    for word in SECRET_WORDS:
        if word.lower() in text.lower():
            continue  # B typed it; the question is whether A's data comes back
        assert word.lower() not in shown.lower(), f"{command} {text} leaked {word}"
    assert "Europe/Paris" not in shown
    for number in ("40 posts", "posts: 40", '"posts": 40'):
        assert number not in shown


def test_b_cannot_act_on_or_export_a_records(engine: Engine, team_a: Ctx) -> None:
    b = _ctx(engine, "TB")
    alert = Alerts(engine).recent("TA", 1)[0]
    assert alert.id is not None
    with pytest.raises(UsageError):
        alert_cmd.acknowledge(b, alert.id)
    with pytest.raises(UsageError):
        incident_cmd.export(b, "zebrafloods-incident")
    assert Alerts(engine).get("TA", alert.id).status == "open"  # type: ignore[union-attr]
    assert audit.entries(engine, "TB") == []
    assert {e.actor for e in audit.entries(engine, "TA")} == {"UTA"}


def test_jobs_keep_teams_apart(engine: Engine, team_a: Ctx) -> None:
    b = _ctx(engine, "TB")
    dispatch("/earshot", 'topics add other "zebrafloods"', b)  # same words, other workspace
    events = check_spikes(engine, now=NOW + timedelta(minutes=10))
    assert all(e.team_id in ("TA", "TB") for e in events)
    reply = dispatch("/sentiment", "other 30d", b)
    assert reply.data["posts"] == 0  # A's posts never match B's topic
