"""Decide whether a post is a resident asking for help that an agency channel should see."""

from __future__ import annotations

from dataclasses import dataclass

from jobs.triage.categories import NOT_RELATED, SYMPATHY_SUPPORT
from jobs.triage.classifier import Classification, classify
from jobs.triage.need_terms import AGENCY_QUESTION, FIRST_PERSON, JOKE_MARKERS, REQUESTS
from jobs.triage.needs import Need, compile_phrases, detect_needs, fold

# Posts of these types talk about a crisis without asking anything of anyone.
NOT_ROUTED_TYPES = frozenset({SYMPATHY_SUPPORT, NOT_RELATED})

_JOKE = compile_phrases(JOKE_MARKERS)
_FIRST_PERSON = compile_phrases(FIRST_PERSON)
_REQUEST = compile_phrases(REQUESTS)


@dataclass(frozen=True, slots=True)
class HelpAssessment:
    """The routing decision for one post, with what it was based on."""

    routable: bool
    needs: list[Need]
    classification: Classification
    reasons: list[str]


def assess_help(text: str) -> HelpAssessment:
    """Route a post when it names a need in a resident's own voice and is not a joke.

    A need word alone is not enough: newsrooms write "40,000 without power" too. So
    the post must speak in the first person, ask a question or make a request; and a
    post the classifier reads as sympathy or chatter must ask outright to be routed.
    """
    needs = detect_needs(text)
    classification = classify(text)
    folded = fold(text)
    asks = any(need.category == AGENCY_QUESTION for need in needs)
    request = _REQUEST.search(folded)
    first_person = _FIRST_PERSON.search(folded)
    joke = _JOKE.search(folded)
    reasons = [f"{need.category}: {need.reason}" for need in needs]
    reasons.append(f"type {classification.category} ({'; '.join(classification.reasons)})")
    if not needs:
        return HelpAssessment(False, needs, classification, ["no help need named", *reasons])
    if joke is not None:
        reasons.insert(0, f'reads as a joke ("{joke.group(0)}")')
        return HelpAssessment(False, needs, classification, reasons)
    if not (asks or request or first_person):
        reasons.insert(0, "no first person, question or request: reads as a report")
        return HelpAssessment(False, needs, classification, reasons)
    if classification.category in NOT_ROUTED_TYPES and not (asks or request):
        reasons.insert(0, f"{classification.category} without a question or request")
        return HelpAssessment(False, needs, classification, reasons)
    evidence = request or first_person
    voice = "asks a question" if asks or evidence is None else f'says "{evidence.group(0)}"'
    reasons.insert(0, f"resident voice: {voice}")
    return HelpAssessment(True, needs, classification, reasons)


def needs_help(text: str) -> bool:
    """True when the post should be routed to an agency channel (see assess_help)."""
    return assess_help(text).routable
