"""Leave-one-event-out machinery for the triage classifier (scikit-learn, bench only).

Features come from jobs.triage.features, exactly as the shipped model computes them, so
the figures printed here are those of the model that ships. Matrices are cached in
bench/results/ (features are the slow part; the fits are seconds each).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from triage_data import Post

from jobs.triage.categories import CATEGORIES
from jobs.triage.features import FeatureSettings, bucket_counts

CACHE = Path(__file__).resolve().parent / "results" / "triage-cache"


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """The learner and its knobs."""

    kind: str = "logreg"  # "logreg" or "svm"
    c: float = 1.0
    balanced: bool = True
    use_idf: bool = True
    t6_per_event: int = 0


def raw_matrix(posts: Sequence[Post], settings: FeatureSettings) -> sparse.csr_matrix:
    """Bucket counts of every post (rows in `posts` order), cached on disk."""
    key = hashlib.sha256(
        pickle.dumps((asdict(settings), [(p.text, p.event) for p in posts]))
    ).hexdigest()[:16]
    path = CACHE / f"{key}.npz"
    if path.exists():
        return sparse.load_npz(path).tocsr()
    rows, cols, vals = [], [], []
    for i, post in enumerate(posts):
        for bucket, count in bucket_counts(post.text, settings).items():
            rows.append(i)
            cols.append(bucket)
            vals.append(count)
    matrix = sparse.csr_matrix(
        (np.array(vals, dtype=np.float64), (rows, cols)), shape=(len(posts), settings.buckets)
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    sparse.save_npz(path, matrix)
    return matrix


def idf_of(raw: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency per bucket (scikit-learn's formula)."""
    n = raw.shape[0]
    df = np.bincount(raw.indices, minlength=raw.shape[1])
    return np.log((1 + n) / (1 + df)) + 1.0


def weigh(raw: sparse.csr_matrix, idf: np.ndarray | None) -> sparse.csr_matrix:
    """Counts times idf (when given), each row scaled to unit length."""
    matrix = raw.multiply(idf).tocsr() if idf is not None else raw.copy()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


def fit(raw: sparse.csr_matrix, labels: np.ndarray, settings: ModelSettings) -> Fitted:
    idf = idf_of(raw) if settings.use_idf else None
    weights = "balanced" if settings.balanced else None
    x = weigh(raw, idf)
    if settings.kind == "svm":
        svm = LinearSVC(C=settings.c, class_weight=weights, random_state=0)
        svm.fit(x, labels)
        return Fitted(svm.coef_, svm.intercept_, idf)
    logreg = LogisticRegression(C=settings.c, class_weight=weights, max_iter=2000, tol=1e-4)
    logreg.fit(x, labels)
    return Fitted(logreg.coef_, logreg.intercept_, idf)


@dataclass
class Fitted:
    """Weights (categories x buckets), intercepts, and the idf the inputs were scaled by."""

    coef: np.ndarray
    intercept: np.ndarray
    idf: np.ndarray | None

    def decision(self, raw: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(weigh(raw, self.idf) @ self.coef.T) + self.intercept

    def probabilities(self, raw: sparse.csr_matrix) -> np.ndarray:
        scores = self.decision(raw)
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True)


def label_ids(posts: Sequence[Post]) -> np.ndarray:
    return np.array([CATEGORIES.index(p.category) for p in posts])


def loeo(
    t26: Sequence[Post],
    extra: Sequence[Post],
    features: FeatureSettings,
    model: ModelSettings,
    events: Sequence[str],
) -> np.ndarray:
    """Probabilities for every T26 post, each from the fold that held out its event
    (cached on disk by settings and data: the 20 fits are the slow part)."""
    key = hashlib.sha256(
        pickle.dumps(
            (
                asdict(features),
                asdict(model),
                [(p.text, p.event) for p in list(t26) + list(extra)],
                tuple(events),
            )
        )
    ).hexdigest()[:16]
    cached = CACHE / f"loeo-{key}.npy"
    if cached.exists():
        found: np.ndarray = np.load(cached)
        return found
    raw = raw_matrix(list(t26) + list(extra), features)
    labels = label_ids(list(t26) + list(extra))
    event_of = np.array([p.event for p in list(t26) + list(extra)])
    n = len(t26)
    out = np.zeros((n, len(CATEGORIES)))
    for event in events:
        train = np.flatnonzero(event_of != event)
        test = np.flatnonzero(event_of[:n] == event)
        fitted = fit(raw[train], labels[train], model)
        out[test] = fitted.probabilities(raw[test])
    np.save(cached, out)
    return out


def macro_f1(predicted: np.ndarray, truth: np.ndarray, classes: int) -> float:
    """Macro-F1 over `classes` labels (0..classes-1), empty classes counting 0."""
    scores = []
    for k in range(classes):
        hits = np.sum((predicted == k) & (truth == k))
        guessed, actual = np.sum(predicted == k), np.sum(truth == k)
        both = guessed + actual
        scores.append(2 * hits / both if both else 0.0)
    return float(np.mean(scores))


OFFSET_GRID = np.linspace(-1.5, 1.5, 31)
TEMPERATURE_GRID = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0)


def choose_temperature(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The scale of the scores whose softmax best predicts the labels (log-loss): a linear
    SVM's margins are not probabilities until scaled."""
    logp = np.log(np.clip(probabilities, 1e-12, None))
    best, chosen = np.inf, 1.0
    for scale in TEMPERATURE_GRID:
        scaled = logp * scale
        scaled -= scaled.max(axis=1, keepdims=True)
        loss = -np.mean(scaled[np.arange(len(truth)), truth] - np.log(np.exp(scaled).sum(axis=1)))
        if loss < best:
            best, chosen = loss, scale
    return chosen


def choose_offsets(
    probabilities: np.ndarray, truth: np.ndarray, rounds: int = 2
) -> tuple[float, np.ndarray]:
    """A score scale (see choose_temperature), then per-category additions to the scaled
    log-probabilities that maximize macro-F1 on these (held-out) predictions: class weights
    fix the prior in training, these fix what is left of it."""
    scale = choose_temperature(probabilities, truth)
    logp = np.log(np.clip(probabilities, 1e-12, None)) * scale
    classes = probabilities.shape[1]
    offsets = np.zeros(classes)
    best = macro_f1(logp.argmax(axis=1), truth, classes)
    for _ in range(rounds):
        for k in range(classes):
            for value in OFFSET_GRID:
                trial = offsets.copy()
                trial[k] = value
                f1 = macro_f1((logp + trial).argmax(axis=1), truth, classes)
                if f1 > best + 1e-9:
                    best, offsets = f1, trial
    return scale, offsets


def shifted(probabilities: np.ndarray, scale: float, offsets: np.ndarray) -> np.ndarray:
    """Softmax of scale * log-probabilities + offsets."""
    logp = np.log(np.clip(probabilities, 1e-12, None)) * scale + offsets
    logp -= logp.max(axis=1, keepdims=True)
    exps = np.exp(logp)
    return exps / exps.sum(axis=1, keepdims=True)


def offsets_by_fold(
    probabilities: np.ndarray, truth: np.ndarray, events: np.ndarray, held_out: Sequence[str]
) -> np.ndarray:
    """Held-out probabilities, each event's scale and offsets chosen on the other events."""
    out = np.zeros_like(probabilities)
    for event in held_out:
        test = events == event
        scale, offsets = choose_offsets(probabilities[~test], truth[~test])
        out[test] = shifted(probabilities[test], scale, offsets)
    return out
