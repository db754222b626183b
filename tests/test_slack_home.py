"""App Home: the published view shows this workspace's topics, sources, alerts and digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from commands.home import home_view
from storage.alerts import Alerts
from storage.models import Alert
from storage.schedules import Schedules
from storage.topics import Topics
from tests.slack_support import (
    AdminAwareFakeSlack,
    bolt_request,
    event_body,
    make_runtime,
    seed_flood,
)


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def add_alert(runtime: Runtime, team_id: str, topic: str, at: datetime, **extra: Any) -> None:
    alert = Alert(
        team_id=team_id,
        topic_id=1,
        topic_name=topic,
        metric="volume",
        severity="warning",
        window_start=at,
        last_bucket=at,
        created_at=at,
        updated_at=at,
        **extra,
    )
    assert Alerts(runtime.engine).open(alert) is not None


def all_text(view: dict[str, Any]) -> str:
    return "\n".join(str(block.get("text", {}).get("text", "")) for block in view["blocks"])


def open_home(app: App) -> int:
    body = event_body({"type": "app_home_opened", "user": "U111", "tab": "home"})
    return app.dispatch(bolt_request(body, "application/json")).status


def test_home_tab_shows_this_workspace_only(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    seed_flood(runtime, "T111", now)
    Topics(runtime.engine).add("T222", "secret-other-team", "secret", now=now)
    for hours in range(7):
        add_alert(runtime, "T111", f"flood-{hours}", now - timedelta(hours=hours))
    add_alert(runtime, "T222", "other-team-alert", now)
    Schedules(runtime.engine).upsert(
        "T111",
        "C111",
        topics=["flood"],
        local_time="08:30",
        timezone="America/Edmonton",
        frequency="daily",
        weekday=0,
        created_by="U111",
        now=now,
    )

    assert open_home(app) == 200

    [view] = fake.views["U111"]
    assert view["type"] == "home" and view["team"] == "T111"
    text = all_text(view)
    assert "*flood* (topic): `flood`" in text
    assert "*city-feed* (rss) disabled" in text
    assert [f"flood-{h}" in text for h in range(7)] == [True] * 5 + [False] * 2
    assert "<#C111>: daily at 08:30 America/Edmonton, flood" in text
    assert "secret-other-team" not in text and "other-team-alert" not in text


def test_home_tab_stays_within_block_kit_limits(runtime: Runtime, now: datetime) -> None:
    for index in range(400):
        Topics(runtime.engine).add(
            "T111", f"topic-{index:03d}", f"word{index} OR x{index}", now=now
        )
    view = home_view(runtime.ctx("T111"))
    assert len(view["blocks"]) <= 100
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])
    assert "topic-399" in all_text(view)


def test_empty_workspace_gets_hints(app: App, fake: AdminAwareFakeSlack) -> None:
    open_home(app)
    text = all_text(fake.views["U111"][0])
    assert "No topics yet" in text and "No alerts so far" in text


def test_messages_tab_is_ignored(app: App, fake: AdminAwareFakeSlack) -> None:
    body = event_body({"type": "app_home_opened", "user": "U111", "tab": "messages"})
    assert app.dispatch(bolt_request(body, "application/json")).status == 200
    assert fake.calls_to("views.publish") == []
