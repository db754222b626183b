"""Block Kit checks the fake Slack applies to every message and view it receives: each block
and view goes through slack_sdk.models' own validators, plus the documented rules those
leave out (unique action_id within a block, unique block_id within a message or view)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
KNOWN_BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "video",
}


def _text_of(obj: Any) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return str(obj["text"])
    return None


def _check_length(problems: list[str], where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"{where} is {len(value)} chars (max {limit})")


def _check_element(problems: list[str], where: str, element: Any) -> None:
    if not isinstance(element, dict):
        problems.append(f"{where} is not an object")
        return
    _check_length(problems, f"{where}.action_id", element.get("action_id"), 255)
    if element.get("type") == "button":
        text = _text_of(element.get("text"))
        if not text:
            problems.append(f"{where} button has no text")
        _check_length(problems, f"{where} button text", text, 75)
        _check_length(problems, f"{where} button value", element.get("value"), 2000)
        _check_length(problems, f"{where} button url", element.get("url"), 3000)
    if element.get("type") == "image":
        _check_length(problems, f"{where} image alt_text", element.get("alt_text"), 2000)


def _check_section(problems: list[str], where: str, block: dict[str, Any]) -> None:
    text = _text_of(block.get("text"))
    fields = block.get("fields")
    if text is None and not fields:
        problems.append(f"{where} section needs text or fields")
    if block.get("text") is not None and not text:
        problems.append(f"{where} section text is empty")
    _check_length(problems, f"{where} section text", text, 3000)
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > 10:
            problems.append(f"{where} section has more than 10 fields")
        else:
            for index, field in enumerate(fields):
                _check_length(problems, f"{where}.fields[{index}]", _text_of(field), 2000)
    if block.get("accessory") is not None:
        _check_element(problems, f"{where}.accessory", block["accessory"])


def _check_block(problems: list[str], where: str, block: Any) -> None:
    if not isinstance(block, dict):
        problems.append(f"{where} is not an object")
        return
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        problems.append(f"{where} has unknown type {kind!r}")
        return
    _check_length(problems, f"{where}.block_id", block.get("block_id"), 255)
    if kind == "section":
        _check_section(problems, where, block)
    elif kind == "header":
        text = block.get("text")
        if not isinstance(text, dict) or text.get("type") != "plain_text":
            problems.append(f"{where} header text must be plain_text")
        _check_length(problems, f"{where} header text", _text_of(text), 150)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > 10:
            problems.append(f"{where} context needs 1-10 elements, got {len(elements)}")
        for index, element in enumerate(elements):
            _check_length(problems, f"{where}.elements[{index}]", _text_of(element), 3000)
            if isinstance(element, dict) and element.get("type") == "image":
                _check_element(problems, f"{where}.elements[{index}]", element)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > 25:
            problems.append(f"{where} actions needs 1-25 elements, got {len(elements)}")
        for index, element in enumerate(elements):
            _check_element(problems, f"{where}.elements[{index}]", element)
    elif kind == "image":
        if not block.get("alt_text"):
            problems.append(f"{where} image needs alt_text")
        _check_length(problems, f"{where} image alt_text", block.get("alt_text"), 2000)
    elif kind == "markdown":
        _check_length(problems, f"{where} markdown text", block.get("text"), 12000)


def _sdk_problems(problems: list[str], where: str, block: Any) -> None:
    """slack_sdk's validators: the limits Slack documents for each block and element."""
    try:
        parsed = Block.parse(block)
        if parsed is not None:
            parsed.validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        problems.append(f"{where}: {exc}")


def _unique_ids(problems: list[str], blocks: list[Any]) -> None:
    """Slack: "action_id ... should be unique among all other action_ids in the containing
    block"; "block_id should be unique for each message". It refuses repeats (invalid_blocks)."""
    block_ids = Counter(
        b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")
    )
    problems += [f"block_id {bid!r} repeats {n} times" for bid, n in block_ids.items() if n > 1]
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        action_ids = Counter(
            e.get("action_id") for e in elements if isinstance(e, dict) and e.get("action_id")
        )
        problems += [
            f"blocks[{index}]: action_id {aid!r} repeats {n} times in one block"
            for aid, n in action_ids.items()
            if n > 1
        ]


def block_kit_problems(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Every limit the blocks break, as readable reasons; an empty list means valid."""
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (max {max_blocks})")
    for index, block in enumerate(blocks):
        _check_block(problems, f"blocks[{index}]", block)
        if isinstance(block, dict) and block.get("type") in KNOWN_BLOCK_TYPES:
            _sdk_problems(problems, f"blocks[{index}]", block)
    _unique_ids(problems, blocks)
    return problems


def message_problems(text: Any, blocks: Any) -> list[str]:
    """Problems in a message payload: block limits plus the required top-level text."""
    if blocks is None:
        return [] if text else ["message has neither text nor blocks"]
    problems = block_kit_problems(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
    if not (isinstance(text, str) and text.strip()):
        problems.append("top-level text is required when blocks are sent")
    return problems


def view_problems(view: Any) -> list[str]:
    """Problems in a modal or Home tab view."""
    if not isinstance(view, dict):
        return ["view is not an object"]
    if view.get("type") not in {"home", "modal"}:
        return [f"view has unknown type {view.get('type')!r}"]
    problems = block_kit_problems(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        problems.append(f"view: {exc}")
    return problems
