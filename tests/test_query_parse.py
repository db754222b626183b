"""Parsing queries: syntax tree, precedence, and errors with their positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.query import QueryError, parse, query_terms
from commands.query.nodes import And, Field, Kind, Near, Not, Or, Phrase, Term


def word(text: str, position: int) -> Term:
    return Term(text, Kind.WORD, False, position)


def test_space_is_and_and_or_binds_loosest() -> None:
    assert parse("a OR b c").root == Or((word("a", 0), And((word("b", 5), word("c", 7)))))


def test_explicit_and_is_the_same_as_space() -> None:
    assert parse("a AND b OR c").root == Or((And((word("a", 0), word("b", 6))), word("c", 11)))


def test_near_binds_tighter_than_and() -> None:
    assert parse("a b NEAR/2 c").root == And(
        (word("a", 0), Near(word("b", 2), word("c", 11), 2, 4))
    )


def test_not_binds_tighter_than_near() -> None:
    with pytest.raises(QueryError, match="NEAR/1"):
        parse("-a NEAR/1 b")


def test_parentheses_override_precedence() -> None:
    assert parse("(a OR b) c").root == And((Or((word("a", 1), word("b", 6))), word("c", 9)))


def test_minus_and_not_are_the_same() -> None:
    assert parse("a -b").root == And((word("a", 0), Not(word("b", 3), 2)))
    assert parse("a NOT b").root == And((word("a", 0), Not(word("b", 6), 2)))
    assert parse("a -(b OR c)").root == And(
        (word("a", 0), Not(Or((word("b", 4), word("c", 9))), 2))
    )


def test_lowercase_operators_are_ordinary_words() -> None:
    assert parse("a or b").root == And((word("a", 0), word("or", 2), word("b", 5)))
    assert parse("not and").root == And((word("not", 0), word("and", 4)))


def test_term_kinds_and_wildcards() -> None:
    assert parse("Flood*").root == Term("flood", Kind.WORD, True, 0)
    assert parse("#ABflood").root == Term("abflood", Kind.HASHTAG, False, 0)
    assert parse("#yyc*").root == Term("yyc", Kind.HASHTAG, True, 0)
    assert parse("@CityOfCalgary").root == Term("cityofcalgary", Kind.MENTION, False, 0)


def test_phrases_and_split_words() -> None:
    boil_water = Phrase((word("boil", 0), word("water", 0)), 0)
    assert parse('"Boil  Water"').root == boil_water
    assert parse("boil-water").root == boil_water
    assert parse('"flood"').root == word("flood", 0)


def test_fields_with_plain_and_quoted_values() -> None:
    assert parse("lang:EN_us").root == Field("lang", "en-us", 0)
    assert parse('source:"Calgary Herald"').root == Field("source", "calgary herald", 0)
    assert parse("author:@Bob").root == Field("author", "bob", 0)
    assert parse("SITE:https://www.CBC.ca/news").root == Field("site", "www.cbc.ca", 0)


def test_near_distance_and_either_side() -> None:
    near = parse('"boil water" NEAR/5 (advisory OR notice)').root
    assert isinstance(near, Near)
    assert near.distance == 5
    assert isinstance(near.left, Phrase)
    assert isinstance(near.right, Or)


def test_query_keeps_original_text() -> None:
    assert parse("  Flood  ").text == "  Flood  "


def test_query_terms_lists_positive_words_hashtags_and_phrase_words() -> None:
    query = parse('Flood #YYC "boil water" -rain NOT (snow OR hail) flo* @city lang:en')
    assert query_terms(query) == {"flood", "#yyc", "boil", "water"}
    assert query_terms(parse("a NEAR/2 b OR NOT NOT c")) == {"a", "b", "c"}


ERRORS = [
    ("", "Empty query", 0),
    ("   ", "Empty query", 0),
    ("flood (rain", 'Unbalanced parenthesis: "(" at position 6 is never closed', 6),
    ("((a) OR b", 'Unbalanced parenthesis: "(" at position 0 is never closed', 0),
    ("flood)", 'Unbalanced parenthesis: ")" at position 5 has no matching "("', 5),
    (")", 'Unbalanced parenthesis: ")" at position 0', 0),
    ("flood OR", '"OR" at position 6 needs a term on both sides', 6),
    ("OR flood", '"OR" at position 0 needs a term on both sides', 0),
    ("a OR OR b", '"OR" at position 2 needs a term on both sides', 2),
    ("a AND", '"AND" at position 2 needs a term on both sides', 2),
    ("AND a", '"AND" at position 0 needs a term on both sides', 0),
    ("(a OR) b", '"OR" at position 3 needs a term on both sides', 3),
    ("a NOT", '"NOT" at position 2 needs a term after it', 2),
    ("a - b", '"-" at position 2 needs a term right after it', 2),
    ('a ""', "Empty phrase at position 2", 2),
    ('a "!?"', "Empty phrase at position 2", 2),
    ('a "boil', "Unclosed quote", 2),
    ("a ()", "Empty parentheses at position 2", 2),
    ("flood foo:bar", 'Unknown field "foo:" at position 6', 6),
    ("lang:", 'Field "lang:" at position 0 needs a value', 0),
    ('source:""', 'Field "source:" at position 0 needs a value', 0),
    ("author:@", 'Field "author:" at position 0 has no usable value', 0),
    ("a NEAR/x b", 'Bad "NEAR/x" at position 2', 2),
    ("a NEAR/101 b", 'Bad "NEAR/101" at position 2', 2),
    ("a NEAR b", 'Bad "NEAR" at position 2', 2),
    ("a NEAR/2", '"NEAR/2" at position 2 needs a term on both sides', 2),
    ("a NEAR/2 lang:en", '"NEAR/2" at position 2 needs words, phrases or hashtags', 2),
    ("fl*", 'Wildcard "fl*" at position 0 is too short', 0),
    ("x #ab*", 'Wildcard "#ab*" at position 2 is too short', 2),
    ("fl*od", 'Wildcard "*" at position 2 is only allowed once, at the end', 2),
    ("flood**", 'Wildcard "*" at position 5', 5),
    ("covid-1*", "must be a single word", 0),
    ('"boil wat*"', "Wildcards do not work inside quotes", 0),
    ("a !!!", '"!!!" at position 2 has no letters or digits', 2),
    ("https://cbc.ca", "Unknown field", 0),
    ("a www.cbc.ca", "Link at position 2: links are not words; use site:", 2),
    ("-flood", "Only negative terms: the NOT/- at position 0", 0),
    ("NOT x", "Only negative terms: the NOT/- at position 0", 0),
    ("-a -b", "Only negative terms", 0),
    ("lang:en OR -flood", "Only negative terms: the NOT/- at position 11", 11),
    ("(" * 50 + "a" + ")" * 50, "nests too deeply", 40),
]


@pytest.mark.parametrize(("query", "message", "position"), ERRORS)
def test_bad_queries_name_the_problem_and_its_position(
    query: str, message: str, position: int
) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert message in caught.value.message
    assert caught.value.position == position
    assert str(caught.value) == caught.value.message


def test_error_message_states_the_position() -> None:
    with pytest.raises(QueryError) as caught:
        parse("flood (rain")
    assert caught.value.message == 'Unbalanced parenthesis: "(" at position 6 is never closed'


def test_pointer_puts_a_caret_under_the_position() -> None:
    query = "flood (rain"
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.pointer(query) == "flood (rain\n      ^"


def test_pointer_shows_only_the_offending_line_and_handles_wide_characters() -> None:
    error = QueryError("x", 8)
    assert error.pointer("a OR\n洪水 (b") == "洪水 (b\n     ^"
    assert QueryError("y", 99).pointer("ab") == "ab\n  ^"


def test_query_error_is_a_value_error() -> None:
    assert issubclass(QueryError, ValueError)


def test_too_long_queries_are_refused() -> None:
    with pytest.raises(QueryError, match="too long"):
        parse("flood " * 1000)


def error_of(text: str) -> QueryError | None:
    try:
        parse(text)
    except QueryError as error:
        return error
    return None


@given(st.text(alphabet=st.sampled_from(list('ab #@*-"():/ORANDNEAR3lang:x\n')), max_size=40))
def test_parse_raises_only_query_error_on_query_like_text(text: str) -> None:
    error = error_of(text)
    if error is not None:
        assert 0 <= error.position <= len(text)
        assert f"position {error.position}" in error.message


@given(st.text())
def test_parse_raises_only_query_error_on_any_text(text: str) -> None:
    error = error_of(text)
    if error is not None:
        assert 0 <= error.position <= len(text)
