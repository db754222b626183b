"""Places mentioned in posts: gazetteer matches (with a map), and a light heuristic.

`build`/`render` count places of the workspace and world gazetteers (`commands.gazetteer`).
The heuristic `places` picks capitalized names and numbered streets right after a locative
word ("on Main St", "in Calgary", "near 5th Ave"), which is how people mention where
something is happening.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from commands import blocks as bk
from commands.charts import Chart
from commands.context import Ctx, Reply, UsageError
from commands.gazetteer import Found, Gazetteer, count_places, parse_csv
from commands.map_chart import map_chart
from commands.period import Period, parse_period
from commands.target import split_period
from storage import reads
from storage.places import Places
from storage.topics import Topics

_NAME = r"(?:[A-Z][A-Za-z'\-]+|\d+(?:st|nd|rd|th))"
_PLACE = re.compile(
    rf"\b(?:in|at|on|near|from|around|across|along|off)\s+((?:{_NAME}\s){{0,2}}{_NAME})"
)
_NOT_PLACES = frozenset(
    "I I'm The This That My Our Your It We They He She You Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday Twitter Facebook RT".split()
)


def places(texts: Iterable[str], limit: int = 5) -> list[tuple[str, int]]:
    """The most mentioned places, each counted once per post."""
    counts: Counter[str] = Counter()
    for text in texts:
        found = {_clean(m.group(1)) for m in _PLACE.finditer(text)}
        counts.update(place for place in found if place)
    return counts.most_common(limit)


def _clean(name: str) -> str:
    words = name.split()
    while words and words[0] in _NOT_PLACES:
        words.pop(0)
    return " ".join(words)


def gazetteer_for(ctx: Ctx) -> Gazetteer:
    return Gazetteer(Places(ctx.engine).all(ctx.team_id))


def build(ctx: Ctx, topic_name: str, period: Period) -> tuple[str, list[tuple[Found, int]]]:
    """Places named in a saved topic's posts over the period, busiest first."""
    for topic in Topics(ctx.engine).all(ctx.team_id):
        if topic.name.lower() == topic_name.strip().lower() and topic.id is not None:
            texts = reads.topic_texts(
                ctx.engine, ctx.team_id, topic.id, period.start, period.end, limit=20_000
            )
            return topic.name, count_places(gazetteer_for(ctx), (t for t, _ in texts))
    raise UsageError(f"No topic named {topic_name!r}. `/earshot topics list` shows them.")


def render(ctx: Ctx, name: str, period: Period, found: list[tuple[Found, int]]) -> Reply:
    title = f"Places named · {name}, {period.label}"
    data = {
        "places": [
            {"name": p.name, "posts": n, "lat": p.lat, "lon": p.lon, "local": p.local}
            for p, n in found
        ]
    }
    if not found:
        return Reply(text=f"{title}: no known place named.", ephemeral=True, data=data)
    lines = [f"• {bk.escape_mrkdwn(p.name)}: {n:,} posts" for p, n in found[:15]]
    text = f"*{bk.escape_mrkdwn(title)}*\n" + "\n".join(lines)
    chart = map_chart(title, found[:200], gazetteer_for(ctx).extent())
    return Reply(text=text, blocks=[bk.section(text)], chart=chart, data=data)


def import_csv(ctx: Ctx, content: str) -> Reply:
    """Add the places of a `name,lat,lon[,kind]` CSV to the workspace gazetteer."""
    ctx.require_admin("import places")
    names = parse_csv(content)
    Places(ctx.engine).upsert(ctx.team_id, names, ctx.now)
    places_n = len({(n.name, n.lat, n.lon) for n in names})
    return Reply(text=f"Imported {places_n:,} places ({len(names):,} names and aliases).")


def run(args: str, ctx: Ctx) -> Reply:
    """/earshot places TOPIC [period]: places named in a topic's posts, with a map."""
    topic_text, period_text = split_period(args)
    if not topic_text:
        raise UsageError("Usage: `/earshot places TOPIC [24h|7d|30d]`.")
    period = parse_period(period_text, ctx.now, ctx.timezone, default="7d")
    name, found = build(ctx, topic_text, period)
    return render(ctx, name, period, found)


def incident_map(ctx: Ctx, name: str, texts: Iterable[str]) -> Chart | None:
    """The map for an incident summary, or None when no known place is named."""
    found = count_places(gazetteer_for(ctx), texts)
    if not found:
        return None
    return map_chart(f"Places named · incident {name}", found[:200], gazetteer_for(ctx).extent())
