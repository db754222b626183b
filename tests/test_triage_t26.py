"""The CrisisLex protocol the shipped model was scored by: the data it reads and the folds.

The leave-one-event-out figures themselves come from `bench/train_triage.py` (20 fits, too
slow for the suite); these tests guard what would make them dishonest: a held-out crisis
leaking into its own training set, or events silently missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jobs.triage.crisislex import default_t26_root

T26 = default_t26_root()
pytestmark = pytest.mark.skipif(
    not T26.is_dir(), reason=f"CrisisLex T26 not found at {T26} (shared data absent)"
)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from triage_data import T26_EVENTS, t6_off_topic, t26_posts  # noqa: E402


def test_all_twenty_events_are_read_with_every_category() -> None:
    posts = t26_posts()
    assert len(T26_EVENTS) == 20
    assert {p.event for p in posts} == set(T26_EVENTS)
    assert len(posts) > 20_000
    for event in T26_EVENTS:
        assert len({p.category for p in posts if p.event == event}) >= 5


def test_t6_posts_of_a_t26_crisis_leave_with_it() -> None:
    extra = t6_off_topic(per_event=20)
    by_event: dict[str, int] = {}
    for post in extra:
        by_event[post.event] = by_event.get(post.event, 0) + 1
        assert post.category == "not_related"
    # Folds split on `event`: T6 Alberta, Boston and Queensland carry their T26 twin's name.
    assert by_event == {
        "2012_Sandy_Hurricane": 20,
        "2013_Alberta_floods": 20,
        "2013_Boston_bombings": 20,
        "2013_Queensland_floods": 20,
    }
