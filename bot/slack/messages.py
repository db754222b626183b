"""Posting a Reply with the Web API: blocks plus text fallback, then the chart as a PNG file."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands import blocks as bk
from commands.charts import Chart
from commands.context import Reply
from commands.paging import sections

ALT_TXT_MAX = 1000  # files.getUploadURLExternal rejects longer alt text
TEXT_MAX = 3000  # beyond this Slack truncates the notification text anyway
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slack_error(exc: SlackApiError) -> str:
    """The `error` code of a failed call ("ratelimited", "not_in_channel", ...)."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or "")


def is_rate_limited(exc: SlackApiError) -> bool:
    return exc.response.status_code == 429 or slack_error(exc) == "ratelimited"


def message_args(reply: Reply) -> dict[str, Any]:
    """chat.postMessage / chat.update / response_url fields for a reply."""
    args: dict[str, Any] = {"text": bk.truncate(reply.text, TEXT_MAX)}
    if reply.blocks:
        args["blocks"] = bk.limit_blocks(reply.blocks)
    elif len(reply.text) > TEXT_MAX:
        # A long text-only reply would lose its tail to the cut above: show it whole, split
        # line by line across sections (the cut text stays as the notification fallback).
        args["blocks"] = bk.limit_blocks(sections(reply.text.splitlines()))
    return args


DELIVERY_EVENT = "earshot_delivery"


def post_message(
    client: WebClient,
    channel: str,
    reply: Reply,
    *,
    thread_ts: str | None = None,
    key: str | None = None,
) -> str:
    extra: dict[str, Any] = {}
    if key is not None:
        # Message metadata carries the delivery key, so a restarted scheduler can see
        # that a post interrupted by a crash did go out (and not post it again).
        extra["metadata"] = {"event_type": DELIVERY_EVENT, "event_payload": {"key": key}}
    answer = client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, **message_args(reply), **extra
    )
    return str(answer["ts"])


def find_delivery(client: WebClient, channel: str, key: str, oldest: float) -> str | None:
    """The ts of a message in `channel` since `oldest` that carries this delivery key."""
    cursor = None
    for _ in range(10):  # a claim is minutes old: a few pages of history at most
        answer = client.conversations_history(
            channel=channel,
            oldest=f"{oldest:.6f}",
            include_all_metadata=True,
            limit=200,
            cursor=cursor,
        )
        for message in answer.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == DELIVERY_EVENT and payload.get("key") == key:
                return str(message["ts"])
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


def chart_filename(chart: Chart) -> str:
    slug = _NOT_SLUG.sub("-", chart.title.lower()).strip("-")[:60]
    return f"{slug or 'chart'}.png"


def upload_chart(client: WebClient, channel: str, chart: Chart, *, thread_ts: str) -> None:
    """Share the chart in the thread of the message it illustrates.

    A thread reply rather than a second top-level post: the numbers stay first in the
    channel, and a digest with several charts does not flood it.
    """
    client.files_upload_v2(
        channel=channel,
        file=chart.png,
        filename=chart_filename(chart),
        title=bk.truncate(chart.title, 250),
        alt_txt=bk.truncate(chart.alt_text, ALT_TXT_MAX),
        thread_ts=thread_ts,
    )
