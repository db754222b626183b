"""A command's `Ctx` from a Slack request: team from the request, never from the text."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.admins import AdminCheck
from bot.slack.directory import SlackDirectory
from bot.slack.workspace import DEFAULT_TIMEZONE, workspace
from commands.context import Ctx


def team_of(context: BoltContext, body: dict[str, Any]) -> str:
    """The workspace a request came from, as Slack (and Bolt's authorization) saw it."""
    team = body.get("team")
    team_id = (
        context.team_id
        or body.get("team_id")
        or (team.get("id") if isinstance(team, dict) else None)
        or context.enterprise_id
    )
    if not team_id:
        raise ValueError("request carries no team id")
    return str(team_id)


def request_ctx(
    runtime: Runtime,
    admins: AdminCheck,
    client: WebClient,
    context: BoltContext,
    body: dict[str, Any],
    *,
    user_id: str | None,
    channel_id: str | None,
    check_admin: bool,
) -> Ctx:
    """The Ctx for one request. `check_admin=False` skips the Slack lookups for read-only
    commands, which never ask (queries are open to everyone)."""
    team_id = team_of(context, body)
    settings = workspace(runtime.engine, team_id)
    is_admin = bool(
        check_admin
        and user_id
        and admins.is_admin(
            client, team_id, user_id, settings.admin_group if settings is not None else None
        )
    )
    ctx = runtime.ctx(
        team_id,
        user_id=user_id,
        channel_id=channel_id,
        is_admin=is_admin,
        timezone=settings.timezone if settings is not None else DEFAULT_TIMEZONE,
    )
    ctx.directory = SlackDirectory(client, team_id)
    return ctx
