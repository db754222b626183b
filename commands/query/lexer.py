"""Splits query text into positioned tokens: words, phrases, fields, operators, parentheses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto

from commands.query.errors import QueryError
from commands.query.quotes import ascii_quotes

FIELDS = ("author", "lang", "site", "source")
MAX_NEAR = 100
_FIELD_RE = re.compile(r"([A-Za-z]+):")
_NEAR_RE = re.compile(r"NEAR/(\d+)", re.IGNORECASE)
_CHUNK_END = frozenset(' \t\n\r\f\v()"')


class Tok(Enum):
    TERM = auto()
    PHRASE = auto()
    FIELD = auto()
    OR = auto()
    AND = auto()
    NOT = auto()
    MINUS = auto()
    NEAR = auto()
    LPAREN = auto()
    RPAREN = auto()
    END = auto()


OPERATORS = frozenset({Tok.OR, Tok.AND, Tok.NEAR})
KEYWORDS = {"OR": Tok.OR, "AND": Tok.AND, "NOT": Tok.NOT}


@dataclass(frozen=True)
class Token:
    kind: Tok
    text: str  # as written, for messages; a phrase's or field's value for those kinds
    position: int
    field: str = ""
    distance: int = 0


def lex(query: str) -> list[Token]:
    # “boil water” typed on a phone is the phrase "boil water" (same length: positions hold).
    query = ascii_quotes(query)
    tokens: list[Token] = []
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(Token(Tok.LPAREN if char == "(" else Tok.RPAREN, char, index))
            index += 1
        elif char == '"':
            value, index = _quoted(query, index)
            tokens.append(Token(Tok.PHRASE, value, index - len(value) - 2))
        elif char == "-":
            if index + 1 == len(query) or query[index + 1] in _CHUNK_END - {"(", '"'}:
                raise QueryError(f'"-" at position {index} needs a term right after it', index)
            tokens.append(Token(Tok.MINUS, "-", index))
            index += 1
        else:
            token, index = _chunk(query, index)
            tokens.append(token)
    tokens.append(Token(Tok.END, "", len(query)))
    return tokens


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and the next one, and the index after it."""
    end = query.find('"', start + 1)
    if end == -1:
        raise QueryError(f"Unclosed quote: '\"' at position {start} is never closed", start)
    return query[start + 1 : end], end + 1


def _chunk(query: str, start: int) -> tuple[Token, int]:
    end = start
    while end < len(query) and query[end] not in _CHUNK_END:
        end += 1
    text = query[start:end]
    if text in KEYWORDS:
        return Token(KEYWORDS[text], text, start), end
    if text == "NEAR" or text[:5].upper() == "NEAR/":
        return _near(text, start), end
    field = _FIELD_RE.match(text)
    if not field:
        return Token(Tok.TERM, text, start), end
    name = field.group(1).lower()
    if name not in FIELDS:
        known = ", ".join(FIELDS)
        message = f'Unknown field "{field.group(0)}" at position {start} (known: {known})'
        raise QueryError(message, start)
    value = text[field.end() :]
    if not value and end < len(query) and query[end] == '"':
        value, end = _quoted(query, end)
    if not value.strip():
        raise QueryError(f'Field "{name}:" at position {start} needs a value', start)
    return Token(Tok.FIELD, value, start, field=name), end


def _near(text: str, start: int) -> Token:
    found = _NEAR_RE.fullmatch(text)
    if not found or int(found.group(1)) > MAX_NEAR:
        message = (
            f'Bad "{text}" at position {start}: write NEAR/n with n a whole number '
            f"from 0 to {MAX_NEAR} (the most words allowed between the two sides)"
        )
        raise QueryError(message, start)
    return Token(Tok.NEAR, text, start, distance=int(found.group(1)))
