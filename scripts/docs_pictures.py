"""Regenerate the README's pictures of the places map and the digest's questions section.

Runs the demo scenario (an invented city: `jobs/demo.py`) into a temporary SQLite database,
imports `scripts/riverton_places.csv` (invented coordinates for the demo's invented
streets), clusters the questions, attaches an answer to the shelter question twenty hours
before the end, and writes docs/places-map.png and docs/digest-questions.png.

    .venv/bin/python scripts/docs_pictures.py
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.runtime import Runtime
from bot.settings import Settings
from commands import places, question_reports, questions, topics
from commands.period import Period
from jobs.demo import generate
from jobs.ingest import SourceRef
from jobs.questions.cluster import cluster_new_questions
from storage.questions import Questions
from storage.sources import Sources

ROOT = Path(__file__).resolve().parents[1]
TEAM = "demo"


def main() -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'docs.db'}"
        runtime = Runtime(dataclasses.replace(Settings.from_env(), database_url=url))
        ctx = runtime.ctx(TEAM, user_id="UDOCS", now=now)
        topics.add(ctx, "flood", "flood* OR #rivertonflood OR evacuat* OR sandbag*")
        for stream in generate(now):
            row = Sources(runtime.engine).ensure(TEAM, stream.source, stream.kind, now=now)
            assert row.id is not None
            ref = SourceRef(row.id, stream.kind, stream.source)
            for start in range(0, len(stream.posts), 500):
                runtime.ingestor.ingest(TEAM, ref, stream.posts[start : start + 500], now=now)
        places.import_csv(ctx, (ROOT / "scripts" / "riverton_places.csv").read_text())
        cluster_new_questions(runtime.engine, now=datetime.now(UTC) + timedelta(minutes=5))
        period = Period(now - timedelta(hours=30), now, "last 30 hours")
        name, found = places.build(ctx, "flood", period)
        reply = places.render(ctx, name, period, found)
        assert reply.chart is not None
        out = ROOT / "docs"
        out.mkdir(exist_ok=True)
        (out / "places-map.png").write_bytes(reply.chart.png)
        rows = Questions(runtime.engine).figures(TEAM, period.start, period.end, limit=10)
        busiest = next(row for row in rows if "shelter" in row.cluster.text.lower())
        answered_at = now - timedelta(hours=20)
        answer_ctx = runtime.ctx(TEAM, user_id="UDOCS", now=answered_at)
        questions.run(
            f"answer {busiest.cluster.id} https://riverton.example.gov/shelters "
            '"Shelters open at Riverton High and the Civic Centre"',
            answer_ctx,
        )
        day = Period(now - timedelta(days=1), now, "past 24 hours")
        [section] = question_reports.digest_lines(ctx, day)
        _text_png(section, out / "digest-questions.png")
        print(f"wrote {out / 'places-map.png'} and {out / 'digest-questions.png'}")


def _text_png(mrkdwn: str, path: Path) -> None:
    """The digest section as Slack shows it, approximately: bold title, one line each."""
    lines = [
        wrapped
        for line in mrkdwn.splitlines()
        for wrapped in textwrap.wrap(_plain(line), 135, subsequent_indent="    ")
    ]
    figure = Figure(figsize=(10, 0.32 * len(lines) + 0.3), dpi=100)
    FigureCanvasAgg(figure)
    for i, line in enumerate(lines):
        figure.text(
            0.01,
            1 - (i + 0.8) / (len(lines) + 0.5),
            line,
            fontsize=9,
            fontweight="bold" if i == 0 else "normal",
            va="top",
            family="DejaVu Sans",
        )
    figure.savefig(path, format="png", dpi=100)


def _plain(line: str) -> str:
    line = line.replace(":white_check_mark:", "✔").replace(":grey_question:", "?")
    line = line.replace("*", "").replace("`", "").replace("_", "")
    # A Slack link <url|label> shows its label.
    line = re.sub(r"<[^|>]+\|([^>]+)>", r"\1", line)
    return line.replace("$", r"\$")


if __name__ == "__main__":
    main()
