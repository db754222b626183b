"""Document (a post as the matcher sees it) and AnalyzedPost (tokenized once per match)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from commands.query.text import (
    domain_of,
    link_domains,
    normalize_handle,
    normalize_lang,
    normalize_name,
    scan,
)


@dataclass(frozen=True)
class Document:
    text: str
    lang: str | None = None
    source: str | None = None
    source_name: str | None = None
    author: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnalyzedPost:
    """A post's tokens by position plus the values the query fields look at, all lowercased.

    `tokens[i]` is "flood", "#flood" or "@name"; `positions` maps each of those strings to
    where it occurs; `terms` maps the bare text of words and hashtags alike ("flood" for
    both "flood" and "#flood"), which is what a bare query term looks up. `keys` are the
    inverted-index keys the Matcher probes (see commands.query.triggers); `tags` are the
    hashtags and mentions with their marker, which the Matcher probes for prefixes.
    """

    tokens: tuple[str, ...]
    positions: Mapping[str, Sequence[int]]
    terms: Mapping[str, Sequence[int]]
    domains: frozenset[str]
    lang: str | None
    sources: frozenset[str]
    author: str | None
    keys: frozenset[str]
    tags: frozenset[str]


def analyze(doc: Document) -> AnalyzedPost:
    tokens = tuple(scan(doc.text))
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        found = positions.get(token)
        if found is None:
            positions[token] = [index]
        else:
            found.append(index)
    tags = frozenset(token for token in positions if token[0] in "#@")
    terms = {token: found for token, found in positions.items() if token[0] not in "#@"}
    for tag in tags:
        if tag[0] == "#":
            word = terms.get(tag[1:])
            # A new list: the word's own list is shared with `positions`.
            terms[tag[1:]] = positions[tag] if word is None else sorted(word + positions[tag])
    domains = {d for link in doc.links if (d := domain_of(link))}
    domains.update(link_domains(doc.text))
    lang = normalize_lang(doc.lang) if doc.lang else None
    sources = frozenset(normalize_name(s) for s in (doc.source, doc.source_name) if s)
    author = normalize_handle(doc.author) if doc.author else None
    keys = set(terms)
    keys.update(tags)
    keys.update(_field_keys(domains, lang, sources, author))
    return AnalyzedPost(
        tokens=tokens,
        positions=positions,
        terms=terms,
        domains=frozenset(domains),
        lang=lang,
        sources=sources,
        author=author,
        keys=frozenset(keys),
        tags=tags,
    )


def _field_keys(
    domains: set[str], lang: str | None, sources: frozenset[str], author: str | None
) -> Iterator[str]:
    if lang:
        parts = lang.split("-")
        for count in range(1, len(parts) + 1):
            yield "lang:" + "-".join(parts[:count])
    for domain in domains:
        labels = domain.split(".")
        for start in range(len(labels)):
            yield "site:" + ".".join(labels[start:])
    for source in sources:
        yield "source:" + source
    if author:
        yield "author:" + author
