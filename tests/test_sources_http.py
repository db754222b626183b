"""The shared HTTP policy: retries, Retry-After, error mapping and secret redaction."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from jobs.sources.base import SourceError
from jobs.sources.http import USER_AGENT, Http, RetryPolicy
from jobs.sources.waits import parse_retry_after

NOW = datetime(2024, 11, 5, 14, 0, tzinfo=UTC)


def scripted(*replies: httpx.Response | Exception) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose transport answers with the given responses (or raises), in order."""
    queue = list(replies)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = queue.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def make_http(
    client: httpx.Client,
    waits: list[float],
    *,
    policy: RetryPolicy | None = None,
    secrets: tuple[str, ...] = (),
) -> Http:
    return Http(
        client,
        label="test",
        sleep=waits.append,
        now=lambda: NOW,
        jitter=lambda: 0.0,
        policy=policy,
        secrets=secrets,
    )


def test_429_with_retry_after_seconds_waits_that_long_then_succeeds() -> None:
    client, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"ok": True})
    )
    waits: list[float] = []
    response = make_http(client, waits).request("GET", "https://api.example/x")
    assert response.json() == {"ok": True}
    assert waits == [7.0]
    assert len(seen) == 2
    assert seen[0].headers["User-Agent"] == USER_AGENT


def test_retry_after_as_http_date_is_converted_to_seconds() -> None:
    client, _ = scripted(
        httpx.Response(503, headers={"Retry-After": "Tue, 05 Nov 2024 14:00:30 GMT"}),
        httpx.Response(200, json=[]),
    )
    waits: list[float] = []
    make_http(client, waits).request("GET", "https://api.example/x")
    assert waits == [30.0]


def test_mastodon_style_rate_limit_reset_timestamp_is_honoured_on_429() -> None:
    headers = httpx.Headers({"X-RateLimit-Reset": "2024-11-05T14:02:00.000Z"})
    assert parse_retry_after(headers, NOW) == 120.0
    assert parse_retry_after(headers, NOW, rate_limited=False) is None


def test_server_errors_back_off_exponentially_then_report_failing() -> None:
    client, seen = scripted(*[httpx.Response(500) for _ in range(4)])
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, base_delay=1.0)
    with pytest.raises(SourceError) as caught:
        make_http(client, waits, policy=policy).request("GET", "https://api.example/x")
    assert caught.value.status == "failing"
    assert "HTTP 500" in str(caught.value)
    assert "4 tries" in str(caught.value)
    assert waits == [0.5, 1.0, 2.0]  # base * 2**n scaled by jitter 0 -> half
    assert len(seen) == 4


def test_persistent_429_reports_rate_limited_with_retry_after() -> None:
    client, _ = scripted(*[httpx.Response(429, headers={"Retry-After": "5"}) for _ in range(3)])
    waits: list[float] = []
    with pytest.raises(SourceError) as caught:
        make_http(client, waits, policy=RetryPolicy(attempts=3)).request("GET", "https://a.example")
    assert caught.value.status == "rate_limited"
    assert caught.value.retry_after == 5.0
    assert waits == [5.0, 5.0]


def test_a_wait_longer_than_the_cap_is_handed_back_without_sleeping() -> None:
    client, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    waits: list[float] = []
    with pytest.raises(SourceError) as caught:
        make_http(client, waits).request("GET", "https://api.example/x")
    assert (caught.value.status, caught.value.retry_after) == ("rate_limited", 3600.0)
    assert waits == []
    assert len(seen) == 1


def test_timeouts_are_retried_then_reported() -> None:
    request = httpx.Request("GET", "https://api.example/x")
    client, _ = scripted(httpx.ReadTimeout("slow", request=request), httpx.Response(200, json=1))
    waits: list[float] = []
    assert make_http(client, waits).request("GET", "https://api.example/x").json() == 1
    assert len(waits) == 1

    client, _ = scripted(*[httpx.ConnectTimeout("slow", request=request) for _ in range(2)])
    with pytest.raises(SourceError, match="timed out") as caught:
        make_http(client, [], policy=RetryPolicy(attempts=2)).request("GET", str(request.url))
    assert caught.value.status == "failing"


@pytest.mark.parametrize("code", [401, 403])
def test_auth_errors_become_auth_failed_with_the_fix(code: int) -> None:
    client, _ = scripted(httpx.Response(code, json={"error": "This action requires login"}))
    http = make_http(client, [])
    response = http.request("GET", "https://api.example/x")
    with pytest.raises(SourceError) as caught:
        http.check(response, auth_hint="Set token=...")
    assert caught.value.status == "auth_failed"
    assert "requires login" not in str(caught.value)  # upstream words are never quoted
    assert "Set token=..." in str(caught.value)


def test_truncated_json_is_a_bad_payload() -> None:
    client, _ = scripted(httpx.Response(200, content=b'{"posts": [{"uri": "at://x'))
    http = make_http(client, [])
    with pytest.raises(SourceError) as caught:
        http.json(http.request("GET", "https://api.example/x"))
    assert caught.value.status == "bad_payload"


def test_secrets_never_appear_in_error_messages() -> None:
    secret = "s3cr3t-app-password"
    client, _ = scripted(httpx.Response(400, json={"error": secret, "message": secret}))
    http = make_http(client, [], secrets=(secret,))
    http.add_secret("runtime-token-123")
    with pytest.raises(SourceError) as caught:
        http.check(http.request("GET", "https://api.example/x"), auth_hint="")
    assert secret not in str(caught.value)
    assert "[redacted]" in str(caught.value)
    assert "runtime-token-123" not in http.redact("bearer runtime-token-123")
