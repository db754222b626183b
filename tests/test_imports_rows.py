"""The fast path for well-formed import rows gives exactly what the checked path gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.imports.rows import ImportedPost, _checked_post, _usual_post, post_from_fields

# Values of every type a JSON or CSV row can hold, the awkward ones included.
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**6),
    st.floats(allow_nan=False),
    st.sampled_from(["", "  ", " x ", "12", " 7 ", "-1", "en", "2024-05-01T09:30:00Z"]),
    st.sampled_from(["2024-05-01 09:30", "2024-05-01T09:30:00+02:00", "yesterday", "2024-13-01"]),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
)
FIELDS = [
    "id",
    "source",
    "text",
    "created_at",
    "author",
    "author_followers",
    "likes",
    "reposts",
    "replies",
    "lang",
    "url",
]
TEXTS = ("author", "lang", "url")
COUNTS = ("author_followers", "likes", "reposts", "replies")
rows = st.dictionaries(st.sampled_from(FIELDS), values)
DATES = ["2024-05-01T09:30:00Z", "2024-05-01 09:30", "2024-05-01T09:30:00+02:00", "x"]
# Rows of the usual types (strings and integers), blank, padded and out of range included.
usual_rows = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["p1", " p2 ", "p3", ""]),
        "source": st.sampled_from(["wire", " wire ", "rss", "  "]),
        "text": st.sampled_from(["Flood", " Flood warning ", "Boil water", "   "]),
        "created_at": st.sampled_from(DATES),
    },
    optional={
        **{
            name: st.one_of(st.none(), st.sampled_from(["", "  ", " x ", "en-US "]))
            for name in TEXTS
        },
        **{name: st.one_of(st.none(), st.sampled_from([-1, 0, 7])) for name in COUNTS},
    },
)


@settings(max_examples=1000)
@given(rows)
def test_usual_rows_parse_as_the_checked_path_does(fields: dict[str, object]) -> None:
    usual = _usual_post(fields, 3)
    assert usual is None or usual == _checked_post(fields, 3)


@settings(max_examples=1000)
@given(usual_rows)
def test_rows_of_the_usual_types_take_the_fast_path(fields: dict[str, object]) -> None:
    checked = _checked_post(fields, 3)
    if isinstance(checked, ImportedPost):
        assert _usual_post(fields, 3) == checked
    else:
        assert _usual_post(fields, 3) is None
    assert post_from_fields(fields, 3) == checked
