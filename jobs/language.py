"""Offline language identification for posts whose source gives no language.

py3langid (BSD; its Naive Bayes model ships inside the wheel, so nothing is downloaded)
names the language of the post's own words: links, @handles, hashtags, numbers and a
leading "RT" are removed first, since they are the same in every language. A post with
too few letters left, or on which the model is unsure, gets "und" (undetermined), which
is still scored as English would be: the one thing we must not do is score Spanish or
Tagalog with an English lexicon, and "und" posts are mostly short English chatter.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
MIN_LETTERS = 12  # below this, character statistics say little
MIN_CONFIDENCE = 0.6
# Languages residents of the places Earshot serves write in; restricting the model to them
# keeps it from calling short English posts Latin or Luxembourgish, and makes it faster.
LANGUAGES = (
    "en es fr pt it de nl tl vi zh ja ko ar fa hi ur pa bn ru uk pl ro tr el id ms sw am "
    "so ht th km"
).split()
_STRIP = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+|^\s*rt\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _identifier() -> Any:
    with _lock:  # loading the model takes about a second: once per process
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(LANGUAGES)
    return identifier


def detect_language(text: str) -> str:
    """An ISO 639-1 code for the post's language, or "und" when it cannot be told."""
    words = _STRIP.sub(" ", text)
    if len(_LETTER.findall(words)) < MIN_LETTERS:
        return UNDETERMINED
    lang, confidence = _identifier().classify(words)
    return str(lang) if confidence >= MIN_CONFIDENCE else UNDETERMINED


def language_of(text: str, given: str | None) -> str:
    """The source's language when it gave one, otherwise the detected one."""
    if given and given.strip():
        return given.strip()
    return detect_language(text)
