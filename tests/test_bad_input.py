"""Arbitrary slash-command text never crashes: it gets a reply, and nothing is half-saved."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from commands.context import Ctx
from commands.registry import COMMANDS, dispatch
from storage.models import AuditEntry, DigestSchedule, Incident, SourceRow, Topic

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORDS = st.sampled_from(
    [
        "topics",
        "add",
        "remove",
        "preview",
        "sources",
        "digest",
        "schedule",
        "alerts",
        "mute",
        "sensitivity",
        "incident",
        "start",
        "stop",
        "status",
        "settings",
        "retention",
        "posts",
        "flood",
        '"boil',
        'water"',
        "(",
        ")",
        "OR",
        "NOT",
        "-",
        "NEAR/3",
        "lang:",
        "#x",
        "@y",
        "*",
        "09:00",
        "25:99",
        "weekly",
        "Mars/Base",
        "<#C1|ops>",
        "<!subteam^S1|@g>",
        "7d",
        "0d",
        "--kind",
        "campaign",
        "every=0m",
        "url=http://",
        "\x00",
        "é",
        "🌊",
        "",
    ]
)
COMMAND_TEXT = st.one_of(
    st.lists(WORDS, max_size=8).map(" ".join),
    st.text(max_size=80),
)


class _Offline:
    """A write path that refuses every source and cannot reach any."""

    def validate_source(self, kind: str, settings: dict[str, str]) -> dict[str, str]:
        raise ValueError("no")

    def secret_settings(self, kind: str) -> set[str]:
        return set()

    def test_source(self, row: SourceRow) -> tuple[bool, str]:
        return False, "offline"


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(sorted(COMMANDS)), text=COMMAND_TEXT, admin=st.booleans())
def test_any_text_gets_a_reply_never_an_exception(
    engine: Engine, command: str, text: str, admin: bool
) -> None:
    ctx = Ctx(
        engine=engine,
        team_id="TFUZZ",
        now=NOW,
        user_id="U1",
        channel_id="C1",
        is_admin=admin,
        actions=_Offline(),
    )
    before = {m: _count(engine, m) for m in (Topic, SourceRow, DigestSchedule, Incident)}
    reply = dispatch(command, text, ctx)
    assert reply.text
    if reply.ephemeral and reply.text.startswith(":warning:"):
        # A refused command changed nothing.
        assert {m: _count(engine, m) for m in before} == before
    if not admin:
        assert {
            m: _count(engine, m) for m in (Topic, SourceRow, DigestSchedule, Incident)
        } == before
    assert _count(engine, AuditEntry) >= 0
