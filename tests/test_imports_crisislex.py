"""CrisisLex import: snowflake timestamps, retweets, links, and the real shared files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobs.imports import ImportedPost, ImportProblem, count_lines, iter_import, snowflake_time

CRISISLEX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "crisislex"
needs_crisislex = pytest.mark.skipif(
    not CRISISLEX.exists(), reason=f"CrisisLex data not found at {CRISISLEX}"
)


def test_snowflake_example_from_the_data_readme() -> None:
    stamp = snowflake_time(347563538547609602)
    assert stamp.replace(microsecond=0) == datetime(2013, 6, 20, 3, 56, 19, tzinfo=UTC)
    assert stamp.microsecond == 665_000


def test_t6_style_file_with_quoted_ids(tmp_path: Path) -> None:
    path = tmp_path / "t6.csv"
    path.write_text(
        "tweet id, tweet, label\n"
        "'347563538547609602',\"RT @CalgaryPolice: Stay off the roads &amp; away from"
        ' the river http://t.co/AbCdEf12 http://t.co…",on-topic\n'
        "'347563538547609603',\"I just wanna go outside\",off-topic\n"
        "'12345',\"too old\",off-topic\n"
        "'abc',\"not an id\",off-topic\n",
        encoding="utf-8",
    )
    rows = list(iter_import(path))
    first, second, old, bad = rows
    assert isinstance(first, ImportedPost)
    assert first.source == "crisislex"
    assert first.line == 2
    assert first.post.external_id == "347563538547609602"
    assert first.post.created_at.replace(microsecond=0) == datetime(
        2013, 6, 20, 3, 56, 19, tzinfo=UTC
    )
    assert first.post.is_repost
    assert first.post.text.startswith("RT @CalgaryPolice: Stay off the roads & away")
    assert first.post.links == ("http://t.co/AbCdEf12",)
    assert first.post.author is None
    assert first.post.url == "https://twitter.com/i/web/status/347563538547609602"
    assert isinstance(second, ImportedPost)
    assert not second.post.is_repost
    assert second.post.links == ()
    assert isinstance(old, ImportProblem)
    assert old.line == 4
    assert "snowflake" in old.message
    assert isinstance(bad, ImportProblem)
    assert bad.line == 5


def test_t26_style_file_with_carriage_return_inside_a_field(tmp_path: Path) -> None:
    path = tmp_path / "t26.csv"
    path.write_bytes(
        b"Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        b'"243371620700401665","RT @abcnews: Tsunami warning\rhttp://t.co/HVOzoRQW",Media,a,b\n'
        b'"243455976546656256","Quake hits, two dead",Media,a,b\n'
    )
    rows = list(iter_import(path))
    assert [row.line for row in rows] == [2, 3]
    first = rows[0]
    assert isinstance(first, ImportedPost)
    assert first.post.text == "RT @abcnews: Tsunami warning\nhttp://t.co/HVOzoRQW"
    assert first.post.links == ("http://t.co/HVOzoRQW",)


def test_multiline_record_reports_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "t6.csv"
    path.write_text(
        "tweet id, tweet, label\n"
        "'348630484064010242',\"potato smileys..\nBRIA HUNGRY!\",off-topic\n"
        "'bad',\"x\",off-topic\n"
    )
    rows = list(iter_import(path, "crisislex"))
    assert isinstance(rows[0], ImportedPost)
    assert rows[0].post.text == "potato smileys..\nBRIA HUNGRY!"
    assert rows[1] == ImportProblem(4, rows[1].message)  # type: ignore[union-attr]


@needs_crisislex
@pytest.mark.parametrize(
    "relative",
    [
        "T6/2013_Alberta_Floods/2013_Alberta_Floods-ontopic_offtopic.csv",
        "T26/2013_Boston_bombings/2013_Boston_bombings-tweets_labeled.csv",
        "T26/2012_Italy_earthquakes/2012_Italy_earthquakes-tweets_labeled.csv",
    ],
)
def test_real_files_import_without_problems(relative: str) -> None:
    path = CRISISLEX / relative
    rows = list(iter_import(path))
    assert [row for row in rows if isinstance(row, ImportProblem)] == []
    imported = [row for row in rows if isinstance(row, ImportedPost)]
    assert len(imported) >= count_lines(path) - 3  # header and records spanning lines
    assert all(2011 <= row.post.created_at.year <= 2013 for row in imported)
    assert any(row.post.is_repost for row in imported)
    assert all(link.startswith("http") for row in imported for link in row.post.links)
