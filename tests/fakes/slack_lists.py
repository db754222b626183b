"""The fake Slack's list methods (conversations.list, users.list, usergroups.list,
usergroups.users.list), paginated as Slack paginates: an opaque `cursor`, `limit` at most
1000, `response_metadata.next_cursor` empty on the last page, `invalid_cursor` for a cursor
it never issued, `missing_scope` when the token lacks the method's scope."""

from __future__ import annotations

import base64
from typing import Any

from tests.fakes.slack_state import FakeSlackState, Params, SlackError

MAX_LIMIT = 1000
SCOPES = {
    "conversations.list": "channels:read,groups:read",
    "users.list": "users:read",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
}


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.b64decode(str(cursor)).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except ValueError:
        pass
    raise SlackError("invalid_cursor")


def _page(items: list[Params], params: Params, key: str) -> Params:
    try:
        limit = int(params.get("limit") or 100)
    except ValueError:
        raise SlackError("invalid_limit") from None
    limit = max(1, min(limit, MAX_LIMIT))
    start = _offset(params.get("cursor"))
    following = start + limit
    return {
        key: items[start:following],
        "response_metadata": {"next_cursor": _cursor(following) if following < len(items) else ""},
    }


class SlackListMethods(FakeSlackState):
    """List methods; they run with the state lock held, like every fake method."""

    def __init__(self) -> None:
        super().__init__()
        self._usergroups: dict[str, Params] = {}
        self.missing_scopes: set[str] = set()  # methods whose scope the token lacks

    def add_usergroup(
        self, group_id: str, team_id: str, users: list[str], *, handle: str | None = None
    ) -> None:
        with self._lock:
            self._usergroups[group_id] = {
                "id": group_id,
                "team_id": team_id,
                "handle": handle or group_id.lower(),
                "name": handle or group_id,
                "users": list(users),
                "date_delete": 0,
            }

    def _scoped(self, method: str) -> None:
        if method in self.missing_scopes:
            raise SlackError("missing_scope", needed=SCOPES[method], provided="commands")

    def _conversation_list(self, team_id: str, params: Params) -> Params:
        self._scoped("conversations.list")
        wanted = str(params.get("types") or "public_channel")
        channels = [
            c.as_api()
            for c in self._channels.values()
            if c.team_id == team_id
            and ("private_channel" in wanted if not c.public else "public_channel" in wanted)
            # A private channel is listed only to its members, as in Slack.
            and (c.public or c.member)
        ]
        return _page(channels, params, "channels")

    def _users_list(self, team_id: str, params: Params) -> Params:
        self._scoped("users.list")
        members = [
            {
                "id": user["id"],
                "team_id": team_id,
                "name": user["name"],
                "deleted": False,
                "profile": {"display_name": user.get("display_name", ""), "real_name": ""},
            }
            for user in self._users.values()
            if user["team_id"] == team_id
        ]
        return _page(members, params, "members")

    def _usergroups_list(self, team_id: str, params: Params) -> Params:
        self._scoped("usergroups.list")
        groups = [
            {k: v for k, v in group.items() if k != "users"}
            for group in self._usergroups.values()
            if group["team_id"] == team_id
        ]
        return {"usergroups": groups}

    def _usergroups_users_list(self, team_id: str, params: Params) -> Params:
        self._scoped("usergroups.users.list")
        group = self._usergroups.get(str(params.get("usergroup")))
        if group is None or group["team_id"] != team_id:
            raise SlackError("no_such_subteam")
        return {"users": list(group["users"])}
