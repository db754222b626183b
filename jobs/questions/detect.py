"""Does a post ask something or voice a concern? The wording that shows it, or None."""

from __future__ import annotations

import re

from jobs.triage.needs import compile_phrases, fold, question_evidence

# Worries residents voice without a question mark: safety, cost, availability, rumours.
CONCERNS = compile_phrases(
    (
        "is it true, heard that, rumor*, rumour*, worried, worry about, worrying, "
        "concerned, afraid, scared to, safe to drink, safe to eat, safe to go, "
        "not safe, unsafe, can't afford, cannot afford, how much, too expensive, "
        "price of, out of stock, sold out, shortage, running out, ran out, can't find, "
        "cannot find, no one knows, nobody knows"
    ).split(", ")
)
_LEADING_RETWEET = re.compile(r"^\s*rt\s+@\w+:?\s*", re.IGNORECASE)


def asks(text: str) -> str | None:
    """Why the post reads as a question or a concern, or None when it does neither."""
    evidence = question_evidence(text)
    if evidence is not None:
        return evidence
    concern = CONCERNS.search(_LEADING_RETWEET.sub("", fold(text)))
    return f'voices a concern "{concern.group(0)}"' if concern else None
