"""Turn a post into the hashed word and character n-gram features the classifier weighs.

What a crisis post *is* (a warning, a donation drive, a resident in trouble) shows in its
function words and phrasing, not in the names of the town, the event hashtag or the death
toll, which change from one crisis to the next. So links, user handles, numbers, hashtags
and place names are masked before n-grams are taken: a model trained on twenty crises
then has nothing event-specific to lean on when it meets the twenty-first.

Features are hashed with CRC-32 (stable across processes and PYTHONHASHSEED, unlike
`hash()`) into a fixed number of buckets, so the shipped weights are one dense array.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from dataclasses import dataclass

URL_MASK = "xurlx"
USER_MASK = "xuserx"
NUMBER_MASK = "xnumx"
HASHTAG_MASK = "xtagx"
PLACE_MASK = "xplacex"
RETWEET_MASK = "xrtx"
MASKS = (URL_MASK, USER_MASK, NUMBER_MASK, HASHTAG_MASK, PLACE_MASK, RETWEET_MASK)

# Also catches links truncated by a retweet ("http…"), which would otherwise leave "http".
URL_PATTERN = re.compile(r"\bhttps?\b\S*|www\.\S+", re.IGNORECASE)
_RETWEET = re.compile(r"^\s*rt\b:?", re.IGNORECASE)
_USER = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_NUMBER = re.compile(r"\b\d[\d,.:/]*(?:st|nd|rd|th|am|pm|k|m)?\b", re.IGNORECASE)
# A capitalised name (up to three words) right after a locative word is a place in
# nearly every crisis post ("in Calgary", "near Bragg Creek", "en San Marcos").
_PLACE = re.compile(
    r"\b(in|at|on|near|from|around|across|along|off|to|en|de|del|em|da|do|sa|ng)"
    r"\s+(?:[A-Z][\w'\-]+)(?:\s+[A-Z][\w'\-]+){0,2}"
)
_NOT_PLACE_START = frozenset(
    "I I'm The This That My Our Your It We They He She You Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Twitter Facebook RT Please Help".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|x(?:url|user|num|tag|place|rt)x")


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How a post becomes features; the shipped values were chosen by leave-one-event-out."""

    word_ngrams: int = 2
    char_min: int = 2
    char_max: int = 5
    mask_places: bool = True
    keep_hashtag_words: bool = False
    buckets_log2: int = 18

    @property
    def buckets(self) -> int:
        return 1 << self.buckets_log2


def _fold(text: str) -> str:
    """Lower-case and drop accents, so "evacuación" and "evacuacion" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _place(match: re.Match[str]) -> str:
    name = match.group(0)[len(match.group(1)) :].split()
    if name[0] in _NOT_PLACE_START:
        return match.group(0)
    return f"{match.group(1)} {PLACE_MASK}"


def mask(text: str, settings: FeatureSettings) -> str:
    """The post with links, handles, numbers, hashtags and places replaced by markers."""
    text = html.unescape(text)
    retweet = _RETWEET.match(text)
    if retweet:
        text = f"{RETWEET_MASK} " + text[retweet.end() :]
    text = URL_PATTERN.sub(f" {URL_MASK} ", text)
    text = _USER.sub(f" {USER_MASK} ", text)
    if settings.mask_places:
        text = _PLACE.sub(_place, text)
    if settings.keep_hashtag_words:
        text = _HASHTAG.sub(rf" {HASHTAG_MASK} \1 ", text)
    else:
        text = _HASHTAG.sub(f" {HASHTAG_MASK} ", text)
    text = _NUMBER.sub(f" {NUMBER_MASK} ", text)
    return _fold(text)


def feature_strings(text: str, settings: FeatureSettings) -> list[str]:
    """Distinct word n-grams ("w:") and within-word character n-grams ("c:"), sorted."""
    words = _WORD.findall(mask(text, settings))
    found: set[str] = set()
    for n in range(1, settings.word_ngrams + 1):
        for i in range(len(words) - n + 1):
            found.add("w:" + " ".join(words[i : i + n]))
    for word in words:
        if word in MASKS:
            continue
        padded = f" {word} "
        for n in range(settings.char_min, settings.char_max + 1):
            for i in range(len(padded) - n + 1):
                found.add("c:" + padded[i : i + n])
    return sorted(found)


def crc_bucket(feature: str, settings: FeatureSettings) -> int:
    """The bucket of one n-gram: CRC-32 of its UTF-8 bytes, low bits."""
    return zlib.crc32(feature.encode("utf-8")) & (settings.buckets - 1)


def bucket_counts(text: str, settings: FeatureSettings) -> dict[int, int]:
    """Bucket -> how many distinct n-grams of the post fell into it, by bucket."""
    counts: dict[int, int] = {}
    for feature in feature_strings(text, settings):
        bucket = crc_bucket(feature, settings)
        counts[bucket] = counts.get(bucket, 0) + 1
    return dict(sorted(counts.items()))
