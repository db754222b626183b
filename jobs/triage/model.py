"""A linear model over term features: scoring, explaining, and its plain-text weights file."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

from jobs.triage.categories import CATEGORIES

WEIGHTS_RESOURCE = "weights.txt"
_BIAS_KEY = "<bias>"


class WeightsFormatError(ValueError):
    """The weights file does not match the categories or the expected layout."""


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Per-category bias plus one weight per (term, category), in CATEGORIES order."""

    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    notes: tuple[str, ...] = field(default=())

    def scores(self, tokens: Iterable[str]) -> list[float]:
        """Summed weights per category for the distinct known terms of a post."""
        totals = list(self.bias)
        for token in set(tokens):
            row = self.weights.get(token)
            if row is not None:
                for k, weight in enumerate(row):
                    totals[k] += weight
        return totals

    def probabilities(self, tokens: Iterable[str]) -> list[float]:
        """Softmax of the scores: how sure the model is of each category."""
        scores = self.scores(tokens)
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [value / total for value in exps]

    def dumps(self) -> str:
        """The weights as text: `#` notes, then `term<TAB>w1 w2 ...` per line, bias first."""
        lines = [f"# {note}" for note in self.notes]
        lines.append("# columns: " + " ".join(CATEGORIES))
        lines.append(_format_row(_BIAS_KEY, self.bias))
        lines.extend(_format_row(token, self.weights[token]) for token in sorted(self.weights))
        return "\n".join(lines) + "\n"


def _format_row(token: str, row: tuple[float, ...]) -> str:
    return token + "\t" + " ".join(f"{weight:.3f}" for weight in row)


def loads(text: str) -> LinearModel:
    """Parse what `LinearModel.dumps` wrote; the column header must name our categories."""
    notes: list[str] = []
    rows: dict[str, tuple[float, ...]] = {}
    columns: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# columns: "):
            columns = tuple(line.removeprefix("# columns: ").split())
        elif line.startswith("# "):
            notes.append(line[2:])
        elif line.strip():
            token, _, values = line.partition("\t")
            try:
                rows[token] = tuple(float(value) for value in values.split())
            except ValueError as error:
                raise WeightsFormatError(f"line {number}: {error}") from error
            if len(rows[token]) != len(CATEGORIES):
                raise WeightsFormatError(f"line {number}: expected {len(CATEGORIES)} weights")
    if columns != CATEGORIES:
        raise WeightsFormatError(f"columns {columns} do not match categories {CATEGORIES}")
    if _BIAS_KEY not in rows:
        raise WeightsFormatError("no bias row")
    bias = rows.pop(_BIAS_KEY)
    return LinearModel(bias=bias, weights=rows, notes=tuple(notes))


def load_shipped_model() -> LinearModel:
    """The model trained by bench/train_triage.py and shipped inside this package."""
    text = resources.files("jobs.triage").joinpath(WEIGHTS_RESOURCE).read_text(encoding="utf-8")
    return loads(text)
