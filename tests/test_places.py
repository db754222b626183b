"""Places: the workspace gazetteer import, the world gazetteer, `earshot places`, the map
in the incident summary (posted to the fake Slack with its PNG)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from commands import incident as incident_cmd
from commands.context import UsageError
from commands.gazetteer import Gazetteer, parse_csv
from jobs.sources.base import RawPost
from storage.places import Places
from storage.topics import Topics
from tests.cli_helpers import earshot
from tests.delivery_helpers import TOKEN, Clock, store, wired
from tests.fakes.slack import FakeSlack
from tests.slack_support import make_runtime

GAZETTEER = """name,lat,lon,kind
Riverton High|RHS,51.05,-114.07,facility
Bridge St,51.04,-114.06,street
Elm Street|Elm St,51.06,-114.09,street
"""
PNG = b"\x89PNG\r\n\x1a\n"


def test_a_bad_file_is_refused_whole_with_line_numbers() -> None:
    with pytest.raises(UsageError, match="header"):
        parse_csv("place,latitude,longitude\nA,1,2\n")
    bad = "name,lat,lon\nGood,51,-114\nNo coords,north,-114\nFar,95,0\n"
    with pytest.raises(UsageError, match=r"Nothing imported: line 3: .*line 4: lat must be"):
        parse_csv(bad)


def test_aliases_world_cities_and_case() -> None:
    gazetteer = Gazetteer(parse_csv(GAZETTEER))
    found = {p.name for p in gazetteer.find("Shelter at RHS is open; flooding near bridge st")}
    assert found == {"Riverton High", "Bridge St"}
    assert {p.name for p in gazetteer.find("Flooding in Calgary and Edmonton")} == {
        "Calgary",
        "Edmonton",
    }
    assert gazetteer.find("reading the news on my mobile") == set()  # not Reading, not Mobile


def _posts(at: datetime) -> list[RawPost]:
    texts = ["Water over Bridge St #flood"] * 3 + ["Shelter at RHS #flood", "#flood in Calgary"]
    return [
        RawPost(external_id=f"p{n}", text=t, created_at=at, author=f"a{n}", lang="en")
        for n, t in enumerate(texts)
    ]


def test_cli_imports_the_gazetteer_and_lists_places_with_a_map(
    engine: Engine, now: datetime, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    csv_file = tmp_path / "places.csv"
    csv_file.write_text(GAZETTEER)
    assert "Imported 3 places (5 names" in earshot(url, "places", "import", str(csv_file)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,abc,1\n")
    refused = earshot(url, "places", "import", str(bad), check=False)
    assert refused.returncode == 2 and "line 2" in refused.stderr
    assert len(Places(engine).all("local")) == 5  # the bad file added nothing
    rt = make_runtime(engine, now)
    Topics(rt.engine).add("local", "flood", "#flood", now=now - timedelta(days=1))
    recent = datetime.now(UTC) - timedelta(hours=1)
    store(rt, "local", _posts(recent), recent)
    chart = tmp_path / "map.png"
    out = earshot(url, "places", "flood", "--since", "1d", "--json", "--chart", str(chart))
    places = json.loads(out.stdout)["places"]
    assert [(p["name"], p["posts"]) for p in places] == [
        ("Bridge St", 3),
        ("Calgary", 1),
        ("Riverton High", 1),
    ]
    assert places[0]["lat"] == 51.04 and places[0]["lon"] == -114.06
    assert chart.read_bytes().startswith(PNG)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1", TOKEN)
        fake.add_channel("C1", "T1")
        yield fake


def test_incident_summary_carries_the_map(db_url: str, slack: FakeSlack) -> None:
    start = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    clock = Clock(start)
    ticks = wired(db_url, slack, clock)
    engine = ticks.runtime.engine
    Places(engine).upsert("T1", parse_csv(GAZETTEER), start)
    ctx = ticks.runtime.ctx("T1", user_id="U1", channel_id="C9", now=start)
    incident_cmd.start(ctx, "riverflood", "#flood", "<#C1|ops>")
    store(ticks.runtime, "T1", _posts(start + timedelta(minutes=1)), start)
    clock.now = start + timedelta(minutes=10)
    ticks.incidents()
    [upload] = [u for u in slack.uploads.values() if u.get("channel") == "C1"]
    assert bytes(upload["bytes"]).startswith(PNG)
    assert "Places named · incident riverflood" in str(upload["title"])
    assert "Bridge St 3" in str(upload["alt_txt"])
