"""An authenticated XRPC session for Bluesky: createSession, then renew once when it expires."""

from __future__ import annotations

from typing import Any

import httpx

from jobs.sources.common import as_dict, as_str
from jobs.sources.http import Http, error_code
from jobs.sources.tokens import TOKENS, Credentials

LOGIN_HINT = (
    "Bluesky rejected the handle or app password: create an app password under "
    "Settings > Privacy and security > App passwords and set app_password=... (never the "
    "account password)."
)


class BlueskySession:
    """Holds the access/refresh tokens in memory only; they never reach cursors or messages."""

    def __init__(self, http: Http, *, service: str, handle: str, app_password: str) -> None:
        self.http = http
        self.service = service.rstrip("/")
        self.handle = handle
        self._password = app_password
        self._key = TOKENS.key("bluesky", self.service, handle, app_password)
        cached = TOKENS.get(self._key)
        self._access = cached.access if cached else None
        self._refresh = cached.refresh if cached else None
        for secret in (app_password, self._access, self._refresh):
            http.add_secret(secret)

    def get(self, method: str, params: Any, *, auth_hint: str) -> Any:
        """Call an XRPC query; on an expired or revoked session renew it and retry once."""
        if self._access is None:
            self._login()
        response = self._call(method, params)
        if _session_expired(response):
            self._renew()
            response = self._call(method, params)
        return self.http.json(self.http.check(response, auth_hint=auth_hint))

    def _call(self, method: str, params: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access}"}
        return self.http.request("GET", self._url(method), params=params, headers=headers)

    def _login(self) -> None:
        body = {"identifier": self.handle, "password": self._password}
        response = self.http.request(
            "POST", self._url("com.atproto.server.createSession"), json=body
        )
        if response.status_code in (400, 401):
            code = error_code(response)
            raise self.http.error(
                f"login failed{f' ({code})' if code else ''}. {LOGIN_HINT}", "auth_failed"
            )
        self._store(self.http.json(self.http.check(response, auth_hint=LOGIN_HINT)))

    def _renew(self) -> None:
        """Try refreshSession first (cheaper on Bluesky's login rate limit), else log in again."""
        if self._refresh:
            response = self.http.request(
                "POST",
                self._url("com.atproto.server.refreshSession"),
                headers={"Authorization": f"Bearer {self._refresh}"},
            )
            if response.status_code == 200:
                self._store(self.http.json(response))
                return
        self._access = self._refresh = None
        TOKENS.put(self._key, None)
        self._login()

    def _store(self, session: Any) -> None:
        access = as_str(as_dict(session).get("accessJwt"))
        refresh = as_str(as_dict(session).get("refreshJwt"))
        if access is None:
            raise self.http.error("session response has no accessJwt", "bad_payload")
        self._access, self._refresh = access, refresh
        TOKENS.put(self._key, Credentials(access, refresh))
        self.http.add_secret(access)
        self.http.add_secret(refresh)

    def _url(self, method: str) -> str:
        return f"{self.service}/xrpc/{method}"


def _session_expired(response: httpx.Response) -> bool:
    # An expired access JWT is a 400 ExpiredToken from the PDS but a 401 via the AppView.
    if response.status_code == 401:
        return True
    return response.status_code == 400 and error_code(response) == "ExpiredToken"
