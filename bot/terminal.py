"""Replies as terminal text: the same blocks Slack shows, rendered for a console."""

from __future__ import annotations

import re
from typing import Any

from commands.context import Reply

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_CHANNEL = re.compile(r"<#(\w+)(?:\|([^>]*))?>")
_USER = re.compile(r"<@(\w+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_EMOJI = {
    ":warning:": "!",
    ":white_check_mark:": "OK",
    ":x:": "X",
    ":rotating_light:": "(!)",
    ":large_green_circle:": "[ok]",
    ":large_orange_circle:": "[~]",
    ":red_circle:": "[!!]",
    ":white_circle:": "[new]",
    ":black_circle:": "[off]",
}


def plain(mrkdwn: str) -> str:
    """Slack mrkdwn to readable plain text (links keep their URL)."""
    text = _LINK.sub(r"\2 (\1)", mrkdwn)
    text = _BARE_LINK.sub(r"\1", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _USER.sub(r"@\1", text)
    for code, sign in _EMOJI.items():
        text = text.replace(code, sign)
    text = _BOLD.sub(r"\1", text).replace("`", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_text(reply: Reply) -> str:
    if not reply.blocks:
        return plain(reply.text)
    lines: list[str] = []
    for block in reply.blocks:
        lines.extend(_block(block))
    return "\n".join(lines)


def _block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = block["text"]["text"]
        return ["", title, "=" * min(len(title), 80)]
    if kind == "section":
        out = [plain(block["text"]["text"])] if block.get("text") else []
        out += ["  " + plain(f["text"]).replace("\n", ": ", 1) for f in block.get("fields", [])]
        return out
    if kind == "context":
        return ["  " + plain(e.get("text", "")) for e in block.get("elements", [])]
    if kind == "divider":
        return ["-" * 40]
    if kind == "actions":
        return ["  " + "  ".join(f"[{e['text']['text']}]" for e in block.get("elements", []))]
    return []
