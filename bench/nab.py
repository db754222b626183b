"""NAB realTweets benchmark: the shipped detector (as `earshot detect`) vs baseline and leaderboard.

Usage: .venv/bin/python bench/nab.py [--sensitivity normal] [--sweep]

How the defaults were chosen (normal preset, one parameter set for all files):
the z threshold (4.5), ratio (x2), floor (10 posts), confirmation by a second
bucket and a half-hour sustained channel were set by reasoning about what a
person calls a surge, then checked with the small grid that `--sweep` reruns
(z 4/4.5/5 x cooldown 12 h/24 h x sustained weight 0.1/0.2). Scores on that grid
span roughly 62-74. The shipped point is the grid's best; z 4.5 is its middle
value, 12 h and 0.1 are also what production wants (at most two messages a day
per topic, a half-hour average). A neighbour moves the score by a window or
two, which on 17 windows is noise (24 h cooldown loses a UPS window to an
alert opened just before it): read the score as "about 70", not as a precise
number. It does not beat ARTime (81.0); it beats every other published detector.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.spikes import SENSITIVITIES, DetectorConfig, Sensitivity  # noqa: E402
from jobs.spikes.replay import detect_file  # noqa: E402

SHARED = ROOT / ".." / "shared"
DATA = SHARED / "data" / "nab-realtweets" / "data"
BENCH = SHARED / "bench"
SWEEP_GRID = {
    "z_threshold": (4.0, 4.5, 5.0),
    "cooldown_minutes": (720, 1440),
    "recent_rate": (0.1, 0.2),
}


def score_dir(results: Path, quiet: bool = False) -> float:
    """Run NAB's scorer on a folder of alert CSVs; returns the standard score."""
    report = results / "score.json"
    command = [sys.executable, str(BENCH / "nab_score.py"), str(results), "--column", "alert"]
    command += ["--profiles", "standard", "--json", str(report)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    if not quiet:
        print(completed.stdout.rstrip())
    return float(json.loads(report.read_text())["profiles"]["standard"]["normalized"])


def run_detector(out: Path, sensitivity: Sensitivity, config: DetectorConfig | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for series in sorted(DATA.rglob("*.csv")):
        detect_file(series, out / series.name, sensitivity, config)


def run_baseline(out: Path, cooldown: int) -> float:
    command = [sys.executable, str(BENCH / "baseline_zscore.py"), str(out)]
    subprocess.run([*command, "--cooldown", str(cooldown)], capture_output=True, check=True)
    return score_dir(out, quiet=True)


def sweep(work: Path) -> None:
    print("\nsweep (normal preset with these overrides):")
    for index, values in enumerate(itertools.product(*SWEEP_GRID.values())):
        overrides = dict(zip(SWEEP_GRID, values, strict=True))
        out = work / f"sweep{index}"
        run_detector(out, "normal", DetectorConfig.for_sensitivity("normal", **overrides))
        print(f"  {overrides}: {score_dir(out, quiet=True):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sensitivity", choices=SENSITIVITIES, default="normal")
    parser.add_argument("--sweep", action="store_true", help="also rerun the documented grid")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"NAB data not found at {DATA}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="earshot-nab-") as tmp:
        work = Path(tmp)
        sensitivity: Sensitivity = args.sensitivity
        run_detector(work / "earshot", sensitivity)
        print(f"== earshot detector, sensitivity={args.sensitivity} (shipped defaults)")
        ours = score_dir(work / "earshot")
        print("\n== baseline_zscore.py (k=4, window=288)")
        raw = run_baseline(work / "zscore", 0)
        one_a_day = run_baseline(work / "zscore_cooldown", 288)
        if args.sweep:
            sweep(work)
    print("\n== comparison (nab_realtweets_standard_score)")
    with (BENCH / "leaderboard_realtweets_dev.csv").open(newline="") as handle:
        board = [(row["detector"], float(row["dev_std_nabthr"])) for row in csv.DictReader(handle)]
    board += [
        (f"earshot ({args.sensitivity})", ours),
        ("baseline_zscore, no cooldown", raw),
        ("baseline_zscore, cooldown 288", one_a_day),
    ]
    for name, value in sorted(board, key=lambda item: -item[1]):
        print(f"  {name:32s} {value:7.2f}")
    print(f"\nbaseline_zscore_score={raw:.4f}")
    print(f"nab_realtweets_standard_score={ours:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
