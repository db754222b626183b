"""What an import yields, and the field rules shared by the JSONL and CSV formats."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar, cast

from jobs.sources.base import RawPost

REQUIRED_FIELDS = ("id", "source", "text", "created_at")
OPTIONAL_FIELDS = ("author", "author_followers", "likes", "reposts", "replies", "lang", "url")
TIME_EXAMPLE = "2024-05-01T09:30:00Z"


@dataclass(frozen=True, slots=True)
class ImportedPost:
    """A post read from `line`; `source` names the source the caller should file it under."""

    source: str
    post: RawPost
    line: int


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A row that was skipped: where it is and what to change."""

    line: int
    message: str


ImportRow = ImportedPost | ImportProblem
T = TypeVar("T")


class FieldError(ValueError):
    """One field's value is unusable; the message says how to fix it."""


def parse_created_at(value: object) -> datetime:
    """ISO 8601 date-time to aware UTC; no offset means UTC, `Z` is accepted."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"created_at must be an ISO 8601 date-time such as {TIME_EXAMPLE}")
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise FieldError(
            f"created_at {value.strip()[:40]!r} is not an ISO 8601 date-time;"
            f" write it like {TIME_EXAMPLE} (no offset means UTC)"
        ) from None


def parse_count(name: str, value: object) -> int:
    """A non-negative whole number from JSON (int) or CSV (digits); blank means 0."""
    if type(value) is int and value >= 0:  # JSON's usual case first; bool is not int here
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        return int(value.strip())
    shown = value.strip()[:20] if isinstance(value, str) else value
    raise FieldError(f"{name} {shown!r} is not a whole number; use a non-negative integer like 12")


def parse_optional_count(name: str, value: object) -> int | None:
    """Like `parse_count`, but blank means unknown (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_count(name, value)


def required_text(name: str, value: object) -> str:
    """A non-blank string (an integer is accepted for `id`)."""
    if isinstance(value, str) and (stripped := value.strip()):
        return value if name == "text" else stripped
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise FieldError(
        f"missing required field {name!r}; every row needs {', '.join(REQUIRED_FIELDS)}"
    )


def optional_text(name: str, value: object) -> str | None:
    """A string or nothing; blank means nothing."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    raise FieldError(f"{name} must be text (a JSON string), not {type(value).__name__}")


class _Collector:
    """Runs field parsers, keeping every error so one problem lists them all."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.errors: list[str] = []

    def take(self, parse: Callable[[str, object], T], name: str) -> T:
        try:
            return parse(name, self.fields.get(name))
        except FieldError as error:
            self.errors.append(str(error))
            # Never used: the post is discarded whenever `errors` is non-empty.
            return cast(T, None)


def post_from_fields(fields: Mapping[str, object], line: int) -> ImportRow:
    """Build an ImportedPost, or one ImportProblem listing every unusable field."""
    return _usual_post(fields, line) or _checked_post(fields, line)


def _checked_post(fields: Mapping[str, object], line: int) -> ImportRow:
    got = _Collector(fields)
    source = got.take(required_text, "source")
    post = RawPost(
        external_id=got.take(required_text, "id"),
        text=got.take(required_text, "text"),
        created_at=got.take(lambda _, value: parse_created_at(value), "created_at"),
        author=got.take(optional_text, "author"),
        author_followers=got.take(parse_optional_count, "author_followers"),
        url=got.take(optional_text, "url"),
        lang=got.take(optional_text, "lang"),
        likes=got.take(parse_count, "likes"),
        reposts=got.take(parse_count, "reposts"),
        replies=got.take(parse_count, "replies"),
    )
    if got.errors:
        return ImportProblem(line, "; ".join(got.errors))
    return ImportedPost(source=source, post=post, line=line)


def _usual_post(fields: Mapping[str, object], line: int) -> ImportedPost | None:
    """`_checked_post` for a row of the usual types (JSON strings and integers), or None.

    Parsing every field through the collector cost more than decoding the JSON; most
    rows are well formed, so they take this path, and anything unusual (a number as a
    string, a missing field, a bad date) goes the checked way, which explains it.
    """
    get = fields.get
    source, external_id, text = get("source"), get("id"), get("text")
    created_at, author, url, lang = get("created_at"), get("author"), get("url"), get("lang")
    followers, likes, reposts, replies = (
        get("author_followers"),
        get("likes", 0),
        get("reposts", 0),
        get("replies", 0),
    )
    if not (
        type(source) is str
        and type(external_id) is str
        and type(text) is str
        and type(created_at) is str
        and (author is None or type(author) is str)
        and (url is None or type(url) is str)
        and (lang is None or type(lang) is str)
        and (followers is None or (type(followers) is int and followers >= 0))
        and (likes is None or (type(likes) is int and likes >= 0))
        and (reposts is None or (type(reposts) is int and reposts >= 0))
        and (replies is None or (type(replies) is int and replies >= 0))
    ):
        return None
    source, external_id = source.strip(), external_id.strip()
    if not source or not external_id or not text.strip():
        return None
    try:
        created = datetime.fromisoformat(created_at.strip())
    except (ValueError, OverflowError):
        return None
    post = RawPost(
        external_id=external_id,
        text=text,
        created_at=created.replace(tzinfo=UTC)
        if created.tzinfo is None
        else created.astimezone(UTC),
        author=author.strip() or None if author is not None else None,
        author_followers=followers,
        url=url.strip() or None if url is not None else None,
        lang=lang.strip() or None if lang is not None else None,
        likes=likes or 0,
        reposts=reposts or 0,
        replies=replies or 0,
    )
    return ImportedPost(source=source, post=post, line=line)
