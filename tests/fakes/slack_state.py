"""What the fake Slack knows (workspaces, channels) and what it recorded, plus shared rules."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_blocks import message_problems

Params = dict[str, Any]
DEFAULT_SCOPES = "commands,chat:write,chat:write.public,files:write,channels:read,channels:join"
MAX_TEXT = 40_000


class SlackError(Exception):
    """An `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class FakeChannel:
    id: str
    team_id: str
    name: str
    member: bool
    public: bool

    def as_api(self) -> Params:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "is_private": not self.public,
            "is_member": self.member,
            "is_archived": False,
        }


class FakeSlackState:
    """Workspaces, channels and everything the bot sent, guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self.frozen_clock: float | None = None  # Slack's clock, when a test sets it
        self._teams: dict[str, Params] = {}
        self._tokens: dict[str, str] = {}
        self._channels: dict[str, FakeChannel] = {}
        self._users: dict[str, Params] = {}
        self._oauth_codes: dict[str, Params] = {}
        self._calls: list[tuple[str, Params]] = []
        self._messages: list[Params] = []
        self._ephemerals: list[Params] = []
        self._updates: dict[str, list[Params]] = {}
        self._uploads: dict[str, Params] = {}
        self._views: dict[str, list[Params]] = {}
        self._violations: list[str] = []
        self.oauth_client: tuple[str, str] | None = None
        self.origin = "http://127.0.0.1"
        self.socket_url = "ws://127.0.0.1/link/"

    # -- set-up ----------------------------------------------------------------------------

    def add_team(self, team_id: str, token: str | None = None, *, name: str | None = None) -> str:
        """Register a workspace and its bot token (default `xoxb-<TEAMID>-fake`); returns it."""
        token = token or f"xoxb-{team_id}-fake"
        with self._lock:
            self._teams.setdefault(
                team_id,
                {
                    "name": name or f"Team {team_id}",
                    "bot_user_id": f"UB{team_id}",
                    "bot_id": f"BB{team_id}",
                },
            )
            self._tokens[token] = team_id
        return token

    def add_channel(
        self,
        channel_id: str,
        team_id: str,
        *,
        member: bool = True,
        public: bool = True,
        name: str | None = None,
    ) -> None:
        with self._lock:
            self._channels[channel_id] = FakeChannel(
                channel_id, team_id, name or channel_id.lower(), member, public
            )

    def add_user(
        self, user_id: str, team_id: str, *, tz: str = "UTC", name: str | None = None
    ) -> None:
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "team_id": team_id,
                "name": name or user_id.lower(),
                "tz": tz,
            }

    def add_oauth_code(
        self,
        code: str,
        team_id: str,
        token: str,
        *,
        scope: str = DEFAULT_SCOPES,
        installer: str = "UINSTALLER",
    ) -> None:
        with self._lock:
            self._oauth_codes[code] = {
                "team_id": team_id,
                "token": token,
                "scope": scope,
                "installer": installer,
            }

    # -- what the bot sent -----------------------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, Params]]:
        """Every API call as (method, params); params carry the bearer token as `_token`."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Params]:
        return [params for name, params in self.calls if name == method]

    @property
    def messages(self) -> list[Params]:
        """Posted messages (channel, text, blocks, ts, thread_ts, team), as they stand now."""
        with self._lock:
            return [dict(message) for message in self._messages]

    @property
    def ephemerals(self) -> list[Params]:
        with self._lock:
            return [dict(message) for message in self._ephemerals]

    def updates(self, ts: str) -> list[Params]:
        """The chat.update history of one message, oldest first."""
        with self._lock:
            return list(self._updates.get(ts, []))

    @property
    def uploads(self) -> dict[str, Params]:
        """file_id -> bytes, filename, title, alt_txt, channel, initial_comment, thread_ts, ..."""
        with self._lock:
            return {file_id: dict(upload) for file_id, upload in self._uploads.items()}

    @property
    def views(self) -> dict[str, list[Params]]:
        """user_id -> every view published to that user's Home tab, oldest first."""
        with self._lock:
            return {user: list(published) for user, published in self._views.items()}

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    def take_violations(self) -> list[str]:
        """Return and forget recorded violations (for tests that send bad blocks on purpose)."""
        with self._lock:
            taken, self._violations = self._violations, []
        return taken

    # -- dispatch and shared rules ---------------------------------------------------------
    # -- shared rules ---------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Wall-clock seconds like Slack's own ts (conversations.history filters on them),
        # made unique by the serial.
        serial = next(self._ids)
        now = time.time() if self.frozen_clock is None else self.frozen_clock
        return f"{int(now)}.{serial:06d}"

    def _channel(self, team_id: str, channel_id: Any) -> FakeChannel:
        if isinstance(channel_id, str) and channel_id[:1] in {"D", "U"}:
            return FakeChannel(channel_id, team_id, channel_id, member=True, public=False)
        channel = self._channels.get(channel_id) if isinstance(channel_id, str) else None
        if channel is None or channel.team_id != team_id:
            raise SlackError("channel_not_found")
        return channel

    def _member_channel(self, team_id: str, channel_id: Any) -> FakeChannel:
        channel = self._channel(team_id, channel_id)
        if not channel.member:
            raise SlackError("not_in_channel")
        return channel

    @staticmethod
    def _json_field(params: Params, key: str, error: str) -> Any:
        value = params.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise SlackError(error) from None
        return value

    def _checked_message(self, method: str, params: Params) -> tuple[str | None, Any]:
        text, blocks = (
            params.get("text"),
            self._json_field(params, "blocks", "invalid_blocks_format"),
        )
        if not text and blocks is None:
            raise SlackError("no_text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        problems = message_problems(text, blocks)
        if problems:
            self._violations += [f"{method}: {problem}" for problem in problems]
            raise SlackError("invalid_blocks", errors=problems)
        return text, blocks
