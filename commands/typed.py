"""What people type, read as they meant it: typographic quotes and apostrophes become ASCII,
and arguments split like a shell would, without tripping on an apostrophe inside a word.

Slack on macOS and phones (and most word processors a query is pasted from) turns
`"boil water"` into `“boil water”` and `don't` into `don’t`. Left alone, shlex refuses the
text and the query language reads the "phrase" as two words joined by AND.
"""

from __future__ import annotations

import re
import shlex

from commands.query.quotes import ascii_quotes

_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_PLACEHOLDER = "\x00"


def split_words(text: str) -> list[str]:
    """shlex.split after ascii_quotes, where an apostrophe inside a word (don't, O'Brien) is a
    letter rather than an opening quote. Raises ValueError for a quote never closed."""
    text = _INNER_APOSTROPHE.sub(_PLACEHOLDER, ascii_quotes(text).replace(_PLACEHOLDER, ""))
    try:
        words = shlex.split(text)
    except ValueError:
        # A lone apostrophe at a word's edge (residents' homes) is not a quote either,
        # as long as the double quotes balance.
        if text.count('"') % 2:
            raise
        words = shlex.split(text.replace("'", _PLACEHOLDER))
    return [word.replace(_PLACEHOLDER, "'") for word in words]
