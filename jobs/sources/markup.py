"""Turn the HTML that Mastodon and feeds send into readable plain text plus its links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from jobs.sources.common import unique
from jobs.sources.links import clean_link, web_url

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "tr", "table", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "template", "head", "title"})
# Mastodon marks @mentions and #hashtags as links; they are not links the post shares.
_NON_CONTENT_LINK_CLASSES = frozenset({"mention", "hashtag", "u-url"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")
        elif tag == "a":
            self._collect_link(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(self._skip_depth - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.chunks.append(data)

    def _collect_link(self, attrs: dict[str, str | None]) -> None:
        href = (attrs.get("href") or "").strip()
        classes = set((attrs.get("class") or "").split())
        rel = set((attrs.get("rel") or "").split())
        # Twitter's own HTML puts the expanded address in `title`; feedparser's sanitizer
        # keeps `title` and drops data-* attributes, so both are looked at.
        expanded = web_url(attrs.get("data-expanded-url")) or web_url(attrs.get("title"))
        if expanded and _is_shortener(href):
            href = expanded  # t.co and friends: the feed tells us where the link goes
        if classes & _NON_CONTENT_LINK_CLASSES or "tag" in rel:
            return
        link = clean_link(href)
        if link:
            self.links.append(link)


def _is_shortener(href: str) -> bool:
    host = href.split("//", 1)[-1].split("/", 1)[0].lower()
    return host in ("t.co", "www.t.co")


def html_to_text(markup: str) -> tuple[str, tuple[str, ...]]:
    """Return (text, links): blocks become line breaks, entities are decoded.

    Links are web URLs only (relative ones are dropped), known redirectors unwrapped.
    """
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
        raw = "".join(collector.chunks)
    except (AssertionError, ValueError):
        # html.parser can still trip on exotic declarations; plain tag stripping is enough.
        raw = _TAG.sub(" ", markup)
    return tidy_text(raw), unique(collector.links)


def tidy_text(raw: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
