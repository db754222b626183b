"""A fake Slack Web API on 127.0.0.1:<ephemeral>, served to the real slack_sdk WebClient."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.slack_api import SlackApiMethods
from tests.fakes.slack_blocks import message_problems
from tests.fakes.slack_state import SlackError

Reply = tuple[int, dict[str, str], bytes]
RESPONSE_URL_MAX_USES = 5


def _json_reply(
    status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> Reply:
    body = json.dumps(payload).encode()
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body


def _text_reply(status: int, text: str) -> Reply:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json") or raw.lstrip().startswith(b"{"):
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {}
    return dict(parse_qsl(raw.decode(), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake = cast("_Server", self.server).fake
        status, headers, body = fake.route(self.path, dict(self.headers.items()), raw)
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST  # noqa: N815 - http.server looks handlers up by this exact name

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; the fake records every call instead."""


class FakeSlack(SlackApiMethods):
    """Context manager: `with FakeSlack() as fake: WebClient(token, base_url=fake.base_url)`."""

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__()
        self.strict = strict
        self._scenarios: dict[str, list[tuple[int, str, dict[str, str]]]] = {}
        self._hangs: dict[str, threading.Event] = {}
        self._holds: dict[str, threading.Event] = {}
        self._held: list[str] = []  # calls that reached a hold
        self._response_uses: dict[str, int] = {}
        self._channel_rate: tuple[float, int, float] | None = None
        self._channel_posts: dict[str, list[float]] = {}
        self.rate_limited: list[str] = []  # channels whose posts were refused with 429
        self._responses: list[dict[str, Any]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.socket_url = f"ws://127.0.0.1:{self.port}/link/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self.strict and exc_type is None and self.violations:
            raise AssertionError(
                "Block Kit violations sent to fake Slack:\n" + "\n".join(self.violations)
            )

    # -- scenarios -------------------------------------------------------------------------

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next `times` calls to `method` with 429 and Retry-After."""
        with self._lock:
            queue = self._scenarios.setdefault(method, [])
            queue += [(429, "ratelimited", {"Retry-After": str(retry_after)})] * times

    def fail(
        self, method: str, *, error: str | None = None, status: int = 200, times: int = 1
    ) -> None:
        """Make the next `times` calls fail with a Slack error (HTTP 200) or an HTTP status.

        `method` may also be "upload" (the upload URL) or "response_url".
        """
        with self._lock:
            queue = self._scenarios.setdefault(method, [])
            queue += [(status, error or "internal_error", {})] * times

    def hang_after(self, method: str) -> threading.Event:
        """Carry out calls to `method`, then hold the answer until the event is set: the
        caller can be killed after Slack acted but before it heard back."""
        release = threading.Event()
        with self._lock:
            self._hangs[method] = release
        return release

    def hang_before(self, method: str) -> threading.Event:
        """Hold calls to `method` until the event is set, then drop them undone (503): the
        request was lost on its way, so Slack never acted on it."""
        release = threading.Event()
        with self._lock:
            self._holds[method] = release
        return release

    def enforce_channel_rate(
        self, *, per_second: float = 1.0, burst: int = 5, window: float = 10.0
    ) -> None:
        """Refuse chat.postMessage with 429 (Retry-After: 1) once a channel has had more than
        `per_second * window + burst` messages in the last `window` seconds: Slack allows
        "1 message per second per channel", with short bursts."""
        with self._lock:
            self._channel_rate = (per_second, burst, window)

    def _over_channel_rate(self, method: str, params: dict[str, Any]) -> bool:
        if self._channel_rate is None or method != "chat.postMessage":
            return False
        per_second, burst, window = self._channel_rate
        channel, now = str(params.get("channel")), time.monotonic()
        recent = [t for t in self._channel_posts.get(channel, []) if t > now - window]
        if len(recent) >= per_second * window + burst:
            self.rate_limited.append(channel)
            return True
        self._channel_posts[channel] = [*recent, now]
        return False

    def _take_scenario(self, method: str) -> tuple[int, str, dict[str, str]] | None:
        queue = self._scenarios.get(method)
        return queue.pop(0) if queue else None

    # -- response_url ----------------------------------------------------------------------

    def response_url(self) -> str:
        """A fresh response_url that accepts up to five posts, like Slack's."""
        with self._lock:
            url_id = f"R{len(self._response_uses) + 1:06d}"
            self._response_uses[url_id] = 0
        return f"{self.origin}/response/{url_id}"

    @property
    def responses(self) -> list[dict[str, Any]]:
        """Accepted response_url posts as {"url": ..., "body": <the JSON body>}."""
        with self._lock:
            return list(self._responses)

    def wait_for(
        self, condition: str | Callable[[], Any], *, timeout: float = 5.0, count: int = 1
    ) -> Any:
        """Poll until `condition()` is truthy, or until `count` calls reached a method name.

        Bolt listeners keep running after ack(), so tests wait for their side effects.
        """
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(condition, str):
                found: Any = self.calls_to(condition)
                result = found if len(found) >= count else None
            else:
                result = condition()
            if result:
                return result
            if time.monotonic() >= deadline:
                seen = [method for method, _ in self.calls]
                raise AssertionError(f"timed out waiting for {condition!r}; calls so far: {seen}")
            time.sleep(0.01)

    # -- routing ---------------------------------------------------------------------------

    def route(self, raw_path: str, headers: dict[str, str], raw: bytes) -> Reply:
        path = urlsplit(raw_path).path
        kind, _, name = path.strip("/").partition("/")
        lowered = {key.lower(): value for key, value in headers.items()}
        if kind == "api":
            return self._api(name, lowered, raw)
        if kind == "upload":
            return self._upload(name, raw)
        if kind == "response":
            return self._response(name, lowered.get("content-type", ""), raw)
        return _text_reply(404, "not_found")

    def _api(self, method: str, headers: dict[str, str], raw: bytes) -> Reply:
        try:
            params = _parse_body(headers.get("content-type", ""), raw)
        except ValueError:
            return _json_reply(200, {"ok": False, "error": "invalid_json"})
        authorization = headers.get("authorization", "")
        token = authorization[7:] if authorization.startswith("Bearer ") else params.get("token")
        with self._lock:
            hold = self._holds.pop(method, None)  # holds the next call only
        if hold is not None:
            self._held.append(method)
            hold.wait(timeout=60)
            return _text_reply(503, "connection lost")
        with self._lock:
            self._calls.append((method, {**params, "_token": token}))
            scenario = self._take_scenario(method)
            if scenario is not None:
                status, error, extra_headers = scenario
                return _json_reply(status, {"ok": False, "error": error}, extra_headers)
            if self._over_channel_rate(method, params):
                return _json_reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
            try:
                data = self.dispatch(method, params, token, authorization)
            except SlackError as failure:
                return _json_reply(200, {"ok": False, "error": failure.error, **failure.extra})
            hang = self._hangs.get(method)
        if hang is not None:
            hang.wait(timeout=60)
        return _json_reply(200, {"ok": True, **data})

    def _upload(self, file_id: str, raw: bytes) -> Reply:
        with self._lock:
            scenario = self._take_scenario("upload")
            if scenario is not None:
                return _text_reply(scenario[0] if scenario[0] != 200 else 500, scenario[1])
            upload = self._uploads.get(file_id)
            if upload is None:
                return _text_reply(404, "file_not_found")
            upload["bytes"] = raw
        return _text_reply(200, f"OK - {len(raw)}")

    def _response(self, url_id: str, content_type: str, raw: bytes) -> Reply:
        with self._lock:
            scenario = self._take_scenario("response_url")
            if scenario is not None:
                return _text_reply(scenario[0] if scenario[0] != 200 else 500, scenario[1])
            if url_id not in self._response_uses:
                return _text_reply(404, "no_such_url")
            self._response_uses[url_id] += 1
            if self._response_uses[url_id] > RESPONSE_URL_MAX_USES:
                return _text_reply(404, "used_url")
            try:
                body = _parse_body(content_type, raw)
            except ValueError:
                return _text_reply(400, "invalid_payload")
            problems = message_problems(body.get("text"), body.get("blocks"))
            if problems:
                self._violations += [f"response_url: {problem}" for problem in problems]
                return _text_reply(400, "invalid_blocks")
            self._responses.append({"url": f"{self.origin}/response/{url_id}", "body": body})
        return _text_reply(200, "ok")
