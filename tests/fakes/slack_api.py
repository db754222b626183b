"""The Web API methods the fake Slack answers, one small function per method."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.fakes.slack_blocks import block_kit_problems, view_problems
from tests.fakes.slack_lists import SlackListMethods
from tests.fakes.slack_state import Params, SlackError

MAX_ALT_TXT = 1000
METHODS = {
    "auth.test": "_auth_test",
    "chat.postMessage": "_post_message",
    "chat.postEphemeral": "_post_ephemeral",
    "chat.update": "_update",
    "pins.add": "_pin",
    "conversations.history": "_history",
    "files.getUploadURLExternal": "_get_upload_url",
    "files.completeUploadExternal": "_complete_upload",
    "views.publish": "_publish_view",
    "conversations.info": "_conversation_info",
    "conversations.list": "_conversation_list",
    "conversations.join": "_conversation_join",
    "users.info": "_user_info",
    "users.list": "_users_list",
    "usergroups.list": "_usergroups_list",
    "usergroups.users.list": "_usergroups_users_list",
}


class SlackApiMethods(SlackListMethods):
    """Per-method behaviour; every method runs with the state lock held."""

    def dispatch(
        self, method: str, params: Params, token: str | None, authorization: str
    ) -> Params:
        """Answer one API call; the caller holds the lock."""
        if method == "oauth.v2.access":
            return self._oauth_access(params, authorization)
        if method == "apps.connections.open":
            if not (token or "").startswith("xapp-"):
                raise SlackError("invalid_auth")
            return {"url": self.socket_url}
        handler_name = METHODS.get(method)
        if handler_name is None:
            raise SlackError("unknown_method")
        if not token:
            raise SlackError("not_authed")
        team_id = self._tokens.get(token)
        if team_id is None:
            raise SlackError("invalid_auth")
        answer: Params = getattr(self, handler_name)(team_id, params)
        return answer

    # -- methods ---------------------------------------------------------------------------

    def _auth_test(self, team_id: str, params: Params) -> Params:
        team = self._teams[team_id]
        return {
            "url": f"https://{team_id.lower()}.slack.com/",
            "team": team["name"],
            "user": "earshot",
            "team_id": team_id,
            "user_id": team["bot_user_id"],
            "bot_id": team["bot_id"],
            "is_enterprise_install": False,
        }

    def _post_message(self, team_id: str, params: Params) -> Params:
        channel = self._member_channel(team_id, params.get("channel"))
        text, blocks = self._checked_message("chat.postMessage", params)
        ts = self._next_ts()
        message = {"channel": channel.id, "text": text, "blocks": blocks, "ts": ts, "team": team_id}
        metadata = (
            self._json_field(params, "metadata", "invalid_metadata_format")
            if params.get("metadata")
            else None
        )
        self._messages.append(
            {**message, "thread_ts": params.get("thread_ts"), "metadata": metadata}
        )
        return {"channel": channel.id, "ts": ts, "message": {"type": "message", **message}}

    def _post_ephemeral(self, team_id: str, params: Params) -> Params:
        channel = self._member_channel(team_id, params.get("channel"))
        if not params.get("user"):
            raise SlackError("user_not_in_channel")
        text, blocks = self._checked_message("chat.postEphemeral", params)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel.id,
                "user": params["user"],
                "text": text,
                "blocks": blocks,
                "ts": ts,
                "team": team_id,
            }
        )
        return {"message_ts": ts}

    def _update(self, team_id: str, params: Params) -> Params:
        channel = self._channel(team_id, params.get("channel"))
        ts = params.get("ts")
        target = next(
            (
                m
                for m in self._messages
                if m["ts"] == ts and m["channel"] == channel.id and m["team"] == team_id
            ),
            None,
        )
        if target is None:
            raise SlackError("message_not_found")
        text, blocks = self._checked_message("chat.update", params)
        target.update(text=text, blocks=blocks)
        self._updates.setdefault(str(ts), []).append(
            {"channel": channel.id, "text": text, "blocks": blocks}
        )
        return {"channel": channel.id, "ts": ts, "text": text}

    def _history(self, team_id: str, params: Params) -> Params:
        channel = self._member_channel(team_id, params.get("channel"))
        oldest = float(params.get("oldest") or 0)
        found = [
            {
                "type": "message",
                "ts": m["ts"],
                "text": m["text"],
                **(
                    {"metadata": m["metadata"]}
                    if m.get("metadata") and params.get("include_all_metadata")
                    else {}
                ),
            }
            for m in reversed(self._messages)
            if m["channel"] == channel.id and float(m["ts"]) > oldest
        ]
        return {"messages": found, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def _pin(self, team_id: str, params: Params) -> Params:
        channel = self._member_channel(team_id, params.get("channel"))
        ts = params.get("timestamp")
        target = next(
            (m for m in self._messages if m["ts"] == ts and m["channel"] == channel.id), None
        )
        if target is None:
            raise SlackError("message_not_found")
        if target.get("pinned"):
            raise SlackError("already_pinned")
        target["pinned"] = True
        return {}

    def _get_upload_url(self, team_id: str, params: Params) -> Params:
        if not params.get("filename"):
            raise SlackError("invalid_arguments")
        length = int(params.get("length") or 0)
        if length <= 0:
            raise SlackError("missing_argument")
        alt_txt = params.get("alt_txt")
        if isinstance(alt_txt, str) and len(alt_txt) > MAX_ALT_TXT:
            self._violations.append(
                f"files.getUploadURLExternal: alt_txt is {len(alt_txt)} chars (max 1000)"
            )
            raise SlackError("alt_txt_too_large")
        file_id = f"F{next(self._ids):09d}"
        self._uploads[file_id] = {
            "team": team_id,
            "filename": params["filename"],
            "length": length,
            "alt_txt": alt_txt,
            "snippet_type": params.get("snippet_type"),
            "bytes": None,
            "completed": False,
        }
        return {"upload_url": f"{self.origin}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, team_id: str, params: Params) -> Params:
        files = self._json_field(params, "files", "invalid_arguments")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        targets = [
            str(channel) for channel in str(params.get("channels") or "").split(",") if channel
        ]
        if params.get("channel_id"):
            targets.insert(0, str(params["channel_id"]))
        for channel_id in targets:
            self._member_channel(team_id, channel_id)
        blocks = self._json_field(params, "blocks", "invalid_blocks_format")
        problems = block_kit_problems(blocks) if blocks is not None else []
        if problems:
            self._violations += [f"files.completeUploadExternal: {problem}" for problem in problems]
            raise SlackError("invalid_blocks", errors=problems)
        uploads = [
            self._uploads.get(str(item.get("id"))) for item in files if isinstance(item, dict)
        ]
        if len(uploads) != len(files) or any(
            u is None or u["team"] != team_id or u["bytes"] is None for u in uploads
        ):
            raise SlackError("file_not_found")
        answered = []
        for item, upload in zip(files, uploads, strict=True):
            assert upload is not None
            upload.update(
                title=item.get("title") or upload["filename"],
                channel=targets[0] if targets else None,
                channels=targets,
                initial_comment=params.get("initial_comment"),
                thread_ts=params.get("thread_ts"),
                blocks=blocks,
                completed=True,
            )
            answered.append(
                {
                    "id": item["id"],
                    "name": upload["filename"],
                    "title": upload["title"],
                    "mimetype": "image/png" if str(upload["filename"]).endswith(".png") else "",
                    "permalink": f"https://{team_id.lower()}.slack.com/files/{item['id']}",
                    "url_private": f"https://files.slack.com/files-pri/{team_id}-{item['id']}",
                    "channels": targets,
                    "shares": {},
                }
            )
        return {"files": answered}

    def _publish_view(self, team_id: str, params: Params) -> Params:
        user_id, view = params.get("user_id"), self._json_field(params, "view", "invalid_arguments")
        if not user_id or not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        problems = view_problems(view)
        if problems:
            self._violations += [f"views.publish: {problem}" for problem in problems]
            raise SlackError("invalid_blocks", errors=problems)
        self._views.setdefault(str(user_id), []).append({**view, "team": team_id})
        return {"view": {"id": f"V{next(self._ids):09d}", "team_id": team_id, **view}}

    def _conversation_info(self, team_id: str, params: Params) -> Params:
        return {"channel": self._channel(team_id, params.get("channel")).as_api()}

    def _conversation_join(self, team_id: str, params: Params) -> Params:
        channel = self._channel(team_id, params.get("channel"))
        if not channel.public:
            raise SlackError("method_not_supported_for_channel_type")
        channel.member = True
        return {"channel": channel.as_api()}

    def _user_info(self, team_id: str, params: Params) -> Params:
        user = self._users.get(str(params.get("user")))
        if user is None or user["team_id"] != team_id:
            raise SlackError("user_not_found")
        offset = ZoneInfo(user["tz"]).utcoffset(datetime.now(UTC).replace(tzinfo=None))
        return {
            "user": {
                **user,
                "tz_label": user["tz"],
                "tz_offset": int(offset.total_seconds()) if offset else 0,
            }
        }

    def _oauth_access(self, params: Params, authorization: str) -> Params:
        try:
            client_id, _, secret = (
                base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            raise SlackError("invalid_client_id") from None
        if not authorization.startswith("Basic ") or not client_id:
            raise SlackError("invalid_client_id")
        if self.oauth_client is not None and (client_id, secret) != self.oauth_client:
            raise SlackError("bad_client_secret")
        grant = self._oauth_codes.pop(str(params.get("code")), None)
        if grant is None:
            raise SlackError("invalid_code")
        team_id = grant["team_id"]
        self.add_team(team_id, grant["token"])
        team = self._teams[team_id]
        return {
            "app_id": "AFAKEAPP",
            "access_token": grant["token"],
            "token_type": "bot",
            "scope": grant["scope"],
            "bot_user_id": team["bot_user_id"],
            "team": {"id": team_id, "name": team["name"]},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": grant["installer"]},
        }
