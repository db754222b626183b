"""The fake Slack Web API, driven only through the real WebClient and httpx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.fakes.slack import FakeSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_team("T111")
        server.add_team("T222")
        server.add_channel("C111", "T111", name="comms")
        server.add_channel("C111OUT", "T111", member=False)
        server.add_channel("C111PRIV", "T111", member=False, public=False)
        server.add_channel("C222", "T222")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-T111-fake", base_url=fake.base_url)


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def test_auth_test_answers_per_team_token(fake: FakeSlack, client: WebClient) -> None:
    assert client.auth_test()["team_id"] == "T111"
    other = WebClient(token="xoxb-T222-fake", base_url=fake.base_url)
    assert other.auth_test()["team_id"] == "T222"
    stranger = WebClient(token="xoxb-T999-fake", base_url=fake.base_url)
    assert error_of(stranger.auth_test) == "invalid_auth"
    assert fake.calls_to("auth.test")[0]["_token"] == "xoxb-T111-fake"


def test_post_message_is_recorded_with_team_and_blocks(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="C111", text="hello", blocks=[SECTION])
    [message] = fake.messages
    assert message["ts"] == answer["ts"]
    assert message["team"] == "T111"
    assert message["text"] == "hello"
    assert message["blocks"] == [SECTION]


def test_form_encoded_blocks_are_parsed(fake: FakeSlack, client: WebClient) -> None:
    params = {"channel": "C111", "text": "fallback", "blocks": json.dumps([SECTION])}
    client.api_call("chat.postMessage", params=params)
    assert fake.messages[0]["blocks"] == [SECTION]


def test_channel_membership_and_team_isolation(fake: FakeSlack, client: WebClient) -> None:
    assert (
        error_of(lambda: client.chat_postMessage(channel="C111OUT", text="x")) == "not_in_channel"
    )
    assert (
        error_of(lambda: client.chat_postMessage(channel="C222", text="x")) == "channel_not_found"
    )
    assert error_of(lambda: client.conversations_join(channel="C111PRIV")) == (
        "method_not_supported_for_channel_type"
    )
    client.conversations_join(channel="C111OUT")
    client.chat_postMessage(channel="C111OUT", text="now a member")
    assert [m["channel"] for m in fake.messages] == ["C111OUT"]


def test_chat_update_needs_an_existing_message_and_keeps_history(
    fake: FakeSlack, client: WebClient
) -> None:
    assert error_of(lambda: client.chat_update(channel="C111", ts="1.2", text="x")) == (
        "message_not_found"
    )
    ts = client.chat_postMessage(channel="C111", text="v1")["ts"]
    client.chat_update(channel="C111", ts=ts, text="v2")
    client.chat_update(channel="C111", ts=ts, text="v3", blocks=[SECTION])
    assert [update["text"] for update in fake.updates(ts)] == ["v2", "v3"]
    assert fake.messages[0]["text"] == "v3"


def test_post_ephemeral_returns_message_ts(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel="C111", user="U1", text="only you")
    assert fake.ephemerals[0]["user"] == "U1"
    assert fake.ephemerals[0]["ts"] == answer["message_ts"]
    assert fake.messages == []


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    answer = client.files_upload_v2(
        channel="C111",
        file=png,
        filename="sentiment.png",
        title="Sentiment",
        alt_txt="Mentions per hour, peak 58 at 18:00",
        initial_comment="Here is the chart",
        thread_ts="1700000000.000100",
    )
    file_id = answer["file"]["id"]
    upload = fake.uploads[file_id]
    assert upload["bytes"] == png
    assert upload["length"] == len(png)
    assert upload["alt_txt"] == "Mentions per hour, peak 58 at 18:00"
    assert (upload["channel"], upload["title"]) == ("C111", "Sentiment")
    assert upload["initial_comment"] == "Here is the chart"
    assert upload["thread_ts"] == "1700000000.000100"
    assert [method for method, _ in fake.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_upload_url_answers_like_slack(fake: FakeSlack, client: WebClient) -> None:
    step = client.files_getUploadURLExternal(filename="a.png", length=3)
    assert step["upload_url"].startswith(f"http://127.0.0.1:{fake.port}/upload/")
    with httpx.Client() as http:
        reply = http.post(step["upload_url"], content=b"abc")
    assert (reply.status_code, reply.text) == (200, "OK - 3")
    assert reply.headers["content-type"].startswith("text/plain")


def test_upload_refusals(fake: FakeSlack, client: WebClient) -> None:
    def upload(**extra: Any) -> None:
        client.files_upload_v2(file=b"png", filename="c.png", **extra)

    assert error_of(lambda: upload(channel="C111OUT")) == "not_in_channel"
    assert error_of(lambda: upload(channel="C111", alt_txt="x" * 1001)) == "alt_txt_too_large"
    assert fake.take_violations() == [
        "files.getUploadURLExternal: alt_txt is 1001 chars (max 1000)"
    ]
    never_uploaded = client.files_getUploadURLExternal(filename="d.png", length=3)["file_id"]
    files = [{"id": never_uploaded, "title": "d"}]
    assert error_of(lambda: client.files_completeUploadExternal(files=files)) == ("file_not_found")


def test_rate_limit_without_and_with_retry_handler(fake: FakeSlack, client: WebClient) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C111", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "0"

    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    client.chat_postMessage(channel="C111", text="retried")
    assert len(fake.calls_to("chat.postMessage")) == 3
    assert [m["text"] for m in fake.messages] == ["retried"]


def test_fail_scenarios(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", error="is_archived")
    fake.fail("auth.test", status=500, times=2)
    assert error_of(lambda: client.chat_postMessage(channel="C111", text="x")) == "is_archived"
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.auth_test()
        assert raised.value.response.status_code == 500
    assert client.auth_test()["ok"] is True


def test_upload_url_and_response_url_failures(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("upload", status=500)
    # slack_sdk lets urllib's HTTPError through for a failed upload step (no SlackApiError).
    with pytest.raises(HTTPError) as raised:
        client.files_upload_v2(channel="C111", file=b"png", filename="e.png")
    raised.value.close()
    assert raised.value.code == 500
    fake.fail("response_url", status=503)
    with httpx.Client() as http:
        assert http.post(fake.response_url(), json={"text": "x"}).status_code == 503
    assert fake.responses == []


@pytest.mark.parametrize(
    ("blocks", "reason"),
    [
        ([SECTION] * 51, "51 blocks (max 50)"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "3001 chars"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "10 fields"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "max 150"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "plain_text"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "1-10"),
        ([{"type": "actions", "elements": [{"type": "button"}] * 26}], "1-25"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b" * 76},
                            "action_id": "a" * 256,
                            "value": "v" * 2001,
                        }
                    ],
                }
            ],
            "button text is 76 chars",
        ),
        ([{"type": "image", "image_url": "https://x/y.png", "alt_text": "a" * 2001}], "alt_text"),
        ([{**SECTION, "block_id": "b" * 256}], "block_id is 256"),
        ([{"type": "fancy"}], "unknown type"),
    ],
)
def test_block_kit_violations_are_refused_and_recorded(
    fake: FakeSlack, client: WebClient, blocks: list[dict[str, Any]], reason: str
) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="C111", text="x", blocks=blocks)) == (
        "invalid_blocks"
    )
    violations = fake.take_violations()
    assert any(reason in violation for violation in violations), violations
    assert fake.messages == []


def test_button_limits_are_each_reported(fake: FakeSlack, client: WebClient) -> None:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "ok"},
        "action_id": "a" * 256,
        "value": "v" * 2001,
    }
    blocks = [{"type": "actions", "elements": [button]}]
    error_of(lambda: client.chat_postMessage(channel="C111", text="x", blocks=blocks))
    violations = " | ".join(fake.take_violations())
    assert "action_id is 256 chars" in violations
    assert "button value is 2001 chars" in violations


def test_blocks_without_top_level_text_are_refused(fake: FakeSlack, client: WebClient) -> None:
    with pytest.warns(UserWarning, match="top-level `text`"):
        error = error_of(lambda: client.chat_postMessage(channel="C111", blocks=[SECTION]))
    assert error == "invalid_blocks"
    assert fake.take_violations() == [
        "chat.postMessage: top-level text is required when blocks are sent"
    ]


def test_unclaimed_violations_fail_the_test_on_exit() -> None:
    server = FakeSlack().__enter__()
    token = server.add_team("T1")
    server.add_channel("C1", "T1")
    web = WebClient(token=token, base_url=server.base_url)
    with pytest.raises(SlackApiError):
        web.chat_postMessage(channel="C1", text="x", blocks=[SECTION] * 51)
    with pytest.raises(AssertionError, match="51 blocks"):
        server.__exit__(None, None, None)


def test_views_publish_records_per_user_and_limits_blocks(
    fake: FakeSlack, client: WebClient
) -> None:
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION] * 100})
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION]})
    assert [len(view["blocks"]) for view in fake.views["U1"]] == [100, 1]
    too_big = {"type": "home", "blocks": [SECTION] * 101}
    assert error_of(lambda: client.views_publish(user_id="U2", view=too_big)) == "invalid_blocks"
    assert "views.publish: 101 blocks (max 100)" in fake.take_violations()
    assert "U2" not in fake.views


def test_conversations_and_users(fake: FakeSlack, client: WebClient) -> None:
    assert client.conversations_info(channel="C111")["channel"]["name"] == "comms"
    assert error_of(lambda: client.conversations_info(channel="C222")) == "channel_not_found"
    first = client.conversations_list(limit=1)
    second = client.conversations_list(limit=1, cursor=first["response_metadata"]["next_cursor"])
    assert [c["id"] for c in first["channels"] + second["channels"]] == ["C111", "C111OUT"]
    assert second["response_metadata"]["next_cursor"] == ""
    both = client.conversations_list(types="public_channel,private_channel")
    # A bot sees a private channel only once it is a member, as in Slack.
    assert [c["id"] for c in both["channels"]] == ["C111", "C111OUT"]
    fake.add_channel("C111JOINED", "T111", public=False)
    both = client.conversations_list(types="public_channel,private_channel")
    assert [c["id"] for c in both["channels"]] == ["C111", "C111OUT", "C111JOINED"]
    assert error_of(lambda: client.conversations_list(cursor="bm90LWEtY3Vyc29y")) == (
        "invalid_cursor"
    )
    fake.missing_scopes.add("conversations.list")
    assert error_of(lambda: client.conversations_list()) == "missing_scope"
    fake.add_user("U1", "T111", tz="America/New_York")
    assert client.users_info(user="U1")["user"]["tz"] == "America/New_York"
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"
    fake.add_user("U2", "T111", name="jane")
    fake.add_user("U3", "T222")
    page = client.users_list(limit=1)
    rest = client.users_list(limit=1, cursor=page["response_metadata"]["next_cursor"])
    assert [u["id"] for u in page["members"] + rest["members"]] == ["U1", "U2"]
    assert rest["response_metadata"]["next_cursor"] == ""
    fake.add_usergroup("S1", "T111", ["U1"], handle="comms-admins")
    fake.add_usergroup("S2", "T222", ["U3"])
    assert [g["handle"] for g in client.usergroups_list()["usergroups"]] == ["comms-admins"]
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1"]
    assert error_of(lambda: client.usergroups_users_list(usergroup="S2")) == "no_such_subteam"


def test_oauth_v2_access_uses_basic_auth_and_one_time_codes(fake: FakeSlack) -> None:
    fake.oauth_client = ("cid", "secret")
    fake.add_oauth_code("code-1", "T333", "xoxb-T333-installed")
    anonymous = WebClient(base_url=fake.base_url)
    installed = anonymous.oauth_v2_access(client_id="cid", client_secret="secret", code="code-1")
    assert installed["team"]["id"] == "T333"
    assert installed["access_token"] == "xoxb-T333-installed"
    again = anonymous.oauth_v2_access
    assert error_of(lambda: again(client_id="cid", client_secret="secret", code="code-1")) == (
        "invalid_code"
    )
    assert error_of(lambda: again(client_id="cid", client_secret="wrong", code="x")) == (
        "bad_client_secret"
    )
    new_client = WebClient(token="xoxb-T333-installed", base_url=fake.base_url)
    assert new_client.auth_test()["team_id"] == "T333"


def test_apps_connections_open_needs_an_app_token(fake: FakeSlack) -> None:
    app_client = WebClient(token="xapp-1-fake", base_url=fake.base_url)
    assert app_client.apps_connections_open(app_token="xapp-1-fake")["url"].startswith("ws://")
    bot = WebClient(token="xoxb-T111-fake", base_url=fake.base_url)
    assert error_of(lambda: bot.apps_connections_open(app_token="xoxb-T111-fake")) == (
        "invalid_auth"
    )


def test_response_url_accepts_five_posts_then_expires(fake: FakeSlack) -> None:
    url = fake.response_url()
    with httpx.Client() as http:
        statuses = [http.post(url, json={"text": f"reply {n}"}).status_code for n in range(5)]
        expired = http.post(url, json={"text": "too late"})
        unknown = http.post(url.rsplit("/", 1)[0] + "/R999999", json={"text": "x"})
    assert statuses == [200] * 5
    assert (expired.status_code, expired.text) == (404, "used_url")
    assert unknown.status_code == 404
    assert [r["body"]["text"] for r in fake.responses] == [f"reply {n}" for n in range(5)]
    assert fake.responses[0]["url"] == url


def test_response_url_checks_blocks(fake: FakeSlack) -> None:
    with httpx.Client() as http:
        reply = http.post(fake.response_url(), json={"text": "x", "blocks": [SECTION] * 51})
    assert (reply.status_code, reply.text) == (400, "invalid_blocks")
    assert fake.take_violations() == ["response_url: 51 blocks (max 50)"]
    assert fake.responses == []


def test_wait_for_sees_work_finished_after_the_call_returns(
    fake: FakeSlack, client: WebClient
) -> None:
    later = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C111", text="late"))
    later.start()
    [params] = fake.wait_for("chat.postMessage")
    later.join()
    assert params["text"] == "late"
    assert fake.wait_for(lambda: fake.messages)[0]["text"] == "late"
    with pytest.raises(AssertionError, match=r"timed out waiting for 'chat\.update'"):
        fake.wait_for("chat.update", timeout=0.05)


def test_concurrent_posts_are_all_recorded(fake: FakeSlack, client: WebClient) -> None:
    def post_ten(worker: int) -> None:
        for n in range(10):
            client.chat_postMessage(channel="C111", text=f"{worker}-{n}")

    workers = [threading.Thread(target=post_ten, args=(w,)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    messages = fake.messages
    assert len(messages) == 80
    assert len({m["ts"] for m in messages}) == 80
    assert {m["text"] for m in messages} == {f"{w}-{n}" for w in range(8) for n in range(10)}
