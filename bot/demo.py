"""The scenario behind `earshot demo`: generated posts through the real pipeline."""

from __future__ import annotations

import dataclasses
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bot.console import ConsoleOutput, ConsolePoster
from bot.runtime import Runtime
from bot.scheduler import Ticks
from bot.settings import Settings
from bot.terminal import render_text
from commands import digest_settings, reach, sentiment, sources, topics
from commands.context import Ctx, Reply
from jobs import alerts
from jobs.demo import CITY, EMERGENCY_HOURS, generate
from jobs.ingest import SourceRef
from jobs.triage import assess_help
from storage import reads
from storage.sources import Sources

TEAM = "demo"
TOPICS = [
    ("flood", "flood* OR #rivertonflood OR evacuat* OR sandbag*", "topic"),
    ("water", '"boil water" OR "tap water" OR "water bill"', "topic"),
    ("transit", "bus OR bridge OR (roads NEAR/3 closed)", "topic"),
]
CAMPAIGN = ("ReadyRiverton", "#readyriverton", "campaign")


def run_demo(out: Path, now: datetime) -> Ctx:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    settings = dataclasses.replace(Settings.from_env(), database_url=f"sqlite:///{out / 'demo.db'}")
    rt = Runtime(settings, clock=lambda: now)
    ctx = rt.ctx(TEAM)
    _say(f"Earshot demo: a generated scenario for the invented city of {CITY}.")
    _say("Fourteen days of ordinary local chatter, then a river flood in the last 30 hours.")
    _say(f"Database: {out / 'demo.db'} (SQLite); charts go to {out}/\n")
    for name, query, kind in TOPICS:
        topics.add(ctx, name, query, kind=kind, channel="incidents")
    total = 0
    for stream in generate(now.replace(minute=0, second=0, microsecond=0)):
        row = Sources(rt.engine).ensure(TEAM, stream.source, stream.kind, now=now)
        assert row.id is not None
        ref = SourceRef(row.id, stream.kind, stream.source)
        for start in range(0, len(stream.posts), 500):  # batches, as scans deliver them
            total += rt.ingestor.ingest(
                TEAM, ref, stream.posts[start : start + 500], now=now
            ).new_posts
        Sources(rt.engine).record_success(row.id, now)
    _say(f"Ingested {total:,} generated posts: scored with VADER, matched, rolled up.\n")
    _show(topics.add(ctx, *CAMPAIGN[:2], kind=CAMPAIGN[2]), out, "campaign")
    _show(topics.listing(ctx), out, "topics")
    _show(sources.listing(ctx), out, "sources")
    _show(sentiment.run("flood 7d", ctx), out, "sentiment-flood")
    _show(sentiment.run("transit 48h", ctx), out, "sentiment-transit")
    _show(reach.run("ReadyRiverton 14d", ctx), out, "reach-readyriverton")
    _show(topics.preview(ctx, '"boil water" -RT'), out, "preview")
    _replay_alerts(rt, out, now)
    _show(digest_settings.render_for_date(ctx, None, now.date(), "UTC"), out, "digest")
    _show_help_requests(rt, now)
    _say(
        f"\nExplore further: DATABASE_URL=sqlite:///{out / 'demo.db'} "
        f".venv/bin/earshot --team {TEAM} sentiment flood --since 3d"
    )
    return ctx


def _replay_alerts(rt: Runtime, out: Path, now: datetime) -> None:
    """Walk the clock through the scenario as the scheduler would, printing each alert."""
    _say("\nSpike alerts, as the incident channel would have received them:")
    poster = ConsolePoster(ConsoleOutput(sys.stdout, out / "alerts"))
    ticks = Ticks(rt, poster, owner="demo")
    start = now - timedelta(hours=36)
    sent = 0
    for step in range(0, 36 * 12 + 1):
        moment = start + timedelta(minutes=5 * step)
        events = alerts.check_spikes(rt.engine, now=moment)
        sent += alerts.deliver_alerts(rt.engine, poster, ticks.make_ctx, now=moment, owner="demo")
        for event in events:
            if event.action == "opened":
                onset = now.replace(minute=0, second=0, microsecond=0) - timedelta(
                    hours=EMERGENCY_HOURS
                )
                minutes = int((moment - onset).total_seconds() // 60)
                _say(
                    f"  ({event.topic}: detected at {moment:%d %b %H:%M} UTC, {minutes} min "
                    "after the flood posts began; the scheduler checks every minute, this replay "
                    "every 5)"
                )
    if not sent:
        _say("  none: nothing surged beyond its usual rhythm")


def _show_help_requests(rt: Runtime, now: datetime) -> None:
    """Posts from residents who need something, with why they would be routed."""
    _say("\nResidents asking for help (what /earshot route would send to agency channels):")
    seen: set[str] = set()  # the generated posts repeat; show each text once
    for chunk in reads.iter_posts(rt.engine, TEAM, start=now - timedelta(hours=30)):
        for post in chunk:
            verdict = assess_help(post.text)
            if verdict.routable and len(seen) < 4 and post.text not in seen:
                seen.add(post.text)
                needs = ", ".join(n.category for n in verdict.needs)
                _say(f"• {post.text}\n    -> {needs}; {verdict.reasons[0]}")
    if not seen:
        _say("  none found")


def _show(reply: Reply, out: Path, name: str) -> None:
    print(render_text(reply))
    if reply.chart is not None:
        path = out / f"{name}.png"
        path.write_bytes(reply.chart.png)
        print(f"  [chart: {path} — {reply.chart.alt_text}]")


def _say(text: str) -> None:
    print(text)
