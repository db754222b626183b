"""Triage: what kind of crisis post this is, what help it asks for, and whether to route it.

Pure code: no database, no network. The classifier is a linear model over hashed word and
character n-grams whose weights ship in model.npz (fitted with scikit-learn by
bench/train_triage.py, run with numpy alone); need detection uses the curated phrase
lists in need_terms.py.
"""

from __future__ import annotations

from jobs.triage.categories import CATEGORIES
from jobs.triage.classifier import Classification, classify
from jobs.triage.need_terms import NEED_CATEGORIES
from jobs.triage.needs import Need, detect_needs
from jobs.triage.routing import HelpAssessment, assess_help, needs_help

__all__ = [
    "CATEGORIES",
    "NEED_CATEGORIES",
    "Classification",
    "HelpAssessment",
    "Need",
    "assess_help",
    "classify",
    "detect_needs",
    "needs_help",
]
