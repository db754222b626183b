"""File imports: each format round-trips, bad rows become problems with line numbers."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from jobs.imports import (
    ImportedPost,
    ImportProblem,
    ImportRow,
    count_lines,
    detect_format,
    iter_import,
)
from jobs.sources.base import RawPost

POSTS = [
    RawPost(
        external_id="1001",
        text="Bridge on Main St is closed, use the detour",
        created_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        author="cityofexample",
        author_followers=5200,
        url="https://social.example/p/1001",
        lang="en",
        likes=12,
        reposts=3,
        replies=1,
    ),
    RawPost(
        external_id="1002",
        text='Line one\nline two, with "quotes" and émoji 🌊',
        created_at=datetime(2024, 5, 2, 23, 59, 59, tzinfo=UTC),
    ),
]


def as_fields(source: str, post: RawPost) -> dict[str, object]:
    return {
        "id": post.external_id,
        "source": source,
        "text": post.text,
        "created_at": post.created_at.isoformat().replace("+00:00", "Z"),
        "author": post.author,
        "author_followers": post.author_followers,
        "likes": post.likes,
        "reposts": post.reposts,
        "replies": post.replies,
        "lang": post.lang,
        "url": post.url,
    }


def posts(rows: list[ImportRow]) -> list[ImportedPost]:
    return [row for row in rows if isinstance(row, ImportedPost)]


def problems(rows: list[ImportRow]) -> list[ImportProblem]:
    return [row for row in rows if isinstance(row, ImportProblem)]


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)


def test_jsonl_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    lines = [json.dumps(as_fields("press-office", post), ensure_ascii=False) for post in POSTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = list(iter_import(path))
    assert rows == [
        ImportedPost("press-office", POSTS[0], 1),
        ImportedPost("press-office", POSTS[1], 2),
    ]


def test_csv_round_trips_including_a_multiline_field(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    write_csv(path, [as_fields("forum", post) for post in POSTS])
    rows = list(iter_import(path))
    assert [row.post for row in posts(rows)] == POSTS
    assert [row.line for row in posts(rows)] == [2, 3]
    assert {row.source for row in posts(rows)} == {"forum"}


def test_naive_times_are_utc_and_offsets_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "times.jsonl"
    base = {"source": "s", "text": "t"}
    path.write_text(
        "\n".join(
            json.dumps({**base, "id": i, "created_at": stamp})
            for i, stamp in enumerate(["2024-05-01T09:30:00", "2024-05-01T11:30:00+02:00"])
        )
    )
    got = [row.post.created_at for row in posts(list(iter_import(path)))]
    assert got == [datetime(2024, 5, 1, 9, 30, tzinfo=UTC)] * 2
    assert all(stamp.tzinfo == UTC for stamp in got)


def test_jsonl_problems_name_the_line_and_the_fix(tmp_path: Path) -> None:
    good = as_fields("s", POSTS[0])
    lines = [
        json.dumps(good),
        '{"id": 2, "source": "s", "text": "x"',  # invalid JSON
        json.dumps({**good, "created_at": "yesterday"}),
        json.dumps({**good, "likes": "12.5", "reposts": -1}),
        json.dumps({k: v for k, v in good.items() if k != "text"}),
        "[1, 2]",
        "",
        json.dumps({**good, "id": "7"}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "caf\xe9"}\n')
    rows = list(iter_import(path, "jsonl"))
    assert [row.line for row in posts(rows)] == [1, 8]
    found = {problem.line: problem.message for problem in problems(rows)}
    assert sorted(found) == [2, 3, 4, 5, 6, 9]
    assert "invalid JSON" in found[2]
    assert "ISO 8601" in found[3]
    assert "2024-05-01T09:30:00Z" in found[3]
    assert "likes '12.5' is not a whole number" in found[4]
    assert "reposts -1" in found[4]
    assert "missing required field 'text'" in found[5]
    assert "JSON object" in found[6]
    assert "not valid UTF-8" in found[9]
    assert "save the file as UTF-8" in found[9]


def test_json_the_parser_refuses_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text('{"id": ' + "9" * 5000 + "}\n" + "[" * 100_000 + "\n")
    rows = list(iter_import(path))
    assert [(row.line, "invalid JSON" in row.message) for row in problems(rows)] == [
        (1, True),
        (2, True),
    ]


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_overlong_line_is_skipped_with_a_problem(tmp_path: Path, suffix: str) -> None:
    good = as_fields("s", POSTS[0])
    path = tmp_path / f"long.{suffix}"
    if suffix == "jsonl":
        path.write_text(f"{json.dumps(good)}\n{'x' * 1_100_000}\n{json.dumps(good)}\n")
    else:
        write_csv(path, [good, {**good, "text": "y" * 1_100_000}, good])
    rows = list(iter_import(path))
    assert [row.line for row in posts(rows)] == ([1, 3] if suffix == "jsonl" else [2, 4])
    (problem,) = problems(rows)
    assert problem.line == (2 if suffix == "jsonl" else 3)
    assert "is longer than 1 MiB; split it" in problem.message


def test_csv_problems_keep_going(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"id,source,text,created_at,likes\n"
        b"1,s,fine,2024-05-01T00:00:00Z,3\n"
        b"2,s,no date,,0\n"
        b"3,s,too,many,fields,here\n"
        b"4,s,bad count,2024-05-01,lots\n"
        b"5,s,caf\xe9,2024-05-01,1\n"
        b"6,s,also fine,2024-05-01,\n"
    )
    rows = list(iter_import(path))
    assert [(row.line, row.post.external_id) for row in posts(rows)] == [(2, "1"), (7, "6")]
    found = {problem.line: problem.message for problem in problems(rows)}
    assert sorted(found) == [3, 4, 5, 6]
    assert "created_at" in found[3]
    assert "6 fields but the header has 5" in found[4]
    assert "likes 'lots'" in found[5]
    assert "UTF-8" in found[6]


def test_csv_without_required_columns_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name,body\na,b\n")
    assert list(iter_import(path)) == [
        ImportProblem(
            1,
            "header lacks id, source, text, created_at;"
            " the first row must name the columns: id,source,text,created_at",
        )
    ]


def test_unclosed_quote_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('id,source,text,created_at\n1,s,"never closed,2024-05-01\n')
    rows = list(iter_import(path))
    assert posts(rows) == []
    assert [problem.line for problem in problems(rows)] == [2]


def test_missing_file_and_unknown_format_raise_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        iter_import(tmp_path / "absent.jsonl")
    (tmp_path / "posts.xlsx").write_text("x")
    with pytest.raises(ValueError, match=r"name it \.jsonl or \.csv"):
        iter_import(tmp_path / "posts.xlsx")
    with pytest.raises(ValueError, match="unknown import format 'xml'"):
        iter_import(tmp_path / "posts.xlsx", "xml")
    with pytest.raises(ValueError, match="not a regular file"):
        iter_import(tmp_path)


def test_count_lines_counts_a_final_unterminated_line(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_bytes(b"a\nb\r\nc")
    assert count_lines(path) == 3
    path.write_bytes(b"a\nb\n")
    assert count_lines(path) == 2
    path.write_bytes(b"")
    assert count_lines(path) == 0


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    write_csv(path, [as_fields("s", POSTS[0])])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [row.post for row in posts(list(iter_import(path)))] == [POSTS[0]]


def test_offsets_other_than_utc_keep_the_instant(tmp_path: Path) -> None:
    path = tmp_path / "tz.csv"
    path.write_text("id,source,text,created_at\n1,s,t,2024-01-01T00:30:00-05:00\n")
    (row,) = posts(list(iter_import(path)))
    assert row.post.created_at == datetime(2024, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert row.post.created_at.tzinfo == UTC


def test_detect_format(tmp_path: Path) -> None:
    generic = tmp_path / "a.csv"
    generic.write_text("id,source,text,created_at\n")
    crisis = tmp_path / "b.csv"
    crisis.write_text("tweet id, tweet, label\n")
    lines = tmp_path / "c.NDJSON"
    lines.write_text("")
    assert [detect_format(p) for p in (generic, crisis, lines)] == ["csv", "crisislex", "jsonl"]
