"""Socket Mode: the Bolt app over Slack's WebSocket, tuned to notice a dead link quickly."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

# slack_sdk's built-in client pings every `ping_interval` seconds and gives a connection up
# once no pong has come back for more than four intervals; its monitor then reconnects on
# the next tick. Bolt's default of 10 s meant ~50-55 s of deafness after a silent drop (a
# NAT or proxy losing the flow, a laptop waking up); at 1 s a dead link is replaced within
# about 6 s, well inside a person's patience and Slack's retry window. A ping is a few
# bytes, so the cost is nothing.
PING_INTERVAL = 1.0


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """The handler `earshot run` serves with; tests drive this same one."""
    return SocketModeHandler(app, app_token, ping_interval=PING_INTERVAL)
