"""How jobs hand a finished Reply to a chat surface (Slack, or the console stand-in)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commands.context import Reply


class DeliveryError(Exception):
    """Posting failed. `retry_after` (seconds) when the surface said when to come back;
    `permanent` when retrying can never help (e.g. the workspace uninstalled the app)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Poster(Protocol):
    """Implemented in bot/ (Slack Web API, console); jobs never import a chat SDK."""

    def post(
        self,
        team_id: str,
        channel: str,
        reply: Reply,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post `reply` (blocks, text fallback, chart uploaded alongside); return its ts.

        `key` (the delivery claim's key) travels with the message, so `find` can tell
        later whether a post interrupted by a crash went out after all.
        """
        ...

    def find(self, team_id: str, channel: str, key: str, since: datetime) -> str | None:
        """The ts of a message posted with `key` since `since`, if the surface can tell."""
        ...

    def update(self, team_id: str, channel: str, ts: str, reply: Reply) -> None:
        """Replace an earlier message in place (chat.update)."""
        ...

    def pin(self, team_id: str, channel: str, ts: str) -> None:
        """Pin a message to its channel (pins.add); a failure here is not worth a retry."""
        ...
