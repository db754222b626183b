"""The App Home tab: published for whoever opens it, scoped to their workspace."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.context import team_of
from bot.slack.failures import report_failure
from bot.slack.workspace import workspace_timezone
from commands.home import home_view


def register_home(app: App, runtime: Runtime) -> None:
    def publish_home(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab is off in the manifest, but an old install may send it
        user_id = str(event["user"])
        try:
            team_id = team_of(context, body)
            timezone = workspace_timezone(runtime.engine, team_id)
            ctx = runtime.ctx(team_id, user_id=user_id, is_admin=False, timezone=timezone)
            client.views_publish(user_id=user_id, view=home_view(ctx))
        except Exception:
            # Nobody waits on a reply here; the log line (with its reference) is the report.
            report_failure("app_home_opened")

    app.event("app_home_opened")(publish_home)
