"""Labelled CrisisLex posts for the triage benches: T26's 20 events, T6 off-topic extras.

Protocol (fixed before any score was looked at):
- every one of the 20 T26 events is held out in turn; the model of that fold is trained on
  the other 19 events only, and T6 off-topic posts may join training as not_related only
  from T6 crises other than the held-out one (T6 Alberta, Boston and Queensland are the
  same crises as T26 ones and leave with them);
- predictions of all 20 folds are pooled, and macro-F1 is taken over the 7 categories;
- the settings compared are a handful, listed in bench/train_triage.py, each scored this way;
- thresholds for routing are chosen inside each fold, on the training events only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from jobs.triage.categories import NOT_RELATED
from jobs.triage.crisislex import default_t26_root, event_file, read_t26

T26_EVENTS = tuple(
    sorted(
        (
            "2012_Colorado_wildfires 2012_Costa_Rica_earthquake 2012_Guatemala_earthquake "
            "2012_Italy_earthquakes 2012_Philipinnes_floods 2012_Typhoon_Pablo "
            "2012_Venezuela_refinery 2013_Alberta_floods 2013_Australia_bushfire "
            "2013_Bohol_earthquake 2013_Boston_bombings 2013_Brazil_nightclub_fire "
            "2013_Glasgow_helicopter_crash 2013_Lac_Megantic_train_crash 2013_Manila_floods "
            "2013_NY_train_crash 2013_Queensland_floods 2013_Savar_building_collapse "
            "2013_Spain_train_crash 2013_West_Texas_explosion"
        ).split()
    )
)
# T6 crisis -> the T26 event that is the same crisis (None: not in T26).
T6_EVENTS = {
    "2012_Sandy_Hurricane": None,
    "2013_Alberta_Floods": "2013_Alberta_floods",
    "2013_Boston_Bombings": "2013_Boston_bombings",
    "2013_Queensland_Floods": "2013_Queensland_floods",
}


@dataclass(frozen=True, slots=True)
class Post:
    """One labelled post; `event` is the T26 event it belongs to (for T6: the same crisis)."""

    text: str
    category: str
    event: str


def t26_posts(root: Path | None = None) -> list[Post]:
    """Every T26 post with a usable category, in file order, event by event."""
    root = root or default_t26_root()
    return [
        Post(row.text, row.category, event)
        for event in T26_EVENTS
        for row in read_t26(event_file(root, event))
        if row.category is not None
    ]


def t6_off_topic(root: Path | None = None, per_event: int = 1500) -> list[Post]:
    """The first `per_event` off-topic posts of each T6 crisis, as not_related."""
    root = (root or default_t26_root()).parent / "T6"
    posts: list[Post] = []
    for crisis, same_as in T6_EVENTS.items():
        path = root / crisis / f"{crisis}-ontopic_offtopic.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if len(row) == 3]
        off = [row[1] for row in rows[1:] if row[2].strip() == "off-topic"][:per_event]
        posts.extend(Post(text, NOT_RELATED, same_as or crisis) for text in off)
    return posts
