"""Alert buttons via Bolt: acknowledge updates the message; mute and more posts answer privately."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from storage.alerts import Alerts
from storage.models import Alert
from storage.topics import Topics
from tests.slack_support import AdminAwareFakeSlack, click, make_runtime, seed_flood


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111")
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    seed_flood(rt, "T111", now)
    return rt


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def open_alert(runtime: Runtime, team_id: str, now: datetime) -> int:
    topic = Topics(runtime.engine).get(team_id, "flood")
    assert topic is not None and topic.id is not None
    start = now - timedelta(hours=6)
    alert = Alerts(runtime.engine).open(
        Alert(
            team_id=team_id,
            topic_id=topic.id,
            topic_name="flood",
            metric="volume",
            severity="warning",
            window_start=start,
            last_bucket=now - timedelta(minutes=5),
            value=3,
            baseline=0.2,
            peak_value=3,
            reason="3 posts in the window against about 0.2 expected",
            channel="C111",
            created_at=now,
            updated_at=now,
        )
    )
    assert alert is not None and alert.id is not None
    return alert.id


def test_acknowledge_replaces_the_alert_message(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    alert_id = open_alert(runtime, "T111", now)
    body = click(app, fake, "alert_ack", str(alert_id))
    assert body["replace_original"] is True
    assert "acknowledged by <@U111>" in json.dumps(body["blocks"])
    stored = Alerts(runtime.engine).get("T111", alert_id)
    assert stored is not None and stored.status == "acknowledged" and stored.acked_by == "U111"


def test_mute_answers_privately_and_mutes_the_topic(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    alert_id = open_alert(runtime, "T111", now)
    body = click(app, fake, "alert_mute_24h", str(alert_id))
    assert body["response_type"] == "ephemeral" and body["replace_original"] is False
    assert "muted until" in body["text"]
    topic = Topics(runtime.engine).get("T111", "flood")
    assert topic is not None and topic.muted_until == now + timedelta(hours=24)


def test_more_posts_lists_the_window(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    alert_id = open_alert(runtime, "T111", now)
    body = click(app, fake, "alert_more_posts", str(alert_id))
    assert body["response_type"] == "ephemeral"
    assert "Great work by the flood crews" in body["text"]  # 5 h ago: inside the 6 h window
    assert "basement is ruined" not in body["text"]  # 10 h ago: outside it


def test_another_workspaces_alert_id_is_not_found(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    seed_flood(runtime, "T222", now, texts=("flood at the other agency",))
    foreign = open_alert(runtime, "T222", now)
    body = click(app, fake, "alert_ack", str(foreign))
    assert "no longer exists in this workspace" in body["text"]
    stored = Alerts(runtime.engine).get("T222", foreign)
    assert stored is not None and stored.status == "open"


def test_digest_add_term_widens_the_query_for_admins_only(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    topic = Topics(runtime.engine).get("T111", "flood")
    assert topic is not None and topic.id is not None
    body = click(app, fake, "digest_add_term", f"{topic.id}|basement")
    assert "Only workspace admins" in body["text"]  # U111 is a plain member
    assert Topics(runtime.engine).get("T111", "flood").query == topic.query  # type: ignore[union-attr]
    fake.add_member("U111", "T111", role="is_admin")
    runtime_admins = build_app(runtime, process_before_response=True)
    body = click(runtime_admins, fake, "digest_add_term", f"{topic.id}|basement")
    assert body["response_type"] == "ephemeral" and "Added `basement`" in body["text"]
    assert Topics(runtime.engine).get("T111", "flood").query == f"({topic.query}) OR basement"  # type: ignore[union-attr]


def test_a_numbered_add_term_button_adds_a_phrase_as_a_phrase(
    fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    """The digest numbers its buttons (digest_add_term:N) and quotes a two-word term."""
    topic = Topics(runtime.engine).get("T111", "flood")
    assert topic is not None and topic.id is not None
    fake.add_member("U111", "T111", role="is_admin")
    admins = build_app(runtime, process_before_response=True)
    body = click(admins, fake, "digest_add_term:3", f'{topic.id}|"sandbag volunteers"')
    assert body["response_type"] == "ephemeral"
    stored = Topics(runtime.engine).get("T111", "flood")
    assert stored is not None and stored.query == f'({topic.query}) OR "sandbag volunteers"'
