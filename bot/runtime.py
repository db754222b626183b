"""The composition root: one engine, scorer, ingestor and HTTP client per process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.settings import Settings
from commands.context import Ctx
from storage.engine import make_engine
from storage.migrations import upgrade
from storage.models import SourceRow
from storage.secrets import Sealer
from storage.workspaces import Workspaces

if TYPE_CHECKING:
    # VADER, the HTTP client and the source connectors are built on first use, so a
    # command that needs none of them (`earshot topic list`) does not import them.
    import httpx

    from jobs.ingest import Ingestor
    from jobs.sources.outbound import OutboundPolicy


def utcnow() -> datetime:
    return datetime.now(UTC)


class Runtime:
    """Builds shared parts lazily and hands out command contexts; it is the `Actions`
    commands may ask of the write path (validate, test and mask sources)."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.clock = clock

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.database_url)
        upgrade(engine)  # idempotent; keeps a fresh checkout's first command working
        return engine

    @cached_property
    def ingestor(self) -> Ingestor:
        from jobs.ingest import Ingestor
        from jobs.sentiment.scorer import Scorer

        return Ingestor(self.engine, Scorer(), pseudonym_salt=self.settings.secret_key or "")

    @cached_property
    def sealer(self) -> Sealer:
        return Sealer(self.settings.secret_key)

    @cached_property
    def outbound(self) -> OutboundPolicy:
        from jobs.sources.outbound import OutboundPolicy

        return OutboundPolicy.from_setting(self.settings.allow_private_sources)

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        """Check a source's settings and addresses, then seal its secrets when a key is set."""
        from jobs.sources.registry import check_destinations, secret_settings, validate_settings

        cleaned = validate_settings(kind, settings)
        check_destinations(kind, cleaned, self.outbound)
        return self.sealer.seal_settings(cleaned, secret_settings(kind))

    @cached_property
    def http(self) -> httpx.Client:
        """Every source fetch goes through this client: public addresses only (see outbound)."""
        from jobs.sources.http import USER_AGENT
        from jobs.sources.outbound import make_client

        return make_client(self.outbound, user_agent=USER_AGENT)

    def ctx(
        self,
        team_id: str,
        *,
        user_id: str | None = None,
        channel_id: str | None = None,
        is_admin: bool = True,
        timezone: str = "UTC",
        now: datetime | None = None,
    ) -> Ctx:
        return Ctx(
            engine=self.engine,
            team_id=team_id,
            now=now or self.clock(),
            user_id=user_id,
            channel_id=channel_id,
            is_admin=is_admin,
            timezone=timezone,
            actions=self,
        )

    def secret_settings(self, kind: str) -> set[str]:
        from jobs.sources.registry import secret_settings

        return secret_settings(kind)

    def pseudonym_key(self) -> bool:
        return bool(self.settings.secret_key)

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        """Fetch once without storing anything, and say what came back."""
        from jobs.sources.base import SourceError
        from jobs.sources.registry import build_source

        try:
            settings = self.sealer.open_settings(row.settings)
            result = build_source(row.kind, settings, self.http).fetch(None)
        except SourceError as exc:
            return False, f"{exc.status.replace('_', ' ')}: {exc}"
        except ValueError as exc:
            return False, str(exc)
        newest = max((p.created_at for p in result.posts), default=None)
        when = f", newest {newest:%Y-%m-%d %H:%M} UTC" if newest else ""
        return True, f"reachable, {len(result.posts)} posts on the first page{when}"


def job_ctx(runtime: Runtime, team_id: str, now: datetime) -> Ctx:
    """A context for scheduled work: no user, the workspace's timezone."""
    workspace = Workspaces(runtime.engine).get(team_id)
    return runtime.ctx(team_id, now=now, timezone=workspace.timezone if workspace else "UTC")
