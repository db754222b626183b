"""The shipped linear model over hashed n-grams: load it, score a post, name its evidence.

bench/train_triage.py fits it with scikit-learn and writes `model.npz` into this package:
int8 weights per (category, bucket) with a scale per category, intercepts, idf per bucket,
and a JSON header (feature settings, routing thresholds, how it was trained and scored).
Running it needs numpy only (already there for matplotlib): no training, no download.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from io import BytesIO
from typing import Any

import numpy as np
import numpy.typing as npt

from jobs.triage.categories import CATEGORIES
from jobs.triage.features import FeatureSettings, bucket_counts, crc_bucket, feature_strings

MODEL_RESOURCE = "model.npz"
FloatArray = npt.NDArray[np.float64]


class WeightsFormatError(ValueError):
    """The model file does not match the categories or the expected layout."""


@dataclass(frozen=True)
class HashedModel:
    """Weights (categories x buckets), intercepts and idf, plus what the header says."""

    settings: FeatureSettings
    coef: FloatArray
    intercept: FloatArray
    idf: FloatArray
    header: dict[str, Any] = field(default_factory=dict)

    def vector(self, text: str) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Bucket indexes and their tf-idf values, scaled to unit length."""
        counts = bucket_counts(text, self.settings)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = values * self.idf[index]
        norm = float(np.sqrt(values @ values)) or 1.0
        return index, values / norm

    def scores(self, text: str) -> FloatArray:
        index, values = self.vector(text)
        result: FloatArray = self.coef[:, index] @ values + self.intercept
        return result

    def probabilities(self, text: str) -> FloatArray:
        """Softmax of the scores: how sure the model is of each category."""
        scores = self.scores(text)
        exps = np.exp(scores - scores.max())
        result: FloatArray = exps / exps.sum()
        return result

    def contributions(self, text: str, category: int) -> list[tuple[str, float]]:
        """Each n-gram of the post with its pull toward `category` (against the mean)."""
        index, values = self.vector(text)
        by_bucket = dict(zip(index.tolist(), values.tolist(), strict=True))
        centred = self.coef[category] - self.coef.mean(axis=0)
        return [
            (feature, float(centred[bucket] * by_bucket[bucket]))
            for feature in feature_strings(text, self.settings)
            for bucket in (crc_bucket(feature, self.settings),)
        ]

    @property
    def notes(self) -> list[str]:
        return [str(note) for note in self.header.get("notes", [])]


def dumps(
    settings: FeatureSettings,
    coef: FloatArray,
    intercept: FloatArray,
    idf: FloatArray,
    header: dict[str, Any],
) -> bytes:
    """The model file: weights quantized to int8 per category (error under 0.4 % of the
    largest weight), which keeps it a few MB without changing a prediction measurably."""
    scale = np.abs(coef).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.round(coef / scale[:, None]).astype(np.int8)
    meta = {**header, "categories": list(CATEGORIES), "settings": settings_dict(settings)}
    buffer = BytesIO()
    np.savez_compressed(
        buffer,
        coef=quantized,
        scale=scale.astype(np.float64),
        intercept=intercept.astype(np.float64),
        idf=idf.astype(np.float32),
        header=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
    )
    return buffer.getvalue()


def settings_dict(settings: FeatureSettings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in FeatureSettings.__slots__}


def loads(data: bytes) -> HashedModel:
    """Parse what `dumps` wrote; the header must name our categories in our order."""
    try:
        with np.load(BytesIO(data), allow_pickle=False) as arrays:
            header = json.loads(arrays["header"].tobytes().decode("utf-8"))
            coef = arrays["coef"].astype(np.float64) * arrays["scale"][:, None]
            intercept = arrays["intercept"].astype(np.float64)
            idf = arrays["idf"].astype(np.float64)
    except (OSError, KeyError, ValueError) as error:
        raise WeightsFormatError(f"not an Earshot triage model: {error}") from error
    if tuple(header.get("categories", ())) != CATEGORIES:
        raise WeightsFormatError(f"categories {header.get('categories')} are not {CATEGORIES}")
    settings = FeatureSettings(**header["settings"])
    if coef.shape != (len(CATEGORIES), settings.buckets) or idf.shape != (settings.buckets,):
        raise WeightsFormatError(f"weights of shape {coef.shape} do not fit the settings")
    return HashedModel(settings, coef, intercept, idf, header)


def load_shipped_model() -> HashedModel:
    """The model trained by bench/train_triage.py and shipped inside this package."""
    return loads(resources.files("jobs.triage").joinpath(MODEL_RESOURCE).read_bytes())
