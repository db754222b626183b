"""The two small types every command speaks: `Ctx` in, `Reply` out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib and SQLAlchemy are heavy: `earshot --help` needs neither
    from sqlalchemy import Engine

    from commands.charts import Chart


class UsageError(ValueError):
    """Bad command input: the message says what was wrong and how to fix it."""


class NotAllowedError(PermissionError):
    """The user may not change this configuration."""


@dataclass
class Ctx:
    """What a command receives. `now` is injected so replays and tests are deterministic.

    `actions` holds the few jobs a command may start (e.g. "digest_now", "scan_now");
    bot/ supplies them, so commands never import jobs.
    """

    engine: Engine
    team_id: str
    now: datetime
    user_id: str | None = None
    channel_id: str | None = None
    is_admin: bool = True
    timezone: str = "UTC"
    actions: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def require_admin(self, what: str) -> None:
        if not self.is_admin:
            raise NotAllowedError(
                f"Only workspace admins or the configured Earshot admin group can {what}. "
                "Ask an admin, or ask them to add you to the admin group."
            )


@dataclass
class Reply:
    """Text (the fallback for notifications, terminals and screen readers), Block Kit
    blocks, an optional chart, and whether only the requester should see it."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    chart: Chart | None = None
    ephemeral: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # the figures, for --json

    @classmethod
    def error(cls, message: str) -> Reply:
        return cls(text=f":warning: {message}", ephemeral=True)
