"""Socket Mode wiring through `earshot run`: the process asks for a connection with the app
token. (Envelopes, acks, refreshes and drops end to end: test_slack_socket_mode_e2e.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


def test_socket_mode_connects_with_the_app_token(tmp_path: Path) -> None:
    """Socket Mode wiring: `earshot run` opens a connection on SLACK_API_URL with the xapp-
    token (this fake hands out no WebSocket, so the process stops at apps.connections.open)."""
    with FakeSlack() as fake:
        fake.add_team("T111")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "SLACK_BOT_TOKEN": "xoxb-T111-fake",
            "SLACK_APP_TOKEN": "xapp-1-fake",
            "SLACK_API_URL": fake.base_url,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-scheduler"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            [opened] = fake.wait_for("apps.connections.open", timeout=60)
            assert opened["_token"] == "xapp-1-fake"
            assert fake.calls_to("auth.test")[0]["_token"] == "xoxb-T111-fake"
        finally:
            time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode()
