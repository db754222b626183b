"""Slash commands in HTTP mode under load: signed requests, 20 at a time, ack latency.

Usage: .venv/bin/python bench/bench_http.py [--requests 300] [--concurrency 20]

Starts `earshot run --http` on loopback against a seeded SQLite database (CrisisLex
tweets imported with `import_file`) and the fake Slack server (SLACK_API_URL), then sends
signed /sentiment, /reach and /earshot requests from a thread pool in this process.
Slack wants every request acknowledged within 3 s; this prints the ack latencies.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake Slack server lives with the tests

from corpus import crisislex_texts, write_jsonl  # noqa: E402

from jobs.import_file import import_file  # noqa: E402
from jobs.ingest import Ingestor  # noqa: E402
from jobs.sentiment import Scorer  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from storage.topics import Topics  # noqa: E402
from tests.slack_support import (  # noqa: E402
    SECRET,
    AdminAwareFakeSlack,
    command_body,
    signed_headers,
)

COMMANDS = [
    ("/sentiment", "flood 30d"),
    ("/reach", "flood 30d"),
    ("/earshot", "topics list"),
    ("/sentiment", "fire 7d"),
    ("/earshot", "sources list"),
]
FORM = {"content-type": "application/x-www-form-urlencoded"}


def seed(url: str, folder: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    Topics(engine).add("T111", "flood", "flood* OR #abflood", now=now, kind="campaign")
    Topics(engine).add("T111", "fire", "fire OR wildfire* OR smoke", now=now)
    # Times spread over the last 30 days, so the reports have something to show.
    texts = crisislex_texts()[:20_000]
    path = write_jsonl(folder / "seed.jsonl", texts, start=now - timedelta(days=30))
    summary = import_file(Ingestor(engine, Scorer()), "T111", path, now=now, scorer=Scorer())
    print(f"  seeded {summary.new_posts:,} posts, {summary.matches:,} topic matches")
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("earshot run --http exited during start-up")
        time.sleep(0.1)
    raise SystemExit("earshot run --http did not come up in 60 s")


def one_request(
    client: httpx.Client, base: str, slack: AdminAwareFakeSlack, n: int
) -> tuple[float, int]:
    command, text = COMMANDS[n % len(COMMANDS)]
    # A distinct trigger_id, as Slack sends: identical signed bodies are refused as replays.
    body = command_body(command, text, response_url=slack.response_url()) + f"&trigger_id=b{n}"
    started = time.perf_counter()
    response = client.post(
        f"{base}/slack/events", content=body.encode(), headers={**FORM, **signed_headers(body)}
    )
    # Bolt answers 404 "unhandled request" when a listener did not ack within 3 s.
    return time.perf_counter() - started, response.status_code


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--requests", type=int, default=300)
    options.add_argument("--concurrency", type=int, default=20)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as name, AdminAwareFakeSlack() as slack:
        folder = Path(name)
        url = f"sqlite:///{folder / 'http.db'}"
        seed(url, folder)
        slack.add_team("T111")
        slack.add_channel("C111", "T111")
        slack.add_member("U111", "T111")
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-T111-fake",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.base_url,
            "MPLBACKEND": "Agg",
        }
        command = [sys.executable, "-m", "bot", "run", "--http", "--port", str(port)]
        process = subprocess.Popen(
            command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, process)
            limits = httpx.Limits(max_connections=args.concurrency)
            with (
                httpx.Client(timeout=30, limits=limits) as client,
                ThreadPoolExecutor(args.concurrency) as pool,
            ):
                started = time.perf_counter()
                ordinals = range(args.requests)
                results = list(
                    pool.map(
                        one_request,
                        itertools.repeat(client),
                        itertools.repeat(base),
                        itertools.repeat(slack),
                        ordinals,
                    )
                )
                wall = time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    report(results, wall, args.concurrency)


def report(results: list[tuple[float, int]], wall: float, concurrency: int) -> None:
    latencies = [seconds for seconds, _ in results]
    ordered = sorted(latencies)
    failed = sum(1 for _, status in results if status != 200)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    late = sum(1 for s in latencies if s >= 3.0)
    print(
        f"  {len(latencies)} signed commands, {concurrency} at a time, in {wall:.1f} s: ack "
        f"p50 {pct(50):.0f} ms, p90 {pct(90):.0f} ms, p99 {pct(99):.0f} ms, max "
        f"{ordered[-1] * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms; "
        f"{late} of {len(latencies)} at or over 3 s; {failed} not acknowledged (HTTP != 200)"
    )


if __name__ == "__main__":
    main()
