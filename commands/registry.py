"""One registry: slash command name -> `run(text, ctx) -> Reply`, for Slack, CLI and console."""

from __future__ import annotations

from collections.abc import Callable

from commands import earshot, reach, sentiment
from commands.context import Ctx, NotAllowedError, Reply, UsageError
from commands.query.quotes import ascii_quotes

Command = Callable[[str, Ctx], Reply]

COMMANDS: dict[str, Command] = {
    "/sentiment": sentiment.run,
    "/reach": reach.run,
    "/earshot": earshot.run,
}

DESCRIPTIONS = {
    "/sentiment": (
        "Volume and sentiment of a topic or query, with a chart",
        "<topic or query> [7d]",
    ),
    "/reach": ("Posts, authors and potential audience of a campaign", "<campaign> [30d]"),
    "/earshot": ("Topics, sources, digests, alerts and incidents", "help"),
}


def dispatch(command: str, text: str, ctx: Ctx) -> Reply:
    """Run a command; bad input becomes an ephemeral message that says how to fix it."""
    run = COMMANDS.get(command)
    if run is None:
        return Reply.error(f"Unknown command {command}. Try `/earshot help`.")
    try:
        return run(ascii_quotes(text), ctx)
    except (UsageError, NotAllowedError) as exc:
        return Reply.error(str(exc))
