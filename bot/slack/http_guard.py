"""What the HTTP server refuses before Bolt sees a request (an ASGI middleware).

Slack's own requests are small, quick and signed. Anything else is refused cheaply,
before the body is read whole, verified or logged:

- a body over `MAX_BODY_BYTES` (by its Content-Length, and counted as it streams in):
  413. Slack's largest payloads (a modal's state, a long message action) are tens of KB.
- a body that has not arrived within `BODY_TIMEOUT` seconds (slow-body clients): 408.
- more than `MAX_CONCURRENT` requests in progress: 503 with Retry-After, at once.
- on the events endpoint, a missing or non-numeric timestamp, a missing signature or a
  bad signature: 401; a body that is not UTF-8: 400. So Bolt never logs or parses an
  unverified body, and a malformed header is never a 500.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from slack_sdk.signature import SignatureVerifier

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 512 * 1024
BODY_TIMEOUT = 10.0
MAX_CONCURRENT = 64
MAX_SKEW = 5 * 60  # Slack's own replay window for the timestamp


class HttpGuard:
    """Wraps the Starlette app: size, time and concurrency limits, and signature checks."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        signing_secret: str,
        signed_paths: frozenset[str] = frozenset({"/slack/events"}),
        max_body: int = MAX_BODY_BYTES,
        body_timeout: float = BODY_TIMEOUT,
        max_concurrent: int = MAX_CONCURRENT,
    ) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.signed_paths = signed_paths
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.max_concurrent = max_concurrent
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_progress >= self.max_concurrent:
            await _answer(send, 503, "busy, try again", {"retry-after": "1"})
            return
        self.in_progress += 1
        try:
            await self._guarded(scope, receive, send)
        finally:
            self.in_progress -= 1

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await _answer(send, 400, "bad Content-Length")
                return
            if int(declared) > self.max_body:
                await _answer(send, 413, "request body too large")
                return
        try:
            body = await asyncio.wait_for(self._read(receive), self.body_timeout)
        except TimeoutError:
            await _answer(send, 408, "request body too slow")
            return
        except _TooLargeError:
            await _answer(send, 413, "request body too large")
            return
        except _DisconnectedError:
            return
        if scope.get("path") in self.signed_paths and scope.get("method") == "POST":
            refusal = self._refusal(headers, body)
            if refusal is not None:
                await _answer(send, *refusal)
                return
        await self.app(scope, _replay(body), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _DisconnectedError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _refusal(self, headers: dict[str, bytes], body: bytes) -> tuple[int, str] | None:
        stamp = headers.get("x-slack-request-timestamp", b"").decode("latin-1")
        signature = headers.get("x-slack-signature", b"").decode("latin-1")
        if not stamp.isascii() or not stamp.isdigit() or not signature:
            return 401, "invalid request"
        if abs(time.time() - int(stamp)) > MAX_SKEW:
            return 401, "invalid request"
        try:
            text = body.decode("utf-8")  # Slack sends UTF-8; the verifier decodes it too
        except UnicodeDecodeError:
            return 400, "request body is not UTF-8"
        if not self.verifier.is_valid(text, stamp, signature):
            return 401, "invalid request"
        return None


class _TooLargeError(Exception):
    pass


class _DisconnectedError(Exception):
    pass


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the inner app the body already read, then waits."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays until the response is sent
        return {"type": "http.disconnect"}

    return receive


async def _answer(send: Send, status: int, error: str, extra: dict[str, str] | None = None) -> None:
    payload = json.dumps({"error": error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
