"""Run every benchmark script in turn, printing each one's figures (`make bench`).

Usage: .venv/bin/python bench/run_all.py [--full] [--only NAME ...]

The default sizes keep the whole run to about ten minutes on two cores; `--full` uses
the sizes the performance issue asks for (10 million stored posts for the read bench,
the real posts grown to 5 rounds, 307,225 posts, for ingest) and takes much longer.
`train_triage.py` is not run: it fits 20 leave-one-event-out models and rewrites
jobs/triage/model.npz. A failing script is
reported and the others still run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "")

# (script, default arguments, --full arguments)
SCRIPTS: list[tuple[str, list[str], list[str]]] = [
    ("bench_ingest.py", [], ["--rounds", "5"]),
    ("bench_reads.py", ["--sizes", "10000,1000000"], ["--sizes", "10000,1000000,10000000"]),
    ("bench_http.py", ["--requests", "300"], ["--requests", "1000"]),
    ("bench_matcher.py", [], []),
    ("bench_sentiment.py", ["--total", "50000"], []),
    ("nab.py", [], []),
    ("crisis_replay.py", [], []),
    ("crisis_t6.py", [], []),
    ("negative_share.py", [], []),
    ("bench_language.py", [], []),
]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--full", action="store_true", help="the issue's full sizes")
    options.add_argument("--only", nargs="*", help="script names to run (default: all)")
    args = options.parse_args()
    failed: list[str] = []
    started_all = time.perf_counter()
    for script, quick, full in SCRIPTS:
        if args.only and script.removesuffix(".py") not in {
            n.removesuffix(".py") for n in args.only
        }:
            continue
        if not (BENCH / script).is_file():
            print(f"== {script}: not present, skipped", flush=True)
            continue
        extra = full if args.full else quick
        if script == "bench_ingest.py" and PG_URL:
            extra = [*extra, "--postgres", PG_URL]
        print(f"== {script} {' '.join(extra)}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(BENCH / script), *extra], check=False)
        seconds = time.perf_counter() - started
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"== {script}: {status} in {seconds:.0f} s\n", flush=True)
        if result.returncode != 0:
            failed.append(script)
    print(f"all benchmarks: {time.perf_counter() - started_all:.0f} s", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "; all ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
