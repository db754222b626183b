"""Scan jobs: fetch each due source, ingest, and record its health; one failure stops none."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine

from jobs.ingest import Ingestor, IngestTimings, SourceRef
from jobs.sources.base import SourceError
from jobs.sources.registry import build_source
from storage.models import SourceRow
from storage.post_guard import describe
from storage.sources import Sources
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
LEASE_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    source: str
    team_id: str
    ok: bool
    new_posts: int = 0
    matches: int = 0
    status: str = "ok"
    error: str | None = None
    skipped: bool = False


def worker_id() -> str:
    """Identifies this process in leases, so two workers never scan one source at once."""
    return f"{socket.gethostname()}:{os.getpid()}"


def release_dead_local_leases(engine: Engine) -> int:
    """Free leases held by processes of this host that no longer exist (killed mid-scan),
    so a restarted worker picks their sources up at once instead of after the TTL."""
    host = socket.gethostname()
    sources = Sources(engine)
    freed = 0
    for row in sources.leased_by_host(host):
        owner = row.lease_owner or ""
        pid = owner.rsplit(":", 1)[1]
        if (
            row.id is not None
            and pid.isdigit()
            and int(pid) != os.getpid()
            and not _alive(int(pid))
        ):
            sources.release(row.id, owner)
            freed += 1
    return freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def run_scan(
    ingestor: Ingestor,
    row: SourceRow,
    client: httpx.Client,
    *,
    now: Callable[[], datetime],
    owner: str | None = None,
    sleep: Callable[[float], None] | None = None,
    open_settings: Callable[[dict[str, str]], dict[str, str]] = dict,
) -> ScanOutcome:
    """Scan one source under a lease; the cursor moves only with a committed batch."""
    sources = Sources(ingestor.engine)
    owner = owner or worker_id()
    assert row.id is not None
    if not sources.claim(row.id, owner, now(), LEASE_TTL):
        return ScanOutcome(row.name, row.team_id, ok=True, status="busy", skipped=True)
    try:
        kwargs = {"sleep": sleep} if sleep else {}
        try:
            source = build_source(row.kind, open_settings(row.settings), client, now=now, **kwargs)
        except ValueError as exc:  # settings that no longer validate, or sealed with another key
            raise SourceError(f"{row.kind} source {row.name}: {exc}", status="failing") from None
        fetch_started = time.perf_counter()
        result = source.fetch(row.cursor)
        fetched = time.perf_counter() - fetch_started
        workspace = Workspaces(ingestor.engine).get(row.team_id)
        timings = IngestTimings()
        batch = ingestor.ingest(
            row.team_id,
            SourceRef(row.id, row.kind, row.name),
            result.posts,
            now=now(),
            cursor=result.cursor,
            advance_cursor=True,
            pseudonymize=bool(workspace and workspace.pseudonymize_authors),
            timings=timings,
        )
        notes = list(result.warnings)
        if batch.rejected:
            notes.append(describe(batch.rejected))
        note = "; ".join(notes) or None
        sources.record_success(row.id, now(), note=note)
        if batch.rejected:
            log.warning("source %s/%s: %s", row.team_id, row.name, notes[-1])
        log.info(
            "scanned %s/%s: %d fetched, %d new, %d matches; fetch %.2f s, ingest %s",
            row.team_id,
            row.name,
            len(result.posts),
            batch.new_posts,
            batch.matches,
            fetched,
            timings.per_post_ms(len(result.posts)),
        )
        return ScanOutcome(
            row.name, row.team_id, ok=True, new_posts=batch.new_posts, matches=batch.matches
        )
    except SourceError as exc:
        sources.record_failure(
            row.id, now(), status=exc.status, error=str(exc), retry_after=exc.retry_after
        )
        log.warning("source %s/%s failed (%s): %s", row.team_id, row.name, exc.status, exc)
        return ScanOutcome(row.name, row.team_id, ok=False, status=exc.status, error=str(exc))
    except Exception as exc:  # a broken source or parser must never stop the others
        # The exception's text stays in the log: it may quote what a server sent.
        message = (
            f"{row.kind} source {row.name}: Earshot failed reading it ({type(exc).__name__}), "
            "a bug rather than a problem with the source; the log has the details, and the "
            "next scan tries again"
        )
        sources.record_failure(row.id, now(), status="failing", error=message)
        log.exception("source %s/%s crashed", row.team_id, row.name)
        return ScanOutcome(row.name, row.team_id, ok=False, status="failing", error=message)
    finally:
        sources.release(row.id, owner)


def scan_due(
    ingestor: Ingestor,
    client: httpx.Client,
    *,
    now: Callable[[], datetime],
    team_id: str | None = None,
    owner: str | None = None,
    limit: int = 50,
    sleep: Callable[[float], None] | None = None,
    open_settings: Callable[[dict[str, str]], dict[str, str]] = dict,
) -> list[ScanOutcome]:
    """Lease due sources (of one team, or all) and scan each, isolated from the others.

    Several workers can run this at once: each leases different sources.
    """
    owner = owner or worker_id()
    release_dead_local_leases(ingestor.engine)
    rows = Sources(ingestor.engine).claim_due(owner, now(), LEASE_TTL, limit, team_id)
    return [
        run_scan(
            ingestor, row, client, now=now, owner=owner, sleep=sleep, open_settings=open_settings
        )
        for row in rows
    ]
