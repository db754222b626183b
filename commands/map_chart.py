"""The places map: a scatter of places sized by posts, offline, over the gazetteer's extent.

No basemap or outlines are drawn: no shape file ships with Earshot's dependencies, and a
map fetched from a tile server would break the offline promise. Axes are longitude and
latitude, with the aspect corrected for latitude so distances look right locally.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from commands.chart_text import fit
from commands.charts import BLUE, GREY, ORANGE, Chart, _empty_chart, _figure, _png, drawable
from commands.gazetteer import Found

LABELS = 10
PAD = 0.1  # share of the extent added on each side


def map_chart(
    title: str,
    places: Sequence[tuple[Found, int]],
    extent: tuple[float, float, float, float] | None = None,
) -> Chart:
    """Circles with area proportional to posts; the busiest places are labelled."""
    if not places:
        return _empty_chart(title)
    figure, axes = _figure(title, twin_axis=False)
    figure.subplots_adjust(bottom=0.12)
    lons = [p.lon for p, _ in places]
    lats = [p.lat for p, _ in places]
    top = max(n for _, n in places)
    sizes = [30 + 900 * n / top for _, n in places]
    colours = [BLUE if p.local else ORANGE for p, _ in places]
    axes.scatter(lons, lats, s=sizes, c=colours, alpha=0.6, edgecolors=GREY, linewidths=0.8)
    for place, count in list(places)[:LABELS]:
        axes.annotate(
            drawable(f"{fit(place.name, 24)} ({count})"),
            (place.lon, place.lat),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
        )
    west, east, south, north = extent or (min(lons), max(lons), min(lats), max(lats))
    west, east = min(west, *lons), max(east, *lons)
    south, north = min(south, *lats), max(north, *lats)
    pad_x = max((east - west) * PAD, 0.01)
    pad_y = max((north - south) * PAD, 0.01)
    axes.set_xlim(west - pad_x, east + pad_x)
    axes.set_ylim(south - pad_y, north + pad_y)
    middle = math.radians((south + north) / 2)
    axes.set_aspect(1 / max(math.cos(middle), 0.1), adjustable="datalim")
    axes.set_xlabel("Longitude")
    axes.set_ylabel("Latitude")
    axes.grid(color="#dddddd", linewidth=0.5)
    named = ", ".join(f"{p.name} {n}" for p, n in list(places)[:8])
    alt = fit(f"{title}: map of {len(places)} places by posts: {named}.", 1000)
    return Chart(_png(figure), alt, title)
