"""Question clusters: detection, incremental grouping, `/earshot questions` and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from jobs.ingest import SourceRef
from jobs.questions.cluster import cluster_new_questions
from jobs.questions.detect import asks
from jobs.sources.base import RawPost
from storage.questions import Questions
from storage.sources import Sources
from storage.topics import Topics
from tests.cli_helpers import earshot
from tests.slack_support import AdminAwareFakeSlack, click, make_runtime
from tests.test_slack_commands import run_command

TAP = [
    "Is the tap water safe to drink? #rivertonflood",
    "is tap water safe to drink now?? asking for my kids #rivertonflood",
    "Anyone know if the tap water is safe to drink? #rivertonflood",
    "RT @neighbour: Is the tap water safe to drink? #rivertonflood",
]
SHELTER = [
    "Where is the nearest flood shelter? #rivertonflood",
    "where's the nearest shelter for the flood? #rivertonflood",
]
CHATTER = [
    "Beautiful sunset over the river tonight",
    "Thank you firefighters for the sandbags #rivertonflood",
]


def posts(texts: list[str], at: datetime, prefix: str) -> list[RawPost]:
    return [
        RawPost(
            external_id=f"{prefix}{n}",
            text=text,
            created_at=at + timedelta(minutes=n),
            author=f"{prefix}author{n}",
            url=f"https://social.example/{prefix}{n}",
            lang="en",
            is_repost=text.startswith("RT @"),
        )
        for n, text in enumerate(texts)
    ]


def ingest(runtime: Runtime, team: str, raw: list[RawPost], now: datetime) -> None:
    row = Sources(runtime.engine).ensure(team, "social", "mastodon", now=now)
    assert row.id is not None
    runtime.ingestor.ingest(team, SourceRef(row.id, row.kind, row.name), raw, now=now)


@pytest.fixture
def runtime(engine: Engine, now: datetime) -> Runtime:
    rt = make_runtime(engine, now)
    Topics(rt.engine).add("T111", "flood", "#rivertonflood", now=now - timedelta(days=1))
    return rt


def test_asks_finds_questions_and_concerns_not_statements() -> None:
    assert asks("Is the tap water safe to drink?")
    assert asks("Does anyone know when the bridge reopens")
    assert asks("Is it true that the dam is failing")
    assert asks("Really worried about the cost of the cleanup")
    assert asks("Stores are out of stock of bottled water")
    assert asks("Beautiful sunset over the river tonight") is None
    assert asks("Can you believe this rain?") is None  # rhetorical


def test_same_question_in_other_words_and_reposts_form_one_cluster(
    runtime: Runtime, now: datetime
) -> None:
    start = now - timedelta(hours=3)
    ingest(runtime, "T111", posts(TAP + SHELTER + CHATTER, start, "a"), start)
    run = cluster_new_questions(runtime.engine, now=now)
    assert run.questions == len(TAP) + len(SHELTER)
    rows = Questions(runtime.engine).figures("T111", now - timedelta(days=1), now)
    assert [(r.posts, r.authors) for r in rows] == [(4, 4), (2, 2)]
    assert "tap water" in rows[0].cluster.text.lower()
    assert rows[0].cluster.text == "Is the tap water safe to drink? #rivertonflood"
    assert "shelter" in rows[1].cluster.text.lower()


def test_later_posts_join_existing_clusters_or_start_new_ones(
    runtime: Runtime, now: datetime
) -> None:
    start = now - timedelta(hours=3)
    ingest(runtime, "T111", posts(TAP[:2], start, "a"), start)
    cluster_new_questions(runtime.engine, now=now - timedelta(hours=2))
    [first] = Questions(runtime.engine).figures("T111", start, now)
    later = now - timedelta(hours=1)
    more = ["Tap water safe to drink yet? #rivertonflood", "When will the bus 12 run again?"]
    ingest(runtime, "T111", posts(more, later, "b"), later)
    run = cluster_new_questions(runtime.engine, now=now)
    assert (run.joined, run.new_clusters) == (1, 1)
    rows = Questions(runtime.engine).figures("T111", start, now)
    assert rows[0].cluster.id == first.cluster.id and rows[0].posts == 3
    assert rows[0].last_seen == later
    # Nothing is clustered twice: the cursor moved past every post.
    assert cluster_new_questions(runtime.engine, now=now).scanned == 0


def test_clusters_are_per_workspace(runtime: Runtime, now: datetime) -> None:
    start = now - timedelta(hours=2)
    ingest(runtime, "T111", posts(TAP[:2], start, "a"), start)
    ingest(runtime, "T222", posts(TAP[2:3], start, "b"), start)
    cluster_new_questions(runtime.engine, now=now)
    mine = Questions(runtime.engine).figures("T111", start, now)
    theirs = Questions(runtime.engine).figures("T222", start, now)
    assert [r.posts for r in mine] == [2] and [r.posts for r in theirs] == [1]
    assert mine[0].cluster.id != theirs[0].cluster.id


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111", name="comms")
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def app(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> App:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    Topics(rt.engine).add("T111", "flood", "#rivertonflood", now=now - timedelta(days=1))
    start = now - timedelta(hours=3)
    ingest(rt, "T111", posts(TAP + SHELTER + CHATTER, start, "a"), start)
    cluster_new_questions(rt.engine, now=now)
    return build_app(rt, process_before_response=True)


def test_slack_lists_answers_and_shows_posts(app: App, fake: AdminAwareFakeSlack) -> None:
    status, _ = run_command(app, fake, "/earshot", "questions flood 24h")
    listing = fake.responses[-1]["body"]
    assert status == 200 and listing["response_type"] == "ephemeral"
    assert "Is the tap water safe to drink?" in listing["text"]
    assert "4 posts, 4 authors" in listing["text"]
    number = listing["text"].split("*#", 1)[1].split("*", 1)[0]

    run_command(app, fake, "/earshot", f'questions answer {number} ftp://x "Safe to drink"')
    refused = fake.responses[-1]["body"]
    assert refused["response_type"] == "ephemeral" and "not a web address" in refused["text"]

    url = "https://riverton.example.gov/water"
    run_command(app, fake, "/earshot", f'questions answer {number} {url} "Yes: tap water is safe"')
    run_command(app, fake, "/earshot", "questions flood 24h")
    answered = fake.responses[-1]["body"]["text"]
    assert f"Answered: <{url}|Yes: tap water is safe>" in answered

    shown = click(app, fake, "question_posts", number)
    assert "tap water" in shown["text"].lower() and "Yes: tap water is safe" in shown["text"]


def test_cli_lists_questions_as_json_and_answers(engine: Engine, now: datetime) -> None:
    rt = make_runtime(engine, now)
    Topics(rt.engine).add("local", "flood", "#rivertonflood", now=now - timedelta(days=1))
    recent = datetime.now(now.tzinfo) - timedelta(hours=2)
    ingest(rt, "local", posts(TAP + SHELTER + CHATTER, recent, "a"), recent)
    url = engine.url.render_as_string(hide_password=False)
    out = json.loads(earshot(url, "questions", "flood", "--since", "1d", "--json").stdout)
    assert [(q["posts"], q["answer"]) for q in out["questions"]] == [(4, None), (2, None)]
    assert set(out["questions"][0]) >= {"text", "posts", "authors", "first_seen", "last_seen"}
    number = str(out["questions"][0]["id"])
    bad = earshot(url, "questions", "answer", number, "not a url", "x", check=False)
    assert bad.returncode == 2 and "not a web address" in bad.stderr
    earshot(url, "questions", "answer", number, "https://city.example.gov/w", "Safe to drink")
    out = json.loads(earshot(url, "questions", "all", "--since", "1d", "--json").stdout)
    assert out["questions"][0]["answer"]["summary"] == "Safe to drink"


CRISISLEX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "crisislex"
ALBERTA = CRISISLEX / "T26" / "2013_Alberta_floods" / "2013_Alberta_floods-tweets_labeled.csv"


@pytest.mark.skipif(not ALBERTA.exists(), reason="CrisisLex data not present")
def test_crisislex_questions_are_clustered_and_answered_through_the_cli(db_url: str) -> None:
    earshot(db_url, "import", str(ALBERTA))
    listed = earshot(db_url, "questions", "all", "--since", "2013-06-01", "--until", "2013-07-31")
    out = earshot(
        db_url, "questions", "all", "--since", "2013-06-01", "--until", "2013-07-31", "--json"
    )
    found = json.loads(out.stdout)["questions"]
    assert found and found[0]["posts"] >= 2  # a question asked more than once
    assert found[0]["text"] in listed.stdout
    number = str(found[0]["id"])
    earshot(db_url, "questions", "answer", number, "https://alberta.example.gov/f", "See FAQ")
    again = json.loads(
        earshot(
            db_url, "questions", "all", "--since", "2013-06-01", "--until", "2013-07-31", "--json"
        ).stdout
    )
    assert again["questions"][0]["answer"]["url"] == "https://alberta.example.gov/f"
