"""Recursive-descent parser: precedence NOT > NEAR > AND (implicit or explicit) > OR."""

from __future__ import annotations

from commands.query.errors import QueryError
from commands.query.lexer import OPERATORS, Tok, Token, lex
from commands.query.nodes import And, Field, Kind, Near, Node, Not, Or, Phrase, Term, is_positional
from commands.query.text import (
    URL_RE,
    domain_of,
    normalize_handle,
    normalize_lang,
    normalize_name,
    scan,
)

MAX_LENGTH = 4000
MAX_DEPTH = 40
MIN_PREFIX = 3
_STARTS_OPERAND = frozenset({Tok.TERM, Tok.PHRASE, Tok.FIELD, Tok.LPAREN, Tok.NOT, Tok.MINUS})


def parse_tree(query: str) -> Node:
    """The syntax tree of `query`; raises QueryError naming the first problem found."""
    if len(query) > MAX_LENGTH:
        message = (
            f"Query is too long at position {MAX_LENGTH}: the limit is {MAX_LENGTH} characters"
        )
        raise QueryError(message, MAX_LENGTH)
    if not query.strip():
        raise QueryError("Empty query at position 0: write at least one word", 0)
    return _Parser(lex(query)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> Node:
        node = self.or_expr(None)
        token = self.peek()
        if token.kind is Tok.RPAREN:
            message = (
                f'Unbalanced parenthesis: ")" at position {token.position} has no matching "("'
            )
            raise QueryError(message, token.position)
        return node

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def or_expr(self, after: Token | None) -> Node:
        children = [self.and_expr(after)]
        while self.peek().kind is Tok.OR:
            operator = self.take()
            children.append(self.and_expr(operator))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self, after: Token | None) -> Node:
        children = [self.near_expr(after)]
        while self.peek().kind in _STARTS_OPERAND or self.peek().kind is Tok.AND:
            operator = self.take() if self.peek().kind is Tok.AND else None
            children.append(self.near_expr(operator))
        return children[0] if len(children) == 1 else And(tuple(children))

    def near_expr(self, after: Token | None) -> Node:
        left = self.unary(after)
        nested = 0
        while self.peek().kind is Tok.NEAR:
            operator = self.take()
            right = self.unary(operator)
            if not (is_positional(left) and is_positional(right)):
                message = (
                    f'"{operator.text}" at position {operator.position} needs words, phrases '
                    "or hashtags on both sides (or parentheses holding only those joined by OR)"
                )
                raise QueryError(message, operator.position)
            nested += 1
            self.check_depth(operator, extra=nested)
            left = Near(left, right, operator.distance, operator.position)
        return left

    def unary(self, after: Token | None) -> Node:
        if self.peek().kind in (Tok.NOT, Tok.MINUS):
            operator = self.take()
            self.depth += 1
            self.check_depth(operator)
            child = self.unary(operator)
            self.depth -= 1
            return Not(child, operator.position)
        return self.atom(after)

    def atom(self, after: Token | None) -> Node:
        token = self.take()
        if token.kind is Tok.TERM:
            return _term_node(token)
        if token.kind is Tok.PHRASE:
            return _phrase_node(token)
        if token.kind is Tok.FIELD:
            return _field_node(token)
        if token.kind is Tok.LPAREN:
            return self.group(token)
        raise _missing_operand(token, after)

    def group(self, opening: Token) -> Node:
        self.depth += 1
        self.check_depth(opening)
        inner = self.or_expr(opening)
        self.depth -= 1
        if self.take().kind is not Tok.RPAREN:
            message = f'Unbalanced parenthesis: "(" at position {opening.position} is never closed'
            raise QueryError(message, opening.position)
        return inner

    def check_depth(self, token: Token, extra: int = 0) -> None:
        if self.depth + extra > MAX_DEPTH:
            message = f"Query nests too deeply at position {token.position} (limit {MAX_DEPTH})"
            raise QueryError(message, token.position)


def _missing_operand(found: Token, after: Token | None) -> QueryError:
    """The error for a token that cannot start an operand, blaming the operator left dangling."""
    if after is not None and after.kind is Tok.LPAREN:
        if found.kind is Tok.RPAREN:
            return QueryError(f"Empty parentheses at position {after.position}", after.position)
        if found.kind is Tok.END:
            message = f'Unbalanced parenthesis: "(" at position {after.position} is never closed'
            return QueryError(message, after.position)
    culprit = after if after is not None and after.kind is not Tok.LPAREN else found
    if culprit.kind is Tok.RPAREN:
        message = f'Unbalanced parenthesis: ")" at position {culprit.position} has no matching "("'
    elif culprit.kind in (Tok.NOT, Tok.MINUS):
        message = f'"{culprit.text}" at position {culprit.position} needs a term after it'
    elif culprit.kind in OPERATORS:
        message = f'"{culprit.text}" at position {culprit.position} needs a term on both sides'
    else:
        message = f"Query ends too early at position {culprit.position}"
    return QueryError(message, culprit.position)


def _single_term(token: str, prefix: bool, position: int) -> Term:
    kind = Kind(token[0]) if token[0] in "#@" else Kind.WORD
    return Term(token.lstrip("#@"), kind, prefix, position)


def _term_node(token: Token) -> Node:
    text, position = token.text, token.position
    if URL_RE.search(text):
        message = f"Link at position {position}: links are not words; use site:domain instead"
        raise QueryError(message, position)
    if "*" in text.rstrip("*") or text.endswith("**"):
        star = position + text.index("*")
        message = f'Wildcard "*" at position {star} is only allowed once, at the end of a word'
        raise QueryError(message, star)
    found = scan(text.rstrip("*"))
    if not found:
        message = f'"{text}" at position {position} has no letters or digits to search for'
        raise QueryError(message, position)
    if not text.endswith("*"):
        terms = tuple(_single_term(word, False, position) for word in found)
        return terms[0] if len(terms) == 1 else Phrase(terms, position)
    if len(found) > 1:
        message = f'Wildcard "{text}" at position {position} must be a single word'
        raise QueryError(message, position)
    if len(found[0].lstrip("#@")) < MIN_PREFIX:
        message = (
            f'Wildcard "{text}" at position {position} is too short: '
            f'write at least {MIN_PREFIX} letters before "*"'
        )
        raise QueryError(message, position)
    return _single_term(found[0], True, position)


def _phrase_node(token: Token) -> Node:
    if "*" in token.text:
        message = f"Wildcards do not work inside quotes (phrase at position {token.position})"
        raise QueryError(message, token.position)
    found = scan(token.text)
    if not found:
        raise QueryError(f"Empty phrase at position {token.position}", token.position)
    terms = tuple(_single_term(word, False, token.position) for word in found)
    return terms[0] if len(terms) == 1 else Phrase(terms, token.position)


def _field_node(token: Token) -> Field:
    normalizers = {
        "lang": normalize_lang,
        "source": normalize_name,
        "author": normalize_handle,
        "site": domain_of,
    }
    value = normalizers[token.field](token.text)
    if not value or "*" in token.text:
        message = f'Field "{token.field}:" at position {token.position} has no usable value'
        raise QueryError(message, token.position)
    return Field(token.field, value, token.position)
