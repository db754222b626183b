"""Answer a slash command: ephemeral via response_url, or a channel post with its chart."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.messages import (
    NOT_A_MEMBER,
    is_rate_limited,
    message_args,
    post_message,
    slack_error,
    upload_chart,
)
from commands import blocks as bk
from commands.context import Reply

log = logging.getLogger(__name__)

INVITE_NOTE = "Invite @Earshot to this channel (`/invite @Earshot`) to post charts here."
BUSY_NOTE = "Slack is rate-limiting Earshot's posts right now, so the chart is not attached."


def deliver(reply: Reply, *, client: WebClient, respond: Respond, channel_id: str | None) -> None:
    """Never lose the reply: when the channel post fails for a known reason, the same
    blocks go back through response_url, which needs neither membership nor a token."""
    if reply.ephemeral or not channel_id:
        respond(response_type="ephemeral", **message_args(reply))
        return
    try:
        ts = post_message(client, channel_id, reply)
    except SlackApiError as exc:
        if slack_error(exc) in NOT_A_MEMBER:
            _fallback(respond, reply, INVITE_NOTE)
        elif is_rate_limited(exc):
            _fallback(respond, reply, BUSY_NOTE)
        else:
            raise
        return
    if reply.chart is None:
        return
    try:
        upload_chart(client, channel_id, reply.chart, thread_ts=ts)
    except (SlackApiError, SlackClientError) as exc:
        # The numbers are posted; say why the picture is missing instead of failing.
        error = slack_error(exc) if isinstance(exc, SlackApiError) else str(exc)
        log.warning("chart upload to %s failed: %s", channel_id, error)
        note = (
            INVITE_NOTE if error in NOT_A_MEMBER else f"The chart could not be attached ({error})."
        )
        respond(response_type="ephemeral", text=note)


def _fallback(respond: Respond, reply: Reply, note: str) -> None:
    args: dict[str, Any] = message_args(reply)
    # With blocks present Slack shows only the blocks, so a text-only reply becomes one.
    shown = reply.blocks or [bk.section(reply.text)]
    blocks = bk.limit_blocks(shown, bk.MESSAGE_BLOCKS_MAX - 1)
    args["blocks"] = [*blocks, bk.context(f":information_source: {note}")]
    respond(response_type="in_channel", **args)
