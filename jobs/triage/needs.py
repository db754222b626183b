"""Find the kinds of help a post asks about, each with the words that showed it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from jobs.triage.features import URL_PATTERN
from jobs.triage.need_terms import (
    AGENCY_QUESTION,
    INFO_SEEKING,
    NEED_CATEGORIES,
    NEED_TERMS,
    NOT_NEEDS,
    RHETORICAL,
)

_LEADING_RETWEET = re.compile(r"^\s*rt\s+@\w+:?\s*", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
# A question opens with one of these, here or after a sentence break or a mention.
_QUESTION_OPENER = re.compile(
    r"(?:^|[.!?:]\s+|@\w+\s+)(?:who|what|when|where|why|how|which|is|are|was|will|can|could|"
    r"should|does|do|did|has|have|any|anyone)\b"
)


@dataclass(frozen=True, slots=True)
class Need:
    """One kind of help a post is about, and the evidence for it."""

    category: str
    reason: str


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a listing of phrases in the need_terms syntax.

    Word edges are spelled as lookarounds rather than \\b so that emoji, which are not
    word characters, can be listed too.
    """
    alternatives = []
    for phrase in phrases:
        prefix = phrase.endswith("*")
        words = [re.escape(word) for word in phrase.rstrip("*").split()]
        body = r"[\s\-]+".join(words) + (r"\w*" if prefix else "")
        alternatives.append(rf"(?<!\w){body}(?!\w)")
    # Longest first, so "no power" is reported rather than "power" when both match.
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives))


def fold(text: str) -> str:
    """Lower-case, accents dropped, links removed: the text the phrase lists are matched on."""
    decomposed = unicodedata.normalize("NFKD", URL_PATTERN.sub(" ", text).lower())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.replace("\u2019", "'")


_TOPIC_PATTERNS = {category: compile_phrases(NEED_TERMS[category]) for category in NEED_TERMS}
_INFO_SEEKING = compile_phrases(INFO_SEEKING)
_NOT_NEEDS = compile_phrases(NOT_NEEDS)
_RHETORICAL = compile_phrases(RHETORICAL)


def detect_needs(text: str) -> list[Need]:
    """Help topics named in the post, plus agency_question when it asks for information."""
    folded = _NOT_NEEDS.sub(" ", fold(text))
    needs = []
    for category in NEED_CATEGORIES:
        pattern = _TOPIC_PATTERNS.get(category)
        if pattern is None:
            continue
        matched = _distinct(match.group(0) for match in pattern.finditer(folded))
        if matched:
            needs.append(Need(category, "matched " + ", ".join(f'"{m}"' for m in matched)))
    question = question_evidence(text)
    if question is not None:
        needs.append(Need(AGENCY_QUESTION, question))
    return needs


def question_evidence(text: str) -> str | None:
    """Why the post reads as a real question to someone who can answer, or None."""
    own_words = _LEADING_RETWEET.sub("", fold(text))
    if _RHETORICAL.search(own_words):
        return None
    seeking = _INFO_SEEKING.search(own_words)
    if seeking is not None and ("?" in own_words or seeking.start() < 3 or _MENTION.search(text)):
        return f'asks "{seeking.group(0)}"'
    if "?" not in own_words:
        return None
    mention = _MENTION.search(own_words)
    opener = _QUESTION_OPENER.search(own_words)
    if mention is not None:
        return f"question addressed to {mention.group(0)}"
    if opener is not None:
        return f'question opening "{opener.group(0).strip(" .!?:")}"'
    return None


def _distinct(found: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(item.split()) for item in found))
