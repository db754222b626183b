"""Tokenizer shared by posts and queries: words, #hashtags and @mentions; links set aside."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# '#'/'@' only mark a hashtag/mention at the start of a token, so "me@example.com" stays words.
TOKEN_RE = re.compile(r"(?:(?<!\w)[#@])?\w+")
_HOST_RE = re.compile(r"[\w.-]+")
# Joins tokens so one C-level casefold does them all; "\0" is never part of a token.
_SEPARATOR = "\0"


def scan(text: str) -> list[str]:
    """Normalized tokens in order: "flood", "#flood" (hashtag), "@name" (mention); no URLs."""
    return scan_with_links(text)[0]


def scan_with_links(text: str) -> tuple[list[str], list[str]]:
    """`scan`'s tokens, and the links written in the text (which are not tokens)."""
    links = written_links(text)
    if links:
        text = URL_RE.sub(" ", text)
    found = TOKEN_RE.findall(text)
    # Case folding maps each character on its own, so folding the joined tokens is the
    # same as folding each one, without a Python-level loop over the tokens.
    tokens = _SEPARATOR.join(found).casefold().split(_SEPARATOR) if found else []
    return tokens, links


def written_links(text: str) -> list[str]:
    """The http(s):// and www. links written in a text."""
    # Most posts have no link, and these substring tests cost a tenth of the regex.
    if "://" in text or "www." in text.lower():
        return URL_RE.findall(text)
    return []


def words(text: str) -> list[str]:
    """Lowercased word and hashtag tokens of a text ("#tag"), without URLs or @mentions."""
    return [token for token in scan(text) if token[0] != "@"]


def domain_of(url: str) -> str | None:
    """Lowercased host of a URL ("https://www.CBC.ca/news" -> "www.cbc.ca"), scheme optional."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    # Text URLs drag trailing punctuation along ("see www.cbc.ca," or "(cbc.ca)").
    found = _HOST_RE.match(host.casefold())
    domain = found.group(0).strip(".") if found else ""
    return domain or None


def normalize_lang(value: str) -> str:
    return value.strip().casefold().replace("_", "-")


def normalize_handle(value: str) -> str:
    return value.strip().lstrip("@").casefold()


def normalize_name(value: str) -> str:
    return value.strip().casefold()
