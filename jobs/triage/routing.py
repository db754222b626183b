"""Decide whether a post is a resident asking for help that an agency channel should see.

A post is routed only when two independent signals agree: the need detector names a kind
of help (curated phrases), and the classifier is confident enough that the post is about
affected individuals, or the post asks an agency directly (a question, or a first-person
request) and the classifier is not fairly sure it is sympathy, chatter or a donation drive.
"Enough" is a threshold per need, chosen by bench/train_triage.py on held-out events so that
routing stays precise (target 0.87 on the events it was chosen on); it ships in the model
file. Otherwise the post abstains: it is not routed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jobs.triage.categories import (
    AFFECTED_INDIVIDUALS,
    DONATIONS_VOLUNTEERING,
    NOT_RELATED,
    SYMPATHY_SUPPORT,
)
from jobs.triage.classifier import Classification, classify, default_model
from jobs.triage.need_terms import AGENCY_QUESTION, FIRST_PERSON, JOKE_MARKERS, REQUESTS
from jobs.triage.needs import Need, compile_phrases, detect_needs, fold

ANY_NEED = "*"
TARGET_PRECISION = 0.87
MIN_SUPPORT = 40  # a need seen on fewer posts than this uses the overall threshold
_GRID = tuple(round(0.05 + 0.01 * step, 2) for step in range(91))
_JOKE = compile_phrases(JOKE_MARKERS)
_FIRST_PERSON = compile_phrases(FIRST_PERSON)
_REQUEST = compile_phrases(REQUESTS)
# Types that ask nothing of an agency even when worded as a request ("volunteers needed").
VETO_TYPES = (SYMPATHY_SUPPORT, NOT_RELATED, DONATIONS_VOLUNTEERING)
VETO_SHARE = 0.5
_RETWEET = re.compile(r"^\s*rt\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HelpAssessment:
    """The routing decision for one post, with what it was based on."""

    routable: bool
    needs: list[Need]
    classification: Classification
    reasons: list[str]


def _lowest_precise(probabilities: Sequence[float], actionable: Sequence[bool]) -> float | None:
    """The lowest threshold whose routed posts are at least TARGET_PRECISION actionable."""
    for threshold in _GRID:
        routed = [a for p, a in zip(probabilities, actionable, strict=True) if p >= threshold]
        if len(routed) >= 5 and sum(routed) / len(routed) >= TARGET_PRECISION:
            return threshold
    return None


def choose_thresholds(
    needs: Sequence[Sequence[str]], p_affected: Sequence[float], actionable: Sequence[bool]
) -> dict[str, float]:
    """Per-need thresholds on P(affected_individuals), from labelled posts of other events."""
    with_need = [i for i, found in enumerate(needs) if found]
    overall = _lowest_precise(
        [float(p_affected[i]) for i in with_need], [bool(actionable[i]) for i in with_need]
    )
    thresholds = {ANY_NEED: overall if overall is not None else 1.0}
    for need in sorted({n for found in needs for n in found}):
        rows = [i for i in with_need if need in needs[i]]
        if len(rows) < MIN_SUPPORT:
            continue
        chosen = _lowest_precise(
            [float(p_affected[i]) for i in rows], [bool(actionable[i]) for i in rows]
        )
        if chosen is not None:
            thresholds[need] = chosen
    return thresholds


def routed_by(needs: Sequence[str], p_affected: float, thresholds: Mapping[str, float]) -> bool:
    """True when some need named in the post clears its threshold."""
    return any(p_affected >= thresholds.get(need, thresholds[ANY_NEED]) for need in needs)


def direct_ask(text: str, needs: Sequence[str]) -> str | None:
    """Why the post asks an agency directly (a question to one, or a first-person request),
    or None. Residents asking about the grid or the trains are labelled infrastructure in
    CrisisLex, not affected individuals, yet they are who routing exists for."""
    if not [need for need in needs if need != AGENCY_QUESTION] or _RETWEET.match(text):
        return None  # a question about nothing we route, or someone else's words
    if AGENCY_QUESTION in needs:
        return "asks a question"
    folded = fold(text)
    request, first_person = _REQUEST.search(folded), _FIRST_PERSON.search(folded)
    if request is not None and first_person is not None:
        return f'says "{first_person.group(0)}" and "{request.group(0)}"'
    return None


def vetoed(probabilities: Mapping[str, float]) -> bool:
    """The classifier is fairly sure the post is sympathy, chatter or a donation drive."""
    return max(probabilities[t] for t in VETO_TYPES) >= VETO_SHARE


def joke(text: str) -> str | None:
    found = _JOKE.search(fold(text))
    return found.group(0) if found is not None else None


def decide(
    text: str,
    needs: Sequence[str],
    probabilities: Mapping[str, float],
    thresholds: Mapping[str, float],
) -> tuple[bool, str]:
    """Route or abstain, and why: the one rule assess_help and the bench both apply."""
    if not needs:
        return False, "no help need named"
    laughing = joke(text)
    if laughing is not None:
        return False, f'reads as a joke ("{laughing}")'
    p_affected = probabilities[AFFECTED_INDIVIDUALS]
    needed = min(thresholds.get(n, thresholds[ANY_NEED]) for n in needs)
    if routed_by(needs, p_affected, thresholds):
        return True, f"affected individuals {p_affected:.2f} (needs {needed:.2f})"
    ask = direct_ask(text, needs)
    if ask is not None and not vetoed(probabilities):
        return True, f"resident voice: {ask}"
    why = f"affected individuals {p_affected:.2f} is under the {needed:.2f} this need requires"
    if ask is not None:
        top = max(VETO_TYPES, key=lambda t: probabilities[t])
        why += f", and it reads as {top}"
    return False, f"abstains: {why}"


def shipped_thresholds() -> dict[str, float]:
    found = default_model().header.get("route_thresholds", {})
    return {str(k): float(v) for k, v in found.items()} or {ANY_NEED: 1.0}


def _english(lang: str | None) -> bool:
    code = (lang or "und").strip().lower()
    return code in ("", "und", "en") or code.startswith("en-")


def assess_help(text: str, lang: str | None = None) -> HelpAssessment:
    """Route a post when it names a need, is not a joke, and reads as affected individuals.

    The need phrases are English: a post in another language (`lang`, as detected at
    ingest) is not matched against them, so it is never routed by English rules.
    """
    classification = classify(text)
    if not _english(lang):
        reason = f"written in {lang}: the need terms are English-only, not routed automatically"
        return HelpAssessment(False, [], classification, [reason])
    needs = detect_needs(text)
    reasons = [f"{need.category}: {need.reason}" for need in needs]
    reasons.append(f"type {classification.category} ({'; '.join(classification.reasons)})")
    routable, why = decide(
        text,
        [need.category for need in needs],
        classification.probabilities,
        shipped_thresholds(),
    )
    return HelpAssessment(routable, needs, classification, [why, *reasons])


def needs_help(text: str) -> bool:
    """True when the post should be routed to an agency channel (see assess_help)."""
    return assess_help(text).routable
