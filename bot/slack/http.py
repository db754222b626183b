"""HTTP mode: Starlette serving /slack/events (and OAuth routes) plus /healthz, for uvicorn."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import (
    SlackRequestHandler,
    to_bolt_request,
    to_starlette_response,
)
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.http_guard import BODY_TIMEOUT, MAX_CONCURRENT, HttpGuard
from storage.engine import ping

log = logging.getLogger(__name__)


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's Starlette handler, with the synchronous App run in a worker thread.

    The stock handler calls `App.dispatch` on the event loop; authorization and the ack
    then block every other request, health checks included.
    """

    async def handle(self, req: Request, addition_context_properties: None = None) -> Response:  # type: ignore[override]
        body = await req.body()
        return await run_in_threadpool(self._handle_sync, req, body)

    def _handle_sync(self, req: Request, body: bytes) -> Response:
        flow = self.app.oauth_flow
        if req.method == "GET" and flow is not None:
            if req.url.path == flow.install_path:
                return to_starlette_response(flow.handle_installation(to_bolt_request(req, body)))
            if req.url.path == flow.redirect_uri_path:
                return to_starlette_response(flow.handle_callback(to_bolt_request(req, body)))
        if req.method == "POST":
            return to_starlette_response(self.app.dispatch(to_bolt_request(req, body)))
        return PlainTextResponse("Not found", status_code=404)


def create_asgi_app(
    runtime: Runtime,
    app: App | None = None,
    *,
    body_timeout: float = BODY_TIMEOUT,
    max_concurrent: int = MAX_CONCURRENT,
) -> Starlette:
    """The ASGI app: POST /slack/events; GET /healthz; in OAuth mode the install routes."""
    settings = runtime.settings
    if not settings.slack_signing_secret:
        raise ValueError(
            "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) "
            "to verify that requests come from Slack"
        )
    if app is None:
        app = build_app(runtime)
    handler = ThreadedSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        ok = await run_in_threadpool(database_ok, runtime)
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    routes = [
        Route("/slack/events", events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if app.oauth_flow is not None:
        routes += [
            Route(app.oauth_flow.install_path, events, methods=["GET"]),
            Route(app.oauth_flow.redirect_uri_path, events, methods=["GET"]),
        ]
    # Size, time, concurrency and signature checks before Bolt reads or logs a body.
    guard = Middleware(
        HttpGuard,
        signing_secret=settings.slack_signing_secret,
        body_timeout=body_timeout,
        max_concurrent=max_concurrent,
    )
    return Starlette(routes=routes, middleware=[guard])


def database_ok(runtime: Runtime) -> bool:
    try:
        ping(runtime.engine)
    except Exception as exc:  # any failure to reach the database means "not healthy"
        log.warning("health check: database unreachable: %s", exc)
        return False
    return True


def app_from_env() -> Starlette:
    """For `uvicorn --factory bot.slack.http:app_from_env` (settings from the environment)."""
    return create_asgi_app(Runtime(Settings.from_env()))
