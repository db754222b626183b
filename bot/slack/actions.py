"""Alert buttons (acknowledge, mute, more posts), answered by commands.alerts when it exists."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.admins import AdminCheck
from bot.slack.context import request_ctx
from bot.slack.failures import report_failure
from bot.slack.messages import message_args
from commands.context import Ctx, NotAllowedError, Reply, UsageError

log = logging.getLogger(__name__)

AlertCall = Callable[[ModuleType, Ctx, int], Reply]
# action_id -> how to call commands.alerts; the alert id travels in the button's value.
ALERT_ACTIONS: dict[str, AlertCall] = {
    "alert_ack": lambda alerts, ctx, alert_id: alerts.acknowledge(ctx, alert_id),
    "alert_mute_1h": lambda alerts, ctx, alert_id: alerts.mute(ctx, alert_id, 1),
    "alert_mute_24h": lambda alerts, ctx, alert_id: alerts.mute(ctx, alert_id, 24),
    "alert_more_posts": lambda alerts, ctx, alert_id: alerts.more_posts(ctx, alert_id),
}


def _alerts_module() -> ModuleType | None:
    try:
        return importlib.import_module("commands.alerts")
    except ModuleNotFoundError as exc:
        if exc.name != "commands.alerts":
            raise
        return None


def register_actions(app: App, runtime: Runtime, admins: AdminCheck | None = None) -> None:
    """Register the alert buttons; without commands.alerts there is nothing to call yet.

    A handler's Reply with `ephemeral=True` is shown to the clicker only; otherwise it
    replaces the alert message (e.g. "acknowledged by @user", buttons gone).
    """
    alerts = _alerts_module()
    if alerts is None:
        log.info("commands.alerts not present; alert buttons are not handled")
        return
    checker = admins or AdminCheck(runtime.settings.admin_users)
    for action_id, call in ALERT_ACTIONS.items():
        app.action(action_id)(_listener(runtime, checker, alerts, action_id, call))


def _listener(
    runtime: Runtime, admins: AdminCheck, alerts: ModuleType, action_id: str, call: AlertCall
) -> Callable[..., None]:
    def listener(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        try:
            user = body.get("user") or {}
            channel = body.get("channel") or {}
            ctx = request_ctx(
                runtime,
                admins,
                client,
                context,
                body,
                user_id=user.get("id"),
                channel_id=channel.get("id"),
                check_admin=True,
            )
            try:
                reply = call(alerts, ctx, int(str(action.get("value"))))
            except (UsageError, NotAllowedError, ValueError) as exc:
                reply = Reply.error(str(exc))
            if reply.ephemeral:
                respond(response_type="ephemeral", replace_original=False, **message_args(reply))
            else:
                # A public reply is the alert as it now stands: update the message in place.
                respond(replace_original=True, **message_args(reply))
        except Exception:
            respond(
                response_type="ephemeral", replace_original=False, text=report_failure(action_id)
            )

    return listener
