"""Run the real `earshot` command in a subprocess against a test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update({"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", **extra})
    return env


LOOPBACK_SOURCES = {"EARSHOT_ALLOW_PRIVATE_SOURCES": "127.0.0.1"}  # for sources faked on loopback


def earshot(
    db_url: str,
    *args: str,
    check: bool = True,
    timeout: float = 120,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=cli_env(db_url, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        input=input,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"earshot {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def spawn(db_url: str, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=cli_env(db_url, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup, no atexit, no flush; then reap it and close its pipes."""
    proc.kill()
    proc.communicate(timeout=30)
