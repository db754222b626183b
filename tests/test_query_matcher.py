"""The compiled matcher: same answers as each query alone, for any mix of topics."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import commands.query.matcher as matcher_module
from commands.query import (
    AnalyzedPost,
    Document,
    Query,
    QueryError,
    analyze,
    compile_matcher,
    parse,
)


def test_matcher_returns_sorted_ids_of_matching_topics() -> None:
    matcher = compile_matcher(
        [(30, "flood*"), (10, "#yycflood"), (20, "fire"), (40, '"boil water" calgary')]
    )
    assert len(matcher) == 4
    assert matcher.match(Document("Flooding in Calgary #yycflood")) == [10, 30]
    assert matcher.match(Document("Calgary: boil water, no fire")) == [20, 40]
    assert matcher.match(Document("sunny")) == []


def test_matcher_accepts_parsed_queries_and_analyzed_posts() -> None:
    matcher = compile_matcher([(1, parse("flood")), (2, "rain")])
    post = analyze(Document("flood and rain"))
    assert isinstance(post, AnalyzedPost)
    assert matcher.match(post) == [1, 2]


def test_field_only_and_untriggered_topics_are_still_matched() -> None:
    matcher = compile_matcher(
        [(1, "lang:fr"), (2, "NOT (NOT flood)"), (3, "site:cbc.ca -flood"), (4, "author:bob")]
    )
    french = Document("Inondation", lang="fr-CA", links=("https://ici.cbc.ca/x",))
    assert matcher.match(french) == [1, 3]
    assert matcher.match(Document("flood", author="Bob")) == [2, 4]


def test_wildcards_of_every_kind_are_found_through_the_index() -> None:
    matcher = compile_matcher(
        [(1, "flood*"), (2, "floodway*"), (3, "#yyc*"), (4, "@city*"), (5, "flo* -rain")]
    )
    assert matcher.match(Document("#floodway @CityNews")) == [1, 2, 4, 5]
    assert matcher.match(Document("yyc flow rain")) == []
    assert matcher.match(Document("#YYCflood #floodwatch")) == [1, 3, 5]


def test_thousands_of_topics_match_only_their_own_words() -> None:
    matcher = compile_matcher((i, f"keyword{i} OR #tag{i}") for i in range(5000))
    assert matcher.match(Document("keyword42 and #tag4999 but not tag7")) == [42, 4999]


def test_empty_matcher_matches_nothing() -> None:
    matcher = compile_matcher([])
    assert len(matcher) == 0
    assert matcher.match(Document("anything")) == []


def test_bad_topic_query_raises_query_error() -> None:
    with pytest.raises(QueryError, match="never closed"):
        compile_matcher([(1, "flood"), (2, "(rain")])


def test_duplicate_topic_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="topic id 7 appears twice"):
        compile_matcher([(7, "flood"), (7, "rain")])


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Document]:
    """The posts the matcher tokenizes, in order."""
    seen: list[Document] = []

    def counting_analyze(doc: Document) -> AnalyzedPost:
        seen.append(doc)
        return analyze(doc)

    monkeypatch.setattr(matcher_module, "analyze", counting_analyze)
    return seen


def test_post_is_analyzed_once_per_match_whatever_the_topic_count(
    calls: list[Document],
) -> None:
    matcher = compile_matcher((i, f"word{i} OR flood* OR lang:en") for i in range(1000))
    assert len(matcher.match(Document("flooding", lang="en"))) == 1000
    assert len(calls) == 1


def test_repeated_text_is_matched_without_tokenizing_it_again(
    calls: list[Document],
) -> None:
    topics = ["flood", "author:bob", "site:cbc.ca", "lang:fr", "#yyc*", "boil OR water"]
    matcher = compile_matcher(enumerate(topics))
    text = "RT Flood on #YYCflood https://www.cbc.ca/news/x"
    assert matcher.match(Document(text, author="alice")) == [0, 2, 4]
    # Same text, other fields: the remembered hits and the text's own link still count.
    assert matcher.match(Document(text, author="Bob", lang="fr")) == [0, 1, 2, 3, 4]
    assert matcher.match(Document(text, source="rss")) == [0, 2, 4]
    assert len(calls) == 1


def test_with_few_topics_posts_without_their_words_are_not_tokenized(
    calls: list[Document],
) -> None:
    topics = ["strasse", "flood*", "#yyc", "lang:fr", "site:cbc.ca", "lang:de -closed"]
    matcher = compile_matcher(enumerate(topics), remembered_texts=0)
    assert matcher.match(Document("Sunny day")) == []
    assert matcher.match(Document("Sunny day", lang="fr")) == [3]
    assert matcher.match(Document("Sunny day https://www.CBC.ca/x")) == [4]
    assert calls == []
    # Folded, "Straße" is "strasse": the screen lets it through and the tokenizer matches it.
    assert matcher.match(Document("Die Straße ist gesperrt")) == [0]
    assert matcher.match(Document("FLOODED roads, #YYC")) == [1, 2]
    assert matcher.match(Document("Sunny day", lang="de")) == [5]  # NOT needs evaluating
    assert len(calls) == 3


def test_repeated_text_that_needs_evaluating_is_analyzed_again(
    calls: list[Document],
) -> None:
    matcher = compile_matcher(enumerate(['"boil water" -author:bob', "water"]))
    assert matcher.match(Document("boil water advisory", author="alice")) == [0, 1]
    assert matcher.match(Document("boil water advisory", author="bob")) == [1]
    assert len(calls) == 2


def test_remembered_texts_are_bounded(calls: list[Document]) -> None:
    matcher = compile_matcher([(1, "flood")], remembered_texts=1)
    for text in ["flood one", "flood two", "flood one", "flood one"]:
        assert matcher.match(Document(text)) == [1]
    # "flood one" was forgotten when "flood two" came in, then remembered again.
    assert [doc.text for doc in calls] == ["flood one", "flood two", "flood one"]
    assert compile_matcher([(1, "flood")], remembered_texts=0).match(Document("flood")) == [1]


VOCABULARY = ["flood", "floods", "flooding", "water", "boil", "calgary", "cal", "bow", "river"]
TAGS = ["#flood", "#yycflood", "#water", "@city", "@cityofcalgary", "@bow"]
WILDCARDS = ["flood*", "floo*", "cal*", "#yyc*", "#flo*", "@cit*", "riv*"]
FIELDS = [
    "lang:en",
    "lang:en-us",
    "lang:fr",
    "source:mastodon",
    'source:"Calgary Herald"',
    "site:cbc.ca",
    "site:www.cbc.ca",
    "author:bob",
]
LINKS = ["https://www.cbc.ca/a", "http://cbc.ca", "https://gov.ab.ca/x", "www.cbc.ca.evil.org"]

atoms = st.one_of(
    st.sampled_from(VOCABULARY + TAGS + WILDCARDS + FIELDS),
    st.lists(st.sampled_from(VOCABULARY + TAGS[:3]), min_size=2, max_size=3).map(
        lambda found: '"' + " ".join(found) + '"'
    ),
)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(" ".join),
        pairs.map(" AND ".join),
        pairs.map(" OR ".join),
        children.map(lambda child: f"({child})"),
        children.map(lambda child: f"-({child})"),
        children.map(lambda child: f"NOT {child}"),
        st.tuples(children, st.integers(0, 3), children).map(
            lambda found: f"({found[0]}) NEAR/{found[1]} ({found[2]})"
        ),
    )


# Leaves on their own are drawn often too: each one exercises one kind of index key.
queries = st.one_of(atoms, st.recursive(atoms, combine, max_leaves=6))
texts = st.lists(
    st.sampled_from([*VOCABULARY, *TAGS, "FLOOD", "#Flood", "x", "https://cbc.ca/z", "."]),
    max_size=12,
).map(" ".join)
documents = st.builds(
    Document,
    text=texts,
    lang=st.sampled_from([None, "en", "en-US", "EN_ca", "fr"]),
    source=st.sampled_from([None, "mastodon", "rss"]),
    source_name=st.sampled_from([None, "Calgary Herald"]),
    author=st.sampled_from([None, "bob", "@Bob", "alice"]),
    links=st.lists(st.sampled_from(LINKS), max_size=2).map(tuple),
)


def parsed_or_none(text: str) -> Query | None:
    try:
        return parse(text)
    except QueryError:
        return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(queries, min_size=1, max_size=12), st.lists(documents, min_size=1, max_size=6))
def test_compiled_matcher_agrees_with_each_query_alone(
    texts_of_queries: list[str], docs: list[Document]
) -> None:
    topics = [
        (topic_id, query)
        for topic_id, text in enumerate(texts_of_queries)
        if (query := parsed_or_none(text)) is not None
    ]
    matcher = compile_matcher(topics)  # few topics: posts are screened before tokenizing
    unscreened = compile_matcher(topics, screen_words=0, remembered_texts=0)
    for doc in docs:
        expected = [topic_id for topic_id, query in topics if query.matches(doc)]
        assert matcher.match(doc) == expected
        assert unscreened.match(doc) == expected


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(queries, min_size=1, max_size=12),
    texts,
    st.lists(documents, min_size=2, max_size=6),
)
def test_a_text_seen_before_matches_as_if_it_were_new(
    texts_of_queries: list[str], text: str, fields: list[Document]
) -> None:
    """Reposts: one text under other authors, languages, sources and links."""
    topics = [
        (topic_id, query)
        for topic_id, one in enumerate(texts_of_queries)
        if (query := parsed_or_none(one)) is not None
    ]
    matcher = compile_matcher(topics, screen_words=0)  # the remembered hits alone
    for other in fields:
        doc = Document(text, other.lang, other.source, other.source_name, other.author, other.links)
        expected = [topic_id for topic_id, query in topics if query.matches(doc)]
        assert matcher.match(doc) == expected


ALL_ATOMS = [*VOCABULARY, *TAGS, *WILDCARDS, *FIELDS, '"boil water"', '"#flood water"']


@settings(max_examples=300)
@given(documents)
def test_every_kind_of_term_alone_agrees_with_the_compiled_matcher(doc: Document) -> None:
    topics = [(topic_id, parse(text)) for topic_id, text in enumerate(ALL_ATOMS)]
    expected = [topic_id for topic_id, query in topics if query.matches(doc)]
    assert compile_matcher(topics).match(doc) == expected


@settings(max_examples=200)
@given(queries)
def test_generated_queries_parse_or_fail_with_query_error(text: str) -> None:
    query = parsed_or_none(text)
    if query is not None:
        assert query.text == text
        assert isinstance(query.matches(Document("flood water")), bool)
