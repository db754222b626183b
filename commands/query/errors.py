"""QueryError: a bad query, with the 0-based position of the problem and a caret pointer."""

from __future__ import annotations

import unicodedata


class QueryError(ValueError):
    """A query that cannot be parsed; `message` already names the problem and its position."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def pointer(self, query: str) -> str:
        """The line of `query` holding the problem, with a caret under it (monospace display)."""
        position = max(0, min(self.position, len(query)))
        line_start = query.rfind("\n", 0, position) + 1
        line_end = query.find("\n", position)
        line = query[line_start : line_end if line_end != -1 else len(query)]
        # Tabs and wide (CJK) characters would shift the caret in a terminal or Slack code block.
        shown = line.replace("\t", " ")
        offset = _display_width(shown[: position - line_start])
        return f"{shown}\n{' ' * offset}^"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
