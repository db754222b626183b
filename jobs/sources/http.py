"""The one HTTP policy all connectors follow: timeouts, User-Agent, retries, error mapping."""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from jobs.sources.base import HealthStatus, SourceError
from jobs.sources.outbound import BlockedDestination
from jobs.sources.waits import describe_wait, parse_retry_after, plausible_wait

USER_AGENT = "Earshot/0.1 (+https://github.com/earshot)"
Sleep = Callable[[float], None]
Clock = Callable[[], datetime]
_ERROR_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,47}$")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before reporting a source as rate limited or failing."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A longer server-requested wait is handed back to the scheduler instead of blocking a scan.
    max_wait: float = 120.0
    timeout: float = 20.0
    # A response is read as a stream and abandoned past these: a feed is a few MB at most.
    max_bytes: int = 16 * 1024 * 1024
    total_timeout: float = 60.0
    max_redirects: int = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


class Http:
    """One connector's use of the shared client, with its label and the secrets to redact."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        label: str,
        sleep: Sleep = time.sleep,
        now: Clock = utc_now,
        policy: RetryPolicy | None = None,
        secrets: Iterable[str | None] = (),
        user_agent: str = USER_AGENT,
        jitter: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.label = label
        self.sleep = sleep
        self.now = now
        self.policy = policy or RetryPolicy()
        self.user_agent = user_agent
        self._secrets = [secret for secret in secrets if secret and len(secret) >= 4]
        self._jitter = jitter
        self._monotonic = monotonic
        self.moved_to: str | None = None  # set when a GET was answered by 301/308

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with retries on 429, 5xx and network errors; return any other response.

        The body is read in full (at most `policy.max_bytes`, within `policy.total_timeout`)
        before returning, and GET redirects are followed here, hop by hop.
        """
        merged = {"User-Agent": self.user_agent, "Accept": "application/json", **(headers or {})}
        follow = bool(kwargs.pop("follow_redirects", True))  # feeds move (http -> https, paths)
        for attempt in range(self.policy.attempts):
            wait: float | None = None
            try:
                response = self._send(method, url, merged, follow=follow, **kwargs)
            except httpx.TimeoutException:
                status: HealthStatus = "failing"
                problem = f"timed out after {self.policy.timeout:g}s"
            except BlockedDestination as exc:
                raise self.error(str(exc), "failing") from None
            except httpx.DecodingError:
                raise self.error(
                    "the server sent a body that does not match its Content-Encoding (e.g. "
                    "marked gzip but not compressed): its server is misconfigured; tell the "
                    "site's owner, or use another URL for the same content",
                    "bad_payload",
                ) from None
            except httpx.TransportError as exc:
                status, problem = "failing", f"network error ({_transport_problem(exc)})"
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise self.error(
                    f"the request could not be made ({type(exc).__name__}); check the URL",
                    "failing",
                ) from None
            else:
                code = response.status_code
                if code != 429 and code < 500:
                    return response
                asked = parse_retry_after(response.headers, self.now(), rate_limited=code == 429)
                wait = plausible_wait(asked)
                status = "rate_limited" if code == 429 else "failing"
                problem = f"HTTP {code}" + (" (rate limited)" if code == 429 else "")
                if asked is not None and wait is not None and wait > self.policy.max_wait:
                    capped = " (capped: its reset time was further away)" if asked > wait else ""
                    raise self.error(
                        f"{problem}; the server asks to wait {describe_wait(wait)}{capped}; "
                        "the next try waits that long",
                        status,
                        wait,
                    )
            if attempt + 1 == self.policy.attempts:
                where = httpx.URL(url).host
                raise self.error(
                    f"{problem} from {where} after {attempt + 1} tries; later scans retry with "
                    "backoff. If it persists, check the address opens in a browser",
                    status,
                    wait,
                )
            self.sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    def _send(
        self, method: str, url: str, headers: dict[str, str], *, follow: bool, **kwargs: Any
    ) -> httpx.Response:
        auth = kwargs.pop("auth", None)
        deadline = self._monotonic() + self.policy.total_timeout
        request = self.client.build_request(
            method, url, headers=headers, timeout=self.policy.timeout, **kwargs
        )
        visited = [str(request.url)]
        while True:
            response = self.client.send(request, auth=auth, stream=True, follow_redirects=False)
            try:
                if not (follow and method == "GET" and response.has_redirect_location):
                    return self._read(response, deadline)
                target = request.url.join(response.headers["location"])
            finally:
                response.close()
            if response.status_code in (301, 308) and len(visited) == 1:
                self.moved_to = str(target)
            if str(target) in visited:
                raise self.error(
                    f"redirect loop ({' -> '.join(_hosts(visited, target))}); open the URL in a "
                    "browser and use the address it ends at",
                    "failing",
                )
            if len(visited) > self.policy.max_redirects:
                raise self.error(
                    f"more than {self.policy.max_redirects} redirects; use the address the "
                    "URL finally leads to",
                    "failing",
                )
            visited.append(str(target))
            if _origin(target) != _origin(request.url):
                auth = None  # credentials go only to the host they were given for
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            request = self.client.build_request(
                "GET", target, headers=headers, timeout=self.policy.timeout
            )

    def _read(self, response: httpx.Response, deadline: float) -> httpx.Response:
        """Read a streamed body up to the size and time limits into a plain response."""
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise self._too_large()
            if self._monotonic() > deadline:
                raise self.error(
                    f"the server took more than {self.policy.total_timeout:g}s to send its "
                    "answer; Earshot stopped reading. If it is always this slow, ask its owner",
                    "failing",
                )
            chunks.append(chunk)
        kept = [
            (key, value)
            for key, value in response.headers.multi_items()
            if key.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=kept, content=b"".join(chunks), request=response.request
        )

    def _too_large(self) -> SourceError:
        megabytes = self.policy.max_bytes / (1024 * 1024)
        return self.error(
            f"the response is larger than {megabytes:g} MB, so Earshot stopped reading it; "
            "use a URL that returns fewer items (a feed of recent posts, not an archive)",
            "bad_payload",
        )

    def check(self, response: httpx.Response, *, auth_hint: str) -> httpx.Response:
        """Raise a SourceError for a 4xx answer; 401/403 become auth_failed with a fix.

        Only a short error code from a JSON body is quoted, never the body itself: an
        upstream's words do not belong in Slack.
        """
        code = response.status_code
        if code < 400:
            return response
        said = f"HTTP {code}" + (f" ({detail})" if (detail := error_code(response)) else "")
        if code in (401, 403):
            raise self.error(f"{said}. {auth_hint}".strip(), "auth_failed")
        if code == 404:
            raise self.error(f"HTTP 404 for {response.url.path}: check the settings", "failing")
        raise self.error(f"{said}: check the settings", "failing")

    def json(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError):
            raise self.error(
                f"response from {response.url.host} is not valid JSON (truncated?)", "bad_payload"
            ) from None

    def error(
        self, message: str, status: HealthStatus, retry_after: float | None = None
    ) -> SourceError:
        return SourceError(
            self.redact(f"{self.label}: {message}"), status=status, retry_after=retry_after
        )

    def add_secret(self, secret: str | None) -> None:
        """Register a credential learned at runtime (e.g. a session token) for redaction."""
        if secret and len(secret) >= 4 and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.policy.max_delay, self.policy.base_delay * 2.0**attempt)
        return ceiling * (0.5 + self._jitter() / 2)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _hosts(visited: list[str], target: httpx.URL) -> list[str]:
    return [httpx.URL(item).host + httpx.URL(item).path for item in visited] + [
        target.host + target.path
    ]


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server broke the HTTP exchange"
    return type(exc).__name__


def error_code(response: httpx.Response) -> str:
    """A short machine error code from a JSON error body ("ExpiredToken"), else ""."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return ""
    if not isinstance(body, dict):
        return ""
    for key in ("error", "reason", "code"):
        value = body.get(key)
        if isinstance(value, str) and _ERROR_CODE.match(value):
            return value
    return ""
