"""Run every check the project holds itself to: format, lint, types, tests.

One script for people and CI alike (`make test`). Extra arguments go to pytest.
The PostgreSQL leg runs when TEST_DATABASE_URL is set; `.ci/run` sets it when a
server answers on 127.0.0.1:5432.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ["bot", "commands", "jobs", "storage"]
LINTED = [*PACKAGES, "tests", "scripts", "bench"]


def step(title: str, argv: list[str]) -> None:
    print(f"==> {title}", flush=True)
    result = subprocess.run(argv, cwd=ROOT, check=False)
    if result.returncode != 0:
        print(f"FAILED: {title} (exit {result.returncode})", flush=True)
        sys.exit(result.returncode)


def main() -> None:
    env_db = os.environ.get("TEST_DATABASE_URL")
    print(f"database legs: sqlite{' + ' + env_db.split('@')[-1] if env_db else ''}")
    step("ruff format --check", [str(BIN / "ruff"), "format", "--check", *LINTED])
    step("ruff check", [str(BIN / "ruff"), "check", *LINTED])
    step("mypy --strict", [str(BIN / "mypy"), "--strict", *PACKAGES])
    step("pytest", [str(BIN / "python"), "-m", "pytest", *sys.argv[1:]])


if __name__ == "__main__":
    main()
