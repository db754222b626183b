"""Loopback fakes of the Mastodon, Bluesky, Reddit and feed APIs, serving tests/payloads files."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def payload_bytes(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


@dataclass
class Seen:
    """One request as the fake server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


Handler = Callable[[Seen], Reply]


class FakeServer:
    """A ThreadingHTTPServer on 127.0.0.1:0; routes map (method, path) to handlers."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Seen] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def seen(self, path: str) -> list[Seen]:
        return [request for request in self.requests if request.path == path]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                server.requests.append(seen)
                handler = server.routes.get((self.command, parts.path))
                reply = handler(seen) if handler else Reply(404, {"error": "NotFound"})
                body = reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _serve  # noqa: N815 - http.server looks handlers up by this exact name
            do_POST = _serve  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return _Handler

    @contextmanager
    def running(self) -> Iterator[FakeServer]:
        thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()


def clone_status(template: dict[str, Any], status_id: int, minute: int) -> dict[str, Any]:
    """A copy of a documented Status with a new id and time, to fill pages past 40."""
    status = copy.deepcopy(template)
    status["id"] = str(status_id)
    status["created_at"] = f"2024-11-05T{10 + minute // 60:02d}:{minute % 60:02d}:00.000Z"
    status["url"] = f"https://mastodon.social/@countynews/{status_id}"
    return status


def serve_mastodon(server: FakeServer, statuses: list[dict[str, Any]], tag: str = "flood") -> None:
    """Hashtag timeline with Mastodon's paging: newest first; min_id returns the ones just after."""

    def timeline(request: Seen) -> Reply:
        limit = min(int(request.param("limit") or 20), 40)
        ordered = sorted(statuses, key=lambda s: (len(s["id"]), s["id"]))
        min_id = request.param("min_id")
        if min_id:
            newer = [s for s in ordered if (len(s["id"]), s["id"]) > (len(min_id), min_id)]
            page = newer[:limit]
        else:
            page = ordered[-limit:]
        return Reply(200, list(reversed(page)))

    server.route("GET", f"/api/v1/timelines/tag/{tag}", timeline)


@dataclass
class BlueskyState:
    """Tokens the fake PDS has issued and which of them still work."""

    password: str
    posts: list[dict[str, Any]]
    page_size: int = 2
    issued: int = 0
    valid_access: set[str] = field(default_factory=set)
    valid_refresh: set[str] = field(default_factory=set)

    def expire_access_tokens(self) -> None:
        self.valid_access.clear()


def serve_bluesky(server: FakeServer, state: BlueskyState) -> None:
    template = payload("bluesky_create_session.json")

    def issue() -> Reply:
        state.issued += 1
        session = dict(template)
        session["accessJwt"] = f"access-jwt-{state.issued}"
        session["refreshJwt"] = f"refresh-jwt-{state.issued}"
        state.valid_access.add(session["accessJwt"])
        state.valid_refresh.add(session["refreshJwt"])
        return Reply(200, session)

    def create_session(request: Seen) -> Reply:
        body = json.loads(request.body)
        if body.get("password") != state.password:
            return Reply(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            )
        return issue()

    def refresh_session(request: Seen) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in state.valid_refresh:
            return Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        state.valid_refresh.discard(token)
        return issue()

    def authorized(request: Seen) -> Reply | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in state.valid_access:
            return None
        if token.startswith("access-jwt-"):
            return Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        return Reply(401, {"error": "AuthMissing", "message": "Authentication Required"})

    def sort_at(post: dict[str, Any]) -> str:
        return str(min(post["record"]["createdAt"], post["indexedAt"]))

    def search_posts(request: Seen) -> Reply:
        denied = authorized(request)
        if denied:
            return denied
        since = request.param("since")
        matches = sorted(state.posts, key=sort_at, reverse=True)
        if since:
            matches = [post for post in matches if sort_at(post) >= since]
        offset = int(request.param("cursor") or 0)
        page = matches[offset : offset + state.page_size]
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(matches)}
        if offset + state.page_size < len(matches):
            body["cursor"] = str(offset + state.page_size)
        return Reply(200, body)

    def get_profiles(request: Seen) -> Reply:
        denied = authorized(request)
        if denied:
            return denied
        wanted = set(request.query.get("actors", []))
        profiles = payload("bluesky_get_profiles.json")["profiles"]
        return Reply(200, {"profiles": [p for p in profiles if p["handle"] in wanted]})

    server.route("POST", "/xrpc/com.atproto.server.createSession", create_session)
    server.route("POST", "/xrpc/com.atproto.server.refreshSession", refresh_session)
    server.route("GET", "/xrpc/app.bsky.feed.searchPosts", search_posts)
    server.route("GET", "/xrpc/app.bsky.actor.getProfiles", get_profiles)


def serve_reddit_listing(
    server: FakeServer, path: str, children: list[dict[str, Any]], page_size: int = 2
) -> None:
    """A Listing sorted newest first, paged with `after` like Reddit's /new and search."""

    def listing(request: Seen) -> Reply:
        ordered = sorted(children, key=lambda c: c["data"]["created_utc"], reverse=True)
        names = [child["data"]["name"] for child in ordered]
        after = request.param("after")
        start = names.index(after) + 1 if after in names else 0
        page = ordered[start : start + page_size]
        more = start + page_size < len(ordered)
        data = {"after": page[-1]["data"]["name"] if page and more else None, "dist": len(page)}
        return Reply(200, {"kind": "Listing", "data": {**data, "children": page, "before": None}})

    server.route("GET", path, listing)
