"""Channel, user and user-group names -> ids through the Web API, cached briefly per team.

conversations.list, users.list and usergroups.list are Tier 2 methods (about 20 calls a
minute); a workspace's lists change rarely, so each is fetched whole (every page) and kept
for a minute. A name not found in a list older than a few seconds triggers one fresh fetch,
so a channel created a moment ago is found.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from commands.mentions import DirectoryError

TTL_SECONDS = 60.0
REFETCH_AFTER_SECONDS = 5.0
PAGE_SIZE = 200
MAX_PAGES = 50  # 10,000 entries: far beyond an agency workspace, and a bound on the cost

Names = dict[str, str | None]  # lower-cased name -> id; None when two share the name

_cache: dict[tuple[str, str, str], tuple[float, Names]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _pages(call: Callable[..., Any], key: str, **params: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    for _ in range(MAX_PAGES):
        answer = call(limit=PAGE_SIZE, cursor=cursor, **params)
        yield from answer.get(key) or []
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return


def _add(names: Names, name: Any, ident: str) -> None:
    if not isinstance(name, str) or not name:
        return
    key = name.lower().lstrip("@#")
    if key in names and names[key] != ident:
        names[key] = None  # ambiguous: refuse rather than guess
    else:
        names[key] = ident


class SlackDirectory:
    """commands.mentions.Directory for one workspace, backed by its bot token's client."""

    def __init__(self, client: WebClient, team_id: str) -> None:
        self.client = client
        self.team_id = team_id

    def channel_id(self, name: str) -> str | None:
        return self._find("channels", name)

    def user_id(self, name: str) -> str | None:
        return self._find("users", name)

    def group_id(self, handle: str) -> str | None:
        return self._find("groups", handle)

    def _find(self, kind: str, name: str) -> str | None:
        key = name.lower().lstrip("@#")
        fetched_at, names = self._names(kind, fresh=False)
        if key not in names and time.monotonic() - fetched_at > REFETCH_AFTER_SECONDS:
            _, names = self._names(kind, fresh=True)
        if key in names and names[key] is None:
            raise DirectoryError(
                f"several {kind} are called {name}; pick the right one from Slack's menu"
            )
        return names.get(key)

    def _key(self, kind: str) -> tuple[str, str, str]:
        # The API's address is part of the key: one process may talk to several Slacks
        # (tests, staging) whose workspaces share ids.
        return (self.client.base_url, self.team_id, kind)

    def _names(self, kind: str, *, fresh: bool) -> tuple[float, Names]:
        now = time.monotonic()
        with _lock:
            cached = _cache.get(self._key(kind))
        if cached is not None and not fresh and now - cached[0] < TTL_SECONDS:
            return cached
        try:
            names = self._fetch(kind)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise DirectoryError(_explain(str(error or exc.response.status_code))) from exc
        except (SlackClientError, OSError) as exc:
            raise DirectoryError(f"Slack could not be reached ({exc})") from exc
        with _lock:
            _cache[self._key(kind)] = (now, names)
        return now, names

    def _fetch(self, kind: str) -> Names:
        names: Names = {}
        if kind == "channels":
            for channel in _pages(
                self.client.conversations_list,
                "channels",
                types="public_channel,private_channel",
                exclude_archived=True,
            ):
                _add(names, channel.get("name"), str(channel["id"]))
        elif kind == "users":
            for user in _pages(self.client.users_list, "members"):
                if user.get("deleted"):
                    continue
                profile = user.get("profile") or {}
                for name in {user.get("name"), profile.get("display_name")}:
                    _add(names, name, str(user["id"]))
        else:
            answer = self.client.usergroups_list(include_disabled=False)
            for group in answer.get("usergroups") or []:
                _add(names, group.get("handle"), str(group["id"]))
        return names


def _explain(error: str) -> str:
    if error == "missing_scope":
        return "Earshot lacks the permission to list them (missing_scope); reinstall the app"
    if error == "ratelimited":
        return "Slack asked us to slow down; try again in a minute"
    return f"Slack answered {error}"
