"""A generated scenario for `earshot demo`: two weeks of ordinary chatter, then a flood.

Everything here is synthetic and labelled as such; the city, handles and posts are invented.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobs.sources.base import RawPost

CITY = "Riverton"
EMERGENCY_HOURS = 30  # the flood occupies the last 30 hours of the scenario

ORDINARY = [
    "Bus {n} was late again this morning, {mood}",
    "Loving the new bike lanes on {street}! #Riverton",
    "Anyone know when garbage pickup resumes on {street}?",
    "Council meeting tonight about the {street} rezoning. Should be interesting.",
    "Pothole on {street} just ate my tire. Thanks @RivertonCity",
    "Great turnout at the farmers market today, {mood}",
    "The library's new hours are so helpful #Riverton",
    "Why is the water bill so high this month? @RivertonCity",
    "Beautiful sunset over the river tonight #Riverton",
    "Get your emergency kit ready this season #ReadyRiverton {link}",
    "Signed up for #ReadyRiverton alerts, takes two minutes {link}",
]
EMERGENCY = [
    "The river is over the bank on {street}, water in basements #RivertonFlood",
    "Evacuation order for {street}. Where is the nearest shelter? @RivertonCity",
    "Boil water advisory for all of Riverton until further notice {link}",
    "Power is out on {street} and my mom needs her oxygen machine. Who do we call?",
    "Is the {n} bus still running? {street} is flooded #RivertonFlood",
    "Scary. Watching the flood come up {street}, stay safe everyone #RivertonFlood",
    "Thank you firefighters for the sandbags on {street} #RivertonFlood",
    "Terrible response from the city, no warning at all about the flood. Angry.",
    "Shelter at Riverton High is open, bring ID and medication #ReadyRiverton {link}",
    "Roads closed: {street} and the bridge. Avoid downtown. #RivertonFlood",
    "RT @RivertonCity: Boil water advisory in effect. Do not drink tap water. {link}",
]
STREETS = ["Main St", "River Rd", "5th Ave", "Elm St", "Harbour Dr", "Mill Lane", "Bridge St"]
MOODS = ["so happy", "annoying", "love this city", "not impressed", "wonderful", "ugh"]
LINKS = ["https://riverton.example.gov/news/update", "https://news.example.com/riverton-flood"]


@dataclass(frozen=True, slots=True)
class DemoStream:
    source: str
    kind: str
    posts: list[RawPost]


def hourly_rate(moment: datetime, end: datetime) -> tuple[float, float]:
    """(ordinary posts/hour, emergency posts/hour): a daily rhythm, then the surge."""
    daily = 6 + 5 * math.sin((moment.hour - 9) / 24 * 2 * math.pi)
    hours_left = (end - moment).total_seconds() / 3600
    if hours_left > EMERGENCY_HOURS:
        return daily, 0.0
    elapsed = EMERGENCY_HOURS - hours_left + 1  # hours since onset, counting this one
    # A flash flood: posts jump at once, then ebb over the following day.
    return daily, 10 + 220 * math.exp(-elapsed / 12)


def generate(end: datetime, days: int = 14, seed: int = 7) -> Iterator[DemoStream]:
    """Posts for two sources (a Mastodon-like and a Bluesky-like stream) and a news feed."""
    rng = random.Random(seed)
    streams: dict[str, list[RawPost]] = {"demo-mastodon": [], "demo-bluesky": [], "demo-news": []}
    authors = [f"resident{i}" for i in range(400)]
    followers = {a: int(rng.lognormvariate(4.5, 1.3)) for a in authors}
    hour = end - timedelta(days=days)
    while hour < end:
        ordinary, emergency = hourly_rate(hour, end)
        for templates, rate in ((ORDINARY, ordinary), (EMERGENCY, emergency)):
            for _ in range(_poisson(rng, rate)):
                name = rng.choice(["demo-mastodon", "demo-bluesky"])
                streams[name].append(_post(rng, templates, hour, name, authors, followers))
        if emergency and rng.random() < 0.3:
            streams["demo-news"].append(
                _post(rng, EMERGENCY[:3], hour, "demo-news", ["newsdesk"], {"newsdesk": 0})
            )
        hour += timedelta(hours=1)
    kinds = {"demo-mastodon": "mastodon", "demo-bluesky": "bluesky", "demo-news": "rss"}
    for name, posts in streams.items():
        yield DemoStream(name, kinds[name], sorted(posts, key=lambda p: p.created_at))


def _post(
    rng: random.Random,
    templates: list[str],
    hour: datetime,
    source: str,
    authors: list[str],
    followers: dict[str, int],
) -> RawPost:
    link = rng.choice(LINKS)
    text = rng.choice(templates).format(
        n=rng.randint(2, 40), street=rng.choice(STREETS), mood=rng.choice(MOODS), link=link
    )
    author = rng.choice(authors)
    at = hour + timedelta(seconds=rng.randint(0, 3599))
    serial = f"{source}-{at:%Y%m%d%H%M%S}-{rng.randrange(10**9):09d}"
    return RawPost(
        external_id=serial,
        text=text,
        created_at=at,
        author=author,
        author_followers=followers[author],
        url=f"https://{source}.example.social/post/{serial}",
        lang="en",
        likes=int(rng.expovariate(1 / 4)),
        reposts=int(rng.expovariate(1 / 2)),
        replies=int(rng.expovariate(1 / 1.5)),
        is_repost=text.startswith("RT @"),
        links=(link,) if link in text else (),
    )


def _poisson(rng: random.Random, rate: float) -> int:
    # Knuth's method is fine for the small hourly rates used here.
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
