"""SlackPoster: how scheduled digests and alerts reach Slack, with errors as DeliveryError."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.clients import retry_after
from bot.slack.messages import (
    NOT_A_MEMBER,
    find_delivery,
    is_rate_limited,
    message_args,
    post_message,
    slack_error,
    upload_chart,
)
from bot.slack.pacing import ChannelPacer, HeldError
from commands.context import Reply
from jobs.poster import DeliveryError

log = logging.getLogger(__name__)

# Retrying cannot help until someone reinstalls the app or restores its token.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "token_expired",
        "not_authed",
        "team_access_not_granted",
        "missing_scope",
    }
)
DEFAULT_RETRY_AFTER = 30.0


class SlackPoster:
    """`jobs.poster.Poster` over the Web API; `client_for_team` gives each workspace's client
    (one shared client in single-token mode, the installation's bot token in OAuth mode).

    The client's own retry handler already waits out short rate limits; what reaches this
    class is a long one, handed to the scheduler as `retry_after`.
    """

    def __init__(
        self, client_for_team: Callable[[str], WebClient], pacer: ChannelPacer | None = None
    ) -> None:
        self.client_for_team = client_for_team
        # Every post of a bulk delivery (routed posts, digests, alerts, reminders) goes
        # through here, so pacing here paces them all, per channel.
        self.pacer = pacer or ChannelPacer()

    def post(
        self,
        team_id: str,
        channel: str,
        reply: Reply,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        try:
            self.pacer.wait(team_id, channel)
        except HeldError as held:
            raise DeliveryError("Slack rate limit", retry_after=held.seconds) from held
        with _as_delivery_error(team_id, channel, self.pacer):
            client = self.client_for_team(team_id)
            ts = post_message(client, channel, reply, thread_ts=thread_ts, key=key)
        if reply.chart is not None:
            try:
                upload_chart(client, channel, reply.chart, thread_ts=thread_ts or ts)
            except (SlackApiError, SlackClientError, OSError) as exc:
                # OSError: the upload step raises urllib's HTTPError, not a Slack error.
                # The message is out; raising now would make the scheduler post it twice.
                log.warning("chart for %s in %s/%s not attached: %s", ts, team_id, channel, exc)
        return ts

    def find(self, team_id: str, channel: str, key: str, since: datetime) -> str | None:
        """Look for a message posted with `key` (via its metadata) since `since`.

        Needs the channels:history / groups:history scopes; without them, or if Slack
        cannot be asked, the answer is "not found" and the caller posts again.
        """
        try:
            return find_delivery(self.client_for_team(team_id), channel, key, since.timestamp())
        except (SlackApiError, SlackClientError, LookupError, OSError) as exc:
            log.warning("could not check %s/%s for delivery %s: %s", team_id, channel, key, exc)
            return None

    def update(self, team_id: str, channel: str, ts: str, reply: Reply) -> None:
        """Replace the message's blocks and text; an uploaded chart stays as it was."""
        with _as_delivery_error(team_id, channel):
            self.client_for_team(team_id).chat_update(channel=channel, ts=ts, **message_args(reply))

    def pin(self, team_id: str, channel: str, ts: str) -> None:
        """Pin a posted message (pins.add). A failed pin loses nothing but emphasis, so it
        is logged, never raised: a retry would risk re-posting what it decorates."""
        try:
            self.client_for_team(team_id).pins_add(channel=channel, timestamp=ts)
        except (SlackApiError, SlackClientError, LookupError, OSError) as exc:
            log.warning("could not pin %s in %s/%s: %s", ts, team_id, channel, exc)


@contextmanager
def _as_delivery_error(
    team_id: str, channel: str, pacer: ChannelPacer | None = None
) -> Iterator[None]:
    try:
        yield
    except SlackApiError as exc:
        error = delivery_error(exc, channel)
        if pacer is not None and error.retry_after is not None:
            pacer.hold(team_id, channel, error.retry_after)
        raise error from exc
    except LookupError as exc:  # no installation for this workspace
        raise DeliveryError(str(exc), permanent=True) from exc
    except SlackClientError as exc:
        raise DeliveryError(f"Slack unreachable: {exc}") from exc
    except OSError as exc:
        raise DeliveryError(f"Slack unreachable: {exc}") from exc


def delivery_error(exc: SlackApiError, channel: str) -> DeliveryError:
    error = slack_error(exc)
    if is_rate_limited(exc):
        wait = retry_after(exc.response.headers)
        return DeliveryError(
            "Slack rate limit", retry_after=wait if wait is not None else DEFAULT_RETRY_AFTER
        )
    if error in NOT_A_MEMBER:
        return DeliveryError(
            f"Earshot cannot post in {channel} ({error}): invite @Earshot to the channel, "
            "or choose another channel"
        )
    if error in PERMANENT_ERRORS:
        return DeliveryError(
            f"Slack refused the call ({error}); reinstall Earshot to restore its token and scopes",
            permanent=True,
        )
    return DeliveryError(f"Slack error: {error or exc.response.status_code}")
