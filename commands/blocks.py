"""Block Kit builders that never exceed Slack's limits, and escaping for untrusted post text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

Block = dict[str, Any]
ELLIPSIS = "…"

HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
CONTEXT_TEXT_MAX = 3000
ACTIONS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ID_MAX = 255
URL_MAX = 3000
MESSAGE_BLOCKS_MAX = 50

# C0/C1 controls plus the bidi overrides that can make a post render text out of order.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_URL_CHARS = re.compile(r"[|<>\s\x00-\x1f\x7f]")


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack parses, so `<!channel>` or `<url|label>` stay inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strip_controls(text: str) -> str:
    """Drop control and bidi-override characters, keeping newlines and tabs."""
    return _CONTROLS.sub(lambda match: match.group() if match.group() in "\n\t" else "", text)


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def truncate_mrkdwn(text: str, limit: int) -> str:
    """Like truncate, but never leaves half a `<link|label>` or `&amp;` entity behind."""
    if len(text) <= limit:
        return text
    kept = text[: max(limit - 1, 0)]
    if kept.rfind("<") > kept.rfind(">"):
        kept = kept[: kept.rfind("<")]
    if kept.rfind("&") > kept.rfind(";"):
        kept = kept[: kept.rfind("&")]
    return kept.rstrip() + ELLIPSIS


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def _mrkdwn(text: str, limit: int) -> Block:
    return {"type": "mrkdwn", "text": truncate_mrkdwn(text, limit)}


def _identifier(kind: str, value: str) -> str:
    # Ids and values route clicks back to us; a silently shortened one would misroute.
    if not value or len(value) > ID_MAX:
        raise ValueError(f"{kind} must be 1-{ID_MAX} characters, got {len(value)}")
    return value


def header(text: str) -> Block:
    one_line = " ".join(strip_controls(text).split())
    if not one_line:
        raise ValueError("header text is empty")
    return {"type": "header", "text": _plain(one_line, HEADER_MAX)}


def section(mrkdwn: str, fields: Sequence[str] | None = None) -> Block:
    """A section with mrkdwn text; at most 10 fields are kept, each cut to 2000 characters."""
    block: Block = {"type": "section"}
    if mrkdwn.strip():
        block["text"] = _mrkdwn(mrkdwn, SECTION_TEXT_MAX)
    kept_fields = [_mrkdwn(field, FIELD_TEXT_MAX) for field in fields or () if field.strip()]
    if kept_fields:
        block["fields"] = kept_fields[:FIELDS_MAX]
    if len(block) == 1:
        raise ValueError("a section needs text or at least one field")
    return block


def context(*mrkdwn: str) -> Block:
    elements = [_mrkdwn(text, CONTEXT_TEXT_MAX) for text in mrkdwn if text.strip()]
    if not elements:
        raise ValueError("a context block needs at least one non-empty element")
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS_MAX]}


def divider() -> Block:
    return {"type": "divider"}


def confirm_dialog(title: str, text: str, confirm: str = "Confirm", deny: str = "Cancel") -> Block:
    """The "are you sure?" dialog a button may carry."""
    return {
        "title": _plain(title, 100),
        "text": _plain(text, 300),
        "confirm": _plain(confirm, 30),
        "deny": _plain(deny, 30),
    }


def button(
    text: str,
    action_id: str,
    value: str,
    style: Literal["primary", "danger"] | None = None,
    confirm: Block | None = None,
) -> Block:
    if len(value) > BUTTON_VALUE_MAX:
        raise ValueError(f"button value must be at most {BUTTON_VALUE_MAX} characters")
    element: Block = {
        "type": "button",
        "text": _plain(text, BUTTON_TEXT_MAX),
        "action_id": _identifier("action_id", action_id),
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    """An actions block; elements beyond Slack's 25 are dropped."""
    if not elements:
        raise ValueError("an actions block needs at least one element")
    block: Block = {"type": "actions", "elements": list(elements[:ACTIONS_MAX])}
    if block_id is not None:
        block["block_id"] = _identifier("block_id", block_id)
    return block


def limit_blocks(blocks: Sequence[Block], max: int = MESSAGE_BLOCKS_MAX) -> list[Block]:
    """Keep at most `max` blocks; when some are dropped the last block says how many."""
    if len(blocks) <= max:
        return list(blocks)
    hidden = len(blocks) - (max - 1)
    return [*blocks[: max - 1], context(f"{ELLIPSIS}{hidden} more not shown")]


def safe_link_url(url: str) -> str | None:
    """The URL escaped for a `<url|label>` link, or None when it must not become a link."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if len(url) > URL_MAX or _UNSAFE_URL_CHARS.search(url):
        return None
    return url.replace("&", "&amp;")


def quote_post(text: str, url: str | None, limit: int = 280) -> str:
    """One inline mrkdwn quote of a public post, inert to mentions and links in its text.

    A link to the post follows only for a plain http(s) URL, labelled with its host.
    """
    one_line = " ".join(strip_controls(text).split())
    quoted = f"“{escape_mrkdwn(truncate(one_line, limit))}”" if one_line else "_(no text)_"
    link = safe_link_url(url) if url else None
    if link is None:
        return quoted
    host = escape_mrkdwn(urlsplit(url or "").hostname or "source")
    return f"{quoted} <{link}|{host}>"
