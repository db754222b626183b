"""Imports match posts in the worker processes: same matches and rollups as in-process."""

from __future__ import annotations

import gc
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from commands.query import REMEMBERED_TEXTS
from jobs.import_file import fewer_collections, import_file, import_scorer
from jobs.ingest import Ingestor
from jobs.sentiment import Scorer
from storage.dialect import table
from storage.engine import make_engine
from storage.migrations import upgrade
from storage.models import Post, Topic, TopicHour, TopicMatch
from storage.topics import Topics

ROWS = 1_200
BATCH = 600  # one worker-sized batch per source ("archive" and "wire")
# Every shape the matcher handles differently: exact keys, evaluated phrases and NEAR,
# wildcards, NOT, and each field, whose values come from the post and its source.
QUERIES = {
    "words": "flood OR bridge",
    "phrase": '"boil water"',
    "near": "road NEAR/2 closed",
    "wildcard": "evacuat* -drill",
    "hashtag": "#yycflood OR @cityofcalgary",
    "site": "site:cbc.ca",
    "author": "author:user7",
    "lang": "lang:fr",
    "source": "source:archive river",
}
LINES = [
    "Flood warning on the #YYCflood bridge, via @CityOfCalgary",
    "Boil water advisory: https://www.cbc.ca/news/boil",
    "Road is now closed near the river; evacuation ordered",
    "Evacuation drill today, nothing to worry about",
    "Crue à Montréal, la route est fermée",
    "Lovely sunny day by the river",
    "the road was closed",
]


def _write(path: Path, start: datetime) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            record = {
                "id": f"p{i}",
                "source": "archive" if i % 2 else "wire",
                "created_at": (start - timedelta(minutes=7 * i)).isoformat(),
                "text": f"{LINES[i % len(LINES)]} ({i % 97})",
                "author": f"user{i % 13}",
                "lang": "fr" if i % len(LINES) == 4 else "en",
            }
            handle.write(json.dumps(record) + "\n")
    return path


def _stored(engine: Engine) -> tuple[set[tuple[str, str]], list[tuple[object, ...]]]:
    topics, posts, matches = table(Topic), table(Post), table(TopicMatch)
    hours = table(TopicHour)
    with engine.connect() as conn:
        matched = conn.execute(
            select(topics.c.name, posts.c.external_id)
            .join(matches, matches.c.topic_id == topics.c.id)
            .join(posts, posts.c.id == matches.c.post_id)
        )
        rollups = conn.execute(
            select(topics.c.name, hours.c.hour, hours.c.posts, hours.c.compound_sum)
            .join(hours, hours.c.topic_id == topics.c.id)
            .order_by(topics.c.name, hours.c.hour)
        )
        return {(row[0], row[1]) for row in matched}, [tuple(row) for row in rollups]


def _with_topics(
    engine: Engine, now: datetime, *, remembered_texts: int = REMEMBERED_TEXTS
) -> Ingestor:
    for name, query in QUERIES.items():
        Topics(engine).add("local", name, query, now=now)
    return Ingestor(engine, Scorer(), remembered_texts=remembered_texts)


def test_workers_match_exactly_as_the_main_process(
    engine: Engine, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "posts.jsonl", now)
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(reference)
    try:
        # The reference tokenizes and matches every post, remembering nothing.
        single = _with_topics(reference, now, remembered_texts=0)
        import_file(single, "local", path, now=now, batch_size=BATCH, scorer=Scorer())
        expected = _stored(reference)
    finally:
        reference.dispose()

    # Workers remember the texts they have matched: the second batch repeats some of the
    # first's (every 679 rows) under other authors and sources.
    parallel = _with_topics(engine, now)
    # The main process must not match at all: every batch is worker-sized.
    monkeypatch.setattr(Ingestor, "matcher_for", _no_matching_here)
    with import_scorer(parallel, workers=2) as scorer:
        summary = import_file(parallel, "local", path, now=now, batch_size=BATCH, scorer=scorer)

    assert summary.new_posts == ROWS
    assert summary.matches == len(expected[0])
    assert {name for name, _ in expected[0]} == set(QUERIES)  # every shape matched something
    assert _stored(engine) == expected


def _no_matching_here(self: Ingestor, team_id: str) -> None:
    raise AssertionError("matched in the main process")


def test_imports_run_the_garbage_collector_less_often_and_put_it_back(
    engine: Engine, tmp_path: Path, now: datetime
) -> None:
    before = gc.get_threshold()
    with fewer_collections(first_generation=12_345):
        assert gc.get_threshold()[0] == 12_345
        with fewer_collections(first_generation=12_345):  # a second import at once
            pass
        assert gc.get_threshold()[0] == 12_345  # the first is still running
    assert gc.get_threshold() == before

    seen: list[int] = []
    ingestor = Ingestor(engine, Scorer())
    path = _write(tmp_path / "posts.jsonl", now)
    import_file(
        ingestor, "local", path, now=now, progress=lambda _: seen.append(gc.get_threshold()[0])
    )
    assert seen and all(threshold > before[0] for threshold in seen)
    assert gc.get_threshold() == before
