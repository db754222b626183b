"""The composition root: one engine, scorer, ingestor and HTTP client per process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import httpx
from sqlalchemy import Engine

from bot.settings import Settings
from commands import question_reports, routes, shares
from commands.context import Ctx
from commands.period import Period
from jobs.ingest import Ingestor
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import SourceError
from jobs.sources.http import USER_AGENT
from jobs.sources.registry import build_source, secret_settings, validate_settings
from storage.engine import make_engine
from storage.migrations import upgrade
from storage.models import SourceRow
from storage.secrets import Sealer
from storage.workspaces import Workspaces


def utcnow() -> datetime:
    return datetime.now(UTC)


class Runtime:
    """Builds shared parts lazily and hands out command contexts."""

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
        return Ingestor(self.engine, Scorer(), pseudonym_salt=self.settings.secret_key or "")

    @cached_property
    def sealer(self) -> Sealer:
        return Sealer(self.settings.secret_key)

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        """Check a source's settings, then seal its secrets when a key is configured."""
        return self.sealer.seal_settings(validate_settings(kind, settings), secret_settings(kind))

    @cached_property
    def http(self) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(20.0, connect=10.0),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

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
            actions=self.actions(),
        )

    def actions(self) -> dict[str, Callable[..., Any]]:
        return {
            "validate_source": self.validate_source,
            "secret_settings": secret_settings,
            "test_source": self.test_source,
            "digest_extras": digest_extras,
        }

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        """Fetch once without storing anything, and say what came back."""
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


def digest_extras(ctx: Ctx, period: Period) -> list[str]:
    """The digest's sections beyond topics: help routing, residents' questions, and where
    the posts came from."""
    return [
        *routes.routing_digest_lines(ctx, period),
        *question_reports.digest_lines(ctx, period),
        *shares.digest_share_lines(ctx, period),
    ]


def job_ctx(runtime: Runtime, team_id: str, now: datetime) -> Ctx:
    """A context for scheduled work: no user, the workspace's timezone."""
    workspace = Workspaces(runtime.engine).get(team_id)
    return runtime.ctx(team_id, now=now, timezone=workspace.timezone if workspace else "UTC")
