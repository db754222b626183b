"""commands.query imports only the standard library and itself (both paths import it)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "commands" / "query"


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_query_package_imports_only_stdlib_and_itself() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) > 5
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            allowed = module.startswith("commands.query") or top in sys.stdlib_module_names
            assert allowed or top == "__future__", f"{path.name} imports {module}"
