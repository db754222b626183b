"""The one HTTP policy all connectors follow: timeouts, User-Agent, retries, error mapping."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from jobs.sources.base import HealthStatus, SourceError
from jobs.sources.common import parse_time

USER_AGENT = "Earshot/0.1 (+https://github.com/earshot)"
Sleep = Callable[[float], None]
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before reporting a source as rate limited or failing."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A longer server-requested wait is handed back to the scheduler instead of blocking a scan.
    max_wait: float = 120.0
    timeout: float = 20.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_client() -> httpx.Client:
    """A client with the project's defaults, for the composition root to share."""
    return httpx.Client(
        timeout=RetryPolicy().timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True
    )


def parse_retry_after(
    headers: httpx.Headers, now: datetime, *, rate_limited: bool = True
) -> float | None:
    """Seconds to wait from Retry-After (seconds or HTTP date), else X-RateLimit-Reset on 429."""
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return float(value)
        try:
            return max((parsedate_to_datetime(value) - now).total_seconds(), 0.0)
        except (TypeError, ValueError, IndexError):
            pass
    if not rate_limited:
        return None
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset.replace(".", "", 1).isdigit():  # Reddit: seconds until the window resets
        return float(reset)
    reset_at = parse_time(reset)  # Mastodon: ISO timestamp of the reset
    return max((reset_at - now).total_seconds(), 0.0) if reset_at else None


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
    ) -> None:
        self.client = client
        self.label = label
        self.sleep = sleep
        self.now = now
        self.policy = policy or RetryPolicy()
        self.user_agent = user_agent
        self._secrets = [secret for secret in secrets if secret and len(secret) >= 4]
        self._jitter = jitter

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with retries on 429, 5xx and network errors; return any other response."""
        merged = {"User-Agent": self.user_agent, "Accept": "application/json", **(headers or {})}
        kwargs.setdefault("follow_redirects", True)  # feeds move (http -> https, new paths)
        for attempt in range(self.policy.attempts):
            wait: float | None = None
            try:
                response = self.client.request(
                    method, url, headers=merged, timeout=self.policy.timeout, **kwargs
                )
            except httpx.TimeoutException:
                status: HealthStatus = "failing"
                problem = f"timed out after {self.policy.timeout:g}s"
            except httpx.TransportError as exc:
                status, problem = "failing", f"network error ({type(exc).__name__})"
            else:
                code = response.status_code
                if code != 429 and code < 500:
                    return response
                wait = parse_retry_after(response.headers, self.now(), rate_limited=code == 429)
                status = "rate_limited" if code == 429 else "failing"
                problem = f"HTTP {code}" + (" (rate limited)" if code == 429 else "")
                if wait is not None and wait > self.policy.max_wait:
                    raise self.error(f"{problem}; server asks to wait {wait:g}s", status, wait)
            if attempt + 1 == self.policy.attempts:
                where = httpx.URL(url).host
                raise self.error(f"{problem} from {where} after {attempt + 1} tries", status, wait)
            self.sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    def check(self, response: httpx.Response, *, auth_hint: str) -> httpx.Response:
        """Raise a SourceError for a 4xx answer; 401/403 become auth_failed with a fix."""
        code = response.status_code
        if code < 400:
            return response
        said = f"HTTP {code}" + (f" ({detail})" if (detail := server_message(response)) else "")
        if code in (401, 403):
            raise self.error(f"{said}. {auth_hint}".strip(), "auth_failed")
        if code == 404:
            raise self.error(f"HTTP 404 for {response.url.path}: check the settings", "failing")
        raise self.error(said, "failing")

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


def server_message(response: httpx.Response) -> str:
    """The short reason an API gives for an error, if it gives one."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        text = response.text.strip()
        return "" if text.startswith("<") else text[:160]
    if not isinstance(body, dict):
        return ""
    parts = [body.get(key) for key in ("error", "message", "error_description")]
    return ": ".join(str(part)[:160] for part in parts if isinstance(part, str) and part)
