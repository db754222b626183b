"""`earshot topic import FILE.csv`: checked first, saved all or nothing, backfilled in one pass."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

import commands.topics as topics_module
from commands.context import Ctx, NotAllowedError, UsageError
from commands.query import Document, parse
from commands.target import document
from commands.topic_import import import_topics
from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage import reads
from storage.models import TopicMatch
from storage.sources import Sources
from storage.topics import Topics
from tests.cli_helpers import earshot

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORDS = ["flood", "river", "bridge", "closed", "power", "outage", "shelter", "boil", "water"]


def _store_posts(engine: Engine, team: str, count: int) -> None:
    rng = random.Random(3)
    row = Sources(engine).ensure(team, "feed", "mastodon", now=NOW)
    assert row.id is not None
    posts = [
        RawPost(
            external_id=str(i),
            text=" ".join(rng.choices(WORDS, k=5)) + f" w{i % 40}",
            created_at=NOW - timedelta(minutes=i),
            lang="en",
            author=f"a{i % 7}",
        )
        for i in range(count)
    ]
    Ingestor(engine, Scorer()).ingest(team, SourceRef(row.id, "mastodon", "feed"), posts, now=NOW)


def _ctx(engine: Engine, admin: bool = True) -> Ctx:
    return Ctx(engine=engine, team_id="T1", now=NOW, user_id="U1", is_admin=admin)


def test_a_good_file_is_saved_and_backfilled(db_url: str, engine: Engine, tmp_path: Path) -> None:
    _store_posts(engine, "local", 60)
    path = tmp_path / "topics.csv"
    # A spreadsheet's BOM, a quoted query holding a comma and quotes, optional columns.
    path.write_text(
        "\ufeffname,query,kind,channel\n"
        'flood,"flood OR ""boil water""",topic,#ops\n'
        "power,power AND outage,campaign,\n"
        "bridges,bridge,,\n",
        encoding="utf-8",
    )
    out = earshot(db_url, "topic", "import", str(path), "--json")
    data = json.loads(out.stdout)
    assert data["saved"] == 3
    expected = sum(
        1
        for chunk in reads.iter_posts(engine, "local")
        for post in chunk
        for query in ('flood OR "boil water"', "power AND outage", "bridge")
        if parse(query).matches(document(post))
    )
    assert data["backfilled"] == expected > 0
    listed = json.loads(earshot(db_url, "topic", "list", "--json").stdout)["topics"]
    by_name = {t["name"]: t for t in listed}
    assert by_name["flood"]["channel"] == "ops" and by_name["power"]["kind"] == "campaign"
    assert by_name["bridges"]["kind"] == "topic" and by_name["bridges"]["channel"] is None


def test_every_bad_row_is_named_and_nothing_is_saved(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    earshot(db_url, "topic", "add", "existing", "flood")
    path = tmp_path / "topics.csv"
    path.write_text(
        "name,query,kind\n"
        "good,river,topic\n"  # line 2: fine, but not saved because others are bad
        "broken,(flood OR river,topic\n"  # line 3: unbalanced parenthesis
        "has space,river,topic\n"  # line 4: bad name
        "good,bridge,topic\n"  # line 5: name repeated in the file
        "odd,bridge,channel\n"  # line 6: unknown kind
        'multi,"river AND\n(power OR",topic\n'  # lines 7-8: a bad query over two lines
        "existing,bridge,topic\n"  # line 9: taken in the workspace
        "short,bridge\n"  # line 10: a field missing
        "empty,,topic\n",  # line 11: no query
        encoding="utf-8",
    )
    result = earshot(db_url, "topic", "import", str(path), check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    err = result.stderr
    assert "No topics saved: 8 bad row(s)" in err
    assert "line 3, query position" in err and "(flood OR river" in err
    assert "line 4: name 'has space' is not allowed" in err
    assert "line 5: name 'good' is already used on line 2" in err
    assert "line 6: unknown kind 'channel'" in err
    assert "line 7, query position" in err
    assert "line 9: a topic named 'existing' already exists" in err
    assert "line 10: expected 3 fields, found 2" in err
    assert "line 11: the query is empty" in err
    assert "line 2" not in err.replace("on line 2", "")
    listed = json.loads(earshot(db_url, "topic", "list", "--json").stdout)["topics"]
    assert [t["name"] for t in listed] == ["existing"]


def test_a_bad_header_or_an_unreadable_file_is_refused(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "topics.csv"
    path.write_text("title,search\nflood,flood\n", encoding="utf-8")
    result = earshot(db_url, "topic", "import", str(path), check=False)
    assert result.returncode == 2 and "Line 1 (header)" in result.stderr
    path.write_bytes(b"name,query\nflo\xffod,flood\n")
    result = earshot(db_url, "topic", "import", str(path), check=False)
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    result = earshot(db_url, "topic", "import", str(tmp_path / "nope.csv"), check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_thousand_topics_are_backfilled_in_one_pass_over_the_posts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_posts(engine, "T1", 300)
    converted: list[Document] = []

    def counting_document(post: reads.PostView) -> Document:
        converted.append(document(post))
        return converted[-1]

    monkeypatch.setattr(topics_module, "document", counting_document)
    rng = random.Random(5)
    queries = [
        f"{rng.choice(WORDS)} AND w{i % 40}" if i % 2 else f'"{rng.choice(WORDS)} w{i % 40}"'
        for i in range(1000)
    ]
    data = "name,query\n" + "".join(
        f'topic{i},"{q.replace(chr(34), 2 * chr(34))}"\n' for i, q in enumerate(queries)
    )
    reply = import_topics(_ctx(engine), data)
    assert reply.data["saved"] == 1000
    assert len(converted) == 300  # each stored post read and tokenized once, not per topic
    saved = {t.name: t for t in Topics(engine).all("T1")}
    posts = [post for chunk in reads.iter_posts(engine, "T1") for post in chunk]
    parsed = [parse(query) for query in queries]
    docs = [(post.id, document(post)) for post in posts]
    expected = {
        (saved[f"topic{i}"].id, post_id)
        for i, query in enumerate(parsed)
        for post_id, doc in docs
        if query.matches(doc)
    }
    with Session(engine) as session:
        stored = set(session.exec(select(TopicMatch.topic_id, TopicMatch.post_id)))
        count = session.exec(select(func.count()).select_from(TopicMatch)).one()
    assert stored == expected and count == len(expected) == reply.data["backfilled"] > 0


def test_importing_topics_is_for_admins(engine: Engine) -> None:
    with pytest.raises(NotAllowedError):
        import_topics(_ctx(engine, admin=False), "name,query\nflood,flood\n")
    with pytest.raises(UsageError, match="no topics"):
        import_topics(_ctx(engine), "name,query\n\n")
    assert Topics(engine).all("T1") == []
