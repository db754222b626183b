"""`earshot classify`: CSV out for a CrisisLex T26 file, clear errors for bad input."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from bot.clicmds.classify import add_parser
from jobs.triage.categories import CATEGORIES

HEADER = "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
ROWS = [
    ("'347686624563429378'", "Thoughts and prayers to everyone affected, stay safe"),
    ("347766337344503808", "We have no power and my mom needs oxygen, who do we call?"),
    ("347779159327637504", 'Donate to the flood relief fund, volunteers needed, "please" share'),
]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="earshot")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def write_t26(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle)
        for tweet_id, text in ROWS:
            writer.writerow([tweet_id, text, "Eyewitness", "Not labeled", "Not applicable"])


def test_writes_one_row_per_tweet(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_t26(source)
    code = run(
        ["classify", "--input", str(source), "--format", "crisislex-t26", "--output", str(out)]
    )
    assert code == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["tweet_id", "lang", "category", "confidence", "reasons", "needs"]
    assert [row["lang"] for row in rows] == ["en", "en", "en"]
    assert [row["tweet_id"] for row in rows] == [
        "347686624563429378",
        "347766337344503808",
        "347779159327637504",
    ]
    assert all(row["category"] in CATEGORIES for row in rows)
    assert rows[0]["category"] == "sympathy_support"
    assert rows[2]["category"] == "donations_volunteering"
    assert 'matched "prayers" (sympathy_support' in rows[0]["reasons"]
    assert rows[1]["needs"].split(";") == ["power", "medical", "agency_question"]
    assert all(0 < float(row["confidence"]) <= 1 for row in rows)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,text\n1,hello\n", "missing column(s) Tweet ID, Tweet Text"),
        (b"", "missing column(s)"),
        (HEADER.encode() + b'"1","caf\xe9 flood",x,y,z\n', "not UTF-8"),
        (HEADER.encode() + b'"",text,x,y,z\n', "empty Tweet ID"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    assert run(["classify", "--input", str(source), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert not out.exists()


def test_missing_input_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.csv"
    assert run(["classify", "--input", str(missing), "--output", str(tmp_path / "o.csv")]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err


def test_formula_cells_are_neutralized(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER)
        writer = csv.writer(handle)
        for tweet_id in ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "+1+1", "-2+3"]:
            writer.writerow([tweet_id, "We need water", "Eyewitness", "x", "x"])
    argv = ["classify", "--input", str(source), "--format", "crisislex-t26"]
    assert run([*argv, "--output", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(not row["tweet_id"].startswith(("=", "@", "+", "-")) for row in rows)
    assert all(row["confidence"][0].isdigit() for row in rows)
