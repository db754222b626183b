"""`Ctx.actions`: the typed protocol bot/ implements, and the safe default without it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.settings import Settings
from commands.context import Actions, Ctx, NoActions
from commands.registry import dispatch


def test_the_runtime_is_the_actions_commands_receive(tmp_path: Path, now: datetime) -> None:
    runtime = Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    assert isinstance(runtime, Actions)
    ctx = runtime.ctx("T1", now=now)
    assert ctx.actions is runtime
    assert "app_password" in ctx.actions.secret_settings("bluesky")
    runtime.engine.dispose()


def test_without_a_write_path_sources_are_refused_clearly(engine: Engine, now: datetime) -> None:
    ctx = Ctx(engine=engine, team_id="T1", now=now)
    assert isinstance(ctx.actions, NoActions) and isinstance(ctx.actions, Actions)
    reply = dispatch("/earshot", "sources add rss news url=https://example.org/feed", ctx)
    assert reply.ephemeral and "cannot be configured here" in reply.text
    assert "news" not in dispatch("/earshot", "sources list", ctx).text
