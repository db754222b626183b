"""One feedparser entry to a post: stable id, readable time, web links only."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from jobs.sources.base import RawPost
from jobs.sources.common import as_str, normalize_lang, unique
from jobs.sources.dates import parse_loose_date
from jobs.sources.links import clean_link
from jobs.sources.markup import html_to_text, tidy_text

_DATE_KEYS = ("published", "updated", "created")
_GUID = re.compile(r"<guid\b[^>]*>\s*([^<\s]+)\s*</guid\s*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FeedContext:
    """What an entry is read against.

    `feed_url` is the URL as configured: ids are resolved against it and hashed with it, so
    they do not change when the feed moves. `now` stands in for a time the feed does not
    give.
    """

    feed_url: str
    now: datetime
    lang: str | None = None
    # A bare `<guid>570</guid>` without a <link>: feedparser makes "https://host/570" its
    # link, a page that most likely does not exist. These are those made-up links.
    guessed_links: frozenset[str] = frozenset()
    unreadable_dates: list[str] = field(default_factory=list)


def entry_to_post(entry: Any, id_entry: Any, ctx: FeedContext) -> RawPost | None:
    """`entry` was parsed against the final URL, `id_entry` (the same item) against the
    configured one: feedparser resolves a bare `<guid>570</guid>` against its base URL."""
    if not isinstance(entry, Mapping) or not isinstance(id_entry, Mapping):
        return None
    title = _plain(entry, "title")
    summary, summary_links = html_to_text(as_str(entry.get("summary")) or "")
    link = clean_link(as_str(entry.get("link")))
    if entry.get("guidislink") and link in ctx.guessed_links:
        link = None
    if not (title or summary or link):
        return None
    created_at, raw_date = _entry_time(entry, ctx)
    external_id = (as_str(id_entry.get("id")) or "").strip() or link
    if external_id is None:
        author = as_str(entry.get("author"))
        external_id = _digest(ctx.feed_url, title, summary, author, raw_date)
    detail = entry.get("summary_detail") or entry.get("title_detail") or {}
    lang = normalize_lang(detail.get("language") if isinstance(detail, Mapping) else None)
    return RawPost(
        external_id=external_id,
        text="\n".join(part for part in (title, summary) if part),
        created_at=created_at or ctx.now,
        author=as_str(entry.get("author")),
        url=link,
        lang=lang or ctx.lang,
        links=unique([link or "", *summary_links]),
        time_estimated=created_at is None,
    )


def guessed_links(text: str, *bases: str) -> frozenset[str]:
    """The links feedparser would make of relative guids, resolved against each base."""
    relative = {g for g in _GUID.findall(text) if not urlsplit(g).scheme}
    return frozenset(urljoin(base, guid) for guid in relative for base in bases)


def _plain(entry: Mapping[str, Any], key: str) -> str:
    """feedparser decodes plain-text fields already; only HTML ones need stripping."""
    value = as_str(entry.get(key)) or ""
    detail = entry.get(f"{key}_detail")
    is_html = isinstance(detail, Mapping) and "html" in str(detail.get("type", ""))
    return html_to_text(value)[0] if is_html else tidy_text(value)


def _entry_time(entry: Mapping[str, Any], ctx: FeedContext) -> tuple[datetime | None, str]:
    """(time, the date text it came from); a date nobody can read is noted for health."""
    raw = ""
    for key in _DATE_KEYS:
        value = entry.get(f"{key}_parsed")
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC), as_str(entry.get(key)) or ""
            except (TypeError, ValueError):
                pass
        text = as_str(entry.get(key))
        if text:
            loose = parse_loose_date(text)
            if loose is not None:
                return loose, text
            raw = raw or text
    if raw:
        ctx.unreadable_dates.append(raw[:60])
    return None, raw


def _digest(*parts: object) -> str:
    return "sha1:" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()


def unreadable_dates_warning(ctx: FeedContext, undated: int) -> str | None:
    """What source health says when some items' times are guesses."""
    if not ctx.unreadable_dates and not undated:
        return None
    if ctx.unreadable_dates:
        example = ctx.unreadable_dates[0]
        return (
            f"{len(ctx.unreadable_dates)} item(s) have a date Earshot cannot read "
            f"(e.g. {example!r}); they are kept with the scan time as an estimated date. "
            "Ask the feed's owner to use RFC 822 dates"
        )
    return (
        f"{undated} item(s) have no date; they are kept with the time Earshot first saw them "
        "(estimated)"
    )
