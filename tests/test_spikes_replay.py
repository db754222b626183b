"""`earshot detect`: the replay CSV, the CLI's error path, and one real NAB series."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from bot.clicmds import detect
from jobs.spikes.replay import detect_file
from tests.test_spikes_series import PER_DAY, flat, noisy_counts, with_surge

NAB_KO = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/nab-realtweets/data/realTweets/Twitter_volume_KO.csv"
)


def write_series(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "value"])
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="earshot")
    detect.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["detect", *argv])
    code: int = args.func(args)
    return code


def test_replay_writes_one_scored_row_per_input_row(tmp_path: Path) -> None:
    surge_at = 2 * PER_DAY
    series = with_surge(noisy_counts(3 * PER_DAY, flat(40)), surge_at, [500.0] * 4)
    rows = [(ts.strftime("%Y-%m-%d %H:%M:%S"), f"{value:g}") for ts, value in series]
    source = write_series(tmp_path / "series.csv", rows)
    summary = detect_file(source, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open() as handle:
        assert handle.readline().strip() == "timestamp,value,anomaly_score,alert"
    out = read_rows(tmp_path / "out.csv")
    assert [(r["timestamp"], r["value"]) for r in out] == rows
    assert all(0.0 <= float(r["anomaly_score"]) <= 1.0 for r in out)
    alerted = [i for i, r in enumerate(out) if r["alert"] == "1"]
    assert {r["alert"] for r in out} == {"0", "1"}
    assert len(alerted) == summary.alerts == 1
    assert alerted[0] in (surge_at, surge_at + 1)
    assert summary.rows == len(rows)
    assert summary.first_alert == series[alerted[0]][0].replace(tzinfo=None)  # as written


def test_cli_writes_output_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(f"2015-02-26 21:{minute:02d}:53", "5") for minute in range(0, 60, 5)]
    source = write_series(tmp_path / "s.csv", rows)
    out = tmp_path / "o.csv"
    assert run_cli("--input", str(source), "--output", str(out), "--sensitivity", "high") == 0
    assert len(read_rows(out)) == 12
    assert "12 buckets, 0 alerts" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("time,count\n2015-02-26 21:42:53,3\n", "missing column(s) timestamp, value"),
        ("timestamp,value\n2015-02-26 21:42:53,3\nyesterday,4\n", ":3: bad row"),
        ("timestamp,value\n2015-02-26 21:42:53,-3\n", "count >= 0"),
        ("timestamp,value\n2015-02-26 21:42:53,3\n2015-02-26 21:42:53,4\n", "must increase"),
    ],
)
def test_cli_bad_input_is_a_message_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_text(content)
    code = run_cli("--input", str(source), "--output", str(tmp_path / "out.csv"))
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.startswith("earshot detect: ")
    assert "Traceback" not in err


@pytest.mark.skipif(not NAB_KO.exists(), reason="NAB realTweets data not in ../shared/data")
def test_real_nab_series_replays_row_for_row(tmp_path: Path) -> None:
    summary = detect_file(NAB_KO, tmp_path / "Twitter_volume_KO.csv")
    source, out = read_rows(NAB_KO), read_rows(tmp_path / "Twitter_volume_KO.csv")
    assert summary.rows == len(source) == len(out)
    assert [r["timestamp"] for r in out] == [r["timestamp"] for r in source]
    assert all(r["alert"] in {"0", "1"} for r in out)
    assert all(0.0 <= float(r["anomaly_score"]) <= 1.0 for r in out)
    # a few alerts over two months of tweets, not one per noisy bucket
    assert 0 < summary.alerts < 30
