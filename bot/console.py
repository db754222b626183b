"""The console stand-in for Slack: type slash commands, read replies, see scheduled posts."""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.runtime import Runtime
from bot.slack.workspace import workspace_timezone
from bot.terminal import render_text
from commands.charts import Chart
from commands.context import Reply
from commands.registry import DESCRIPTIONS, dispatch

log = logging.getLogger(__name__)

PROMPT = "earshot> "
CONSOLE_USER = "console"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def help_text() -> str:
    lines = ["Type a slash command as you would in Slack, e.g. /sentiment flood 7d"]
    lines += [f"  {name} {usage}  {about}" for name, (about, usage) in DESCRIPTIONS.items()]
    lines += ["  help  this list", "  quit  leave (so does end of input)"]
    return "\n".join(lines)


class ConsoleOutput:
    """Console writes from the prompt loop and the scheduler's thread, one block at a time."""

    def __init__(self, stream: TextIO, chart_dir: Path) -> None:
        self.stream = stream
        self.chart_dir = chart_dir
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    def show(self, text: str) -> None:
        with self._lock:
            self.stream.write(text.rstrip("\n") + "\n")
            self.stream.flush()

    def save_chart(self, chart: Chart) -> Path:
        self.chart_dir.mkdir(parents=True, exist_ok=True)
        slug = _NOT_SLUG.sub("-", chart.title.lower()).strip("-")[:60] or "chart"
        path = self.chart_dir / f"{next(self._serial):03d}-{slug}.png"
        path.write_bytes(chart.png)
        return path

    def show_reply(self, reply: Reply, header: str | None = None) -> None:
        parts = [header] if header else []
        parts.append(render_text(reply).strip("\n"))
        if reply.chart is not None:
            parts.append(f"Chart: {self.save_chart(reply.chart)} ({reply.chart.alt_text})")
        self.show("\n".join(parts))


class ConsolePoster:
    """`jobs.poster.Poster` for the console: scheduled digests and alerts are printed."""

    def __init__(self, output: ConsoleOutput) -> None:
        self.output = output
        self._serial = itertools.count(1)

    def post(
        self,
        team_id: str,
        channel: str,
        reply: Reply,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        ts = f"{int(time.time())}.{next(self._serial):06d}"
        where = f" (thread {thread_ts})" if thread_ts else ""
        self.output.show_reply(reply, f"[#{channel.lstrip('#')}] {team_id} ts={ts}{where}")
        return ts

    def update(self, team_id: str, channel: str, ts: str, reply: Reply) -> None:
        self.output.show_reply(reply, f"[#{channel.lstrip('#')}] {team_id} updated ts={ts}")

    def pin(self, team_id: str, channel: str, ts: str) -> None:
        self.output.show(f"[#{channel.lstrip('#')}] {team_id} pinned ts={ts}")

    def find(self, team_id: str, channel: str, key: str, since: datetime) -> str | None:
        return None  # a terminal keeps no history to look in


def run_console(runtime: Runtime, team_id: str, stdin: TextIO, output: ConsoleOutput) -> int:
    """Read commands until `quit` or end of input; works the same with stdin piped."""
    interactive = stdin.isatty()
    if interactive:
        output.show(f"Earshot console for team {team_id!r}. {help_text()}")
    while True:
        if interactive:
            output.stream.write(PROMPT)
            output.stream.flush()
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() in {"quit", "exit"}:
            return 0
        if line.lower() in {"help", "?"}:
            output.show(help_text())
            continue
        if not line.startswith("/"):
            output.show(f"Not a command: {line!r}. Commands start with /; `help` lists them.")
            continue
        run_line(runtime, team_id, line, output)


def run_line(runtime: Runtime, team_id: str, line: str, output: ConsoleOutput) -> None:
    command, _, text = line.partition(" ")
    try:
        timezone = workspace_timezone(runtime.engine, team_id)
        ctx = runtime.ctx(team_id, user_id=CONSOLE_USER, channel_id=CONSOLE_USER, timezone=timezone)
        reply = dispatch(command.lower(), text.strip(), ctx)
    except Exception:
        log.exception("console command %r failed", line)
        output.show("error: the command failed; the log above has the details.")
        return
    output.show_reply(reply)
