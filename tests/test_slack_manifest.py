"""The app manifests agree with the code: commands, usage hints, scopes, events, URLs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.slack.oauth import BOT_SCOPES
from commands.registry import COMMANDS, DESCRIPTIONS

ROOT = Path(__file__).resolve().parents[1]


def manifest(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / name).read_text())
    return loaded


@pytest.mark.parametrize("name", ["manifest.json", "manifest.http.json"])
def test_manifest_matches_the_registry_and_scopes(name: str) -> None:
    data = manifest(name)
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == set(COMMANDS)
    for command, (description, usage) in DESCRIPTIONS.items():
        assert commands[command]["usage_hint"] == usage
        assert commands[command]["description"] == description
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["features"]["app_home"]["home_tab_enabled"] is True


def test_socket_mode_and_http_variants_differ_only_in_transport() -> None:
    socket_mode, http = manifest("manifest.json"), manifest("manifest.http.json")
    assert socket_mode["settings"]["socket_mode_enabled"] is True
    assert http["settings"]["socket_mode_enabled"] is False
    urls = {c["url"] for c in http["features"]["slash_commands"]}
    urls |= {http["settings"]["event_subscriptions"]["request_url"]}
    urls |= {http["settings"]["interactivity"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert http["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert all("url" not in c for c in socket_mode["features"]["slash_commands"])
