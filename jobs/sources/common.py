"""Small helpers every connector shares: cursors, timestamps, defensive field access."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from jobs.sources.base import RawPost

DEFAULT_MAX_PAGES = 5
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\]\[)(]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?*_~"


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """Decode an opaque cursor; an unreadable one means "start fresh" rather than failing."""
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def dump_cursor(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def parse_time(value: object) -> datetime | None:
    """Read an ISO 8601 timestamp (``Z`` or offset) as aware UTC; None when unusable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def from_epoch(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def as_count(value: object) -> int:
    """A non-negative count; anything else (missing, null, bool, junk) counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if value != value or value in (float("inf"), float("-inf")):
        return 0
    return max(int(value), 0)


def as_optional_count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return as_count(value)


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def normalize_lang(value: object) -> str | None:
    """Keep the primary language subtag ("en-US" -> "en") so every source agrees."""
    text = as_str(value)
    if text is None:
        return None
    primary = text.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 8 else None


def urls_in_text(text: str) -> list[str]:
    return [match.rstrip(_TRAILING_PUNCTUATION) for match in _URL_IN_TEXT.findall(text)]


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def oldest_first(posts: Iterable[RawPost]) -> list[RawPost]:
    """Order by time, then id, dropping repeats that overlapping pages can produce."""
    by_id = {post.external_id: post for post in posts}
    return sorted(by_id.values(), key=lambda post: (post.created_at, post.external_id))


def max_pages_setting(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_MAX_PAGES
    if not value.strip().isdigit() or not 1 <= int(value) <= 50:
        raise ValueError(f"max_pages must be a whole number from 1 to 50, got {value!r}")
    return int(value)


def split_newer(
    posts: Iterable[RawPost], since: datetime | None, boundary: set[str]
) -> tuple[list[RawPost], bool]:
    """Keep posts newer than `since` (inclusive APIs send the boundary posts again).

    Returns the kept posts and whether an already-seen post was reached (caught up).
    """
    kept: list[RawPost] = []
    caught_up = False
    for post in posts:
        seen = since is not None and (
            post.created_at < since or (post.created_at == since and post.external_id in boundary)
        )
        if seen:
            caught_up = True
        else:
            kept.append(post)
    return kept, caught_up


def boundary_cursor(
    posts: list[RawPost], since: datetime | None, boundary: set[str], cursor: str | None
) -> str | None:
    """Cursor = newest time seen plus the ids at exactly that time, or the old one if no posts."""
    if not posts:
        return cursor
    newest = max(post.created_at for post in posts)
    edge = {post.external_id for post in posts if post.created_at == newest}
    if since is not None and newest == since:
        edge |= boundary
    return dump_cursor({"since": iso(newest), "boundary": sorted(edge)})


def read_boundary(cursor: str | None) -> tuple[datetime | None, set[str]]:
    state = load_cursor(cursor)
    boundary = {item for item in as_list(state.get("boundary")) if isinstance(item, str)}
    return parse_time(state.get("since")), boundary
