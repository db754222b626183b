"""`earshot detect`: the replay CSV, the CLI's error path, and one real NAB series."""

from __future__ import annotations

import argparse
import csv
from datetime import datetime, timedelta
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
    assert "12 rows at 5-minute cadence, 0 alerts" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("time,count\n2015-02-26 21:42:53,3\n", "missing column(s) timestamp, value"),
        ("timestamp,value\n2015-02-26 21:42:53,3\nyesterday,4\n", "in.csv:3: bad timestamp"),
        ("timestamp,value\n2015-02-26 21:42:53,three\n", "in.csv:2: bad value 'three'"),
        ("timestamp,value\n2015-02-26 21:42:53,inf\n", "in.csv:2: value must be a finite"),
        ("timestamp,value\n", "no rows after the header"),
        (
            "timestamp,value\n2015-02-26 21:00:00+00:00,1\n2015-02-26 21:05:00,2\n",
            "in.csv:3: timestamp '2015-02-26 21:05:00' mixes zoned and zoneless",
        ),
        (
            "timestamp,value\n" + "".join(f"2015-02-{d:02d} 00:00:00,1\n" for d in range(1, 9)),
            "1440 minutes apart (median)",
        ),
        ("\x89PNG\r\n\x1a\n\x00\xff\xfe", "not a UTF-8 text file"),
    ],
)
@pytest.mark.parametrize("kind", ["any", "counts"])
def test_cli_bad_input_is_a_message_and_exit_code_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
    kind: str,
) -> None:
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_bytes(content.encode("latin-1"))
    code = run_cli("--input", str(source), "--output", str(tmp_path / "out.csv"), "--values", kind)
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("timestamp,value\n2015-02-26 21:40:00,-3\n", "in.csv:2: a count must be >= 0, got -3"),
        (
            "timestamp,value\n2015-02-26 21:45:00,3\n2015-02-26 21:40:00,4\n",
            "in.csv:3: timestamp 2015-02-26 21:40:00 is before the previous row's",
        ),
    ],
)
def test_counts_refuse_negative_and_backwards_rows_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content)
    code = run_cli(
        "--input", str(source), "--output", str(tmp_path / "o.csv"), "--values", "counts"
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def _hourly_metric(hours: int) -> list[tuple[str, str]]:
    """Negative, fractional readings once an hour, with a gap of a day in the middle."""
    rows = []
    for hour in range(hours):
        if 200 <= hour < 224:
            continue  # the sensor was down for a day
        moment = datetime(2014, 1, 1) + timedelta(hours=hour)
        value = -12.5 + 0.75 * ((hour * 7) % 5) / 4
        rows.append((moment.isoformat(sep=" "), f"{value:g}"))
    return rows


def test_any_values_negative_fractional_hourly_with_gaps_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _hourly_metric(500)
    rows[450] = (rows[450][0], "40.25")  # a fault: far outside anything seen
    source = write_series(tmp_path / "m.csv", rows)
    out = tmp_path / "o.csv"
    assert run_cli("--input", str(source), "--output", str(out)) == 0
    scored = read_rows(out)
    assert [(r["timestamp"], r["value"]) for r in scored] == rows
    assert scored[450]["alert"] == "1"
    assert "at 60-minute cadence" in capsys.readouterr().out


def test_bucket_flag_overrides_the_inferred_cadence_and_is_range_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_series(tmp_path / "m.csv", _hourly_metric(50))
    out = tmp_path / "o.csv"
    assert run_cli("--input", str(source), "--output", str(out), "--bucket", "30") == 0
    assert "at 30-minute cadence" in capsys.readouterr().out
    assert run_cli("--input", str(source), "--output", str(out), "--bucket", "0.5") == 2
    assert "--bucket must be 1 to 60 minutes, got 0.5" in capsys.readouterr().err


def test_repeated_timestamps_are_summed_for_counts_and_kept_in_order_for_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(f"2015-02-26 {h:02d}:{m:02d}:00", "2") for h in range(0, 24) for m in range(0, 60, 5)]
    rows.insert(100, (rows[99][0], "3"))  # a daylight-saving style repeat
    source = write_series(tmp_path / "s.csv", rows)
    out = tmp_path / "o.csv"
    assert run_cli("--input", str(source), "--output", str(out), "--values", "counts") == 0
    assert "1 rows repeated or went back in time (summed into an earlier row)" in (
        capsys.readouterr().out
    )
    assert len(read_rows(out)) == len(rows)
    assert run_cli("--input", str(source), "--output", str(out)) == 0
    assert "(read in file order)" in capsys.readouterr().out


def test_counts_mode_sums_repeats_before_judging(tmp_path: Path) -> None:
    quiet = noisy_counts(2 * PER_DAY, flat(3))
    rows = [(ts.strftime("%Y-%m-%d %H:%M:%S"), f"{v:g}") for ts, v in quiet]
    at = 2 * PER_DAY - 20
    # 10 rows of 4 posts at one time: only their sum (40 posts) is a surge
    rows[at + 1 : at + 1] = [(rows[at][0], "4")] * 10
    rows[at + 12 : at + 12] = [(rows[at + 11][0], "4")] * 10
    source = write_series(tmp_path / "s.csv", rows)
    summary = detect_file(source, tmp_path / "o.csv", kind="counts")
    assert summary.alerts == 1
    assert summary.first_alert is not None
    assert summary.first_alert.strftime("%Y-%m-%d %H:%M:%S") in {rows[at][0], rows[at + 11][0]}
