"""Feed dates feedparser gives up on: the common malformed variants real servers send."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_FULL_NAMES = re.compile(r"\b(" + "|".join(_DAYS + _MONTHS) + r")\b", re.IGNORECASE)
_COLON_OFFSET = re.compile(r"([+-]\d\d):(\d\d)$")
_ZONES = {  # North American and European abbreviations feeds use; RFC 822 knows only some
    "UTC": 0,
    "GMT": 0,
    "UT": 0,
    "Z": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "AST": -4,
    "ADT": -3,
    "NST": -3.5,
    "NDT": -2.5,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AEST": 10,
    "AEDT": 11,
}
_STRPTIME = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%d %b %Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
)


def parse_loose_date(value: object) -> datetime | None:
    """Aware UTC time from a malformed RFC 822 or ISO 8601 date, or None if none fits."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = _normalize(value)
    text, offset = _split_zone(text)
    if re.search(r"\b[AP]M$", text, re.IGNORECASE):  # email.utils would ignore the PM
        parsed = _formats(text)
    else:
        parsed = _rfc822(text) or _iso(text) or _formats(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=offset or UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _normalize(value: str) -> str:
    text = re.sub(r",(?=\S)", ", ", value.strip())  # "Fri,24 Nov" -> "Fri, 24 Nov"
    text = _FULL_NAMES.sub(lambda m: m.group(1)[:3].title(), text.replace("Sept", "Sep"))
    text = re.sub(r"\s+", " ", text).replace(".", " ").replace(" ,", ",")
    return _COLON_OFFSET.sub(r"\1\2", text.strip())


def _split_zone(text: str) -> tuple[str, timezone | None]:
    head, _, last = text.rpartition(" ")
    hours = _ZONES.get(last.upper()) if head else None
    if hours is None:
        return text, None
    return head, timezone(timedelta(hours=hours))


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        return None


def _formats(text: str) -> datetime | None:
    for form in _STRPTIME:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None
