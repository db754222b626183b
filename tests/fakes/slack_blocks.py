"""Block Kit limit checks the fake Slack applies to every message and view it receives."""

from __future__ import annotations

from typing import Any

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


def block_kit_problems(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Every limit the blocks break, as readable reasons; an empty list means valid."""
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (max {max_blocks})")
    for index, block in enumerate(blocks):
        _check_block(problems, f"blocks[{index}]", block)
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
    return block_kit_problems(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS)
