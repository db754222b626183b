"""Button handlers (alerts, the digest's "Add term", routed posts), answered by commands."""

from __future__ import annotations

import logging
import re
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
from commands import alerts, question_reports, questions, routed, routed_backlog, topics
from commands.context import Ctx, NotAllowedError, Reply, UsageError

log = logging.getLogger(__name__)

Action = Callable[[Ctx, str], Reply]


def _by_id(handler: Callable[[Ctx, int], Reply]) -> Action:
    return lambda ctx, value: handler(ctx, int(value))


# action_id -> handler; the button's value carries only an id, never the workspace.
ACTIONS: dict[str, Action] = {
    "alert_ack": _by_id(alerts.acknowledge),
    "alert_mute_1h": lambda ctx, value: alerts.mute(ctx, int(value), 1),
    "alert_mute_24h": lambda ctx, value: alerts.mute(ctx, int(value), 24),
    "alert_more_posts": _by_id(alerts.more_posts),
    "digest_add_term": topics.add_term,
    routed_backlog.SHOW: routed_backlog.show,
    "question_posts": _by_id(questions.posts),
    "question_ack": _by_id(question_reports.acknowledge),
    "question_mute_24h": _by_id(question_reports.mute),
    **{action_id: _by_id(handler) for action_id, handler in routed.ACTIONS.items()},
}


def register_actions(
    app: App,
    runtime: Runtime,
    admins: AdminCheck | None = None,
    actions: dict[str, Action] | None = None,
) -> None:
    """Register button handlers. A handler's Reply with `ephemeral=True` is shown to the
    clicker only; otherwise it replaces the message (e.g. "acknowledged by @user")."""
    checker = admins or AdminCheck(runtime.settings.admin_users)
    for action_id, call in (actions or ACTIONS).items():
        # Several buttons of one kind in one block need distinct action_ids (Slack refuses
        # repeats), so a button may carry a `:N` suffix; it answers to the same handler.
        pattern = re.compile(rf"^{re.escape(action_id)}(?::\d+)?$")
        app.action(pattern)(_listener(runtime, checker, action_id, call))


def _listener(
    runtime: Runtime, admins: AdminCheck, action_id: str, call: Action
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
                reply = call(ctx, str(action.get("value")))
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
