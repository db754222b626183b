"""`earshot topic import FILE.csv`: many topics at once, as an agency moving from another tool.

Columns `name,query` (required) and `kind`, `channel` (optional), with a header row.
Every row is checked first (name, kind, query syntax, names repeated in the file or
already taken in the workspace); one bad row saves nothing, and every bad row is named
with its line, the problem and, for a query, the position. A good file is saved in one
transaction and backfilled in one pass over the stored posts for all its topics.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from commands import mentions
from commands.context import Ctx, Reply, UsageError
from commands.query import QueryError, parse
from commands.topics import NAME, backfill_many
from storage import audit
from storage.topics import TOPIC_KINDS, DuplicateNameError, NewTopic, Topics

REQUIRED = ("name", "query")
OPTIONAL = ("kind", "channel")
SHOWN_PROBLEMS = 50  # the message lists this many; the count is always exact


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row: its line in the file, the problem, where in the query."""

    line: int
    problem: str
    position: int | None = None
    pointer: str | None = None

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.position is not None:
            where += f", query position {self.position}"
        text = f"{where}: {self.problem}"
        return text + (f"\n```{self.pointer}```" if self.pointer else "")


def read_rows(data: str) -> tuple[list[tuple[int, NewTopic]], list[RowProblem]]:
    """Parse and check every row; returns the good rows (with lines) and the problems."""
    reader = csv.reader(io.StringIO(data, newline=""))
    header = next(reader, None)
    if header is None:
        raise UsageError("The topics file is empty: it needs a header row `name,query`.")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(columns)) != len(columns):
        raise UsageError(
            "Line 1 (header) must name the columns `name,query` and optionally `kind`, "
            f"`channel`, once each; found {','.join(header)!r}."
        )
    at = {name: columns.index(name) for name in columns}
    good: list[tuple[int, NewTopic]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    for fields in reader:
        start, line = line, reader.line_num + 1  # a quoted query may span lines
        if not any(field.strip() for field in fields):
            continue
        checked = _check_row(start, fields, at, seen)
        if isinstance(checked, RowProblem):
            problems.append(checked)
        else:
            seen[checked.name] = start
            good.append((start, checked))
    return good, problems


def _check_row(
    line: int, fields: list[str], at: dict[str, int], seen: dict[str, int]
) -> NewTopic | RowProblem:
    if len(fields) != len(at):
        return RowProblem(line, f"expected {len(at)} fields, found {len(fields)}")
    name = fields[at["name"]].strip()
    query = fields[at["query"]].strip()
    kind = fields[at["kind"]].strip().lower() if "kind" in at else ""
    channel = fields[at["channel"]].strip() if "channel" in at else ""
    if not NAME.match(name):
        return RowProblem(
            line,
            f"name {name!r} is not allowed: up to 80 letters, digits, `_`, `-`, `.` or `#`, "
            "no spaces",
        )
    if name in seen:
        return RowProblem(line, f"name {name!r} is already used on line {seen[name]}")
    if kind and kind not in TOPIC_KINDS:
        return RowProblem(line, f"unknown kind {kind!r}: use {' or '.join(TOPIC_KINDS)}")
    if not query:
        return RowProblem(line, "the query is empty")
    try:
        parse(query)
    except QueryError as exc:
        return RowProblem(line, exc.message, exc.position, exc.pointer(query))
    return NewTopic(name, query, kind or "topic", channel or None)


def import_topics(ctx: Ctx, data: str) -> Reply:
    """Save every topic of the CSV text `data`, or none of them if any row is bad."""
    ctx.require_admin("add topics")
    good, problems = read_rows(data)
    store = Topics(ctx.engine)
    taken = {topic.name for topic in store.all(ctx.team_id)}
    problems += [
        RowProblem(line, f"a topic named {topic.name!r} already exists in this workspace")
        for line, topic in good
        if topic.name in taken
    ]
    good, unknown = _channel_ids(ctx, good)
    problems += unknown
    if problems:
        problems.sort(key=lambda p: p.line)
        shown = "\n".join(p.describe() for p in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        raise UsageError(
            f"No topics saved: {len(problems):,} bad row(s). Fix them and import again.\n"
            + shown
            + (f"\n... and {more:,} more" if more > 0 else "")
        )
    if not good:
        raise UsageError("The topics file has a header but no topics.")
    try:
        saved = store.add_many(
            ctx.team_id, [topic for _, topic in good], created_by=ctx.user_id, now=ctx.now
        )
    except DuplicateNameError as exc:  # a name taken since the check: nothing was saved
        raise UsageError(f"No topics saved: {exc}") from exc
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="topic.import",
        target=f"{len(saved)} topics",
        now=ctx.now,
        names=[name for _, name, _ in saved][:100],
    )
    matched = backfill_many(ctx, [(topic_id, query) for topic_id, _, query in saved])
    return Reply(
        text=f"Saved {len(saved):,} topics; {matched:,} matches with stored posts.",
        data={"saved": len(saved), "backfilled": matched, "names": [n for _, n, _ in saved]},
    )


__all__ = ["RowProblem", "import_topics", "read_rows"]


def _channel_ids(
    ctx: Ctx, rows: list[tuple[int, NewTopic]]
) -> tuple[list[tuple[int, NewTopic]], list[RowProblem]]:
    """Each row's channel as an id (`#name`, `<#C1|name>` or `C1`), as `topics add` stores it."""
    resolved: list[tuple[int, NewTopic]] = []
    problems: list[RowProblem] = []
    for line, topic in rows:
        if topic.channel is None:
            resolved.append((line, topic))
            continue
        try:
            channel = mentions.resolve(ctx, topic.channel, "channel")
        except UsageError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        resolved.append((line, topic._replace(channel=channel)))
    return resolved, problems
