"""Question texts as hashed term vectors (scikit-learn), weighted like TF-IDF for comparing.

A hashing vectorizer has no vocabulary to fit, so a vector computed today is comparable
with a cluster centroid stored last week: that is what lets clusters grow incrementally.
The IDF part is computed at comparison time over the clusters in play (clusters are the
documents), so words that many different questions share ("anyone", "city") count less.
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
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | _FILLER)

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


def idf(*documents: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency over the rows of all `documents`."""
    stacked = sparse.vstack([d for d in documents if d.shape[0]], format="csr")
    if stacked.shape[0] == 0:
        return np.ones(N_FEATURES)
    df = np.asarray((stacked > 0).sum(axis=0)).ravel()
    n = stacked.shape[0]
    weights: np.ndarray = np.log((1 + n) / (1 + df)) + 1.0
    return weights


def weighted(matrix: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
    """Rows scaled by the IDF weights and brought back to unit length, for cosine."""
    if matrix.shape[0] == 0:
        return matrix
    return sparse.csr_matrix(normalize(matrix @ sparse.diags(weights)))
