"""Long lists in Slack: split across sections and pages, always saying what is left.

A section holds 3,000 characters, and Slack refuses a message whose blocks add up to much
more than about 13,000 (msg_blocks_too_long). So a list is cut into pages of at most
PAGE_CHARS, each page into sections, and every page but the last ends by saying how many
more there are and the command that shows them. Nothing is dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commands import blocks as bk
from commands.context import UsageError

PAGE_CHARS = 11_000


@dataclass(frozen=True)
class Page:
    text: str
    blocks: list[bk.Block]
    number: int
    pages: int
    first: int  # 1-based index of the first line shown
    last: int


def sections(lines: Iterable[str]) -> list[bk.Block]:
    """Lines packed into as few sections as the 3000-character limit allows."""
    out: list[bk.Block] = []
    chunk = ""
    for line in lines:
        line = bk.truncate_mrkdwn(line, bk.SECTION_TEXT_MAX)
        if chunk and len(chunk) + 1 + len(line) > bk.SECTION_TEXT_MAX:
            out.append(bk.section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        out.append(bk.section(chunk))
    return out


def page_number(word: str | None) -> int:
    if word is None:
        return 1
    if not word.isdigit() or int(word) < 1:
        raise UsageError(f"{word!r} is not a page number: give 2 for the second page.")
    return int(word)


def _bounds(lines: Sequence[str], budget: int) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, line in enumerate(lines):
        size = min(len(line), bk.SECTION_TEXT_MAX) + 1
        if index > start and used + size > budget:
            bounds.append((start, index))
            start, used = index, 0
        used += size
    bounds.append((start, len(lines)))
    return bounds


def paged(title: str, lines: Sequence[str], number: int | None, *, noun: str, command: str) -> Page:
    """Page `number` of `lines` under `title`; `command` + " N" shows page N. `number=None`
    is everything at once, for a terminal (its text only: too long for one Slack message)."""
    if number is None:
        return Page("\n".join([title, *lines]), sections([title, *lines]), 1, 1, 1, len(lines))
    bounds = _bounds(lines, PAGE_CHARS - len(title) - 200)
    if number > len(bounds):
        raise UsageError(
            f"There is no page {number}: the {len(lines)} {noun} fit on {len(bounds)} "
            f"page{'s' if len(bounds) != 1 else ''}."
        )
    start, end = bounds[number - 1]
    shown = list(lines[start:end])
    blocks = sections([title, *shown])
    footer = ""
    if len(bounds) > 1:
        footer = f"{noun.capitalize()} {start + 1}-{end} of {len(lines)}."
        if end < len(lines):
            footer += (
                f" {len(lines) - end} more: `{command} {number + 1}`"
                + (f" (pages up to {len(bounds)})" if len(bounds) > number + 1 else "")
                + "."
            )
        blocks.append(bk.context(footer))
    text = "\n".join([title, *shown, *([footer] if footer else [])])
    return Page(text, blocks, number, len(bounds), start + 1, end)
