"""`earshot run`: the bot in Socket Mode, over HTTP (--http), or as a console without Slack."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal

from bot.clicmds.common import Subparsers, runtime

if TYPE_CHECKING:  # the bot's parts are imported when it runs, not for `earshot --help`
    from bot.runtime import Runtime
    from bot.settings import Settings
    from jobs.poster import Poster

log = logging.getLogger(__name__)

Mode = Literal["socket", "http", "console"]


class ModeError(ValueError):
    """The environment does not describe a runnable mode; the message says what to set."""


def choose_mode(settings: Settings, *, http: bool) -> Mode:
    oauth = bool(settings.slack_client_id and settings.slack_client_secret)
    if http:
        if not (settings.slack_bot_token or oauth):
            raise ModeError(
                "--http needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
            )
        if not settings.slack_signing_secret:
            raise ModeError("--http needs SLACK_SIGNING_SECRET to verify requests from Slack")
        return "http"
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise ModeError("SLACK_APP_TOKEN must be an app-level token (xapp-...)")
        if not (settings.slack_bot_token or oauth):
            raise ModeError("Socket Mode needs SLACK_BOT_TOKEN (xoxb-...) as well")
        return "socket"
    if settings.slack_configured:
        raise ModeError(
            "Slack tokens are set but SLACK_APP_TOKEN is not: set it for Socket Mode, "
            "or run `earshot run --http --port N`"
        )
    return "console"


def _run(args: argparse.Namespace) -> int:
    rt = runtime()
    try:
        mode = choose_mode(rt.settings, http=args.http)
    except ModeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if mode == "console":
        from bot.console import ConsoleOutput, ConsolePoster, run_console

        output = ConsoleOutput(sys.stdout, args.chart_dir)
        serve = (
            _wait_forever
            if args.headless
            else lambda: run_console(rt, args.team, sys.stdin, output)
        )
        return _with_scheduler(rt, ConsolePoster(output), args, serve)
    from bot.slack.oauth import team_clients
    from bot.slack.poster import SlackPoster

    poster = SlackPoster(team_clients(rt.settings, rt.engine))
    if mode == "http":
        return _with_scheduler(rt, poster, args, lambda: _serve_http(rt, args.host, args.port))
    return _with_scheduler(rt, poster, args, lambda: _serve_socket_mode(rt))


def _with_scheduler(rt: Runtime, poster: Poster, args: argparse.Namespace, serve: Any) -> int:
    """Serve until done or stopped (Ctrl-C, SIGTERM), then stop the scheduler cleanly."""
    if threading.current_thread() is threading.main_thread():
        # uvicorn re-raises SIGTERM after its graceful shutdown; the default handler would
        # end the process there, before the scheduler's shutdown below.
        signal.signal(signal.SIGTERM, _interrupt)
    from bot.scheduler import start_scheduler

    handle = None if args.no_scheduler else start_scheduler(rt, poster)
    try:
        code: int = serve()
        return code
    except KeyboardInterrupt:
        return 0
    finally:
        if handle is not None:
            handle.shutdown()


def _wait_forever() -> int:
    threading.Event().wait()  # until Ctrl-C or SIGTERM interrupts
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _serve_http(rt: Runtime, host: str, port: int) -> int:
    import uvicorn

    from bot.slack.http import create_asgi_app

    # log_config=None: uvicorn logs through the root handlers, with their redaction filter.
    # Its own concurrency cap answers 503 beyond it; keep-alive connections idle out.
    uvicorn.run(
        create_asgi_app(rt),
        host=host,
        port=port,
        log_config=None,
        limit_concurrency=256,
        timeout_keep_alive=5,
    )
    return 0


def _serve_socket_mode(rt: Runtime) -> int:
    from bot.slack.app import build_app
    from bot.slack.socket_mode import socket_mode_handler

    handler = socket_mode_handler(build_app(rt), rt.settings.slack_app_token or "")
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        handler.close()  # type: ignore[no-untyped-call]
    return 0


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser(
        "run",
        help="run the bot: Socket Mode, HTTP (--http), or a console when no Slack token is set",
    )
    p.add_argument("--http", action="store_true", help="serve Slack over HTTP (Events API)")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 3000))
    p.add_argument("--host", default="127.0.0.1", help="HTTP bind address (0.0.0.0 in a container)")
    p.add_argument("--team", default=argparse.SUPPRESS, help="console: the workspace to act on")
    p.add_argument(
        "--chart-dir", type=Path, default=Path("console-charts"), help="console: where charts go"
    )
    p.add_argument(
        "--no-scheduler", action="store_true", help="do not run scheduled digests and alerts"
    )
    p.add_argument(
        "--headless",
        action="store_true",
        help="console mode without a prompt: keep scanning and print digests and alerts "
        "until stopped (for a service with no terminal)",
    )
    p.set_defaults(func=_run)
