"""Settings from the environment, read once at start-up and passed in (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from jobs.sources.allowlist import parse_allowed
from storage.engine import DEFAULT_URL

SECRET_FIELDS = frozenset(
    {
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_client_secret",
        "secret_key",
    }
)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str | None = None
    secret_key: str | None = None
    default_team: str = "local"
    admin_users: frozenset[str] = field(default_factory=frozenset)
    scan_tick_seconds: int = 15  # how often the scheduler looks for due sources
    # Sources may fetch only public addresses unless this allows more ("1", or a CIDR list).
    allow_private_sources: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        admins = frozenset(filter(None, (get("EARSHOT_ADMIN_USERS") or "").split(",")))
        allow_private = get("EARSHOT_ALLOW_PRIVATE_SOURCES")
        parse_allowed(allow_private)  # a typo fails at start-up, with the fix
        return cls(
            database_url=get("DATABASE_URL") or DEFAULT_URL,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_api_url=get("SLACK_API_URL"),
            secret_key=get("EARSHOT_SECRET_KEY"),
            admin_users=admins,
            scan_tick_seconds=int(get("EARSHOT_SCAN_TICK_SECONDS") or 15),
            allow_private_sources=allow_private,
        )

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token or (self.slack_client_id and self.slack_client_secret))

    def __repr__(self) -> str:
        # Secrets never reach logs, tracebacks or a debugger's repr.
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                value = "***"
            elif f.name == "database_url":
                value = _hide_password(str(value))
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}" if ":" in creds else url
