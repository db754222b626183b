"""Who may change configuration: listed admins, Slack admins/owners, or the admin user group."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
SLACK_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


class AdminCheck:
    """Answers "is this user an Earshot admin?", remembering each answer for a few minutes.

    A failed Slack lookup counts as "not an admin" (fail closed) and is not remembered, so
    a passing outage does not lock an admin out for the whole cache period.
    """

    def __init__(
        self,
        admin_users: frozenset[str],
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admin_users = admin_users
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def is_admin(
        self, client: WebClient, team_id: str, user_id: str, admin_group: str | None
    ) -> bool:
        if user_id in self.admin_users:
            return True
        key = (team_id, user_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            answer = self._slack_says_admin(client, user_id) or self._in_group(
                client, admin_group, user_id
            )
        except (SlackApiError, SlackClientError) as exc:
            log.warning("admin check for %s in %s failed: %s", user_id, team_id, exc)
            return False
        with self._lock:
            self._cache[key] = (self.clock(), answer)
        return answer

    @staticmethod
    def _slack_says_admin(client: WebClient, user_id: str) -> bool:
        user = client.users_info(user=user_id).get("user") or {}
        return any(bool(user.get(flag)) for flag in SLACK_ADMIN_FLAGS)

    @staticmethod
    def _in_group(client: WebClient, group_id: str | None, user_id: str) -> bool:
        if not group_id:
            return False
        members = client.usergroups_users_list(usergroup=group_id).get("users") or []
        return user_id in members
