"""A workspace's own settings (timezone, admin group); Slack itself has no workspace timezone."""

from __future__ import annotations

from sqlalchemy import Engine

from storage.models import Workspace
from storage.workspaces import Workspaces

DEFAULT_TIMEZONE = "UTC"


def workspace(engine: Engine, team_id: str) -> Workspace | None:
    return Workspaces(engine).get(team_id)


def workspace_timezone(engine: Engine, team_id: str) -> str:
    row = workspace(engine, team_id)
    return row.timezone if row is not None and row.timezone else DEFAULT_TIMEZONE
