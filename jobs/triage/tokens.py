"""Turn a post into the word features the classifier counts, and name them for people."""

from __future__ import annotations

import re
import unicodedata

URL_MARK = "<url>"
MENTION_MARK = "<mention>"
NUMBER_MARK = "<number>"
RETWEET_MARK = "<rt>"

# Also catches links truncated by a retweet ("http…"), which would otherwise leave "http".
URL_PATTERN = re.compile(r"\bhttps?\b\S*|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_RETWEET = re.compile(r"^\s*rt\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_HTML_ENTITY = re.compile(r"&(?:amp|lt|gt|quot);")

# Longest first, so "ions" wins over "s"; a light stemmer keeps "evacuate",
# "evacuated" and "evacuation" on one weight without a language-specific library.
_SUFFIXES = ("ings", "ing", "ions", "ion", "ers", "ies", "ied", "ed", "es", "s", "e")
_MIN_STEM = 4


def stem(word: str) -> str:
    """Strip one common English suffix, keeping at least a four-letter stem."""
    if word.isdigit():
        return NUMBER_MARK
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _fold(text: str) -> str:
    """Lower-case and drop accents, so "evacuación" and "evacuacion" count as one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def features(text: str) -> list[tuple[str, str]]:
    """Each feature of one post paired with the text it came from, for reasons.

    Features are stemmed words plus markers for links, mentions and retweets. Hashtags
    count as their word ("#flood" -> "flood"): people tag the same words they write.
    """
    found: list[tuple[str, str]] = []
    retweet = _RETWEET.match(text)
    if retweet:
        found.append((RETWEET_MARK, "RT"))
        text = text[retweet.end() :]
    text = _HTML_ENTITY.sub(" ", text)
    found.extend((URL_MARK, url) for url in URL_PATTERN.findall(text))
    text = URL_PATTERN.sub(" ", text)
    found.extend((MENTION_MARK, handle) for handle in _MENTION.findall(text))
    text = _MENTION.sub(" ", text)
    for word in _WORD.findall(_fold(text)):
        found.append((stem(word.replace("'", "")), word))
    return found


def tokenize(text: str) -> list[str]:
    """The features of one post, as the classifier counts them."""
    return [token for token, _ in features(text)]
