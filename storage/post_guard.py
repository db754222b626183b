"""Per-post validation at the edge of storage, so one odd post never blocks a batch.

Sources and files hand us whatever the internet holds: NUL characters (PostgreSQL text
refuses them), lone UTF-16 surrogates (neither database can encode them), ids, handles
and links longer than their columns, counts past 32 or 64 bits. `guard_posts` cleans
what it can (strips NUL and lone surrogates, truncates with a marker, clamps counts) and
sets aside what it cannot; `find_unstorable` finds, one post at a time in a transaction
that is rolled back, any post the database still refuses. Both say which post and why,
so the source's health and the import's report can name it while the rest is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

MARKER = "…"  # ends a truncated value, so a reader sees it was cut
MAX_COUNT = 2**31 - 1  # likes, reposts, replies and followers are INTEGER columns
# Column limits of `storage.models.Post` (a test checks they agree).
LIMITS = {"external_id": 200, "author": 200, "url": 2000, "lang": 16}
MAX_LINK = 2000
MAX_TEXT = 100_000  # characters kept of a post's text (matching and scoring cap lower)
_BAD_CHARS = dict.fromkeys([0, *range(0xD800, 0xE000)])  # NUL and every surrogate
# Errors that say "this row's values" rather than "the database is unwell": only these
# send a batch looking for the post to set aside; the rest fail the batch as before.
ROW_ERRORS = (DataError, IntegrityError, OverflowError, UnicodeError, ValueError)

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Rejected:
    """A post set aside: its (cleaned, possibly shortened) id and what was wrong."""

    external_id: str
    reason: str
    position: int | None = None  # index in the list `guard_posts` was given


def clean(value: str) -> str:
    """Without NUL characters and lone surrogates (fast for the usual clean text)."""
    if value.isascii():
        return value.replace("\x00", "") if "\x00" in value else value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.translate(_BAD_CHARS)
    return value.replace("\x00", "") if "\x00" in value else value


def shorten(value: str, limit: int) -> str:
    """At most `limit` characters, ending with the marker when cut."""
    return value if len(value) <= limit else value[: limit - len(MARKER)] + MARKER


def short_id(value: str, limit: int = LIMITS["external_id"]) -> str:
    """An id that fits its column and stays unique: a long id keeps a prefix and a digest,
    so two long ids sharing a prefix are still two posts, and the same id stays the same."""
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"{value[: limit - len(digest) - 1]}~{digest}"


def clamp(value: Any) -> int:
    """A count within 0..2^31-1 (a negative or non-numeric count is 0)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return min(max(number, 0), MAX_COUNT)


def guard_post(post: P) -> P:
    """The post with every text field cleaned and cut to its column, counts clamped.

    Raises ValueError for what cleaning cannot fix (no id, no usable time)."""
    fields: Any = post
    external_id = short_id(clean(str(fields.external_id or "")))
    if not external_id:
        raise ValueError("the post has no id")
    created = fields.created_at
    if not isinstance(created, datetime) or created.tzinfo is None:
        raise ValueError(f"post {external_id}: its time {created!r} is not an aware datetime")
    try:
        created.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"post {external_id}: its time {created!r} is out of range") from exc
    author, url, lang = fields.author, fields.url, fields.lang
    followers = fields.author_followers
    changes: dict[str, Any] = {
        "external_id": external_id,
        "text": shorten(clean(str(fields.text or "")), MAX_TEXT),
        "author": None if author is None else shorten(clean(str(author)), LIMITS["author"]),
        "url": None if url is None else shorten(clean(str(url)), LIMITS["url"]),
        "lang": None if lang is None else clean(str(lang))[: LIMITS["lang"]] or None,
        "author_followers": None if followers is None else clamp(followers),
        "likes": clamp(fields.likes),
        "reposts": clamp(fields.reposts),
        "replies": clamp(fields.replies),
        "links": tuple(shorten(clean(str(link)), MAX_LINK) for link in fields.links),
    }
    if all(getattr(post, name) == value for name, value in changes.items()):
        return post  # the usual case: nothing to copy
    return replace(post, **changes)  # type: ignore[type-var]


def guard_posts(posts: Sequence[P]) -> tuple[list[P], list[Rejected]]:
    """The posts made storable, and those that could not be (with the reason)."""
    kept: list[P] = []
    rejected: list[Rejected] = []
    for position, post in enumerate(posts):
        try:
            kept.append(guard_post(post))
        except ValueError as exc:
            raw_id = short_id(clean(str(getattr(post, "external_id", "") or "")))
            rejected.append(Rejected(raw_id or "(no id)", str(exc), position))
    return kept, rejected


def is_row_error(exc: BaseException) -> bool:
    """True when the database refused a row's values, not when it is down or busy."""
    if isinstance(exc, ROW_ERRORS):
        return True
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        return isinstance(exc.orig, ROW_ERRORS)  # a value its column type refused to bind
    return False


def find_unstorable(
    engine: Engine,
    posts: Sequence[P],
    insert_one: Callable[[Connection, P], None],
) -> tuple[list[P], list[Rejected]]:
    """Try each post alone in a transaction that is rolled back; set aside those refused.

    Only run after a whole batch was refused, so its cost (one round trip a post) is paid
    for odd batches only."""
    kept: list[P] = []
    rejected: list[Rejected] = []
    with engine.connect() as conn:
        for post in posts:
            trans = conn.begin()
            try:
                insert_one(conn, post)
            except Exception as exc:
                if not is_row_error(exc):
                    raise
                reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
                rejected.append(Rejected(getattr(post, "external_id", "?"), reason))
            else:
                kept.append(post)
            finally:
                trans.rollback()
    return kept, rejected


def describe(rejected: Sequence[Rejected], limit: int = 3) -> str:
    """One line for source health: how many posts were set aside, which and why."""
    shown = "; ".join(f"{r.external_id[:60]}: {r.reason[:120]}" for r in rejected[:limit])
    more = f" and {len(rejected) - limit} more" if len(rejected) > limit else ""
    noun = "post" if len(rejected) == 1 else "posts"
    return f"skipped {len(rejected)} {noun} that could not be stored ({shown}{more})"
