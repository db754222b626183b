"""Imports run one way (bot -> jobs -> commands -> storage), and libraries stay at their edges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["bot", "jobs", "commands", "storage"]
# A third-party library may be imported only under these package prefixes.
EDGES = {
    "slack_bolt": ("bot",),
    "slack_sdk": ("bot",),
    "matplotlib": ("commands.charts",),
    "vaderSentiment": ("jobs.sentiment",),
    "feedparser": ("jobs.sources",),
    "httpx": ("jobs", "bot"),
    "apscheduler": ("bot",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if "migrations" in path.parts and "versions" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out.append((module, path))
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_imports_point_down_and_libraries_stay_at_edges(module: str, path: Path) -> None:
    layer = LAYERS.index(module.split(".")[0])
    for name in _imports(path):
        top = name.split(".")[0]
        if top in LAYERS:
            assert LAYERS.index(top) >= layer, f"{module} imports {name}: upward import"
        if top in EDGES:
            allowed = EDGES[top]
            assert module.startswith(allowed), f"{module} imports {name}; only {allowed} may"


# SQL lives in storage/: elsewhere an engine is only passed around, as a handle.
SQL_LIBRARIES = ("sqlalchemy", "sqlmodel")
SQL_HANDLE = {"Engine"}


def _sql_imports(path: Path) -> list[str]:
    """SQL library imports beyond the `Engine` handle, as "module: names"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in SQL_LIBRARIES]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] in SQL_LIBRARIES
        ):
            extra = {a.name for a in node.names} - SQL_HANDLE
            if extra or node.module != "sqlalchemy":
                found.append(f"{node.module}: {', '.join(sorted(extra))}")
    return found


@pytest.mark.parametrize(
    ("module", "path"),
    [(m, p) for m, p in _modules() if not m.startswith("storage")],
    ids=lambda v: str(v),
)
def test_sql_stays_in_storage(module: str, path: Path) -> None:
    assert _sql_imports(path) == [], f"{module} uses SQL directly; put it in storage/"
