"""Slack's Socket Mode endpoint on 127.0.0.1, speaking its envelope protocol over a real
WebSocket (the `websockets` library): `hello` on connect, envelopes (slash_commands,
interactive, events_api with retry_attempt/retry_reason) pushed to the newest connection,
acks read back and timed, `disconnect` (refresh_requested), and an abrupt drop: the link
goes silent, no close frame, no FIN, no pongs, as when a NAT or proxy loses the flow."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


@dataclass
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float  # from sending the envelope to reading its ack
    connection: int  # which connection (1-based) carried it


@dataclass
class _Link:
    number: int
    socket: ServerConnection
    opened_at: float
    dropped: bool = False
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class FakeSocketMode:
    """Context manager: set `fake_slack.socket_url = sm.url` so apps.connections.open hands
    it out; then `sm.send(...)` envelopes and `sm.wait_ack(...)`."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._sent: dict[str, tuple[float, int]] = {}
        self._acks: dict[str, Ack] = {}
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake-ticket"

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        self._server = self._run(self._start())
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _start(self) -> Server:
        # Slack pings from its side too, but the client under test must notice a dead link
        # by itself: no server pings here, so only the client's own keep-alive is measured.
        return await serve(self._handle, "127.0.0.1", 0, ping_interval=None)

    async def _stop(self) -> None:
        for link in self._links:
            if link.dropped:
                link.socket.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, socket: ServerConnection) -> None:
        with self._lock:
            link = _Link(len(self._links) + 1, socket, time.monotonic())
            self._links.append(link)
        hello = {
            "type": "hello",
            "num_connections": len([x for x in self._links if not x.closed.is_set()]),
            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
            "connection_info": {"app_id": "AFAKEAPP"},
        }
        await socket.send(json.dumps(hello))
        try:
            async for message in socket:
                self._record_ack(link, message)
        except ConnectionClosed:
            pass
        finally:
            link.closed.set()

    def _record_ack(self, link: _Link, message: str | bytes) -> None:
        data = json.loads(message)
        envelope_id = data.get("envelope_id")
        with self._lock:
            sent = self._sent.get(str(envelope_id))
            if sent is None:
                return
            self._acks[str(envelope_id)] = Ack(
                str(envelope_id), data.get("payload"), time.monotonic() - sent[0], link.number
            )

    # -- what tests do ---------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """How many connections were ever opened."""
        with self._lock:
            return len(self._links)

    def opened_at(self, number: int) -> float:
        """time.monotonic() when connection `number` (1-based) was opened."""
        with self._lock:
            return self._links[number - 1].opened_at

    def wait_connections(self, count: int, *, timeout: float = 30.0) -> float:
        """Wait until `count` connections were opened; returns when the last one opened."""
        deadline = time.monotonic() + timeout
        while self.connections < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {self.connections} of {count} connections opened")
            time.sleep(0.01)
        return self.opened_at(count)

    def _live(self) -> _Link:
        with self._lock:
            live = [x for x in self._links if not x.dropped and not x.closed.is_set()]
        if not live:
            raise AssertionError("no live Socket Mode connection")
        return live[-1]

    def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int | None = None,
        retry_reason: str = "",
    ) -> str:
        """Push one envelope to the newest live connection, as Slack does; returns its id."""
        envelope_id = f"env-{next(self._ids)}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            # Slack sends both on every events_api envelope, 0 and "" on a first delivery.
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason
        link = self._live()
        with self._lock:
            self._sent[envelope_id] = (time.monotonic(), link.number)
        self._run(link.socket.send(json.dumps(envelope)))
        return envelope_id

    def wait_ack(self, envelope_id: str, *, timeout: float = 10.0) -> Ack:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                ack = self._acks.get(envelope_id)
            if ack is not None:
                return ack
            if time.monotonic() > deadline:
                raise AssertionError(f"no ack for {envelope_id} within {timeout} s")
            time.sleep(0.005)

    @property
    def acks(self) -> list[Ack]:
        with self._lock:
            return list(self._acks.values())

    def refresh(self) -> None:
        """Slack's routine `disconnect` (refresh_requested): the client should open a new
        connection by itself; the old one is then closed."""
        message = {
            "type": "disconnect",
            "reason": "refresh_requested",
            "debug_info": {"host": "fake-socket-mode"},
        }
        self._run(self._live().socket.send(json.dumps(message)))

    def drop(self) -> float:
        """Abrupt loss: stop reading and writing on the newest connection without closing it
        (no close frame, no FIN, so no pongs either). Returns time.monotonic() of the drop."""
        link = self._live()

        async def go_silent() -> None:
            link.socket.transport.pause_reading()

        self._run(go_silent())
        with self._lock:
            link.dropped = True
        return time.monotonic()
