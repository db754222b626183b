"""Document (a post as the matcher sees it) and AnalyzedPost (tokenized once per match)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from commands.query.text import (
    domain_of,
    normalize_handle,
    normalize_lang,
    normalize_name,
    scan_with_links,
)


@dataclass(frozen=True)
class Document:
    text: str
    lang: str | None = None
    source: str | None = None
    source_name: str | None = None
    author: str | None = None
    links: tuple[str, ...] = ()


_EMPTY: frozenset[str] = frozenset()


class AnalyzedPost:
    """A post's tokens by position plus the values the query fields look at, all lowercased.

    `tokens[i]` is "flood", "#flood" or "@name"; `positions` maps each of those strings to
    where it occurs; `terms` maps the bare text of words and hashtags alike ("flood" for
    both "flood" and "#flood"), which is what a bare query term looks up. `words` holds
    those bare terms and the hashtags and mentions with their marker; `tags` the
    hashtags and mentions alone; `text_links` the links written in the text (they are
    not tokens); `field_keys` the field values as "lang:en", "site:cbc.ca",
    "source:mastodon", "author:name". `keys`, the inverted-index keys (see
    commands.query.triggers), are `words` and `field_keys` together.

    Matching probes `words` and `field_keys` directly, and most posts match nothing, so
    `keys`, `positions` and `terms` are built the first time they are read.
    """

    __slots__ = (
        "_keys",
        "_positions",
        "_terms",
        "author",
        "domains",
        "field_keys",
        "lang",
        "sources",
        "tags",
        "text_links",
        "tokens",
        "words",
    )

    def __init__(
        self,
        tokens: tuple[str, ...],
        domains: frozenset[str],
        lang: str | None,
        sources: frozenset[str],
        author: str | None,
        text_links: tuple[str, ...] = (),
    ) -> None:
        self.tokens = tokens
        self.text_links = text_links
        self.domains = domains
        self.lang = lang
        self.sources = sources
        self.author = author
        words = set(tokens)
        tags = _EMPTY
        # '#' and '@' only ever start a token: one C-level test spares most posts a loop.
        joined = "".join(words)
        if "#" in joined or "@" in joined:
            tags = frozenset(token for token in words if token[0] in "#@")
            words.update([tag[1:] for tag in tags if tag[0] == "#"])
        self.tags = tags
        self.words: AbstractSet[str] = words
        self.field_keys = _field_keys(domains, lang, sources, author)
        self._keys: AbstractSet[str] | None = None
        self._positions: dict[str, list[int]] | None = None
        self._terms: dict[str, list[int]] | None = None

    @property
    def keys(self) -> AbstractSet[str]:
        if self._keys is None:
            self._keys = {*self.words, *self.field_keys}
        return self._keys

    @property
    def positions(self) -> Mapping[str, Sequence[int]]:
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for index, token in enumerate(self.tokens):
                found = positions.get(token)
                if found is None:
                    positions[token] = [index]
                else:
                    found.append(index)
            self._positions = positions
        return self._positions

    @property
    def terms(self) -> Mapping[str, Sequence[int]]:
        if self._terms is None:
            positions = self.positions
            terms = {token: list(at) for token, at in positions.items() if token[0] not in "#@"}
            for tag in self.tags:
                if tag[0] == "#":
                    word = terms.get(tag[1:])
                    at = list(positions[tag])
                    terms[tag[1:]] = at if word is None else sorted(word + at)
            self._terms = terms
        return self._terms


# Characters of a post's text that matching reads: a long article's first few thousand
# words. Beyond this, tokenizing and positional operators would only make one huge post
# cost what thousands of ordinary ones do.
MAX_MATCHED_CHARS = 20_000


def matched_text(text: str) -> str:
    """The part of a post's text that queries are matched against."""
    return text if len(text) <= MAX_MATCHED_CHARS else text[:MAX_MATCHED_CHARS]


def analyze(doc: Document) -> AnalyzedPost:
    tokens, text_links = scan_with_links(matched_text(doc.text))
    return AnalyzedPost(tuple(tokens), *_fields(doc, text_links), text_links=tuple(text_links))


def field_keys_of(doc: Document, text_links: Sequence[str], *, sites: bool = True) -> list[str]:
    """`analyze(doc).field_keys`, given the links written in the text, without tokenizing it.

    Without `sites`, link domains are left out: working them out is most of the cost, and
    a matcher with no `site:` topic has no use for them.
    """
    return _field_keys(*_fields(doc, text_links, sites=sites))


def _fields(
    doc: Document, text_links: Sequence[str], *, sites: bool = True
) -> tuple[frozenset[str], str | None, frozenset[str], str | None]:
    """A post's link domains, language, source names and author, normalized."""
    links = (*doc.links, *text_links) if text_links else doc.links
    return (
        frozenset({d for link in links if (d := domain_of(link))}) if links and sites else _EMPTY,
        normalize_lang(doc.lang) if doc.lang else None,
        _sources(doc.source, doc.source_name),
        normalize_handle(doc.author) if doc.author else None,
    )


def _field_keys(
    domains: frozenset[str], lang: str | None, sources: frozenset[str], author: str | None
) -> list[str]:
    keys = list(_lang_keys(lang)) if lang else []
    for domain in domains:
        keys.extend(_site_keys(domain))
    keys.extend(_source_keys(sources))
    if author:
        keys.append("author:" + author)
    return keys


# A batch repeats a few languages, sources and domains: their keys are worked out once.
@functools.lru_cache(maxsize=1024)
def _sources(*names: str | None) -> frozenset[str]:
    return frozenset(normalize_name(name) for name in names if name)


@functools.lru_cache(maxsize=1024)
def _lang_keys(lang: str) -> tuple[str, ...]:
    parts = lang.split("-")
    return tuple("lang:" + "-".join(parts[:count]) for count in range(1, len(parts) + 1))


@functools.lru_cache(maxsize=4096)
def _site_keys(domain: str) -> tuple[str, ...]:
    labels = domain.split(".")
    return tuple("site:" + ".".join(labels[start:]) for start in range(len(labels)))


@functools.lru_cache(maxsize=1024)
def _source_keys(sources: frozenset[str]) -> tuple[str, ...]:
    return tuple("source:" + source for source in sources)
