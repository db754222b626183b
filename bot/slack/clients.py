"""WebClients pointed at SLACK_API_URL, with the rate-limit patience each caller can afford."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.settings import Settings

log = logging.getLogger(__name__)

# A person waiting on a slash command can afford a short pause; longer waits go to
# response_url instead. A scheduled digest can wait longer before it is rescheduled.
INTERACTIVE_MAX_WAIT = 3.0
SCHEDULED_MAX_WAIT = 30.0


def retry_after(headers: Any) -> float | None:
    """The Retry-After header (seconds) of an HTTP response, whatever the header casing."""
    if not headers:
        return None
    for name, value in dict(headers).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry a 429 after Retry-After, but only when that wait is at most `max_wait` seconds.

    The stock handler sleeps whatever Slack asks, inside the calling thread; a long wait is
    better handed back to the caller (a fallback, or a rescheduled delivery).
    """

    def __init__(self, max_wait: float, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait


def retry_handlers(max_wait: float, max_retry_count: int = 1) -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(),
        ShortRateLimitRetryHandler(max_wait, max_retry_count=max_retry_count),
    ]


def web_client(
    settings: Settings, token: str | None = None, *, max_wait: float = INTERACTIVE_MAX_WAIT
) -> WebClient:
    """A WebClient on SLACK_API_URL (or Slack's default), retrying short rate limits."""
    kwargs: dict[str, Any] = {"token": token, "retry_handlers": retry_handlers(max_wait)}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url
    return WebClient(**kwargs)
