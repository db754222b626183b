"""The Bolt app: slash commands from the registry, App Home, lifecycle events, actions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.actions import register_actions
from bot.slack.admins import AdminCheck
from bot.slack.clients import web_client
from bot.slack.context import request_ctx
from bot.slack.deliver import deliver
from bot.slack.failures import report_failure
from bot.slack.home import register_home
from bot.slack.oauth import oauth_enabled, oauth_settings
from commands.registry import COMMANDS, dispatch
from storage import replays

log = logging.getLogger(__name__)

WORKING = "Working on it…"
# Charts take a moment; the other commands answer fast enough to need no placeholder.
SLOW_COMMANDS = frozenset({"/sentiment", "/reach"})
# Only configuration lives under /earshot; /sentiment and /reach never need the lookup.
ADMIN_CHECKED_COMMANDS = frozenset({"/earshot"})

CommandListener = Callable[..., None]


def build_app(
    runtime: Runtime,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
    oauth: OAuthSettings | None = None,
    admins: AdminCheck | None = None,
) -> App:
    """The app for every transport. OAuth mode when `oauth` is given or SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET are set; otherwise the single SLACK_BOT_TOKEN workspace."""
    settings = runtime.settings
    if oauth is None and oauth_enabled(settings):
        oauth = oauth_settings(settings, runtime.engine)
    if client is None:
        # Bolt copies this client's base_url and retry handlers into every per-request
        # client, so SLACK_API_URL reaches each call, OAuth installs included.
        client = web_client(settings, None if oauth else settings.slack_bot_token)
    app = App(
        name="earshot",
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=process_before_response,
        oauth_settings=oauth,
        # Listener threads only ack (work goes to WORK_THREADS below); plenty of them
        # means a burst of requests never waits for a free one.
        listener_executor=ThreadPoolExecutor(max_workers=64, thread_name_prefix="earshot-ack"),
    )
    # Tests ask for synchronous processing; in production the answer runs apart.
    work = None if process_before_response else _work_executor()
    app.middleware(dedupe_event_retries(runtime))
    app.middleware(refuse_replays(runtime))
    checker = admins or AdminCheck(settings.admin_users)
    for name in COMMANDS:
        app.command(name)(command_listener(runtime, checker, name, work))
    register_home(app, runtime)
    register_lifecycle(app, oauth=oauth is not None)
    register_actions(app, runtime, checker)
    return app


WORK_THREADS = 8  # answers built at once (charts, queries); the rest queue, already acked


def _work_executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="earshot-work")


def retry_number(req: BoltRequest) -> int:
    """Slack's `x-slack-retry-num` (0 on a first delivery: Socket Mode always sends
    `retry_attempt`, which Bolt mirrors into this header), or 0 when absent."""
    raw: object = req.headers.get("x-slack-retry-num")
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    try:
        return int(str(raw)) if raw is not None else 0
    except ValueError:
        return 0


def dedupe_event_retries(
    runtime: Runtime,
) -> Callable[[BoltRequest, Callable[[], BoltResponse]], BoltResponse]:
    """Handle each Events API event once, by its `event_id`.

    Slack re-sends an event when it did not hear our ack in time. If the first delivery
    reached us, its listener is already running (work goes on after the ack), so the retry is
    answered and dropped; if it never reached us (we were down, the socket was dropping),
    the retry is the only copy and is handled. Only real retries (number >= 1) are looked
    up: a first delivery is always handled, and recorded so its retries can be recognised.
    """

    def middleware(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        first = replays.first_time(runtime.engine, f"event:{event_id}", runtime.clock())
        if not first and retry_number(req) >= 1:
            log.info("dropped retry %s of event %s: handled already", retry_number(req), event_id)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return next()

    return middleware


def refuse_replays(
    runtime: Runtime,
) -> Callable[[BoltRequest, Callable[[], BoltResponse]], BoltResponse]:
    """A valid signature proves who sent a request, not that it is new: anyone who captured
    one could send it again within Slack's five-minute window. Accept each signature once.
    (Socket Mode requests carry no signature and need none: the socket is authenticated.)"""

    def middleware(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        signature = req.headers.get("x-slack-signature")
        if isinstance(signature, list):
            signature = signature[0] if signature else None
        if signature and not replays.first_time(runtime.engine, str(signature), runtime.clock()):
            log.warning("refused a replayed Slack request")
            return BoltResponse(status=401, body='{"error":"replayed request"}')
        return next()

    return middleware


def command_listener(
    runtime: Runtime, admins: AdminCheck, name: str, work: Executor | None = None
) -> CommandListener:
    """Ack at once, then answer. With `work`, the answer runs there, so Bolt's listener
    threads only ever ack: a burst of slow commands (charts) cannot delay other acks
    past Slack's 3 seconds."""

    def listener(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        if name in SLOW_COMMANDS:
            ack(text=WORKING, response_type="ephemeral")
        else:
            ack()
        if work is None:
            answer(body, client, context, respond)
        else:
            work.submit(answer, body, client, context, respond)

    def answer(
        body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        try:
            ctx = request_ctx(
                runtime,
                admins,
                client,
                context,
                body,
                user_id=body.get("user_id"),
                channel_id=body.get("channel_id"),
                check_admin=name in ADMIN_CHECKED_COMMANDS,
            )
            reply = dispatch(name, str(body.get("text") or ""), ctx)
            deliver(reply, client=client, respond=respond, channel_id=ctx.channel_id)
        except Exception:
            respond(response_type="ephemeral", text=report_failure(name))

    return listener


def register_lifecycle(app: App, *, oauth: bool) -> None:
    if oauth:
        # Deletes the workspace's tokens from the installation store.
        app.enable_token_revocation_listeners()
        return

    def note_uninstall(event: dict[str, Any], context: BoltContext) -> None:
        log.warning(
            "Slack says %s for team %s: the bot token no longer works; reinstall to resume",
            event.get("type"),
            context.team_id,
        )

    app.event("app_uninstalled")(note_uninstall)
    app.event("tokens_revoked")(note_uninstall)
