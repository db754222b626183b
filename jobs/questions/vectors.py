"""Question texts as hashed term vectors (scikit-learn's HashingVectorizer) for comparing.

A hashing vectorizer has no vocabulary to fit, so a vector computed today is comparable
with a cluster centroid stored last week: that is what lets clusters grow incrementally.
Terms are binary and stop words are left out. IDF weighting was tried, computed over the
clusters in play: with the few clusters a workspace has at a time it lowered exactly the
words two wordings of one question share, so it is not used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.preprocessing import normalize

N_FEATURES = 2**18
CENTROID_TERMS = 64  # a centroid keeps its heaviest features: enough to compare, small to store
_URL = re.compile(r"https?://\S+|www\.\S+")
_RETWEET = re.compile(r"^\s*RT\s+@\w+:?\s*", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")
# Words every question has: they say it is a question, not which one.
_FILLER = frozenset(
    "anyone anybody know knows does do did pls please hey hi just really today tonight "
    "rt amp via".split()
)
_WORDS = r"(?u)\b[^\W\d_][\w']+\b"  # words of two or more characters, not numbers
# scikit-learn's English list also drops words that tell questions apart ("when" from
# "where", "back", "still", "open"...): those stay.
_KEEP = frozenset(
    "when where what who why how back still again now open closed fire call find get "
    "go move keep cannot".split()
)
STOP_WORDS = sorted((ENGLISH_STOP_WORDS - _KEEP) | _FILLER)

_VECTORIZER = HashingVectorizer(
    n_features=N_FEATURES,
    ngram_range=(1, 1),
    stop_words=STOP_WORDS,
    alternate_sign=False,
    binary=True,
    norm="l2",
    token_pattern=_WORDS,
)


def clean(text: str) -> str:
    """The post's own words: no leading "RT @x:", links or mentions; hashtags as words."""
    text = _RETWEET.sub("", text)
    text = _MENTION.sub(" ", _URL.sub(" ", text)).replace("#", " ")
    return _SPACE.sub(" ", text).strip()


def wording(text: str, limit: int = 200) -> str:
    """A representative wording to show: the cleaned text, cut at a word."""
    shown = _SPACE.sub(" ", _URL.sub("", _RETWEET.sub("", text))).strip()
    if len(shown) <= limit:
        return shown
    return shown[: limit - 1].rsplit(" ", 1)[0] + "…"


def vectorize(texts: Sequence[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(_VECTORIZER.transform([clean(text) for text in texts]))


def as_centroid(row: sparse.csr_matrix) -> dict[str, float]:
    """A sparse row as a JSON-able dict of its heaviest features."""
    coo = row.tocoo()
    pairs = sorted(zip(coo.col.tolist(), coo.data.tolist(), strict=True), key=lambda p: -p[1])
    return {str(index): round(float(value), 5) for index, value in pairs[:CENTROID_TERMS]}


def centroid_matrix(centroids: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    rows, cols, values = [], [], []
    for row, centroid in enumerate(centroids):
        for index, value in centroid.items():
            rows.append(row)
            cols.append(int(index))
            values.append(value)
    return sparse.csr_matrix(
        (values, (rows, cols)), shape=(len(centroids), N_FEATURES), dtype=np.float64
    )


def unit(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows brought to unit length, so a product of rows is their cosine similarity."""
    if matrix.shape[0] == 0:
        return matrix
    return sparse.csr_matrix(normalize(matrix))
