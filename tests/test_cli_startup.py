"""The command line starts without importing what the command does not use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli_helpers import ROOT, cli_env

# Charting, numeric, sentiment, Slack, HTTP, feed and scheduling libraries: about a second
# of imports between them, which `earshot --help` and `earshot topic list` never use.
HEAVY = (
    "matplotlib",
    "numpy",
    "PIL",
    "vaderSentiment",
    "slack_bolt",
    "slack_sdk",
    "httpx",
    "feedparser",
    "apscheduler",
    "uvicorn",
    "tqdm",
    "sklearn",
)

PROBE = """
import json, sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(db_url: str, *args: str) -> set[str]:
    """Every module the real `earshot` entry point has imported after running `args`."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=cli_env(db_url),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def test_help_imports_no_heavy_library_and_no_database_layer(db_url: str) -> None:
    loaded = loaded_modules(db_url, "--help")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    assert "sqlalchemy" not in loaded and "alembic" not in loaded


@pytest.mark.parametrize("args", [("topic", "list"), ("topic", "--help"), ("source", "list")])
def test_configuration_commands_import_no_heavy_library(db_url: str, args: tuple[str, ...]) -> None:
    loaded = loaded_modules(db_url, *args)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_report_still_imports_what_it_draws_with(db_url: str) -> None:
    # The probe sees imports: a command that draws a chart does load matplotlib.
    loaded = loaded_modules(db_url, "sentiment", "flood", "--since", "30d")
    assert "matplotlib" in loaded
