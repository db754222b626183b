"""SlackPoster: scheduled posts with charts, updates, and Slack errors as DeliveryError."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine

from bot.settings import Settings
from bot.slack.oauth import installation_store, team_clients
from bot.slack.poster import SlackPoster
from commands import blocks as bk
from commands.charts import volume_sentiment_chart
from commands.context import Reply
from jobs.poster import DeliveryError
from tests.slack_support import PNG_MAGIC, AdminAwareFakeSlack


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_team("T222")
        server.add_channel("C111", "T111")
        server.add_channel("C111OUT", "T111", member=False)
        server.add_channel("C222", "T222")
        yield server


@pytest.fixture
def poster(fake: AdminAwareFakeSlack, engine: Engine) -> SlackPoster:
    settings = Settings(slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    return SlackPoster(team_clients(settings, engine))


def digest(now: datetime, *, chart: bool = True) -> Reply:
    text = "Daily digest: flood 12 posts"
    drawn = volume_sentiment_chart("Digest · flood", [now], [12], [0.1]) if chart else None
    return Reply(text=text, blocks=[bk.header("Daily digest"), bk.section(text)], chart=drawn)


def test_post_sends_blocks_and_threads_the_chart(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    ts = poster.post("T111", "C111", digest(now))
    [message] = fake.messages
    assert message["ts"] == ts and message["blocks"][0]["type"] == "header"
    [upload] = fake.uploads.values()
    assert upload["bytes"].startswith(PNG_MAGIC)
    assert upload["thread_ts"] == ts and upload["alt_txt"]


def test_post_into_a_thread_keeps_chart_there(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    parent = poster.post("T111", "C111", digest(now, chart=False))
    poster.post("T111", "C111", digest(now), thread_ts=parent)
    assert fake.messages[1]["thread_ts"] == parent
    [upload] = fake.uploads.values()
    assert upload["thread_ts"] == parent


def test_update_replaces_text_and_blocks(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    ts = poster.post("T111", "C111", digest(now, chart=False))
    poster.update("T111", "C111", ts, Reply(text="Acknowledged", blocks=[bk.section("Acked")]))
    [update] = fake.updates(ts)
    assert update["text"] == "Acknowledged"
    assert fake.messages[0]["blocks"] == [bk.section("Acked")]


def test_short_rate_limit_is_retried_by_the_client(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    poster.post("T111", "C111", digest(now, chart=False))
    assert len(fake.messages) == 1


def test_long_rate_limit_becomes_retry_after(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=120)
    with pytest.raises(DeliveryError) as raised:
        poster.post("T111", "C111", digest(now))
    assert raised.value.retry_after == 120 and not raised.value.permanent
    assert fake.messages == []
    # Retry-After holds the channel: the next post there is not even sent to Slack...
    with pytest.raises(DeliveryError) as held:
        poster.post("T111", "C111", digest(now))
    assert held.value.retry_after is not None and 100 < held.value.retry_after <= 120
    assert len(fake.calls_to("chat.postMessage")) == 1
    # ...while other channels go on.
    fake.add_channel("C111B", "T111")
    poster.post("T111", "C111B", digest(now, chart=False))
    assert len(fake.messages) == 1


def test_missing_membership_is_retryable_with_a_clear_message(
    poster: SlackPoster, now: datetime
) -> None:
    with pytest.raises(DeliveryError) as raised:
        poster.post("T111", "C111OUT", digest(now))
    assert not raised.value.permanent
    assert "invite @Earshot" in str(raised.value) and "not_in_channel" in str(raised.value)


@pytest.mark.parametrize("error", ["account_inactive", "invalid_auth", "token_revoked"])
def test_dead_tokens_are_permanent(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime, error: str
) -> None:
    fake.fail("chat.postMessage", error=error)
    with pytest.raises(DeliveryError) as raised:
        poster.post("T111", "C111", digest(now))
    assert raised.value.permanent and error in str(raised.value)


def test_chart_failure_after_posting_does_not_raise(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    # Raising here would make the scheduler post the digest a second time.
    fake.fail("files.getUploadURLExternal", error="internal_error")
    ts = poster.post("T111", "C111", digest(now))
    assert [m["ts"] for m in fake.messages] == [ts]


def test_oauth_mode_uses_each_workspaces_own_token(
    fake: AdminAwareFakeSlack, engine: Engine, now: datetime
) -> None:
    settings = Settings(
        slack_client_id="111.222", slack_client_secret="shh", slack_api_url=fake.base_url
    )
    store = installation_store(settings, engine)
    for team in ("T111", "T222"):
        store.save(
            Installation(
                app_id="AFAKEAPP",
                team_id=team,
                bot_token=f"xoxb-{team}-fake",
                bot_id=f"BB{team}",
                bot_user_id=f"UB{team}",
                bot_scopes="chat:write,files:write",
                user_id="UINSTALLER",
            )
        )
    poster = SlackPoster(team_clients(settings, engine))
    poster.post("T111", "C111", digest(now, chart=False))
    poster.post("T222", "C222", digest(now, chart=False))
    tokens = [call["_token"] for call in fake.calls_to("chat.postMessage")]
    assert tokens == ["xoxb-T111-fake", "xoxb-T222-fake"]
    with pytest.raises(DeliveryError) as raised:
        poster.post("T999", "C999", digest(now))
    assert raised.value.permanent and "not installed" in str(raised.value)


def test_pin_pins_and_never_raises(
    poster: SlackPoster, fake: AdminAwareFakeSlack, now: datetime
) -> None:
    ts = poster.post("T111", "C111", digest(now, chart=False))
    poster.pin("T111", "C111", ts)
    assert fake.pins == [("T111", "C111", ts)]
    poster.pin("T111", "C111", "1.000000")  # message_not_found: logged, not raised
    assert len(fake.pins) == 1
