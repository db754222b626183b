"""The terminal face: real `earshot` processes against the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest

from tests.cli_helpers import ROOT, cli_env, earshot


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


ROWS = [
    {
        "id": "a1",
        "source": "county-feed",
        "text": "Flood waters rising on River Rd, scary",
        "created_at": "2026-11-19T10:00:00Z",
        "author": "ann",
        "author_followers": 120,
        "likes": 4,
    },
    {
        "id": "a2",
        "source": "county-feed",
        "text": "Thanks crews for the quick flood response!",
        "created_at": "2026-11-19T11:30:00Z",
        "author": "bob",
        "author_followers": 30,
    },
    {
        "id": "a3",
        "source": "county-feed",
        "text": "Nice park day",
        "created_at": "2026-11-19T12:00:00Z",
    },
]


def test_topic_import_and_reports(db_url: str, tmp_path: Path) -> None:
    earshot(db_url, "topic", "add", "flood", "flood*", "--kind", "campaign")
    bad = dict(ROWS[0], id="bad", created_at="yesterday")
    path = _jsonl(tmp_path / "posts.jsonl", [*ROWS, bad])
    first = earshot(db_url, "import", str(path), "--quiet")
    assert "3 new posts" in first.stdout
    assert "line 4" in first.stderr and "created_at" in first.stderr
    again = earshot(db_url, "import", str(path), "--quiet")
    assert "0 new posts" in again.stdout

    chart = tmp_path / "flood.png"
    out = earshot(
        db_url, "sentiment", "flood", "--since", "2026-11-19", "--json", "--chart", str(chart)
    )
    data = json.loads(out.stdout)
    assert (data["posts"], data["positive"], data["negative"]) == (2, 1, 1)
    assert {"posts", "mean_compound", "positive", "neutral", "negative", "series"} <= data.keys()
    image = matplotlib.image.imread(str(chart))
    assert image.shape[0] > 100 and image.shape[1] > 100

    reach = json.loads(earshot(db_url, "reach", "flood", "--since", "2026-11-19", "--json").stdout)
    assert reach["unique_authors"] == 2
    assert reach["potential_audience_upper_bound"] == 150

    text = earshot(db_url, "sentiment", "flood", "--since", "2026-11-19").stdout
    assert "Posts: 2" in text and "Mean sentiment" in text


def test_since_a_date_alone_runs_to_now(db_url: str, tmp_path: Path) -> None:
    """ "Since June" means June to now, as --help says, not June 1 alone."""
    earshot(db_url, "topic", "add", "flood", "flood*", "--kind", "campaign")
    rows = [
        dict(ROWS[0], created_at="2013-06-01T10:00:00Z"),
        dict(ROWS[1], created_at="2013-06-21T11:30:00Z"),
    ]
    earshot(db_url, "import", str(_jsonl(tmp_path / "june.jsonl", rows)), "--quiet")
    for command in ("sentiment", "reach"):
        data = json.loads(
            earshot(db_url, command, "flood", "--since", "2013-06-01", "--json").stdout
        )
        assert data["start"] == "2013-06-01T00:00:00+00:00"
        assert data["end"] > "2026"
        assert data["posts"] == 2
    text = earshot(db_url, "sentiment", "flood", "--since", "2013-06-01").stdout
    assert "since 2013-06-01" in text and "2013-06-01 00:00 to " in text
    one_day = earshot(
        db_url, "reach", "flood", "--since", "2013-06-01", "--until", "2013-06-01", "--json"
    )
    assert json.loads(one_day.stdout)["posts"] == 1


def test_bad_input_exits_2_with_a_clear_message(db_url: str, tmp_path: Path) -> None:
    result = earshot(db_url, "topic", "add", "broken", "(flood OR", check=False)
    assert result.returncode == 2
    assert "position" in result.stderr and "Traceback" not in result.stderr
    missing = earshot(db_url, "import", str(tmp_path / "nope.jsonl"), check=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert earshot(db_url, "topic", "list", "--json").stdout.strip() == '{\n  "topics": []\n}'
    period = earshot(db_url, "sentiment", "flood", "--since", "someday", check=False)
    assert period.returncode == 2 and "24h, 7d" in period.stderr


def test_source_add_validates_and_lists_health(db_url: str) -> None:
    bad = earshot(db_url, "source", "add", "mastodon", "m1", "hashtag=flood", check=False)
    assert bad.returncode == 2 and "instance" in bad.stderr
    earshot(
        db_url,
        "source",
        "add",
        "bluesky",
        "bsky",
        "query=flood",
        "handle=me.bsky.social",
        "app_password=abcd-efgh-ijkl-mnop",
    )
    listing = earshot(db_url, "source", "list").stdout
    assert "bsky" in listing and "abcd-efgh" not in listing


@pytest.mark.parametrize("fmt", ["--json", ""])
def test_digest_renders_in_the_terminal(db_url: str, tmp_path: Path, fmt: str) -> None:
    earshot(db_url, "topic", "add", "flood", "flood*")
    earshot(db_url, "import", str(_jsonl(tmp_path / "p.jsonl", ROWS)), "--quiet")
    # 09:00 in Edmonton on the 19th is 16:00 UTC: the window covers the posts of that morning.
    args = ["digest", "--date", "2026-11-19", "--timezone", "America/Edmonton"]
    out = earshot(db_url, *args, *([fmt] if fmt else [])).stdout
    if fmt:
        data = json.loads(out)
        assert data["date"] == "2026-11-19" and data["timezone"] == "America/Edmonton"
        assert data["topics"][0]["topic"] == "flood" and data["topics"][0]["posts"] == 2
        assert "mean_compound" in data["topics"][0]
    else:
        assert "Daily digest" in out and "flood" in out


@pytest.mark.parametrize(
    "args",
    [
        ["sentiment", "flood", "--since", "2026-11-19"],
        ["digest", "--date", "2026-11-19", "--json"],
        ["topic", "list"],
        ["--help"],
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    db_url: str, tmp_path: Path, args: list[str]
) -> None:
    """`earshot … | head`: the reader is gone before the first write (the worst case)."""
    earshot(db_url, "topic", "add", "flood", "flood*")
    earshot(db_url, "import", str(_jsonl(tmp_path / "p.jsonl", ROWS)), "--quiet")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=cli_env(db_url),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    # As a shell reports a command ended by SIGPIPE; argparse's --help ignores the error.
    assert result.returncode == (0 if args == ["--help"] else 141)
