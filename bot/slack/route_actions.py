"""Routed-post buttons (claim, resolved, not actionable), answered by commands.routed."""

from __future__ import annotations

from collections.abc import Callable
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
from commands.routed import ACTIONS

RouteCall = Callable[[Ctx, int], Reply]


def register_route_actions(app: App, runtime: Runtime) -> None:
    """Register the buttons on routed posts; each click updates the message in place."""
    admins = AdminCheck(runtime.settings.admin_users)  # unused: anyone in the channel may act
    for action_id, call in ACTIONS.items():
        app.action(action_id)(_listener(runtime, admins, action_id, call))


def _listener(
    runtime: Runtime, admins: AdminCheck, action_id: str, call: RouteCall
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
            # The team comes from the signed payload (request_ctx), never from the button.
            ctx = request_ctx(
                runtime,
                admins,
                client,
                context,
                body,
                user_id=user.get("id"),
                channel_id=channel.get("id"),
                check_admin=False,
            )
            try:
                reply = call(ctx, int(str(action.get("value"))))
            except (UsageError, NotAllowedError, ValueError) as exc:
                reply = Reply.error(str(exc))
            if reply.ephemeral:
                respond(response_type="ephemeral", replace_original=False, **message_args(reply))
            else:
                respond(replace_original=True, **message_args(reply))
        except Exception:
            respond(
                response_type="ephemeral", replace_original=False, text=report_failure(action_id)
            )

    return listener
