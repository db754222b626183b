"""Periods in command arguments: `24h`, `7d`, `2w`, `30d`, a date, or `DATE..DATE`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from commands.context import UsageError

_RELATIVE = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
PERIOD_HELP = "use 24h, 7d, 2w, 30d, a date like 2026-11-01, or 2026-11-01..2026-11-07"


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime
    label: str

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        return Period(self.start - self.length, self.start, f"previous {self.label}")

    def span(self, tz: str = "UTC") -> str:
        """The exact range covered, e.g. "2013-06-01 00:00 to 2013-06-22 00:00 UTC"
        (the end is excluded), in the reader's zone."""
        zone = ZoneInfo(tz)
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} {tz}"

    @property
    def hourly(self) -> bool:
        """Hourly buckets up to three days, daily beyond."""
        return self.length <= timedelta(days=3)


def looks_like_period(word: str) -> bool:
    return bool(_RELATIVE.match(word.lower()) or _parse_date_or_none(word.split("..")[0]))


def parse_period(text: str | None, now: datetime, tz: str = "UTC", default: str = "7d") -> Period:
    """A half-open [start, end) window; dates are whole local days in `tz`."""
    raw = (text or default).strip().lower()
    match = _RELATIVE.match(raw)
    if match:
        amount = int(match.group(1))
        if amount == 0:
            raise UsageError(f"The period {text!r} is empty: {PERIOD_HELP}.")
        span = _UNITS[match.group(2)] * amount
        if span > timedelta(days=400):
            raise UsageError(f"The period {text!r} is longer than 400 days: choose a shorter one.")
        return Period(now - span, now, f"last {raw}")
    first, _, last = raw.partition("..")
    start_day = _parse_date(first, text)
    end_day = _parse_date(last, text) if last else start_day
    if end_day < start_day:
        raise UsageError(f"The period {text!r} ends before it starts: swap the dates.")
    zone = ZoneInfo(tz)
    start = datetime.combine(start_day, time(0), zone).astimezone(UTC)
    end = datetime.combine(end_day + timedelta(days=1), time(0), zone).astimezone(UTC)
    label = (
        start_day.isoformat() if not last else f"{start_day.isoformat()} to {end_day.isoformat()}"
    )
    return (
        Period(start, min(end, max(now, start)), label)
        if start < now
        else Period(start, end, label)
    )


def since_until(since: str | None, until: str | None, now: datetime, tz: str = "UTC") -> Period:
    """The CLI's `--since 7d|DATE [--until DATE]`: from `--since` up to the end of the
    `--until` day, or up to now without one (a bare date as /sentiment's period argument
    stays one day; here "since June 1" means since then)."""
    period = parse_period(since, now, tz)
    if until:
        end = parse_period(until, now, tz).end
        if end <= period.start:
            raise UsageError("--until is before --since: swap them.")
        return Period(period.start, end, f"{period.label} until {until}")
    if period.start >= now:
        raise UsageError(f"--since {since} is in the future: choose a date before today.")
    single_date = _parse_date_or_none(since or "") is not None
    if single_date and period.end < now:
        return Period(period.start, now, f"since {period.label}")
    return period


def _parse_date(value: str, original: str | None) -> date:
    parsed = _parse_date_or_none(value)
    if parsed is None:
        raise UsageError(f"I can't read the period {original!r}: {PERIOD_HELP}.")
    return parsed


def _parse_date_or_none(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
