"""The two small types every command speaks: `Ctx` in, `Reply` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # matplotlib and SQLAlchemy are heavy: `earshot --help` needs neither
    from sqlalchemy import Engine

    from commands.charts import Chart
    from commands.mentions import Directory
    from storage.models import SourceRow


class UsageError(ValueError):
    """Bad command input: the message says what was wrong and how to fix it."""


class NotAllowedError(PermissionError):
    """The user may not change this configuration."""


ALL_SETTINGS = "*"  # in `secret_settings`: mask every setting


@runtime_checkable
class Actions(Protocol):
    """What a command may ask of the write path (jobs/): bot/ supplies it (`Runtime`), so
    commands never import jobs."""

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        """A source's settings checked for its kind (ValueError says what is wrong), with
        its secrets sealed when a key is configured."""
        ...

    def secret_settings(self, kind: str) -> set[str]:
        """The setting names of a source kind that are secrets (masked in every reply)."""
        ...

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        """Fetch a source once without storing anything: (reachable, what came back)."""
        ...

    def pseudonym_key(self) -> bool:
        """Whether a secret key is configured, so pseudonyms cannot be recomputed."""
        ...


class NoActions:
    """Where no write path is wired (a bare Ctx in a test or a script): sources cannot be
    added or tested, and every setting is treated as a secret."""

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        raise ValueError("Sources cannot be configured here: use `earshot source add`.")

    def secret_settings(self, kind: str) -> set[str]:
        return {ALL_SETTINGS}

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        return False, "testing sources is not available here"

    def pseudonym_key(self) -> bool:
        return False


@dataclass
class Ctx:
    """What a command receives. `now` is injected so replays and tests are deterministic."""

    engine: Engine
    team_id: str
    now: datetime
    user_id: str | None = None
    channel_id: str | None = None
    is_admin: bool = True
    timezone: str = "UTC"
    actions: Actions = field(default_factory=NoActions)
    # Resolves typed #channel / @user / @group names to ids; None without Slack.
    directory: Directory | None = None

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
