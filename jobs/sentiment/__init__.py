"""Sentiment scoring at ingest: VADER on normalized English text, cached, optionally parallel.

Only `jobs.sentiment.vader` imports vaderSentiment.
"""

from jobs.sentiment.cleanup import MAX_SCORED_COST, normalize
from jobs.sentiment.parallel import ParallelScorer
from jobs.sentiment.scorer import Scorer, is_scorable_language
from jobs.sentiment.scores import Label, Scores, label

__all__ = [
    "MAX_SCORED_COST",
    "Label",
    "ParallelScorer",
    "Scorer",
    "Scores",
    "is_scorable_language",
    "label",
    "normalize",
]
