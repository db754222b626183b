"""Typographic quotes and apostrophes as their ASCII forms (Slack on phones and macOS types
“boil water” and don’t); here, in the query package, because the lexer needs it and this
package imports only the standard library."""

from __future__ import annotations

# One character for one character, so positions in error messages still point right.
_ASCII_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "＂": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
        "＇": "'",
    }
)


def ascii_quotes(text: str) -> str:
    """`“boil water”` -> `"boil water"`, `don’t` -> `don't`; nothing else changes."""
    return text.translate(_ASCII_QUOTES)
