"""The console stand-in: `earshot run` without Slack tokens, fed commands on a pipe."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.clicmds.run import ModeError, choose_mode
from bot.console import ConsoleOutput, ConsolePoster, run_console
from bot.settings import Settings
from commands import blocks as bk
from commands.charts import volume_sentiment_chart
from commands.context import Reply
from storage.engine import make_engine
from storage.migrations import upgrade
from tests.slack_support import PNG_MAGIC, make_runtime, seed_flood

ROOT = Path(__file__).resolve().parents[1]


def seeded_database(tmp_path: Path, team: str) -> str:
    url = f"sqlite:///{tmp_path / 'earshot.db'}"
    db = make_engine(url)
    upgrade(db)
    # The subprocess reads the real clock, so the posts are recent by that clock.
    seed_flood(make_runtime(db, datetime.now(UTC)), team, datetime.now(UTC))
    db.dispose()
    return url


def run_earshot(
    tmp_path: Path, url: str, stdin: str, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_piped_commands_print_replies_and_write_charts(tmp_path: Path) -> None:
    url = seeded_database(tmp_path, "local")
    done = run_earshot(
        tmp_path,
        url,
        "/earshot help\n/sentiment flood\nquit\n/sentiment never-reached\n",
        "run",
        "--no-scheduler",
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "/sentiment <topic or query> [24h|7d|30d]: volume and sentiment" in out
    assert "Sentiment · flood · last 7d" in out
    assert "Posts: 3 " in out
    assert "never-reached" not in out
    [chart] = sorted((tmp_path / "console-charts").glob("*.png"))
    assert chart.read_bytes().startswith(PNG_MAGIC)
    assert f"Chart: console-charts/{chart.name}" in out


def test_team_flag_and_end_of_input(tmp_path: Path) -> None:
    url = seeded_database(tmp_path, "TOTHER")
    # With the scheduler (the default): it starts, and stops cleanly at end of input.
    done = run_earshot(tmp_path, url, "/sentiment flood\n", "run", "--team", "local")
    assert done.returncode == 0, done.stderr
    assert "Posts: 0 " in done.stdout  # team "local" has none of TOTHER's posts
    done = run_earshot(
        tmp_path, url, "/sentiment flood", "--team", "TOTHER", "run", "--no-scheduler"
    )
    assert "Posts: 3 " in done.stdout


def test_console_loop_handles_help_errors_and_unknown_input(tmp_path: Path, engine: Engine) -> None:
    runtime = make_runtime(engine, datetime(2026, 11, 20, 12, tzinfo=UTC))
    stream = io.StringIO()
    output = ConsoleOutput(stream, tmp_path / "charts")
    commands = "help\nhello\n/nope\n/sentiment (flood\n\n# a comment\nexit\n"
    assert run_console(runtime, "local", io.StringIO(commands), output) == 0
    printed = stream.getvalue()
    assert "/reach <campaign> [30d]" in printed
    assert "Not a command: 'hello'" in printed
    assert "Unknown command /nope" in printed
    assert "is not a saved topic, and as a query" in printed
    assert "earshot>" not in printed  # no prompt when stdin is not a terminal


def test_console_poster_prints_header_and_writes_chart(tmp_path: Path) -> None:
    stream = io.StringIO()
    poster = ConsolePoster(ConsoleOutput(stream, tmp_path / "charts"))
    start = datetime(2026, 11, 20, tzinfo=UTC)
    chart = volume_sentiment_chart(
        "Digest · flood", [start, start + timedelta(hours=1)], [4, 2], [0.2, -0.1]
    )
    reply = Reply(
        text="Daily digest",
        blocks=[bk.header("Daily digest"), bk.section("*flood* 6 posts")],
        chart=chart,
    )
    ts = poster.post("T111", "#comms", reply)
    poster.update("T111", "comms", ts, Reply(text="Acknowledged by @U1"))
    poster.pin("T111", "comms", ts)
    printed = stream.getvalue().splitlines()
    assert printed[0] == f"[#comms] T111 ts={ts}"
    assert "flood 6 posts" in printed
    assert any(
        line.startswith("Chart: ") and line.endswith(f"({chart.alt_text})") for line in printed
    )
    assert f"[#comms] T111 updated ts={ts}" in printed and "Acknowledged by @U1" in printed
    assert printed[-1] == f"[#comms] T111 pinned ts={ts}"
    [png] = (tmp_path / "charts").glob("*.png")
    assert png.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("env", "http", "mode"),
    [
        ({}, False, "console"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1"}, False, "socket"),
        ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}, True, "http"),
        (
            {"slack_client_id": "1.2", "slack_client_secret": "c", "slack_signing_secret": "s"},
            True,
            "http",
        ),
    ],
)
def test_mode_follows_the_environment(env: dict[str, str], http: bool, mode: str) -> None:
    assert choose_mode(Settings(**env), http=http) == mode


@pytest.mark.parametrize(
    ("env", "http", "says"),
    [
        ({"slack_bot_token": "xoxb-1"}, True, "SLACK_SIGNING_SECRET"),
        ({}, True, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-1"}, False, "SLACK_APP_TOKEN is not"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, False, "xapp-"),
        ({"slack_app_token": "xapp-1"}, False, "SLACK_BOT_TOKEN"),
    ],
)
def test_incomplete_environment_is_explained(env: dict[str, str], http: bool, says: str) -> None:
    with pytest.raises(ModeError, match=says):
        choose_mode(Settings(**env), http=http)


def test_http_without_secret_exits_with_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SLACK_BOT_TOKEN": "xoxb-T1-fake"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--http", "--port", "9"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "error: --http needs SLACK_SIGNING_SECRET" in done.stderr
    assert "Traceback" not in done.stderr
