"""Multi-workspace installs: Bolt's OAuth flow with installations and states in our database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

# Importing the SQLAlchemy stores needs greenlet (sqlalchemy[asyncio]): see the Slack notes.
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.settings import Settings
from bot.slack.clients import SCHEDULED_MAX_WAIT, web_client
from storage.oauth_states import prune_states

log = logging.getLogger(__name__)

# Keep this list equal to oauth_config.scopes.bot in manifest.json.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "pins:write",
    # Read back our own recent messages, to tell whether a post interrupted by a crash
    # went out (jobs/deliver.py).
    "channels:history",
    "groups:history",
    # Typed #channel / @user / @group names resolved to ids (conversations.list,
    # users.list, usergroups.list: bot/slack/directory.py); users:read and
    # usergroups:read also serve the admin check.
    "channels:read",
    "groups:read",
    "users:read",
    "usergroups:read",
)
STATE_EXPIRATION_SECONDS = 600
# Unfinished installs kept at once: GET /slack/install needs no credentials, so without a
# cap anyone could fill the table; a real install finishes within minutes.
MAX_LIVE_STATES = 1000


class PrunedStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's state store, dropping expired states and the oldest beyond a cap."""

    max_live = MAX_LIVE_STATES

    def issue(self, *args: Any, **kwargs: Any) -> str:
        now = datetime.now(UTC).replace(tzinfo=None)
        prune_states(self.engine, self.oauth_states, now=now, keep=self.max_live)
        state: str = super().issue(*args, **kwargs)
        return state


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


@cache
def _stores(
    client_id: str, engine: Engine
) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    installations = SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)
    states = PrunedStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine, logger=log
    )
    # Idempotent (CREATE TABLE IF NOT EXISTS); these tables belong to slack_sdk, not Alembic.
    installations.create_tables()  # type: ignore[no-untyped-call]
    states.create_tables()  # type: ignore[no-untyped-call]
    return installations, states


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    if not settings.slack_client_id:
        raise ValueError("SLACK_CLIENT_ID is not set")
    return _stores(settings.slack_client_id, engine)[0]


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth settings: /slack/install and /slack/oauth_redirect, stores on `engine`."""
    if not (settings.slack_client_id and settings.slack_client_secret):
        raise ValueError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both needed for OAuth")
    installations, states = _stores(settings.slack_client_id, engine)
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        logger=log,
    )


def team_clients(settings: Settings, engine: Engine) -> Callable[[str], WebClient]:
    """`client_for_team` for the poster: each workspace's own bot token, looked up per call.

    Looking up every time (one indexed query) means a reinstall or an uninstall takes
    effect at once, without a cache to invalidate.
    """
    if oauth_enabled(settings):
        store = installation_store(settings, engine)

        def from_store(team_id: str) -> WebClient:
            bot = store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                raise LookupError(f"Earshot is not installed in workspace {team_id}")
            return web_client(settings, bot.bot_token, max_wait=SCHEDULED_MAX_WAIT)

        return from_store
    if not settings.slack_bot_token:
        raise ValueError("set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    single = web_client(settings, settings.slack_bot_token, max_wait=SCHEDULED_MAX_WAIT)
    return lambda _team_id: single
